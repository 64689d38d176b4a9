import { z } from 'zod';

/** Where a secret is kept: the OS keychain (desktop), a 0600 file (headless), or the environment. */
export const SecretStorageSchema = z.enum(['os-encrypted', 'file-0600', 'environment', 'none']);

/** A secret as the app may show it: whether it is set and its last four characters, never the value. */
export const SecretHintSchema = z.object({ present: z.boolean(), hint: z.string().nullable() });

export const UpstoxAppStatusSchema = z.object({
  /** The Upstox API key (OAuth client id); not a secret, shown whole. */
  clientId: z.string().nullable(),
  apiSecret: SecretHintSchema,
  /** The redirect URI sent to Upstox: the one set, else `defaultRedirectUri`. */
  redirectUri: z.string(),
  /** The Local API's own callback, the URI to register in the Upstox developer console unless another is set. */
  defaultRedirectUri: z.string(),
  /** Client id and secret are both set: a login can start. */
  ready: z.boolean(),
});
export type UpstoxAppStatus = z.infer<typeof UpstoxAppStatusSchema>;

export const DailyTokenStatusSchema = z.object({
  present: z.boolean(),
  hint: z.string().nullable(),
  /** `login`: from the Login flow; `settings`: pasted; `environment`: UPSTOX_ACCESS_TOKEN. */
  source: z.enum(['login', 'settings', 'environment', 'none']),
  storage: SecretStorageSchema,
  issuedAt: z.string().nullable(),
  /** 03:30 IST after issue; null when the issue time is unknown (an environment token that is not a JWT). */
  expiresAt: z.string().nullable(),
  expired: z.boolean(),
  userId: z.string().nullable(),
  userName: z.string().nullable(),
});
export type DailyTokenStatus = z.infer<typeof DailyTokenStatusSchema>;

export const AnalyticsTokenStatusSchema = z.object({
  present: z.boolean(),
  hint: z.string().nullable(),
  storage: SecretStorageSchema,
  /** From the token's own `exp` claim when it has one, else a year after it was set. */
  expiresAt: z.string().nullable(),
  expired: z.boolean(),
  /** Upstox routes that refused it; market data on them uses the daily token instead. */
  refusedBy: z.array(z.string()),
});
export type AnalyticsTokenStatus = z.infer<typeof AnalyticsTokenStatusSchema>;

export const LOGIN_OUTCOMES = ['logged_in', 'failed', 'cancelled', 'logged_out', 'expired'] as const;
export type LoginOutcome = (typeof LOGIN_OUTCOMES)[number];

export const LoginStatusSchema = z.object({
  app: UpstoxAppStatusSchema,
  daily: DailyTokenStatusSchema,
  analytics: AnalyticsTokenStatusSchema,
  /** Which token market data (feed, candles, quotes, option chain) uses now. */
  marketData: z.enum(['analytics', 'daily', 'none']),
  /** Orders always need the daily token. */
  ordersAvailable: z.boolean(),
  /** A login started and not finished yet; its state expires at `expiresAt`. */
  pending: z.object({ startedAt: z.string(), expiresAt: z.string() }).nullable(),
  /** How the last login, logout or expiry ended, said for a person. */
  lastAttempt: z
    .object({
      outcome: z.enum(LOGIN_OUTCOMES),
      message: z.string(),
      at: z.string(),
      /** Upstox's error code when it gave one (e.g. `UDAPI100068`). */
      upstoxCode: z.string().nullable(),
    })
    .nullable(),
  /** The first start of a trading day without a usable daily token: the app offers the login once. */
  offerLogin: z.boolean(),
});
export type LoginStatus = z.infer<typeof LoginStatusSchema>;

/** Printable, no whitespace: what Upstox keys, secrets and tokens are made of. */
const printable = (what: string, min: number, max: number) =>
  z
    .string()
    .trim()
    .min(min, `${what} is too short`)
    .max(max, `${what} is too long`)
    .regex(/^[\x21-\x7e]+$/, `${what} must be printable characters without spaces`);

/** The redirect URI must be an http(s) URL without a fragment; Upstox compares it with the registered one exactly. */
const RedirectUriSchema = z
  .string()
  .trim()
  .max(500)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hash === '' && !url.username;
    } catch {
      return false;
    }
  }, 'redirect URI must be an http(s) URL without credentials or a #fragment');

export const UpstoxAppInputSchema = z
  .object({
    clientId: printable('API key', 4, 200),
    /** Left out: the stored secret stays. */
    apiSecret: printable('API secret', 4, 500).optional(),
    /** Left out or empty: the Local API's own callback. */
    redirectUri: z.union([z.literal(''), RedirectUriSchema]).optional(),
  })
  .strict();
export type UpstoxAppInput = z.infer<typeof UpstoxAppInputSchema>;

export const LoginStartSchema = z.object({
  /** Upstox's authorization dialog, to open in a window or a browser tab. */
  url: z.string(),
  expiresAt: z.string(),
});
export type LoginStart = z.infer<typeof LoginStartSchema>;

/** What Upstox's redirect carried: a code, or an error (the user cancelled), with the state the login was started with. */
export const LoginCallbackSchema = z
  .object({
    state: z.string().max(200),
    code: z.string().max(2000).optional(),
    error: z.string().max(200).optional(),
    error_description: z.string().max(1000).optional(),
  })
  .strict();
export type LoginCallback = z.infer<typeof LoginCallbackSchema>;

export const AnalyticsTokenInputSchema = z.object({ token: printable('token', 16, 4096) }).strict();
