import {
  JOB_PRIORITIES,
  type Job,
  type JobItem,
  type JobItemStatus,
  type JobPriority,
  type JobProgress,
  type JobStats,
  type JobStatus,
} from '../../../shared/domain/jobs';
import type { Db } from './types';

interface DbJob {
  id: number;
  kind: string;
  payload: string;
  status: JobStatus;
  priority: number;
  attempts: number;
  max_attempts: number;
  recoveries: number;
  run_at: number;
  idempotency_key: string | null;
  progress: string | null;
  result: string | null;
  error_code: string | null;
  error_message: string | null;
  cancel_requested: number;
  lease_owner: string | null;
  lease_expires_at: number | null;
  heartbeat_at: number | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  updated_at: number;
}

interface DbJobItem {
  job_id: number;
  item_key: string;
  seq: number;
  status: JobItemStatus;
  attempts: number;
  error_code: string | null;
  error_message: string | null;
  records: number;
  processing_ms: number | null;
  result: string | null;
  updated_at: number;
}

/** A job as the runner sees it: the payload still raw JSON, to be parsed against its kind's schema. */
export interface JobRecord {
  id: number;
  kind: string;
  rawPayload: string;
  status: JobStatus;
  priority: JobPriority;
  attempts: number;
  maxAttempts: number;
  recoveries: number;
  runAt: number;
  idempotencyKey: string | null;
  progress: JobProgress | null;
  cancelRequested: boolean;
  leaseOwner: string | null;
  createdAt: number;
  startedAt: number | null;
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

export interface ItemCounts {
  total: number;
  pending: number;
  running: number;
  succeeded: number;
  failed: number;
  cancelled: number;
}

const priorityRank = (p: JobPriority) => JOB_PRIORITIES.indexOf(p);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const parseJson = (text: string | null): unknown => (text === null ? null : JSON.parse(text));

/** The columns a JobRecord is made of. */
const RECORD_COLUMNS =
  'id, kind, payload, status, priority, attempts, max_attempts, recoveries, run_at, idempotency_key, progress, cancel_requested, lease_owner, created_at, started_at';
type RecordRow = Pick<
  DbJob,
  | 'id'
  | 'kind'
  | 'payload'
  | 'status'
  | 'priority'
  | 'attempts'
  | 'max_attempts'
  | 'recoveries'
  | 'run_at'
  | 'idempotency_key'
  | 'progress'
  | 'cancel_requested'
  | 'lease_owner'
  | 'created_at'
  | 'started_at'
>;

const parseProgress = (text: string | null) => (text ? (JSON.parse(text) as JobProgress) : null);

function toRecord(row: RecordRow): JobRecord {
  return {
    id: row.id,
    kind: row.kind,
    rawPayload: row.payload,
    status: row.status,
    priority: JOB_PRIORITIES[row.priority]!,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    recoveries: row.recoveries,
    runAt: row.run_at,
    idempotencyKey: row.idempotency_key,
    progress: parseProgress(row.progress),
    cancelRequested: row.cancel_requested === 1,
    leaseOwner: row.lease_owner,
    createdAt: row.created_at,
    startedAt: row.started_at,
  };
}

export function emptyProgress(total = 0): JobProgress {
  return { percentage: 0, message: '', phase: 'queued', completed: 0, failed: 0, total, currentItem: null, estimatedCompletion: null, avgItemMs: null };
}

function toDto(row: DbJob): Job {
  let payload: unknown;
  try {
    payload = JSON.parse(row.payload);
  } catch {
    payload = row.payload;
  }
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    priority: JOB_PRIORITIES[row.priority]!,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    progress: parseProgress(row.progress) ?? emptyProgress(),
    result: parseJson(row.result),
    error: row.error_code ? { code: row.error_code, message: row.error_message ?? '' } : null,
    payload,
    idempotencyKey: row.idempotency_key,
    runAt: iso(row.run_at)!,
    createdAt: iso(row.created_at)!,
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    cancelRequested: row.cancel_requested === 1,
  };
}

