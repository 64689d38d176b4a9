import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type {
  LoginCallback,
  LoginOutcome,
  LoginStart,
  LoginStatus,
  UpstoxAppInput,
} from '../../../shared/domain/login';
import { WorkstationError } from '../../../shared/errors';
import { istDate } from '../../../shared/time';
import type { Clock, TimerHandle } from '../common/clock';
import type { Emit } from '../common/events';
import type { Logger } from '../common/logger';
import type { TradingDays } from '../jobs/scheduler';
import { hintOf } from '../common/hint';
import type { UpstoxCredentials } from '../settings/credentials';
import { UpstoxApiError } from '../upstox/errors';
import { dialogUrl, exchangeCode, loginFailureMessage, logoutToken } from '../upstox/login-client';
import type { UpstoxCall, UpstoxToken } from '../upstox/rest';
import { isMarketDataCall, routeOf } from '../upstox/token-routes';

const LOGIN_EXPIRED = 'the Upstox login expired at 03:30 IST: log in again';

/** A login not finished within this is void: its state is forgotten. */
export const LOGIN_STATE_TTL_MS = 10 * 60_000;
/** Logins started and not finished that are remembered at once; older ones are dropped. */
const MAX_PENDING = 4;
/** Timers are re-armed at least this often, so a far expiry (the Analytics token's year) never overflows one. */
const MAX_TIMER_MS = 6 * 3_600_000;

export interface LoginServiceDeps {
  credentials: UpstoxCredentials;
  /** The world and the feed act on a new (or no) token before this resolves. */
  tokenChanged: () => Promise<void>;
  /** Runs again what failed for want of a login (imports, a deep-dive); never an order. */
  rerunWaitingOnLogin: () => void;
  calendar: TradingDays;
  clock: Clock;
  logger: Logger;
  emit: Emit;
  http: typeof fetch;
  /** Upstox's REST host: the dialog, the token exchange and logout. */
  apiUrl: string;
  /** The Local API's callback, e.g. `http://127.0.0.1:7420/oauth/upstox/callback`. */
  defaultRedirectUri: () => string;
}

interface PendingLogin {
  digest: Buffer;
  startedAt: number;
  expiresAt: number;
  clientId: string;
  redirectUri: string;
}

const digestOf = (state: string) => createHash('sha256').update(state).digest();
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * The daily Upstox login: OAuth through Upstox's dialog with a single-use state, the token's 03:30 IST death
 * watched by a timer, logout, and which token each Upstox call uses (the Analytics token for market data while
 * a route takes it). Tokens and the API secret never leave the vault but as hints.
 */
