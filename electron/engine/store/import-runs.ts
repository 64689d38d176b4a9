import type { Db } from './types';

/** What an import run has beyond its job (migration 0010): its retries of failed symbols. */
export function createImportRunStore(db: Db) {
  const s = {
    insert: db.prepare<[number, number]>(
      'INSERT INTO import_runs (job_id, retry_count, created_at) VALUES (?, 0, ?) ON CONFLICT DO NOTHING',
    ),
    retryCount: db.prepare<[number], number>('SELECT retry_count FROM import_runs WHERE job_id = ?').pluck(),
    retried: db.prepare<[number]>('UPDATE import_runs SET retry_count = retry_count + 1 WHERE job_id = ?'),
    records: db.prepare<[number], number>('SELECT COALESCE(SUM(records), 0) FROM job_items WHERE job_id = ?').pluck(),
  };
  return {
    /** Inside the transaction that enqueues the run's job. */
    add: (jobId: number, now: number) => void s.insert.run(jobId, now),
    retryCount: (jobId: number): number | undefined => s.retryCount.get(jobId),
    recordRetry: (jobId: number) => void s.retried.run(jobId),
    /** Bars written by the run's finished symbols. */
    recordsImported: (jobId: number): number => s.records.get(jobId) ?? 0,
  };
}
export type ImportRunStore = ReturnType<typeof createImportRunStore>;
