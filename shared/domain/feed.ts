import { z } from 'zod';
import { CalendarDateSchema, decimalInt, INSTRUMENT_KEY_PATTERN } from './inputs';

export const FEED_STATES = ['connected', 'connecting', 'reconnecting', 'stopped', 'auth_failed'] as const;
export const MARKET_STATUSES = [
  'PRE_OPEN_START',
  'PRE_OPEN_END',
  'NORMAL_OPEN',
  'NORMAL_CLOSE',
  'CLOSING_START',
  'CLOSING_END',
] as const;
export type MarketStatus = (typeof MARKET_STATUSES)[number];

export const FeedStatusSchema = z.object({
  state: z.enum(FEED_STATES),
  source: z.enum(['upstox', 'demo']),
  subscriptions: z.record(z.string(), z.number().int()),
  ticksPerSecond: z.number(),
  ticksTotal: z.number().int(),
  lastTickAt: z.string().nullable(),
  reconnects: z.number().int(),
  decodeErrors: z.number().int(),
  marketStatus: z.record(z.string(), z.enum(MARKET_STATUSES)),
  message: z.string().optional(),
});
export type FeedStatus = z.infer<typeof FeedStatusSchema>;

/** Subscription modes as sent to Upstox (`full` is echoed back as `full_d5`). */
export const FEED_MODES = ['ltpc', 'full', 'option_greeks', 'full_d30'] as const;
export const FeedModeSchema = z.enum(FEED_MODES);
export type FeedMode = z.infer<typeof FeedModeSchema>;

/**
 * Keys per mode (Upstox V3 limits). `individual` applies while only that mode is in use, `combined` to
 * each mode while several are. Upstox silently ignores keys past the limit, so they are refused here.
 */
export const SUBSCRIPTION_LIMITS: Readonly<Record<FeedMode, { individual: number; combined: number }>> = {
  ltpc: { individual: 5000, combined: 2000 },
  option_greeks: { individual: 3000, combined: 2000 },
  full: { individual: 2000, combined: 1500 },
  full_d30: { individual: 50, combined: 50 },
};

/** `SEGMENT|ID`, e.g. `NSE_EQ|INE002A01018`, `NSE_INDEX|Nifty 50`, `NSE_FO|43919`. */
export const InstrumentKeySchema = z
  .string()
  .max(88)
  .regex(
    INSTRUMENT_KEY_PATTERN,
    'expected an instrument key SEGMENT|ID of letters, digits and spaces, e.g. NSE_EQ|INE002A01018',
  );

/** Segment of an instrument key (`NSE_FO|43919` → `NSE_FO`). */
export function segmentOf(instrumentKey: string): string {
  const bar = instrumentKey.indexOf('|');
  return bar < 0 ? instrumentKey : instrumentKey.slice(0, bar);
}

export const SubscriptionSchema = z.object({ instrumentKey: z.string(), mode: FeedModeSchema });
export type Subscription = z.infer<typeof SubscriptionSchema>;

export const SubscribeInputSchema = z
  .object({
    instrumentKeys: z.array(InstrumentKeySchema).min(1).max(5000),
    mode: FeedModeSchema.default('ltpc'),
  })
  .strict();
export const RejectedKeySchema = z.object({ instrumentKey: z.string(), reason: z.string() });
export const SubscribeResultSchema = z.object({ subscribed: z.number().int(), rejected: z.array(RejectedKeySchema) });
export type SubscribeResult = z.infer<typeof SubscribeResultSchema>;

export const UnsubscribeInputSchema = z
  .object({ instrumentKeys: z.array(InstrumentKeySchema).min(1).max(5000) })
  .strict();
export const UnsubscribeResultSchema = z.object({ unsubscribed: z.number().int() });

/** Instrument keys as `K1,K2` on a query string, or a list over IPC. */
export const InstrumentKeyListSchema = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (typeof v === 'string' ? v.split(',') : v).map((k) => k.trim()).filter(Boolean))
  .pipe(z.array(InstrumentKeySchema).max(5000));

/** Absent keys mean every subscribed instrument. */
export const LatestTicksQuerySchema = z.object({ keys: InstrumentKeyListSchema.optional() }).strict();