export function createLoginService(deps: LoginServiceDeps) {
  const { credentials, clock, logger, emit } = deps;
  const pending: PendingLogin[] = [];
  let lastAttempt: LoginStatus['lastAttempt'] = null;
  let expiryTimer: TimerHandle | undefined;
  let analyticsExpiryAnnounced = false;
  const startedOn = istDate(clock.now());

  function prune(): void {
    const now = clock.now();
    for (let i = pending.length - 1; i >= 0; i--) if (pending[i]!.expiresAt <= now) pending.splice(i, 1);
  }

  function redirectUri(): string {
    return credentials.app()?.redirectUri ?? deps.defaultRedirectUri();
  }

  function status(): LoginStatus {
    prune();
    const now = clock.now();
    const app = credentials.app();
    const secret = credentials.apiSecret();
    const daily = credentials.daily();
    const analytics = credentials.analytics();
    const dailyAlive = credentials.usableDaily() !== null;
    const analyticsAlive = credentials.usableAnalytics() !== null;
    const ready = Boolean(app?.clientId && secret);
    const latest = pending.at(-1);
    return {
      app: {
        clientId: app?.clientId ?? null,
        apiSecret: { present: secret !== null, hint: secret === null ? null : hintOf(secret) },
        redirectUri: redirectUri(),
        defaultRedirectUri: deps.defaultRedirectUri(),
        ready,
      },
      daily: daily
        ? {
            present: true,
            hint: hintOf(daily.value),
            source: daily.source,
            storage: daily.storage,
            issuedAt: iso(daily.issuedAt),
            expiresAt: iso(daily.expiresAt),
            expired: !dailyAlive,
            userId: daily.userId,
            userName: daily.userName,
          }
        : {
            present: false,
            hint: null,
            source: 'none',
            storage: 'none',
            issuedAt: null,
            expiresAt: null,
            expired: false,
            userId: null,
            userName: null,
          },
      analytics: {
        present: analytics !== null,
        hint: analytics ? hintOf(analytics.value) : null,
        storage: analytics ? analytics.storage : 'none',
        expiresAt: analytics ? iso(analytics.expiresAt) : null,
        expired: analytics !== null && !analyticsAlive,
        refusedBy: credentials.analyticsRefusedBy(),
      },
      marketData: analyticsAlive ? 'analytics' : dailyAlive ? 'daily' : 'none',
      ordersAvailable: dailyAlive,
      pending: latest
        ? { startedAt: new Date(latest.startedAt).toISOString(), expiresAt: iso(latest.expiresAt)! }
        : null,
      lastAttempt,
      offerLogin:
        (ready || credentials.hasAny()) && !dailyAlive && startedOn === istDate(now) && deps.calendar.isTradingDay(now),
    };
  }

  const announce = () => emit('login_changed', status());

  function record(outcome: LoginOutcome, message: string, upstoxCode: string | null = null): void {
    lastAttempt = { outcome, message, at: new Date(clock.now()).toISOString(), upstoxCode };
    logger.info('upstox login', { outcome, upstoxCode });
    announce();
  }

  /** Finds the pending login of `state` in constant time per entry and takes it out: a state works once. */
  function takePending(state: string): PendingLogin | null {
    const digest = digestOf(state);
    let found: PendingLogin | null = null;
    for (const entry of pending) if (timingSafeEqual(entry.digest, digest)) found = entry;
    if (found) pending.splice(pending.indexOf(found), 1);
    return found;
  }

  function armExpiryTimer(): void {
    clock.clearTimeout(expiryTimer);
    const next = credentials.nextExpiry();
    if (next === null) return;
    const wait = Math.min(MAX_TIMER_MS, Math.max(0, next - clock.now()));
    expiryTimer = clock.setTimeout(() => void onTimer(), wait);
  }

  /**
   * A token died: the daily one stops orders (and market data, unless the Analytics token carries it, in which
   * case the feed keeps its socket); the Analytics one hands market data back to the daily token.
   */
  async function onTimer(): Promise<void> {
    const daily = credentials.daily();
    const now = clock.now();
    const dailyLapsed = daily?.expiresAt != null && daily.expiresAt <= now && lastAttempt?.outcome !== 'expired';
    const analytics = credentials.analytics();
    const analyticsLapsed = analytics !== null && analytics.expiresAt <= now && !analyticsExpiryAnnounced;
    if (dailyLapsed) record('expired', LOGIN_EXPIRED);
    if (analyticsLapsed) {
      analyticsExpiryAnnounced = true;
      logger.warn('upstox analytics token expired');
      announce();
    }
    const marketDataLost = analyticsLapsed || (dailyLapsed && credentials.usableAnalytics() === null);
    if (marketDataLost)
      await deps.tokenChanged().catch((error: unknown) => logger.error('token change failed', { error }));
    armExpiryTimer();
  }

  async function fail(message: string, error?: unknown): Promise<never> {
    const upstoxCode = error instanceof UpstoxApiError ? (error.upstoxCode ?? null) : null;
    record('failed', message, upstoxCode);
    throw new WorkstationError(
      error instanceof UpstoxApiError && error.kind === 'transient' ? 'UNAVAILABLE' : 'VALIDATION_FAILED',
      message,
      [{ path: ['code'], message }],
    );
  }

  return {
    status,
    setApp(input: UpstoxAppInput): LoginStatus {
      const redirect = input.redirectUri ? input.redirectUri : null;
      if (input.apiSecret === undefined && credentials.apiSecret() === null)
        throw new WorkstationError(
          'VALIDATION_FAILED',
          'the API secret is needed once: Upstox shows it beside the API key',
          [{ path: ['apiSecret'], message: 'required the first time' }],
        );
      credentials.setApp({ clientId: input.clientId, redirectUri: redirect }, input.apiSecret);
      logger.info('upstox app saved', { clientId: input.clientId, customRedirect: redirect !== null });
      announce();
      return status();
    },
    start(): LoginStart {
      const app = credentials.app();
      const secret = credentials.apiSecret();
      if (!app?.clientId || !secret)
        throw new WorkstationError('VALIDATION_FAILED', 'set the Upstox API key and secret in Settings first', [
          { path: ['clientId'], message: 'set the API key and secret first' },
        ]);
      prune();
      const state = randomBytes(24).toString('base64url');
      const now = clock.now();
      const entry: PendingLogin = {
        digest: digestOf(state),
        startedAt: now,
        expiresAt: now + LOGIN_STATE_TTL_MS,
        clientId: app.clientId,
        redirectUri: redirectUri(),
      };
      pending.push(entry);
      if (pending.length > MAX_PENDING) pending.shift();
      logger.info('upstox login started', { clientId: app.clientId });
      announce();
      return { url: dialogUrl(deps.apiUrl, entry, state), expiresAt: iso(entry.expiresAt)! };
    },
    /** Upstox's redirect: a code to exchange once, or the user's refusal; a state not pending changes nothing. */
    async complete(callback: LoginCallback): Promise<LoginStatus> {
      prune();
      const login = takePending(callback.state);
      if (!login)
        throw new WorkstationError(
          'VALIDATION_FAILED',
          'no login is waiting for this answer (it was used already, has expired, or was not started here): start the login again from Tickdesk',
          [{ path: ['state'], message: 'not a pending login' }],
        );
      if (callback.error || !callback.code) {
        const cancelled = callback.error === 'access_denied' || !callback.code;
        const message = cancelled
          ? 'the Upstox login was cancelled: nothing was changed'
          : `Upstox ended the login: ${callback.error_description ?? callback.error}`;
        record(cancelled ? 'cancelled' : 'failed', message);
        return status();
      }
      const secret = credentials.apiSecret();
      if (!secret) return fail('the API secret was removed while the login was open: set it and log in again');
      let session;
      try {
        session = await exchangeCode(
          deps.http,
          deps.apiUrl,
          { clientId: login.clientId, apiSecret: secret, redirectUri: login.redirectUri },
          callback.code,
        );
      } catch (error) {
        return fail(loginFailureMessage(error), error);
      }
      credentials.setDaily(session.accessToken, {
        source: 'login',
        ...(session.userId ? { userId: session.userId } : {}),
        ...(session.userName ? { userName: session.userName } : {}),
      });
      record('logged_in', `logged in to Upstox${session.userName ? ` as ${session.userName}` : ''}`);
      armExpiryTimer();
      await deps.tokenChanged();
      deps.rerunWaitingOnLogin();
      return status();
    },
    async logout(): Promise<LoginStatus> {
      const daily = credentials.daily();
      if (!daily) throw new WorkstationError('CONFLICT', 'not logged in to Upstox');
      if (daily.source === 'environment')
        throw new WorkstationError(
          'CONFLICT',
          'this token comes from UPSTOX_ACCESS_TOKEN: unset the variable to log out',
        );
      let message = 'logged out of Upstox';
      if (credentials.usableDaily()) {
        try {
          await logoutToken(deps.http, deps.apiUrl, daily.value);
        } catch (error) {
          // The token is removed here whatever Upstox said: a logout that keeps it would be worse.
          message = `logged out here; Upstox did not confirm (${error instanceof Error ? error.message : 'no answer'})`;
        }
      }
      credentials.clearDaily();
      record('logged_out', message);
      armExpiryTimer();
      await deps.tokenChanged();
      return status();
    },
    async setAnalyticsToken(token: string): Promise<LoginStatus> {
      credentials.setAnalytics(token);
      analyticsExpiryAnnounced = false;
      logger.info('upstox analytics token stored', { storage: credentials.storage });
      armExpiryTimer();
      await deps.tokenChanged();
      announce();
      return status();
    },
    async clearAnalyticsToken(): Promise<LoginStatus> {
      credentials.clearAnalytics();
      logger.info('upstox analytics token removed');
      armExpiryTimer();
      await deps.tokenChanged();
      announce();
      return status();
    },
    /** The token an Upstox call goes with: market data may use the Analytics token, the account only the daily one. */
    tokenFor(call: UpstoxCall): UpstoxToken | null {
      return isMarketDataCall(call) ? credentials.forMarketData(routeOf(call.path)) : credentials.forAccount();
    },
    noTokenReason(): string {
      if (credentials.daily() && credentials.usableDaily() === null) return LOGIN_EXPIRED;
      return 'not logged in to Upstox: log in from Settings';
    },
    /** A route refused the Analytics token: said once, and the call goes again with the daily token when there is one. */
    analyticsRefused(call: UpstoxCall): boolean {
      const route = routeOf(call.path);
      if (credentials.refuseAnalytics(route)) {
        logger.warn('upstox refused the analytics token: using the daily token on this route', { route });
        announce();
      }
      return credentials.usableDaily() !== null;
    },
    /** Arms the timer that stops Upstox calls when a token dies. */
    watchExpiry: armExpiryTimer,
    stop(): void {
      clock.clearTimeout(expiryTimer);
    },
  };
}
export type LoginService = ReturnType<typeof createLoginService>;
