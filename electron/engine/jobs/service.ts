import type { Job, JobItem, JobItemStatus, JobPriority, JobStats, JobStatus } from '../../../shared/domain/jobs';
import { WorkstationError } from '../../../shared/errors';
import type { Clock } from '../common/clock';
import type { Emit } from '../common/events';
import type { Logger } from '../common/logger';
import { parseOrThrow } from '../common/parse';
import { emptyProgress, type JobStore, type NewJob } from '../store/jobs';
import { afterTransaction } from '../store/transaction';
import type { Db } from '../store/types';
import { DEFAULT_MAX_ATTEMPTS, type JobRegistry } from './registry';
import type { JobRunner } from './runner';

export interface EnqueueOptions {
  priority?: JobPriority;
  /** Enqueueing the same key again returns the existing job instead of a second one. */
  idempotencyKey?: string | null;
  runAt?: number;
  maxAttempts?: number;
  /** The job's items (one per symbol), created with it so their status shows before it starts. */
  items?: readonly string[];
}

export interface EnqueueRequest extends EnqueueOptions {
  kind: string;
  payload: unknown;
}

export interface JobServiceDeps {
  db: Db;
  store: JobStore;
  registry: JobRegistry;
  runner: JobRunner;
  clock: Clock;
  logger: Logger;
  emit: Emit;
}

/** Shared by every job enqueued without items: the store formats it once per batch. */
const NO_ITEMS_PROGRESS = Object.freeze(emptyProgress());

/** The job API the rest of the engine and the commands use: enqueue, inspect, cancel, retry. */
export function createJobService({ db, store, registry, runner, clock, logger, emit }: JobServiceDeps) {
  function prepare(request: EnqueueRequest, index: number | null, now: number): NewJob {
    const kind = registry.get(request.kind);
    const at = (path: (string | number)[]) => (index === null ? path : [index, ...path]);
    if (!kind)
      throw new WorkstationError('VALIDATION_FAILED', `unknown job kind: ${request.kind}`, [
        { path: at(['kind']), message: 'unknown job kind' },
      ]);
    const payload: unknown = parseOrThrow(kind.payload, request.payload, `invalid payload for ${request.kind}`, {
      at: at(['payload']),
    });
    return {
      kind: request.kind,
      payload,
      priority: request.priority ?? 'NORMAL',
      maxAttempts: request.maxAttempts ?? kind.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      runAt: request.runAt ?? now,
      idempotencyKey: request.idempotencyKey ?? null,
      progress: request.items?.length ? emptyProgress(request.items.length) : NO_ITEMS_PROGRESS,
    };
  }

  function mustGet(id: number): Job {
    const job = store.getDto(id);
    if (!job) throw new WorkstationError('NOT_FOUND', `no job ${id}`);
    return job;
  }

  function announce(job: Job): void {
    emit('job_progress_update', {
      jobId: job.id,
      kind: job.kind,
      status: job.status,
      attempts: job.attempts,
      progress: job.progress,
    });
  }

  return {
    /**
     * Validates every request first: one bad payload stores nothing of the batch. Called inside a transaction, the
     * jobs are part of it (a savepoint) and are announced only once it has committed.
     */
    enqueueMany(requests: readonly EnqueueRequest[]): { id: number; created: boolean }[] {
      // One time for the whole batch: jobs due at once are alike, and the store inserts alike jobs together.
      const now = clock.now();
      const jobs = requests.map((r, i) => prepare(r, requests.length === 1 ? null : i, now));
      const ids = store.insertWithItems(
        jobs,
        requests.map((r) => r.items ?? []),
        now,
      );
      runner.wake();
      return ids;
    },
    enqueue(kind: string, payload: unknown, options: EnqueueOptions = {}): { job: Job; created: boolean } {
      const [{ id, created }] = this.enqueueMany([{ kind, payload, ...options }]) as [{ id: number; created: boolean }];
      const job = mustGet(id);
      if (created) {
        // Inside a caller's transaction (an order and its job written together), only once it has committed.
        afterTransaction(db, () => {
          const committed = store.getDto(id);
          if (!committed) return;
          logger.info('job enqueued', { jobId: id, kind, priority: committed.priority });
          announce(committed);
        });
      }
      return { job, created };
    },
    /** Enqueues a job for a command that starts work: the answer a `202` carries. */
    start(kind: string, payload: unknown, options: EnqueueOptions = {}): { jobId: number; status: JobStatus } {
      const { job } = this.enqueue(kind, payload, options);
      return { jobId: job.id, status: job.status };
    },
    get: mustGet,
    list: (query: { status?: JobStatus | undefined; kind?: string | undefined; limit: number }) => store.list(query),
    stats: (): JobStats => store.stats(),
    items(id: number, status: JobItemStatus | undefined, limit: number): JobItem[] {
      mustGet(id);
      return store.listItems(id, status, limit);
    },
    /** A queued job is cancelled at once; a running one is stopped at its next safe point (within about a second). */
    cancel(id: number): Job {
      const job = mustGet(id);
      const now = clock.now();
      if (job.status === 'QUEUED') {
        if (store.cancelQueued(id, now)) {
          logger.info('job cancelled', { jobId: id });
          const cancelled = mustGet(id);
          announce(cancelled);
          return cancelled;
        }
        return this.cancel(id); // claimed in between: cancel it as a running job
      }
      if (job.status !== 'RUNNING')
        throw new WorkstationError(
          'CONFLICT',
          `job ${id} is ${job.status}; only queued or running jobs can be cancelled`,
        );
      store.requestCancel(id, now);
      runner.cancelRunning(id);
      logger.info('job cancel requested', { jobId: id });
      return mustGet(id);
    },
    /** Re-queues a failed or cancelled job; only its failed and cancelled items run again. */
    retry(id: number): Job {
      const job = mustGet(id);
      if (job.status !== 'FAILED' && job.status !== 'CANCELLED') {
        throw new WorkstationError(
          'CONFLICT',
          `job ${id} is ${job.status}; only failed or cancelled jobs can be retried`,
        );
      }
      store.retry(id, clock.now());
      runner.wake();
      const queued = mustGet(id);
      logger.info('job retried', { jobId: id });
      announce(queued);
      return queued;
    },
    /**
     * Runs a finished job again for its failed items only (all of them, or those of `keys`), keeping the items
     * that succeeded: a retry of some symbols of an import is a new attempt of the same job. Answers the job and how
     * many items were reset.
     */
    retryItems(id: number, keys: readonly string[] | null): { job: Job; retried: number } {
      mustGet(id);
      const retried = store.retryItems(id, keys, clock.now());
      if (retried === null)
        throw new WorkstationError(
          'CONFLICT',
          `job ${id} has not finished; only a finished job's items can be retried`,
        );
      if (retried === 0)
        throw new WorkstationError(
          'CONFLICT',
          keys ? `job ${id} has no failed item among those named` : `job ${id} has no failed item to retry`,
        );
      runner.wake();
      const queued = mustGet(id);
      logger.info('job items retried', { jobId: id, retried });
      announce(queued);
      return { job: queued, retried };
    },
  };
}
export type JobService = ReturnType<typeof createJobService>;
