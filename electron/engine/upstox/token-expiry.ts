import { DAY_MS, istDayStart } from '../../../shared/time';

/** Upstox access tokens die at 03:30 IST, whatever the time they were issued (upstox-v3.md §4.1). */
const EXPIRY_MS_AFTER_IST_MIDNIGHT = (3 * 60 + 30) * 60_000;
/** The Analytics token lives a year. */
export const ANALYTICS_TOKEN_LIFETIME_MS = 365 * DAY_MS;

/** The first 03:30 IST strictly after `issuedAtMs`: 20:00 Tue → 03:30 Wed, 02:30 Wed → 03:30 Wed. */
export function dailyTokenExpiry(issuedAtMs: number): number {
  const todays = istDayStart(issuedAtMs) + EXPIRY_MS_AFTER_IST_MIDNIGHT;
  return issuedAtMs < todays ? todays : todays + DAY_MS;
}

export interface JwtClaims {
  /** Seconds since the epoch, as JWTs count. */
  iat?: number;
  exp?: number;
  sub?: string;
  iss?: string;
  [claim: string]: unknown;
}

/**
 * The claims of a JWT-shaped token, read without checking its signature (only Upstox can): enough to know when a
 * pasted token was issued and when it dies. Null for anything that is not a JWT with a JSON payload.
 */
export function readJwtClaims(token: string): JwtClaims | null {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return null;
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return null;
    const read = claims as Record<string, unknown>;
    for (const key of ['iat', 'exp'] as const)
      if (read[key] !== undefined && (typeof read[key] !== 'number' || !Number.isFinite(read[key]))) return null;
    return read as JwtClaims;
  } catch {
    return null;
  }
}

/** When a daily token dies: its own `exp` when it says, else 03:30 IST after its issue (or, failing that, `fallbackIssuedAtMs`). */
export function dailyTokenExpiryOf(token: string, fallbackIssuedAtMs: number | null): number | null {
  const claims = readJwtClaims(token);
  if (claims?.exp !== undefined) return claims.exp * 1000;
  const issuedAt = claims?.iat !== undefined ? claims.iat * 1000 : fallbackIssuedAtMs;
  return issuedAt === null ? null : dailyTokenExpiry(issuedAt);
}
