import { describeDetails, zodDetails } from '../common/parse';
import type { JobProgress, JobStatus } from '../../../shared/domain/jobs';
import type { Clock } from '../common/clock';
import type { Emit } from '../common/events';
import type { Logger } from '../common/logger';
import { emptyProgress, type FinishFields, type JobRecord, type JobStore, type Lease } from '../store/jobs';
import type { Db } from '../store/types';
import { createJobContext, type ContextHost, type JobContext } from './context';
import { classifyError, JobStoppedError, PermanentJobError, TransientJobError, type StopReason } from './errors';
import { backoffDelay } from '../common/backoff';
import { LazyAbortController } from './lease';
import { ProgressTracker } from './progress';
import { DEFAULT_BACKOFF, type JobKind } from './registry';

/** What an execution needs from its runner. */
export interface ExecutionHost {
  readonly db: Db;
  readonly store: JobStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly random: () => number;
  readonly emit: Emit;
  readonly maxRecoveries: number;
  /** Save this job's current progress with the runner's next batch of writes. */
  saveLater(execution: JobExecution): void;
  /** Record this job's success with the runner's next batch of writes, then call `recorded`. */
  succeedLater(execution: JobExecution): void;
  /** The execution is over, its outcome recorded (or not ours to record): its slot is free. */
  release(execution: JobExecution): void;
}

export interface JobFailure {
  code: string;
  message: string;
}

/** Jobs that finish in the same millisecond share one ISO string instead of formatting a Date each. */
let isoCache = { ms: NaN, text: '' };
function isoAt(ms: number): string {
  if (isoCache.ms !== ms) isoCache = { ms, text: new Date(ms).toISOString() };
  return isoCache.text;
}

/**
 * One run of one claimed job: checks it can run, runs its handler with a context, and records the outcome. A success
 * is written by the runner together with the others of the same turn (see `succeedLater`); the rarer outcomes
 * (failure, retry, cancel, pause) are written here at once.
 */
export class JobExecution implements ContextHost {
  readonly lease: Lease;
  readonly controller = new LazyAbortController();
  readonly failures = { transient: 0, permanent: 0 };
  tracker!: ProgressTracker;
  /** Set once the outcome is being recorded: progress saved from now on would only be overwritten. */
  closed = false;
  /** The success to record: result and final progress, set by `succeeded`. */
  resultJson = 'null';
  finalProgress: JobProgress | undefined;
  private result: unknown = null;
  private payload: unknown;
  private startedAt = 0;
  private released = false;
  private jobInfo: JobContext<unknown>['job'] | undefined;
  private childLogger: Logger | undefined;

  constructor(
    readonly record: JobRecord,
    private readonly host: ExecutionHost,
    private readonly kind: JobKind | undefined,
    owner: string,
  ) {
    this.lease = { owner, recoveries: record.recoveries };
  }

  get db() {
    return this.host.db;
  }
  get store() {
    return this.host.store;
  }
  get clock() {
    return this.host.clock;
  }
  get random() {
    return this.host.random;
  }
  get signal() {
    return this.controller.signal;
  }
  get logger() {
    return (this.childLogger ??= this.host.logger.child(this.record.kind));
  }
  get job() {
    const r = this.record;
    return (this.jobInfo ??= {
      id: r.id,
      kind: r.kind,
      attempts: r.attempts,
      maxAttempts: r.maxAttempts,
      priority: r.priority,
    });
  }
  leaseLost(): void {
    this.controller.abort('lease-lost');
  }

  /** Whether the job can run in this version of the app; the reason it cannot, to be recorded as its failure. */
  check(): JobFailure | null {
    const { record, kind } = this;
    if (!kind)
      return { code: 'UNKNOWN_KIND', message: `no handler for job kind "${record.kind}" in this version of the app` };
    if (record.recoveries > this.host.maxRecoveries) {
      return {
        code: 'CRASH_LOOP',
        message: `the engine stopped ${record.recoveries} times while running this job; it will not be resumed again`,
      };
    }
    let raw: unknown;
    try {
      raw = JSON.parse(record.rawPayload);
    } catch (error) {
      return { code: 'PAYLOAD_INVALID', message: `stored payload is not valid JSON: ${(error as Error).message}` };
    }
    const parsed = kind.payload.safeParse(raw);
    if (!parsed.success) {
      return {
        code: 'PAYLOAD_INVALID',
        message: describeDetails(
          `stored payload no longer matches ${record.kind}`,
          zodDetails(parsed.error, ['payload']),
        ),
      };
    }
    this.payload = parsed.data;
    return null;
  }

