import type { Statement } from 'better-sqlite3';
import type {
  Job,
  JobItem,
  JobItemStatus,
  JobPriority,
  JobProgress,
  JobStats,
  JobStatus,
} from '../../../shared/domain/jobs';
import {
  claimOrder,
  parseJson,
  priorityRank,
  RECORD_COLUMNS,
  toDto,
  toItemDto,
  toRecord,
  type DbJob,
  type DbJobItem,
  type JobRecord,
  type RecordRow,
} from './job-rows';
import type { Db } from './types';

export { emptyProgress, type JobRecord } from './job-rows';

/**
 * What a runner's writes are fenced on: the owner it claimed the job as, and the job's recovery count at that claim.
 * A job taken back from a runner counts a recovery, so even the same runner claiming it again holds a new lease.
 */
export interface Lease {
  owner: string;
  recoveries: number;
}

export interface NewJob {
  kind: string;
  payload: unknown;
  priority: JobPriority;
  maxAttempts: number;
  runAt: number;
  idempotencyKey: string | null;
  progress: JobProgress;
}

export interface FinishFields {
  status: JobStatus;
  result?: unknown;
  errorCode?: string | null;
  errorMessage?: string | null;
  runAt?: number;
  progress?: JobProgress;
  /** Give back the attempt the claim counted (shutdown: the job did not fail, it was paused). */
  refundAttempt?: boolean;
}

export interface ItemFields {
  status: JobItemStatus;
  records?: number;
  processingMs?: number | null;
  errorCode?: string | null;
  errorMessage?: string | null;
  result?: unknown;
}

export interface ItemCounts {
  total: number;
  pending: number;
  running: number;
  succeeded: number;
  failed: number;
  cancelled: number;
}

