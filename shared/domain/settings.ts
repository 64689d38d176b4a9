import { z } from 'zod';

const SettingsFields = {
  theme: z.enum(['dark', 'light']),
  /** Days of raw ticks kept on disk; 1-minute candles are kept for good. */
  tickRetentionDays: z.number().int().min(1).max(3650),
  /** Days finished jobs stay in the Jobs view before the cleanup schedule removes them. */
  jobRetentionDays: z.number().int().min(1).max(3650),
  /** Instrument keys per subscribe frame sent to the feed. */
  feedSubscribeBatchSize: z.number().int().min(1).max(500),
  /** Upstox requests per second (quotes, candles, funds...); Upstox allows 50. */
  upstoxRequestsPerSecond: z.number().int().min(1).max(50),
  /** Upstox order requests per second: 10, or 50 for SEBI-registered algos. */
  upstoxOrdersPerSecond: z.number().int().min(1).max(50),
  /** Confirm every order ticket before it is queued. */
  confirmOrders: z.boolean(),
  /** Where new orders go: the paper broker, or Upstox (refused while no Upstox token is set). */
  tradingMode: z.enum(['paper', 'live']),
  /** Fat-finger guard: the largest order value (rupees) a ticket may have. */
  maxOrderValue: z.number().positive().max(1e10),
  /** Fat-finger guard: the largest quantity (units, not lots) a ticket may have. */
  maxOrderQuantity: z.number().int().positive().max(10_000_000),
  /** Wait before an order is sent again, after a reconcile found the broker never received it. */
  orderRetryDelaySeconds: z.number().int().min(1).max(600),
  /** The paper wallet's starting cash (rupees), booked when the wallet is first opened. */
  paperStartingCash: z.number().positive().max(1e10),
  /** Paper market fills pay this much worse than the live price, in basis points. */
  paperSlippageBps: z.number().min(0).max(500),
};

/** User preferences kept in the settings table. */
export const SettingsSchema = z.object(SettingsFields);
export type Settings = z.infer<typeof SettingsSchema>;

/** Every key has a default, so a new install needs no set-up. */
export const SETTINGS_DEFAULTS: Readonly<Settings> = {
  theme: 'dark',
  tickRetentionDays: 30,
  jobRetentionDays: 30,
  feedSubscribeBatchSize: 100,
  upstoxRequestsPerSecond: 50,
  upstoxOrdersPerSecond: 10,
  confirmOrders: true,
  tradingMode: 'paper',
  maxOrderValue: 1_000_000,
  maxOrderQuantity: 10_000,
  orderRetryDelaySeconds: 30,
  paperStartingCash: 1_000_000,
  paperSlippageBps: 5,
};

/**
 * A change to some settings. Built from the fields without defaults, so a key left out stays as it is;
 * unknown keys are refused, so a typo never silently does nothing.
 */
export const SettingsPatchSchema = z.object(SettingsFields).partial().strict();
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;

export const UpstoxTokenStatusSchema = z.object({
  present: z.boolean(),
  /** Last four characters, so a user can tell which token is stored without it ever being sent back. */
  hint: z.string().nullable(),
  source: z.enum(['settings', 'environment', 'none']),
  storage: z.enum(['os-encrypted', 'file-0600', 'environment', 'none']),
  updatedAt: z.string().nullable(),
});
export type UpstoxTokenStatus = z.infer<typeof UpstoxTokenStatusSchema>;

export const SettingsViewSchema = z.object({
  values: SettingsSchema,
  upstoxToken: UpstoxTokenStatusSchema,
  mode: z.enum(['demo', 'live']),
  dataDir: z.string(),
});
export type SettingsView = z.infer<typeof SettingsViewSchema>;

/** Upstox access tokens are JWTs: printable, no whitespace. */
export const UpstoxTokenInputSchema = z.object({
  token: z
    .string()
    .trim()
    .min(16, 'token is too short to be an Upstox access token')
    .max(4096)
    .regex(/^[\x21-\x7e]+$/, 'token must be printable characters without spaces'),
});