  /** Records a job that could not start as failed (inside the claim's transaction); whether the write took. */
  failAtStart(failure: JobFailure, now: number): boolean {
    this.closed = true;
    return this.host.store.finish(this.record.id, this.lease, now, {
      status: 'FAILED',
      errorCode: failure.code,
      errorMessage: failure.message,
    });
  }

  /** Announces a failure written by `failAtStart`, once it is committed. */
  announceFailedAtStart(failure: JobFailure): void {
    this.publish('FAILED', this.record.progress ?? emptyProgress());
    this.host.emit('job_failed', {
      jobId: this.record.id,
      kind: this.record.kind,
      error: failure,
      attempts: this.record.attempts,
      willRetry: false,
      nextRunAt: null,
    });
  }

  /** Runs the handler; call once the claim is committed. */
  begin(): void {
    const { clock } = this.host;
    this.startedAt = clock.now();
    this.tracker = new ProgressTracker(this.record.progress ?? emptyProgress(), clock, (progress) =>
      this.published(progress),
    );
    this.tracker.update({ phase: 'running' });
    let outcome: Promise<unknown>;
    try {
      outcome = this.kind!.handler(createJobContext(this.payload, this));
    } catch (error) {
      outcome = Promise.reject(error);
    }
    outcome.then(
      (result) => this.succeeded(result),
      (error: unknown) => this.failed(error),
    );
  }

  /** The tracker published: announce it now, and save it with the next batch unless the outcome overtakes it. */
  private published(progress: JobProgress): void {
    this.publish('RUNNING', progress);
    if (!this.closed) this.host.saveLater(this);
  }

  private publish(status: JobStatus, progress: JobProgress, attempts = this.record.attempts): void {
    this.host.emit('job_progress_update', {
      jobId: this.record.id,
      kind: this.record.kind,
      status,
      attempts,
      progress,
    });
  }

  private succeeded(result: unknown): void {
    try {
      this.resultJson = JSON.stringify(result ?? null) ?? 'null';
    } catch (error) {
      return this.failed(error); // a result that cannot be stored fails like a handler that threw
    }
    this.closed = true;
    this.result = result ?? null;
    this.tracker.dispose();
    const now = this.host.clock.now();
    this.finalProgress = {
      ...this.tracker.current(),
      phase: 'done',
      percentage: 100,
      currentItem: null,
      estimatedCompletion: isoAt(now),
    };
    this.host.succeedLater(this);
  }

  /** The runner's batch wrote the success (`ok`), or did not: the lease was lost, or an item of the job had failed. */
  recorded(ok: boolean): void {
    const { record, host } = this;
    if (ok) {
      this.publish('SUCCEEDED', this.finalProgress!);
      host.emit('job_completed', {
        jobId: record.id,
        kind: record.kind,
        result: this.result,
        durationMs: host.clock.now() - this.startedAt,
      });
      return this.release();
    }
    try {
      if (!host.store.holdsLease(record.id, this.lease)) {
        host.logger.warn('lease lost before the job finished; another runner owns it now', { jobId: record.id });
        return this.release();
      }
      const counts = host.store.itemCounts(record.id);
      const message = `${counts.failed} of ${counts.total} items failed`;
      this.failed(
        this.failures.permanent === 0
          ? new TransientJobError('ITEMS_FAILED', message)
          : new PermanentJobError('ITEMS_FAILED', message),
      );
    } catch (error) {
      this.failed(error);
    }
  }

  /** The batched write failed: the success is written alone, and a failure to write it is handled like a handler's. */
  recordAlone(now: number): void {
    let ok: boolean;
    try {
      ok = this.host.store.succeed(
        this.record.id,
        this.lease,
        now,
        this.resultJson,
        JSON.stringify(this.finalProgress),
        this.kind?.acceptsFailedItems,
      );
    } catch (error) {
      return this.failed(error);
    }
    this.recorded(ok);
  }