export const GreeksSchema = z.object({
  delta: z.number(),
  theta: z.number(),
  gamma: z.number(),
  vega: z.number(),
  rho: z.number(),
});
export type Greeks = z.infer<typeof GreeksSchema>;

export const DepthLevelSchema = z.object({ bidQty: z.number(), bid: z.number(), askQty: z.number(), ask: z.number() });
export type DepthLevel = z.infer<typeof DepthLevelSchema>;

/**
 * A normalised tick as the engine keeps it. Rule for absent values: a field the frame's message type
 * carries but omits is 0 (proto3 default; Upstox omits zero values); a field the subscription mode does not
 * carry at all (OI in `ltpc`, depth in `option_greeks`) is null. Times are epoch milliseconds.
 */
export interface Tick {
  instrumentKey: string;
  mode: FeedMode;
  ltp: number;
  /** Last trade time. */
  ltt: number;
  /** Last traded quantity. */
  ltq: number;
  /** Previous close. */
  cp: number;
  volume: number | null;
  oi: number | null;
  iv: number | null;
  atp: number | null;
  bid: number | null;
  ask: number | null;
  bidQty: number | null;
  askQty: number | null;
  /** Total buy and sell quantity pending. */
  tbq: number | null;
  tsq: number | null;
  greeks: Greeks | null;
  depth: DepthLevel[] | null;
  /** The exchange's `currentTs` of the frame that carried the tick. */
  exchangeTs: number;
  /** When the frame reached this process. */
  receivedAt: number;
}

/** A tick as the Local API and the renderer see it. */
export const LatestTickSchema = z.object({
  mode: FeedModeSchema,
  ltp: z.number(),
  ltt: z.string().nullable(),
  ltq: z.number(),
  cp: z.number(),
  change: z.number(),
  changePct: z.number(),
  volume: z.number().nullable(),
  oi: z.number().nullable(),
  iv: z.number().nullable(),
  atp: z.number().nullable(),
  bid: z.number().nullable(),
  ask: z.number().nullable(),
  bidQty: z.number().nullable(),
  askQty: z.number().nullable(),
  greeks: GreeksSchema.nullable(),
  depth: z.array(DepthLevelSchema).nullable(),
  receivedAt: z.string(),
});
export type LatestTick = z.infer<typeof LatestTickSchema>;
export const LatestTicksSchema = z.record(z.string(), LatestTickSchema);
export type LatestTicks = z.infer<typeof LatestTicksSchema>;

/** Coalesced: the latest tick of each instrument that changed since the previous event. */
export const MarketTicksEventSchema = z.object({ ticks: LatestTicksSchema });

export const TIMEFRAMES = ['1m', '1h', '1d', '1w', '1M'] as const;
export const TimeframeSchema = z.enum(TIMEFRAMES);
export type Timeframe = z.infer<typeof TimeframeSchema>;

export const CandleQuerySchema = z
  .object({
    instrumentKey: InstrumentKeySchema,
    timeframe: TimeframeSchema.default('1m'),
    from: z.iso.datetime({ offset: true }).or(CalendarDateSchema).optional(),
    to: z.iso.datetime({ offset: true }).or(CalendarDateSchema).optional(),
    limit: decimalInt().pipe(z.number().min(1).max(50_000)).default(5000),
  })
  .strict();
export type CandleQuery = z.infer<typeof CandleQuerySchema>;

/** A candle inside the engine: `ts` is the bar's start, epoch ms (the DTO below carries ISO times). */
export interface OhlcvBar {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  oi: number;
}

export const CandleSchema = z.object({
  ts: z.string(),
  open: z.number(),
  high: z.number(),
  low: z.number(),
  close: z.number(),
  volume: z.number(),
  oi: z.number(),
  /**
   * Where the bar came from: the import provider that served it (`upstox`, `yahoo`, `csv`, `demo`), `live` for a
   * bar built from the feed's ticks, `<provider>+live` for the current bar completed by live ticks.
   */
  source: z.string().optional(),
});
export type Candle = z.infer<typeof CandleSchema>;
