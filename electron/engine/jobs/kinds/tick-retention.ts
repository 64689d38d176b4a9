import { z } from 'zod';
import type { Db } from '../../store/types';
import { defineJobKind } from '../registry';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Rows deleted per transaction, so the feed's writes never wait long behind the cleanup. */
const BATCH = 50_000;

/** Deletes raw ticks older than the retention setting; 1-minute candles are kept. */
export function tickRetentionKind(db: Db, retentionDays: () => number) {
  return defineJobKind({
    kind: 'maintenance.tick-retention',
    description: 'Delete raw ticks older than the retention setting',
    payload: z.object({}).strict(),
    concurrency: 1,
    async handler(ctx) {
      const days = retentionDays();
      const hasTicks = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ticks'").get() !== undefined;
      if (!hasTicks) return { removed: 0, retentionDays: days };
      const cutoff = ctx.clock.now() - days * DAY_MS;
      const batch = db.prepare('DELETE FROM ticks WHERE rowid IN (SELECT rowid FROM ticks WHERE received_at < ? LIMIT ?)');
      let removed = 0;
      for (;;) {
        ctx.checkpoint();
        const n = batch.run(cutoff, BATCH).changes;
        removed += n;
        ctx.progress({ message: `removed ${removed} ticks older than ${days} days` });
        if (n < BATCH) break;
        await ctx.sleep(0);
      }
      return { removed, retentionDays: days };
    },
  });
}
