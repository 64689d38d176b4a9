import { z } from 'zod';
import type { Db } from '../../store/types';
import { defineJobKind } from '../registry';

const NoPayload = z.object({}).strict();
const DAY_MS = 24 * 60 * 60 * 1000;

/** A VACUUM pays off only when a good part of the file is free pages. */
const VACUUM_FREE_RATIO = 0.2;

export function databaseMaintenanceKind(db: Db) {
  return defineJobKind({
    kind: 'maintenance.database',
    description: 'Database maintenance: ANALYZE, and VACUUM when worth it',
    payload: NoPayload,
    concurrency: 1,
    async handler(ctx) {
      await ctx.step('analyze', async () => {
        db.exec('ANALYZE');
        db.pragma('optimize');
        return null;
      });
      return ctx.step('vacuum', async () => {
        const pages = db.pragma('page_count', { simple: true }) as number;
        const free = db.pragma('freelist_count', { simple: true }) as number;
        const ratio = pages > 0 ? free / pages : 0;
        if (ratio < VACUUM_FREE_RATIO) return { vacuumed: false, freeRatio: Math.round(ratio * 1000) / 1000 };
        db.exec('VACUUM');
        db.pragma('wal_checkpoint(TRUNCATE)');
        return { vacuumed: true, freeRatio: Math.round(ratio * 1000) / 1000 };
      });
    },
  });
}

export function jobCleanupKind(deleteFinishedBefore: (cutoff: number) => number, retentionDays: () => number) {
  return defineJobKind({
    kind: 'maintenance.job-cleanup',
    description: 'Remove finished jobs older than the retention setting',
    payload: NoPayload,
    concurrency: 1,
    async handler(ctx) {
      const days = retentionDays();
      const removed = deleteFinishedBefore(ctx.clock.now() - days * DAY_MS);
      ctx.progress({ message: `removed ${removed} finished jobs older than ${days} days` });
      return { removed, retentionDays: days };
    },
  });
}
