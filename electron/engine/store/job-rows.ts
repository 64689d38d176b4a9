import {
  JOB_PRIORITIES,
  type Job,
  type JobItem,
  type JobItemStatus,
  type JobPriority,
  type JobProgress,
  type JobStatus,
} from '../../../shared/domain/jobs';

/** Rows of the jobs tables and what the job store makes of them; they never leave `store/`. */

export interface DbJob {
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

export interface DbJobItem {
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

export const priorityRank = (p: JobPriority) => JOB_PRIORITIES.indexOf(p);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
export const parseJson = (text: string | null): unknown => (text === null ? null : JSON.parse(text));

/** The columns a JobRecord is made of, in the order `toRecord` reads them from a raw row. */
export const RECORD_COLUMNS =
  'id, kind, payload, status, priority, attempts, max_attempts, recoveries, run_at, idempotency_key, progress, cancel_requested, lease_owner, created_at, started_at';
export type RecordRow = [
  number,
  string,
  string,
  JobStatus,
  number,
  number,
  number,
  number,
  number,
  string | null,
  string | null,
  number,
  string | null,
  number,
  number | null,
];

const parseProgress = (text: string | null) => (text ? (JSON.parse(text) as JobProgress) : null);

export function toRecord(row: RecordRow): JobRecord {
  return {
    id: row[0],
    kind: row[1],
    rawPayload: row[2],
    status: row[3],
    priority: JOB_PRIORITIES[row[4]]!,
    attempts: row[5],
    maxAttempts: row[6],
    recoveries: row[7],
    runAt: row[8],
    idempotencyKey: row[9],
    progress: parseProgress(row[10]),
    cancelRequested: row[11] === 1,
    leaseOwner: row[12],
    createdAt: row[13],
    startedAt: row[14],
  };
}

/** Priority, then age: the order jobs are claimed in, and started in. */
export const claimOrder = (a: RecordRow, b: RecordRow) => a[4] - b[4] || a[0] - b[0];

export function emptyProgress(total = 0): JobProgress {
  return {
    percentage: 0,
    message: '',
    phase: 'queued',
    completed: 0,
    failed: 0,
    total,
    currentItem: null,
    estimatedCompletion: null,
    avgItemMs: null,
  };
}

export function toDto(row: DbJob): Job {
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

export function toItemDto(row: DbJobItem): JobItem {
  return {
    key: row.item_key,
    status: row.status,
    attempts: row.attempts,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    records: row.records,
    processingTimeMs: row.processing_ms,
    result: parseJson(row.result),
  };
}
