import { z } from 'zod';

export const FEED_STATES = ['connected', 'connecting', 'reconnecting', 'stopped', 'auth_failed'] as const;
export const MARKET_STATUSES = [
  'PRE_OPEN_START',
  'PRE_OPEN_END',
  'NORMAL_OPEN',
  'NORMAL_CLOSE',
  'CLOSING_START',
  'CLOSING_END',
] as const;

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