export function createJobStore(db: Db) {
  const s = {
    // Run, not RETURNING id: the new id is lastInsertRowid, and a RETURNING clause makes each insert about a fifth slower.
    insert: db.prepare<unknown[]>(
      `INSERT INTO jobs (kind, payload, status, priority, max_attempts, run_at, idempotency_key, progress, created_at, updated_at)
       VALUES (?, ?, 'QUEUED', ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING`,
    ),
    // Many jobs alike but for their payloads in one statement, the payloads a JSON array of JSON texts: a statement
    // per job costs nearly twice as much. Only for jobs without an idempotency key (see insertWithItems).
    insertMany: db
      .prepare<[string, number, number, number, string, number, number, string], number>(
        `INSERT INTO jobs (kind, payload, status, priority, max_attempts, run_at, progress, created_at, updated_at)
         SELECT ?, value, 'QUEUED', ?, ?, ?, ?, ?, ? FROM json_each(?)
         RETURNING id`,
      )
      .pluck(),
    idByKey: db.prepare<[string], { id: number }>('SELECT id FROM jobs WHERE idempotency_key = ?'),
    get: db.prepare<[number], DbJob>('SELECT * FROM jobs WHERE id = ?'),
    // INDEXED BY: left to itself the planner may take another index (by status before migration 6, by kind) and sort
    // every queued job for each claim.
    // RETURNING only the columns a JobRecord is made of, as arrays (raw): returning every column as objects costs about
    // half again as much per claimed job.
    claim: db
      .prepare<unknown[], RecordRow>(
        `UPDATE jobs SET status = 'RUNNING', attempts = attempts + 1, lease_owner = ?, lease_expires_at = ?, heartbeat_at = ?,
              started_at = COALESCE(started_at, ?), updated_at = ?
       WHERE id IN (SELECT id FROM jobs INDEXED BY jobs_claim WHERE status = 'QUEUED' AND run_at <= ?
                    AND kind NOT IN (SELECT value FROM json_each(?)) ORDER BY priority, id LIMIT ?)
       RETURNING ${RECORD_COLUMNS}`,
      )
      .raw(true),
    // Positional parameters: binding them from an object of named ones makes each finish about a quarter slower.
    finish: db.prepare<
      [
        JobStatus,
        string | null,
        string | null,
        string | null,
        number | null,
        string | null,
        number,
        number | null,
        number,
        number,
        string,
        number,
      ]
    >(
      `UPDATE jobs SET status = ?, result = ?, error_code = ?, error_message = ?,
              run_at = COALESCE(?, run_at), progress = COALESCE(?, progress),
              attempts = attempts - ?, finished_at = ?, lease_owner = NULL, lease_expires_at = NULL, updated_at = ?
       WHERE id = ? AND lease_owner = ? AND recoveries = ? AND status = 'RUNNING'`,
    ),
    // The success path of every job: a job with a failed item must not succeed, and checking here saves a query per job.
    succeed: db.prepare<[string, string, number, number, number, string, number, number]>(
      `UPDATE jobs SET status = 'SUCCEEDED', result = ?, error_code = NULL, error_message = NULL, progress = ?,
              finished_at = ?, lease_owner = NULL, lease_expires_at = NULL, updated_at = ?
       WHERE id = ? AND lease_owner = ? AND recoveries = ? AND status = 'RUNNING'
         AND NOT EXISTS (SELECT 1 FROM job_items WHERE job_id = ? AND status = 'FAILED')`,
    ),
    // For kinds that judge their failed items themselves (an import above its success threshold).
    succeedWithFailedItems: db.prepare<[string, string, number, number, number, string, number]>(
      `UPDATE jobs SET status = 'SUCCEEDED', result = ?, error_code = NULL, error_message = NULL, progress = ?,
              finished_at = ?, lease_owner = NULL, lease_expires_at = NULL, updated_at = ?
       WHERE id = ? AND lease_owner = ? AND recoveries = ? AND status = 'RUNNING'`,
    ),
    handBack: db.prepare<[number, number, number, string, number]>(
      `UPDATE jobs SET status = 'QUEUED', attempts = attempts - 1, lease_owner = NULL, lease_expires_at = NULL,
              started_at = NULLIF(started_at, ?), updated_at = ?
       WHERE id = ? AND lease_owner = ? AND recoveries = ? AND status = 'RUNNING'`,
    ),
    holdsLease: db
      .prepare<[number, string, number], number>(
        "SELECT 1 FROM jobs WHERE id = ? AND lease_owner = ? AND recoveries = ? AND status = 'RUNNING'",
      )
      .pluck(),
    progress: db.prepare<[string, number, number, string, number]>(
      "UPDATE jobs SET progress = ?, updated_at = ? WHERE id = ? AND lease_owner = ? AND recoveries = ? AND status = 'RUNNING'",
    ),
    heartbeat: db.prepare<[number, number, number, number, string], { id: number; cancel_requested: number }>(
      `UPDATE jobs SET lease_expires_at = ?, heartbeat_at = ?, updated_at = ? WHERE id = ? AND lease_owner = ? AND status = 'RUNNING'
       RETURNING id, cancel_requested`,
    ),
    running: db.prepare<
      [],
      { id: number; lease_owner: string | null; lease_expires_at: number | null; recoveries: number }
    >("SELECT id, lease_owner, lease_expires_at, recoveries FROM jobs WHERE status = 'RUNNING'"),
    requeue: db.prepare<[number, number, number, string | null]>(
      `UPDATE jobs SET status = 'QUEUED', lease_owner = NULL, lease_expires_at = NULL, attempts = MAX(attempts - 1, 0),
              recoveries = recoveries + 1, run_at = ?, updated_at = ? WHERE id = ? AND status = 'RUNNING' AND lease_owner IS ?`,
    ),
    requestCancel: db.prepare<[number, number]>(
      "UPDATE jobs SET cancel_requested = 1, updated_at = ? WHERE id = ? AND status = 'RUNNING'",
    ),
    cancelQueued: db.prepare<[number, number, number]>(
      "UPDATE jobs SET status = 'CANCELLED', finished_at = ?, updated_at = ? WHERE id = ? AND status = 'QUEUED'",
    ),
    retry: db.prepare<[number, number, number]>(
      `UPDATE jobs SET status = 'QUEUED', attempts = 0, recoveries = 0, run_at = ?, error_code = NULL, error_message = NULL, result = NULL,
              cancel_requested = 0, finished_at = NULL, updated_at = ? WHERE id = ? AND status IN ('FAILED', 'CANCELLED')`,
    ),
    requeueFinished: db.prepare<[number, number, number]>(
      `UPDATE jobs SET status = 'QUEUED', attempts = 0, recoveries = 0, run_at = ?, error_code = NULL, error_message = NULL, result = NULL,
              cancel_requested = 0, finished_at = NULL, updated_at = ? WHERE id = ? AND status IN ('SUCCEEDED', 'FAILED', 'CANCELLED')`,
    ),
    resetChosenItems: db.prepare<{ now: number; id: number; statuses: string; keys: string | null }>(
      `UPDATE job_items SET status = 'PENDING', updated_at = @now
       WHERE job_id = @id AND status IN (SELECT value FROM json_each(@statuses))
         AND (@keys IS NULL OR item_key IN (SELECT value FROM json_each(@keys)))`,
    ),
    // Each status counted from its own index: jobs_claim, jobs_running, jobs_finished_status (migration 6).
    stats: db.prepare<[], { status: JobStatus; n: number }>(
      `SELECT 'QUEUED' AS status, COUNT(*) AS n FROM jobs WHERE status = 'QUEUED'
       UNION ALL SELECT 'RUNNING', COUNT(*) FROM jobs WHERE status = 'RUNNING'
       UNION ALL SELECT status, COUNT(*) FROM jobs WHERE finished_at IS NOT NULL GROUP BY status`,
    ),
    deleteFinishedBefore: db.prepare<[number]>(
      "DELETE FROM jobs WHERE finished_at IS NOT NULL AND finished_at < ? AND status != 'RUNNING' AND status != 'QUEUED'",
    ),
    nextRunAt: db.prepare<[], { run_at: number | null }>(
      "SELECT MIN(run_at) AS run_at FROM jobs WHERE status = 'QUEUED'",
    ),
    insertItem: db.prepare<[number, string, number, number]>(
      "INSERT INTO job_items (job_id, item_key, seq, status, updated_at) VALUES (?, ?, ?, 'PENDING', ?) ON CONFLICT DO NOTHING",
    ),
    itemsByStatus: db.prepare<[number, string, number], DbJobItem>(
      'SELECT * FROM job_items WHERE job_id = ? AND status = ? ORDER BY seq LIMIT ?',
    ),
    item: db.prepare<[number, string], DbJobItem>('SELECT * FROM job_items WHERE job_id = ? AND item_key = ?'),
    allItems: db.prepare<[number, number], DbJobItem>('SELECT * FROM job_items WHERE job_id = ? ORDER BY seq LIMIT ?'),
    itemCounts: db.prepare<[number], { status: JobItemStatus; n: number }>(
      'SELECT status, COUNT(*) AS n FROM job_items WHERE job_id = ? GROUP BY status',
    ),
    // Fenced like every write of a running job: a runner that lost the lease must not mark an item another one finished.
    startItem: db.prepare<[number, number, string, number, string, number]>(
      `UPDATE job_items SET status = 'RUNNING', attempts = attempts + 1, updated_at = ? WHERE job_id = ? AND item_key = ?
         AND EXISTS (SELECT 1 FROM jobs WHERE id = ? AND lease_owner = ? AND recoveries = ? AND status = 'RUNNING')`,
    ),
    finishItem: db.prepare<
      [JobItemStatus, string | null, string | null, number, number | null, string | null, number, number, string]
    >(
      `UPDATE job_items SET status = ?, error_code = ?, error_message = ?, records = ?, processing_ms = ?, result = ?, updated_at = ?
       WHERE job_id = ? AND item_key = ?`,
    ),
    resetItems: db.prepare<[number, number, string]>(
      "UPDATE job_items SET status = 'PENDING', updated_at = ? WHERE job_id = ? AND status IN (SELECT value FROM json_each(?))",
    ),
    cancelItems: db.prepare<[number, number]>(
      "UPDATE job_items SET status = 'CANCELLED', updated_at = ? WHERE job_id = ? AND status IN ('PENDING', 'RUNNING')",
    ),
  };

  // Jobs enqueued together mostly share one progress object (nothing done, no items): format it once.
  let progressOf: JobProgress | undefined;
  let progressText = '';
  const progressJson = (progress: JobProgress) =>
    progress === progressOf ? progressText : (progressText = JSON.stringify((progressOf = progress)));

  const insertOne = (job: NewJob, now: number): { id: number; created: boolean } => {
    const inserted = s.insert.run(
      job.kind,
      JSON.stringify(job.payload ?? null),
      priorityRank(job.priority),
      job.maxAttempts,
      job.runAt,
      job.idempotencyKey,
      progressJson(job.progress),
      now,
      now,
    );
    if (inserted.changes === 1) return { id: Number(inserted.lastInsertRowid), created: true };
    return { id: s.idByKey.get(job.idempotencyKey!)!.id, created: false };
  };

  /** The list query has a handful of shapes (filters present or not): each prepared once. */
  const listStatements = new Map<string, Statement<unknown[], DbJob>>();

  const alike = (a: NewJob, b: NewJob) =>
    a.kind === b.kind && a.priority === b.priority && a.maxAttempts === b.maxAttempts && a.runAt === b.runAt;

  /** New jobs without idempotency keys: a statement for each run of jobs alike but for their payloads; their ids, in order. */
  const insertAlike = (jobs: readonly NewJob[], now: number): number[] => {
    const ids: number[] = [];
    let start = 0;
    while (start < jobs.length) {
      const first = jobs[start]!;
      const progress = progressJson(first.progress);
      let end = start + 1;
      while (end < jobs.length && alike(jobs[end]!, first) && progressJson(jobs[end]!.progress) === progress) end++;
      const payloads = JSON.stringify(jobs.slice(start, end).map((job) => JSON.stringify(job.payload ?? null)));
      ids.push(
        ...s.insertMany.all(
          first.kind,
          priorityRank(first.priority),
          first.maxAttempts,
          first.runAt,
          progress,
          now,
          now,
          payloads,
        ),
      );
      start = end;
    }
    // Ids grow in insertion order, which is the array's: sorted, they line up with `jobs`.
    return ids.sort((x, y) => x - y);
  };

  return {
    /**
     * Jobs and their items in one transaction; a job whose idempotency key exists already gives back the existing id
     * (and keeps its own items).
     */
    insertWithItems: db.transaction((jobs: readonly NewJob[], items: readonly (readonly string[])[], now: number) => {
      const inserted =
        jobs.length > 1 && jobs.every((job) => job.idempotencyKey === null)
          ? insertAlike(jobs, now).map((id) => ({ id, created: true }))
          : jobs.map((job) => insertOne(job, now));
      inserted.forEach(({ id, created }, i) => {
        if (created) items[i]?.forEach((key, seq) => s.insertItem.run(id, key, seq, now));
      });
      return inserted;
    }),
    getDto(id: number): Job | undefined {
      const row = s.get.get(id);
      return row ? toDto(row) : undefined;
    },
    list(query: { status?: JobStatus | undefined; kind?: string | undefined; limit: number }): Job[] {
      const where: string[] = [];
      const args: unknown[] = [];
      let from = 'jobs';
      if (query.status === 'QUEUED' || query.status === 'RUNNING') {
        // Spelled out, not bound, so that the partial index of the status applies; named, because without ANALYZE
        // the planner prefers walking the whole table backwards by id.
        from = query.status === 'QUEUED' ? 'jobs INDEXED BY jobs_claim' : 'jobs INDEXED BY jobs_running';
        where.push(`status = '${query.status}'`);
      } else if (query.status) {
        // From jobs_finished_status, a partial index the planner uses only when told that finished_at is set.
        where.push('status = ? AND finished_at IS NOT NULL');
        args.push(query.status);
      }
      if (query.kind) {
        where.push('kind = ?');
        args.push(query.kind);
      }
      const sql = `SELECT * FROM ${from} ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT ?`;
      let statement = listStatements.get(sql);
      if (!statement) listStatements.set(sql, (statement = db.prepare<unknown[], DbJob>(sql)));
      return statement.all(...args, query.limit).map(toDto);
    },
    stats(): JobStats {
      const out: JobStats = { queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0 };
      for (const { status, n } of s.stats.all()) out[status.toLowerCase() as keyof JobStats] = n;
      return out;
    },
    /** Claims up to `limit` due jobs atomically; two runners on one file never get the same job. */
    claim(owner: string, now: number, leaseMs: number, excludedKinds: readonly string[], limit: number): JobRecord[] {
      const rows = s.claim.all(
        owner,
        now + leaseMs,
        now,
        now,
        now,
        now,
        excludedKinds.length === 0 ? '[]' : JSON.stringify(excludedKinds),
        limit,
      );
      return rows.sort(claimOrder).map(toRecord);
    },
    /** Finishes a job only while the lease is still held; false means another runner took it back. */
    finish(id: number, lease: Lease, now: number, fields: FinishFields): boolean {
      const finished = fields.status === 'SUCCEEDED' || fields.status === 'FAILED' || fields.status === 'CANCELLED';
      return (
        s.finish.run(
          fields.status,
          fields.result === undefined ? null : JSON.stringify(fields.result),
          fields.errorCode ?? null,
          fields.errorMessage ?? null,
          fields.runAt ?? null,
          fields.progress ? JSON.stringify(fields.progress) : null,
          fields.refundAttempt ? 1 : 0,
          finished ? now : null,
          now,
          id,
          lease.owner,
          lease.recoveries,
        ).changes === 1
      );
    },
    /**
     * Records a success (result and progress already JSON) while the lease is held and no item failed; false
     * otherwise, and `holdsLease` tells which of the two it was.
     */
    succeed(
      id: number,
      lease: Lease,
      now: number,
      result: string,
      progress: string,
      acceptFailedItems = false,
    ): boolean {
      if (acceptFailedItems)
        return (
          s.succeedWithFailedItems.run(result, progress, now, now, id, lease.owner, lease.recoveries).changes === 1
        );
      return s.succeed.run(result, progress, now, now, id, lease.owner, lease.recoveries, id).changes === 1;
    },
    holdsLease: (id: number, lease: Lease) => s.holdsLease.get(id, lease.owner, lease.recoveries) !== undefined,
    /**
     * Gives back a job claimed beyond what the runner could start: only the claim is undone (status, lease, the
     * attempt it counted, and the start time if this claim was its first start), so a job waiting to retry keeps its error.
     */
    handBack(id: number, lease: Lease, claimedAt: number, now: number): boolean {
      return s.handBack.run(claimedAt, now, id, lease.owner, lease.recoveries).changes === 1;
    },
    /** Saves progress (already JSON) while the lease is held. */
    saveProgress(id: number, lease: Lease, progress: string, now: number): void {
      s.progress.run(progress, now, id, lease.owner, lease.recoveries);
    },
    /** Renews the leases of running jobs; answers which are still ours and which have a cancel request. */
    heartbeat: db.transaction((ids: readonly number[], owner: string, now: number, leaseMs: number) =>
      ids
        .flatMap((id) => s.heartbeat.all(now + leaseMs, now, now, id, owner))
        .map((r) => ({ id: r.id, cancelRequested: r.cancel_requested === 1 })),
    ),
    runningLeases: () => s.running.all(),
    /** Puts a RUNNING job whose owner is gone back in the queue; the claim's attempt is given back. */
    requeueRecovered(id: number, owner: string | null, now: number): boolean {
      return s.requeue.run(now, now, id, owner).changes === 1;
    },
    requestCancel: (id: number, now: number) => s.requestCancel.run(now, id).changes === 1,
    cancelQueued: db.transaction((id: number, now: number) => {
      const changed = s.cancelQueued.run(now, now, id).changes === 1;
      if (changed) s.cancelItems.run(now, id);
      return changed;
    }),
    /** Re-queues a finished job; only its failed (and cancelled) items run again. */
    retry: db.transaction((id: number, now: number) => {
      const changed = s.retry.run(now, now, id).changes === 1;
      if (changed) s.resetItems.run(now, id, JSON.stringify(['FAILED', 'CANCELLED', 'RUNNING']));
      return changed;
    }),
    /**
     * Runs a finished job again for some of its items: its failed and cancelled ones (all, or those of `keys`) go
     * back to pending, the others keep their outcome. Answers how many items will run, or null when the job is not
     * finished (nothing changed); with no item to run, nothing changes either.
     */
    retryItems: db.transaction((id: number, keys: readonly string[] | null, now: number): number | null => {
      const job = s.get.get(id);
      if (!job || (job.status !== 'SUCCEEDED' && job.status !== 'FAILED' && job.status !== 'CANCELLED')) return null;
      const reset = s.resetChosenItems.run({
        now,
        id,
        statuses: JSON.stringify(['FAILED', 'CANCELLED']),
        keys: keys ? JSON.stringify(keys) : null,
      }).changes;
      if (reset > 0) s.requeueFinished.run(now, now, id);
      return reset;
    }),
    deleteFinishedBefore: (cutoff: number) => s.deleteFinishedBefore.run(cutoff).changes,
    nextQueuedRunAt: () => s.nextRunAt.get()?.run_at ?? null,

    addItems: db.transaction((jobId: number, keys: readonly string[], now: number) => {
      keys.forEach((key, seq) => s.insertItem.run(jobId, key, seq, now));
    }),
    itemsWithStatus: (jobId: number, status: JobItemStatus, limit = 1_000_000) =>
      s.itemsByStatus.all(jobId, status, limit).map((r) => r.item_key),
    listItems(jobId: number, status: JobItemStatus | undefined, limit: number): JobItem[] {
      return (status ? s.itemsByStatus.all(jobId, status, limit) : s.allItems.all(jobId, limit)).map(toItemDto);
    },
    getItem(jobId: number, key: string): { status: JobItemStatus; result: unknown } | undefined {
      const row = s.item.get(jobId, key);
      return row ? { status: row.status, result: parseJson(row.result) } : undefined;
    },
    itemCounts(jobId: number): ItemCounts {
      const out: ItemCounts = { total: 0, pending: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0 };
      for (const { status, n } of s.itemCounts.all(jobId)) {
        out[status.toLowerCase() as Exclude<keyof ItemCounts, 'total'>] = n;
        out.total += n;
      }
      return out;
    },
    /** Marks an item running; false when the lease is no longer held (nothing was written). */
    startItem: (jobId: number, lease: Lease, key: string, now: number) =>
      s.startItem.run(now, jobId, key, jobId, lease.owner, lease.recoveries).changes === 1,
    /**
     * Records an item's outcome together with its side effect (`effect`, run inside the same transaction), only while
     * the lease is held: false, with nothing written and the effect not run, once another runner has the job.
     * IMMEDIATE: the lease check reads, and a write after a read in a deferred transaction fails outright (it cannot
     * wait) if another process committed in between.
     */
    finishItem: db.transaction(
      (jobId: number, lease: Lease, key: string, now: number, fields: ItemFields, effect?: () => void): boolean => {
        if (s.holdsLease.get(jobId, lease.owner, lease.recoveries) === undefined) return false;
        effect?.();
        s.finishItem.run(
          fields.status,
          fields.errorCode ?? null,
          fields.errorMessage ?? null,
          fields.records ?? 0,
          fields.processingMs ?? null,
          fields.result === undefined ? null : JSON.stringify(fields.result),
          now,
          jobId,
          key,
        );
        return true;
      },
    ).immediate,
    cancelItems: (jobId: number, now: number) => s.cancelItems.run(now, jobId).changes,
    /** Items interrupted by a shutdown go back to pending: nothing of theirs was committed. */
    pauseItems: (jobId: number, now: number) => s.resetItems.run(now, jobId, JSON.stringify(['RUNNING'])).changes,
    resetFailedItems: (jobId: number, now: number) => s.resetItems.run(now, jobId, JSON.stringify(['FAILED'])).changes,
  };
}
export type JobStore = ReturnType<typeof createJobStore>;