  failed(error: unknown): void {
    this.closed = true;
    try {
      this.recordFailure(error);
    } catch (writeError) {
      this.host.logger.error('job runner failed to record an outcome', { jobId: this.record.id, error: writeError });
    } finally {
      this.release();
    }
  }

  private recordFailure(error: unknown): void {
    const { record, host, tracker } = this;
    const { clock } = host;
    if (error instanceof JobStoppedError || this.controller.aborted) {
      return this.stopped(
        error instanceof JobStoppedError ? error.reason : (this.controller.signal.reason as StopReason),
      );
    }
    const kind = this.kind!;
    const failure = classifyError(error, kind.retryUnknownErrors ?? true);
    if (failure.code === 'UNEXPECTED')
      host.logger.error('job handler threw', { jobId: record.id, kind: record.kind, error });
    const backoff = kind.backoff ?? DEFAULT_BACKOFF;
    if (failure.transient && record.attempts < record.maxAttempts) {
      const runAt =
        clock.now() + (failure.retryInMs ?? backoffDelay(record.attempts, backoff.baseMs, backoff.maxMs, host.random));
      tracker.update({ phase: 'retrying', message: `${failure.message}; retrying` });
      const requeued = this.finishWithItems(
        { status: 'QUEUED', runAt, errorCode: failure.code, errorMessage: failure.message },
        () => {
          if (failure.code === 'ITEMS_FAILED') host.store.resetFailedItems(record.id, clock.now());
        },
      );
      if (requeued) {
        this.publish('QUEUED', tracker.current());
        const error = { code: failure.code, message: failure.message };
        host.emit('job_failed', {
          jobId: record.id,
          kind: record.kind,
          error,
          attempts: record.attempts,
          willRetry: true,
          nextRunAt: new Date(runAt).toISOString(),
        });
      }
      return;
    }
    if (this.finish({ status: 'FAILED', errorCode: failure.code, errorMessage: failure.message })) {
      this.publish('FAILED', tracker.current());
      host.emit('job_failed', {
        jobId: record.id,
        kind: record.kind,
        error: { code: failure.code, message: failure.message },
        attempts: record.attempts,
        willRetry: false,
        nextRunAt: null,
      });
    }
  }

  private stopped(reason: StopReason): void {
    const { record, host, tracker } = this;
    const { store, clock } = host;
    if (reason === 'lease-lost') {
      tracker.dispose();
      return;
    }
    if (reason === 'shutdown') {
      tracker.update({ phase: 'paused', message: 'paused: the app was closing; resumes at next start' });
      const paused = this.finishWithItems({ status: 'QUEUED', refundAttempt: true }, () =>
        store.pauseItems(record.id, clock.now()),
      );
      if (paused) this.publish('QUEUED', tracker.current(), record.attempts - 1);
      return;
    }
    tracker.update({ phase: 'cancelled', message: 'cancelled', currentItem: null, estimatedCompletion: null });
    const cancelled = this.finishWithItems(
      { status: 'CANCELLED', errorCode: 'CANCELLED', errorMessage: 'cancelled by the user' },
      () => store.cancelItems(record.id, clock.now()),
    );
    if (cancelled) this.publish('CANCELLED', tracker.current());
  }

  /** Writes an outcome with the current progress, while the lease is held. */
  private finish(fields: FinishFields): boolean {
    this.tracker.dispose();
    const ok = this.host.store.finish(this.record.id, this.lease, this.host.clock.now(), {
      ...fields,
      progress: this.tracker.current(),
    });
    if (!ok)
      this.host.logger.warn('lease lost before the job finished; another runner owns it now', {
        jobId: this.record.id,
      });
    return ok;
  }

  /**
   * Finishes the job and changes its items in one transaction, the items only if the lease still held: the item
   * writes carry no fence of their own, and a runner that lost the job must not touch the new owner's items.
   */
  private finishWithItems(fields: FinishFields, changeItems: () => void): boolean {
    return this.host.db.transaction(() => {
      if (!this.finish(fields)) return false;
      changeItems();
      return true;
    })();
  }

  private release(): void {
    if (this.released) return;
    this.released = true;
    this.host.release(this);
  }
}
