import { z } from 'zod';
import { JOB_KINDS } from '../../../shared/job-kinds';
import { DAY_MS } from '../../../shared/time';
import { defineJobKind } from '../jobs/registry';
import type { TickStore } from '../store/ticks';

export const TICK_RETENTION_KIND = JOB_KINDS.tickRetention;
export const TickRetentionPayloadSchema = z.object({}).strict();

export interface TickRetentionDeps {
  ticks: Pick<TickStore, 'deleteReceivedBefore'>;
  retentionDays(): number;
}

/** Rows deleted per transaction, so the feed's writes never wait long behind the cleanup. */
const BATCH = 50_000;

/** Deletes raw ticks older than the retention setting; 1-minute candles are kept. */
export function tickRetentionKind(deps: TickRetentionDeps) {
  return defineJobKind({
    kind: TICK_RETENTION_KIND,
    description: 'Delete raw ticks older than the retention setting',
    payload: TickRetentionPayloadSchema,
    concurrency: 1,
    async handler(ctx) {
      const days = deps.retentionDays();
      const cutoff = ctx.clock.now() - days * DAY_MS;
      let removed = 0;
      for (;;) {
        ctx.checkpoint();
        const n = deps.ticks.deleteReceivedBefore(cutoff, BATCH);
        removed += n;
        ctx.progress({ message: `removed ${removed} ticks older than ${days} days` });
        if (n < BATCH) break;
        await ctx.sleep(0);
      }
      return { removed, retentionDays: days };
    },
  });
}
