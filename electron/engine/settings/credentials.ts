import { z } from 'zod';
import type { Clock } from '../common/clock';
import { ANALYTICS_TOKEN_LIFETIME_MS, dailyTokenExpiryOf, readJwtClaims } from '../upstox/token-expiry';
import type { SecretVault } from './vault';

/** Vault entries: the values are secrets; the session and app entries hold what goes with them. */
const DAILY_TOKEN = 'upstox-access-token';
const DAILY_SESSION = 'upstox-session';
const ANALYTICS_TOKEN = 'upstox-analytics-token';
const API_SECRET = 'upstox-api-secret';
const APP = 'upstox-app';

export type DailyTokenSource = 'login' | 'settings' | 'environment';
export type SecretStorage = SecretVault['storage'] | 'environment';

export interface DailyToken {
  value: string;
  source: DailyTokenSource;
  storage: SecretStorage;
  issuedAt: number | null;
  /** Null only for an environment token that does not say (not a JWT). */
  expiresAt: number | null;
  userId: string | null;
  userName: string | null;
}

export interface AnalyticsToken {
  value: string;
  storage: SecretStorage;
  setAt: number;
  expiresAt: number;
}

export interface UpstoxApp {
  clientId: string;
  /** Null: the Local API's own callback. */
  redirectUri: string | null;
}

const SessionSchema = z.object({
  source: z.enum(['login', 'settings']),
  issuedAt: z.number(),
  expiresAt: z.number().nullable(),
  userId: z.string().nullable(),
  userName: z.string().nullable(),
});
const AppSchema = z.object({ clientId: z.string(), redirectUri: z.string().nullable() });

export type TokenKind = 'daily' | 'analytics';
export interface TokenChoice {
  token: string;
  kind: TokenKind;
}

export interface CredentialsDeps {
  vault: SecretVault;
  clock: Clock;
  /** `UPSTOX_ACCESS_TOKEN`: used unless a token from the Login flow is stored. */
  environmentToken?: string | undefined;
}

/**
 * The vault read once per entry, then from memory: a token is chosen for every Upstox call, and a read is a file
 * read (and, on the desktop, a keychain decryption). Only this process writes the vault, through here.
 */
function readThrough(vault: SecretVault): SecretVault {
  const known = new Map<string, { value: string; updatedAt: number } | null>();
  return {
    storage: vault.storage,
    read(name) {
      if (!known.has(name)) known.set(name, vault.read(name));
      return known.get(name)!;
    },
    write(name, value, now) {
      vault.write(name, value, now);
      known.delete(name);
    },
    remove(name) {
      vault.remove(name);
      known.set(name, null);
    },
  };
}

function readJson<T>(vault: SecretVault, name: string, schema: z.ZodType<T>): T | null {
  const stored = vault.read(name);
  if (!stored) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(stored.value));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * The Upstox secrets and which one each call uses: the daily access token (from the Login flow, pasted, or the
 * environment), the optional one-year Analytics token for market data, and the app's API key and secret. Values stay
 * in the vault; only hints and times leave this file.
 */