function toItemDto(row: DbJobItem): JobItem {
  return {
    key: row.item_key,
    status: row.status,
    attempts: row.attempts,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    records: row.records,
    processingTimeMs: row.processing_ms,
  };
}

export function createJobStore(db: Db) {
  const s = {
    // Run, not RETURNING id: the new id is lastInsertRowid, and a RETURNING clause makes each insert about a fifth slower.
    insert: db.prepare<unknown[]>(
      `INSERT INTO jobs (kind, payload, status, priority, max_attempts, run_at, idempotency_key, progress, created_at, updated_at)
       VALUES (?, ?, 'QUEUED', ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING`,
    ),
    idByKey: db.prepare<[string], { id: number }>('SELECT id FROM jobs WHERE idempotency_key = ?'),
    get: db.prepare<[number], DbJob>('SELECT * FROM jobs WHERE id = ?'),
    // INDEXED BY: left to itself the planner picks jobs_status_created (status = ?) and sorts every queued job for each claim.
    // RETURNING only the columns a JobRecord is made of: returning every column costs about a quarter more per claimed job.
    claim: db.prepare<unknown[], RecordRow>(
      `UPDATE jobs SET status = 'RUNNING', attempts = attempts + 1, lease_owner = ?, lease_expires_at = ?, heartbeat_at = ?,
              started_at = COALESCE(started_at, ?), updated_at = ?
       WHERE id IN (SELECT id FROM jobs INDEXED BY jobs_claim WHERE status = 'QUEUED' AND run_at <= ?
                    AND kind NOT IN (SELECT value FROM json_each(?)) ORDER BY priority, id LIMIT ?)
       RETURNING ${RECORD_COLUMNS}`,
    ),
    // Positional parameters: binding them from an object of named ones makes each finish about a quarter slower.
    finish: db.prepare<[JobStatus, string | null, string | null, string | null, number | null, string | null, number, number | null, number, number, string]>(
      `UPDATE jobs SET status = ?, result = ?, error_code = ?, error_message = ?,
              run_at = COALESCE(?, run_at), progress = COALESCE(?, progress),
              attempts = attempts - ?, finished_at = ?, lease_owner = NULL, lease_expires_at = NULL, updated_at = ?
       WHERE id = ? AND lease_owner = ? AND status = 'RUNNING'`,
    ),
    progress: db.prepare<[string, number, number]>('UPDATE jobs SET progress = ?, updated_at = ? WHERE id = ?'),
    heartbeat: db.prepare<[number, number, number, number, string], { id: number; cancel_requested: number }>(
      `UPDATE jobs SET lease_expires_at = ?, heartbeat_at = ?, updated_at = ? WHERE id = ? AND lease_owner = ? AND status = 'RUNNING'
       RETURNING id, cancel_requested`,
    ),
    running: db.prepare<[], { id: number; lease_owner: string | null; lease_expires_at: number | null; recoveries: number }>(
      "SELECT id, lease_owner, lease_expires_at, recoveries FROM jobs WHERE status = 'RUNNING'",
    ),
    requeue: db.prepare<[number, number, number, string | null]>(
      `UPDATE jobs SET status = 'QUEUED', lease_owner = NULL, lease_expires_at = NULL, attempts = MAX(attempts - 1, 0),
              recoveries = recoveries + 1, run_at = ?, updated_at = ? WHERE id = ? AND status = 'RUNNING' AND lease_owner IS ?`,
    ),
    requestCancel: db.prepare<[number, number]>("UPDATE jobs SET cancel_requested = 1, updated_at = ? WHERE id = ? AND status = 'RUNNING'"),
    cancelQueued: db.prepare<[number, number, number]>(
      "UPDATE jobs SET status = 'CANCELLED', finished_at = ?, updated_at = ? WHERE id = ? AND status = 'QUEUED'",
    ),
    retry: db.prepare<[number, number, number]>(
      `UPDATE jobs SET status = 'QUEUED', attempts = 0, recoveries = 0, run_at = ?, error_code = NULL, error_message = NULL, result = NULL,
              cancel_requested = 0, finished_at = NULL, updated_at = ? WHERE id = ? AND status IN ('FAILED', 'CANCELLED')`,
    ),
    stats: db.prepare<[], { status: JobStatus; n: number }>('SELECT status, COUNT(*) AS n FROM jobs GROUP BY status'),
    deleteFinishedBefore: db.prepare<[number]>("DELETE FROM jobs WHERE finished_at IS NOT NULL AND finished_at < ? AND status != 'RUNNING' AND status != 'QUEUED'"),
    nextRunAt: db.prepare<[], { run_at: number | null }>("SELECT MIN(run_at) AS run_at FROM jobs WHERE status = 'QUEUED'"),
    insertItem: db.prepare<[number, string, number, number]>(
      "INSERT INTO job_items (job_id, item_key, seq, status, updated_at) VALUES (?, ?, ?, 'PENDING', ?) ON CONFLICT DO NOTHING",
    ),
    itemsByStatus: db.prepare<[number, string, number], DbJobItem>('SELECT * FROM job_items WHERE job_id = ? AND status = ? ORDER BY seq LIMIT ?'),
    item: db.prepare<[number, string], DbJobItem>('SELECT * FROM job_items WHERE job_id = ? AND item_key = ?'),
    allItems: db.prepare<[number, number], DbJobItem>('SELECT * FROM job_items WHERE job_id = ? ORDER BY seq LIMIT ?'),
    itemCounts: db.prepare<[number], { status: JobItemStatus; n: number }>('SELECT status, COUNT(*) AS n FROM job_items WHERE job_id = ? GROUP BY status'),
    startItem: db.prepare<[number, number, string]>(
      "UPDATE job_items SET status = 'RUNNING', attempts = attempts + 1, updated_at = ? WHERE job_id = ? AND item_key = ?",
    ),
    finishItem: db.prepare<unknown[]>(
      `UPDATE job_items SET status = @status, error_code = @errorCode, error_message = @errorMessage, records = @records,
              processing_ms = @processingMs, result = @result, updated_at = @now WHERE job_id = @jobId AND item_key = @key`,
    ),
    resetItems: db.prepare<[number, number, string]>(
      "UPDATE job_items SET status = 'PENDING', updated_at = ? WHERE job_id = ? AND status IN (SELECT value FROM json_each(?))",
    ),
    cancelItems: db.prepare<[number, number]>(
      "UPDATE job_items SET status = 'CANCELLED', updated_at = ? WHERE job_id = ? AND status IN ('PENDING', 'RUNNING')",
    ),
  };

  const insertOne = (job: NewJob, now: number): { id: number; created: boolean } => {
    const inserted = s.insert.run(
      job.kind,
      JSON.stringify(job.payload ?? null),
      priorityRank(job.priority),
      job.maxAttempts,
      job.runAt,
      job.idempotencyKey,
      JSON.stringify(job.progress),
      now,
      now,
    );
    if (inserted.changes === 1) return { id: Number(inserted.lastInsertRowid), created: true };
    return { id: s.idByKey.get(job.idempotencyKey!)!.id, created: false };
  };

  return {
    /** Inserts in one transaction; a job whose idempotency key exists already gives back the existing id. */
    /** Jobs and their items in one transaction; an existing job (same idempotency key) keeps its own items. */
    insertWithItems: db.transaction((jobs: readonly NewJob[], items: readonly (readonly string[])[], now: number) =>
      jobs.map((job, i) => {
        const inserted = insertOne(job, now);
        if (inserted.created) items[i]?.forEach((key, seq) => s.insertItem.run(inserted.id, key, seq, now));
        return inserted;
      }),
    ),
    get(id: number): JobRecord | undefined {
      const row = s.get.get(id);
      return row ? toRecord(row) : undefined;
    },
    getDto(id: number): Job | undefined {
      const row = s.get.get(id);
      return row ? toDto(row) : undefined;
    },
    list(query: { status?: JobStatus | undefined; kind?: string | undefined; limit: number }): Job[] {
      const where: string[] = [];
      const args: unknown[] = [];
      if (query.status) {
        where.push('status = ?');
        args.push(query.status);
      }
      if (query.kind) {
        where.push('kind = ?');
        args.push(query.kind);
      }
      const sql = `SELECT * FROM jobs ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT ?`;
      return db.prepare<unknown[], DbJob>(sql).all(...args, query.limit).map(toDto);
    },
    stats(): JobStats {
      const out: JobStats = { queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0 };
      for (const { status, n } of s.stats.all()) out[status.toLowerCase() as keyof JobStats] = n;
      return out;
    },
    /** Claims up to `limit` due jobs atomically; two runners on one file never get the same job. */
    claim(owner: string, now: number, leaseMs: number, excludedKinds: readonly string[], limit: number): JobRecord[] {
      const rows = s.claim.all(owner, now + leaseMs, now, now, now, now, JSON.stringify(excludedKinds), limit);
      return rows.map(toRecord).sort((a, b) => priorityRank(a.priority) - priorityRank(b.priority) || a.id - b.id);
    },
    /** Finishes a job only while this owner still holds its lease; false means another runner took it back. */
    finish(id: number, owner: string, now: number, fields: FinishFields): boolean {
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
          owner,
        ).changes === 1
      );
    },
    saveProgress(id: number, progress: JobProgress, now: number): void {
      s.progress.run(JSON.stringify(progress), now, id);
    },
    /** Renews the leases of running jobs; answers which are still ours and which have a cancel request. */
    heartbeat: db.transaction((ids: readonly number[], owner: string, now: number, leaseMs: number) =>
      ids.flatMap((id) => s.heartbeat.all(now + leaseMs, now, now, id, owner)).map((r) => ({ id: r.id, cancelRequested: r.cancel_requested === 1 })),
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
    deleteFinishedBefore: (cutoff: number) => s.deleteFinishedBefore.run(cutoff).changes,
    nextQueuedRunAt: () => s.nextRunAt.get()?.run_at ?? null,

    addItems: db.transaction((jobId: number, keys: readonly string[], now: number) => {
      keys.forEach((key, seq) => s.insertItem.run(jobId, key, seq, now));
    }),
    itemsWithStatus: (jobId: number, status: JobItemStatus, limit = 1_000_000) => s.itemsByStatus.all(jobId, status, limit).map((r) => r.item_key),
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
    startItem: (jobId: number, key: string, now: number) => s.startItem.run(now, jobId, key),
    finishItem(
      jobId: number,
      key: string,
      now: number,
      fields: { status: JobItemStatus; records?: number; processingMs?: number | null; errorCode?: string | null; errorMessage?: string | null; result?: unknown },
    ): void {
      s.finishItem.run({
        jobId,
        key,
        now,
        status: fields.status,
        records: fields.records ?? 0,
        processingMs: fields.processingMs ?? null,
        errorCode: fields.errorCode ?? null,
        errorMessage: fields.errorMessage ?? null,
        result: fields.result === undefined ? null : JSON.stringify(fields.result),
      });
    },
    cancelItems: (jobId: number, now: number) => s.cancelItems.run(now, jobId).changes,
    /** Items interrupted by a shutdown go back to pending: nothing of theirs was committed. */
    pauseItems: (jobId: number, now: number) => s.resetItems.run(now, jobId, JSON.stringify(['RUNNING'])).changes,
    resetFailedItems: (jobId: number, now: number) => s.resetItems.run(now, jobId, JSON.stringify(['FAILED'])).changes,
  };
}
export type JobStore = ReturnType<typeof createJobStore>;
