import { z } from 'zod';
import { JOB_KINDS } from '../../../shared/job-kinds';
import { defineJobKind } from '../jobs/registry';
import type { Db } from '../store/types';

export const DATABASE_MAINTENANCE_KIND = JOB_KINDS.databaseMaintenance;
export const DatabaseMaintenancePayloadSchema = z.object({}).strict();

export interface DatabaseMaintenanceDeps {
  db: Db;
}

/** A VACUUM pays off only when a good part of the file is free pages. */
const VACUUM_FREE_RATIO = 0.2;

/** ANALYZE for the query planner, and a VACUUM when enough of the file is free pages. */
export function databaseMaintenanceKind({ db }: DatabaseMaintenanceDeps) {
  return defineJobKind({
    kind: DATABASE_MAINTENANCE_KIND,
    description: 'Database maintenance: ANALYZE, and VACUUM when worth it',
    payload: DatabaseMaintenancePayloadSchema,
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