export function createUpstoxCredentials({ vault: stored, clock, environmentToken }: CredentialsDeps) {
  const vault = readThrough(stored);
  /** Routes that refused the Analytics token this run: market data on them goes with the daily token. */
  const analyticsRefused = new Set<string>();

  function storedDaily(): DailyToken | null {
    const stored = vault.read(DAILY_TOKEN);
    if (!stored) return null;
    const session = readJson(vault, DAILY_SESSION, SessionSchema);
    const issuedAt = session?.issuedAt ?? stored.updatedAt;
    return {
      value: stored.value,
      source: session?.source ?? 'settings',
      storage: vault.storage,
      issuedAt,
      expiresAt: session?.expiresAt ?? dailyTokenExpiryOf(stored.value, issuedAt),
      userId: session?.userId ?? null,
      userName: session?.userName ?? null,
    };
  }

  function daily(): DailyToken | null {
    const stored = storedDaily();
    if (stored?.source === 'login' || !environmentToken) return stored;
    const claims = readJwtClaims(environmentToken);
    return {
      value: environmentToken,
      source: 'environment',
      storage: 'environment',
      issuedAt: claims?.iat !== undefined ? claims.iat * 1000 : null,
      expiresAt: dailyTokenExpiryOf(environmentToken, null),
      userId: typeof claims?.sub === 'string' ? claims.sub : null,
      userName: null,
    };
  }

  const alive = (expiresAt: number | null) => expiresAt === null || expiresAt > clock.now();

  function analytics(): AnalyticsToken | null {
    const stored = vault.read(ANALYTICS_TOKEN);
    if (!stored) return null;
    const exp = readJwtClaims(stored.value)?.exp;
    return {
      value: stored.value,
      storage: vault.storage,
      setAt: stored.updatedAt,
      expiresAt: exp !== undefined ? exp * 1000 : stored.updatedAt + ANALYTICS_TOKEN_LIFETIME_MS,
    };
  }

  function usableDaily(): string | null {
    const token = daily();
    return token && alive(token.expiresAt) ? token.value : null;
  }

  function usableAnalytics(): string | null {
    const token = analytics();
    return token && alive(token.expiresAt) ? token.value : null;
  }

  return {
    daily,
    analytics,
    usableDaily,
    usableAnalytics,
    /** Live while any Upstox token is stored, expired or not: a lapsed login keeps the live world, never demo data. */
    hasAny: () => daily() !== null || analytics() !== null,
    /** Market data: the Analytics token unless this route refused it, else the daily token. */
    forMarketData(route: string): TokenChoice | null {
      const analyticsToken = usableAnalytics();
      if (analyticsToken && !analyticsRefused.has(route)) return { token: analyticsToken, kind: 'analytics' };
      const dailyToken = usableDaily();
      return dailyToken ? { token: dailyToken, kind: 'daily' } : null;
    },
    /** Orders, positions and the account: only ever the daily token. */
    forAccount(): TokenChoice | null {
      const dailyToken = usableDaily();
      return dailyToken ? { token: dailyToken, kind: 'daily' } : null;
    },
    /** Records that `route` refused the Analytics token; true the first time, so the app says so once. */
    refuseAnalytics(route: string): boolean {
      if (analyticsRefused.has(route)) return false;
      analyticsRefused.add(route);
      return true;
    },
    analyticsRefusedBy: (): string[] => [...analyticsRefused].sort(),
    /** The soonest moment a usable token dies, for the timer that stops asking Upstox then. */
    nextExpiry(): number | null {
      const now = clock.now();
      const times = [daily()?.expiresAt, analytics()?.expiresAt].filter(
        (t): t is number => typeof t === 'number' && t > now,
      );
      return times.length > 0 ? Math.min(...times) : null;
    },
    setDaily(value: string, session: { source: 'login' | 'settings'; userId?: string; userName?: string }): void {
      const issuedAt = clock.now();
      vault.write(DAILY_TOKEN, value, issuedAt);
      const record: z.infer<typeof SessionSchema> = {
        source: session.source,
        issuedAt,
        expiresAt: dailyTokenExpiryOf(value, issuedAt),
        userId: session.userId ?? null,
        userName: session.userName ?? null,
      };
      vault.write(DAILY_SESSION, JSON.stringify(record), issuedAt);
    },
    clearDaily(): void {
      vault.remove(DAILY_TOKEN);
      vault.remove(DAILY_SESSION);
    },
    setAnalytics(value: string): void {
      vault.write(ANALYTICS_TOKEN, value, clock.now());
      analyticsRefused.clear();
    },
    clearAnalytics(): void {
      vault.remove(ANALYTICS_TOKEN);
      analyticsRefused.clear();
    },
    app: (): UpstoxApp | null => readJson(vault, APP, AppSchema),
    apiSecret: (): string | null => vault.read(API_SECRET)?.value ?? null,
    setApp(app: UpstoxApp, apiSecret: string | undefined): void {
      const now = clock.now();
      vault.write(APP, JSON.stringify(app), now);
      if (apiSecret !== undefined) vault.write(API_SECRET, apiSecret, now);
    },
    storage: vault.storage,
  };
}
export type UpstoxCredentials = ReturnType<typeof createUpstoxCredentials>;
