import { z } from 'zod';
import { DAY_MS } from '../../../shared/time';
import { JOB_KINDS } from '../../../shared/job-kinds';
import { defineJobKind } from './registry';

export const JOB_CLEANUP_KIND = JOB_KINDS.jobCleanup;
export const JobCleanupPayloadSchema = z.object({}).strict();

export interface JobCleanupDeps {
  /** Deletes finished jobs (and their items) older than the cutoff; how many went. */
  deleteFinishedBefore(cutoff: number): number;
  retentionDays(): number;
}

/** The runner's own housekeeping: finished jobs older than the retention setting go, with their items. */
export function jobCleanupKind(deps: JobCleanupDeps) {
  return defineJobKind({
    kind: JOB_CLEANUP_KIND,
    description: 'Remove finished jobs older than the retention setting',
    payload: JobCleanupPayloadSchema,
    concurrency: 1,
    async handler(ctx) {
      const days = deps.retentionDays();
      const removed = deps.deleteFinishedBefore(ctx.clock.now() - days * DAY_MS);
      ctx.progress({ message: `removed ${removed} finished jobs older than ${days} days` });
      return { removed, retentionDays: days };
    },
  });
}
