import { z } from 'zod';
import { JOB_KINDS } from '../../../shared/job-kinds';
import { TransientJobError } from '../jobs/errors';
import { defineJobKind } from '../jobs/registry';
import type { CandleStore } from '../store/candles';
import { isAuthError } from '../upstox/errors';
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
export function backfillRequest({
  since,
  keys,
  reason,
}: {
  since: number;
  keys: readonly string[];
  reason: BackfillReason;
}) {
  return {
    kind: FEED_BACKFILL_KIND,
    payload: { since, instrumentKeys: [...keys] },
    priority: reason === 'reconnect' ? ('HIGH' as const) : ('NORMAL' as const),
    idempotencyKey: reason === 'reconnect' ? `${FEED_BACKFILL_KIND}:${Math.floor(since / MINUTE_MS)}` : null,
  };
}

/** A queued backfill, as `supersede` needs it. */
export interface QueuedBackfill {
  id: number;
  payload: { since: number; instrumentKeys: readonly string[] };
}

/**
 * A new backfill request against the backfills still queued: those whose instruments it covers are superseded
 * (cancelled), and it starts from the earliest of their minutes so none is lost. Without idempotency key then: the
 * merged job is not the one a repeated drop would name.
 */
export function supersede(request: ReturnType<typeof backfillRequest>, queued: readonly QueuedBackfill[]) {
  const keys = new Set(request.payload.instrumentKeys);
  const covered = queued.filter((job) => job.payload.instrumentKeys.every((key) => keys.has(key)));
  if (covered.length === 0) return { request, superseded: [] as number[] };
  const since = Math.min(request.payload.since, ...covered.map((job) => job.payload.since));
  return {
    request: { ...request, payload: { ...request.payload, since }, idempotencyKey: null },
    superseded: covered.map((job) => job.id),
  };
}

export interface FeedBackfillDeps {
  /** The REST client of the current market source; null while none is open. */
  rest(): UpstoxRest | null;
  /** Whether the instrument is still subscribed: one unsubscribed since the request is not fetched. */
  subscribed(key: string): boolean;
  candles: CandleStore;
}

/**
 * After a reconnect, fetches the 1-minute candles each instrument still subscribed missed from the intraday candle
 * API (through the shared rate limiter, failed calls included) and fills only the minutes that have no row:
 * live-built minutes win.
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
      let unsubscribed = 0;
      const summary = await ctx.items.run(
        async (key) => {
          if (!deps.subscribed(key)) {
            unsubscribed++;
            return { records: 0, result: { skipped: 'no longer subscribed' } };
          }
          const rest = deps.rest();
          if (!rest) throw new TransientJobError('FEED_SOURCE_CLOSED', 'no market data source is open');
          // Upstox errors say themselves whether a retry can help; the runner classifies them.
          const rows = await rest.intradayCandles(key, 'minutes', 1, ctx.signal);
          // The current minute is still forming: live ticks build it, a partial REST bar would count volume twice.
          const current = Math.floor(ctx.clock.now() / MINUTE_MS) * MINUTE_MS;
          const missed = rows.filter((row) => row.ts >= from && row.ts < current);
          return { records: missed.length, commit: () => void deps.candles.fillMissing(key, missed) };
        },
        // An expired or revoked token fails every instrument alike: stop at the first, the user must log in again.
        { concurrency: 4, itemAttempts: 3, failJobOn: isAuthError },
      );
      return {
        instruments: summary.succeeded - unsubscribed,
        skippedUnsubscribed: unsubscribed,
        failed: summary.failed,
        since: new Date(from).toISOString(),
      };
    },
  });
}
