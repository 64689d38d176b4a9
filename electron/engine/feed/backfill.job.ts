import { z } from 'zod';
import { JOB_KINDS } from '../../../shared/job-kinds';
import { TransientJobError } from '../jobs/errors';
import { defineJobKind } from '../jobs/registry';
import type { CandleStore } from '../store/candles';
import type { UpstoxRest } from '../upstox/rest';

const MINUTE_MS = 60_000;
export const FEED_BACKFILL_KIND = JOB_KINDS.feedBackfill;

export const FeedBackfillPayloadSchema = z
  .object({
    /** When the socket went down (epoch ms); minutes from then on are fetched. */
    since: z.number().int().nonnegative(),
    instrumentKeys: z.array(z.string()).max(5000),
  })
  .strict();

export type BackfillReason = 'reconnect' | 'start' | 'subscribe';

/**
 * The job for a backfill request: drops within one minute share one (the later would fetch the same minutes), and
 * the minutes missed in a drop come before those of a start or a new subscription.
 */
export function backfillRequest({ since, keys, reason }: { since: number; keys: readonly string[]; reason: BackfillReason }) {
  return {
    kind: FEED_BACKFILL_KIND,
    payload: { since, instrumentKeys: [...keys] },
    priority: reason === 'reconnect' ? ('HIGH' as const) : ('NORMAL' as const),
    idempotencyKey: reason === 'reconnect' ? `${FEED_BACKFILL_KIND}:${Math.floor(since / MINUTE_MS)}` : null,
  };
}

export interface FeedBackfillDeps {
  /** The REST client of the current market source; null while none is open. */
  rest(): UpstoxRest | null;
  candles: CandleStore;
}

/**
 * After a reconnect, fetches the 1-minute candles each subscribed instrument missed from the intraday candle
 * API (through the shared rate limiter) and fills only the minutes that have no row: live-built minutes win.
 */
export function feedBackfillKind(deps: FeedBackfillDeps) {
  return defineJobKind({
    kind: FEED_BACKFILL_KIND,
    description: 'Fetch the 1-minute candles missed while the feed was down',
    payload: FeedBackfillPayloadSchema,
    maxAttempts: 3,
    concurrency: 1,
    backoff: { baseMs: 5_000, maxMs: 60_000 },
    async handler(ctx) {
      const from = Math.floor(ctx.payload.since / MINUTE_MS) * MINUTE_MS;
      ctx.items.ensure(ctx.payload.instrumentKeys);
      ctx.progress({ phase: 'backfill', message: `1-minute candles since ${new Date(from).toISOString()}` });
      const summary = await ctx.items.run(
        async (key) => {
          const rest = deps.rest();
          if (!rest) throw new TransientJobError('FEED_SOURCE_CLOSED', 'no market data source is open');
          // Upstox errors say themselves whether a retry can help; the runner classifies them.
          const rows = await rest.intradayCandles(key, 'minutes', 1, ctx.signal);
          // The current minute is still forming: live ticks build it, a partial REST bar would count volume twice.
          const current = Math.floor(ctx.clock.now() / MINUTE_MS) * MINUTE_MS;
          const missed = rows.filter((row) => row.ts >= from && row.ts < current);
          return { records: missed.length, commit: () => void deps.candles.fillMissing(key, missed) };
        },
        { concurrency: 4, itemAttempts: 3 },
      );
      return { instruments: summary.succeeded, failed: summary.failed, since: new Date(from).toISOString() };
    },
  });
}
