import type { JobProgress, JobStatus } from '../../../shared/domain/jobs';
import type { Clock, TimerHandle } from '../clock';
import type { Emit } from '../events';
import type { Logger } from '../logger';
import { emptyProgress, type FinishFields, type JobRecord, type JobStore } from '../store/jobs';
import type { Db } from '../store/types';
import { createJobContext } from './context';
import { classifyError, JobStoppedError, PermanentJobError, TransientJobError, type StopReason } from './errors';
import { backoffDelay } from './eta';
import { ProgressTracker } from './progress';
import { LazyAbortController, newOwnerId, ownerIsDeadProcess } from './lease';
import { DEFAULT_BACKOFF, type JobRegistry } from './registry';

export interface RunnerOptions {
  /** Jobs running at once in this runner, all kinds together. */
  concurrency: number;
  leaseMs: number;
  heartbeatMs: number;
  /** How often to look for work enqueued by another process or coming due. */
  pollMs: number;
  /** A job whose engine died this many times while running it is failed instead of resumed again. */
  maxRecoveries: number;
}

export const DEFAULT_RUNNER_OPTIONS: RunnerOptions = { concurrency: 4, leaseMs: 30_000, heartbeatMs: 1_000, pollMs: 1_000, maxRecoveries: 20 };

export interface RunnerDeps {
  db: Db;
  store: JobStore;
  registry: JobRegistry;
  clock: Clock;
  logger: Logger;
  emit: Emit;
  random?: () => number;
  options?: Partial<RunnerOptions>;
}

interface RunningJob {
  record: JobRecord;
  controller: LazyAbortController;
  kind: string;
  done: Promise<void>;
}

/**
 * Claims jobs by priority then age, runs their handlers with a context, and records every outcome durably.
 * The SQLite file is the queue: a lease with heartbeat marks what is running, so a crash loses nothing.
 */
export function createJobRunner(deps: RunnerDeps) {
  const { db, store, registry, clock } = deps;
  const logger = deps.logger;
  const random = deps.random ?? Math.random;
  const options = { ...DEFAULT_RUNNER_OPTIONS, ...deps.options };
  const owner = newOwnerId();
  const running = new Map<number, RunningJob>();
  let state: 'idle' | 'running' | 'stopping' | 'stopped' = 'idle';
  let pumpQueued = false;
  let wakeTimer: TimerHandle | undefined;
  let heartbeatTimer: TimerHandle | undefined;
  /** While a claim batch's transaction is open, its events wait here: none may announce a write that could still roll back. */
  let heldEvents: (() => void)[] | null = null;
  const emit: Emit = (name, payload, source) => {
    if (heldEvents) heldEvents.push(() => deps.emit(name, payload, source));
    else deps.emit(name, payload, source);
  };
  /** Successful finishes waiting for the one transaction that commits them together (see finishTogether). */
  let finishing: { id: number; fields: FinishFields; resolve: (ok: boolean) => void; reject: (error: unknown) => void }[] = [];

  const publish = (record: JobRecord, status: JobStatus, progress: JobProgress, attempts = record.attempts) =>
    emit('job_progress_update', { jobId: record.id, kind: record.kind, status, attempts, progress });

  function runningByKind(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const job of running.values()) counts.set(job.kind, (counts.get(job.kind) ?? 0) + 1);
    return counts;
  }

  function kindsAtCapacity(): string[] {
    const full: string[] = [];
    for (const [kind, n] of runningByKind()) {
      const limit = registry.get(kind)?.concurrency;
      if (limit !== undefined && n >= limit) full.push(kind);
    }
    return full;
  }

  function schedulePump(): void {
    if (pumpQueued || state !== 'running') return;
    pumpQueued = true;
    setImmediate(() => {
      pumpQueued = false;
      pump();
    });
  }

  function pump(): void {
    if (state !== 'running') return;
    const free = options.concurrency - running.size;
    if (free > 0) {
      // The claim and each job's first writes (its running progress, or an early failure) commit together, in one
      // transaction instead of one per job; events wait for that commit, and no handler runs before it (see `committed`).
      let commit!: (ok: boolean) => void;
      const committed = new Promise<boolean>((resolve) => (commit = resolve));
      const events: (() => void)[] = [];
      heldEvents = events;
      let batch: { claimed: number; givenBack: number };
      try {
        batch = claimBatch(free, committed);
      } catch (error) {
        commit(false);
        throw error;
      } finally {
        heldEvents = null;
      }
      commit(true); // handlers start once this turn's code is done: after the events below
      for (const event of events) {
        try {
          event();
        } catch (error) {
          logger.error('job runner failed to record an outcome', { error });
        }
      }
      // Slots are still free: claim again now, the full kind is excluded this time (jobs of other kinds must not wait behind it).
      if (batch.givenBack > 0) return schedulePump();
      if (batch.claimed === free) return; // more may be waiting: the next completion pumps again
    }
    armWake();
  }

  const claimBatch = db.transaction((free: number, committed: Promise<boolean>): { claimed: number; givenBack: number } => {
    const claimed = store.claim(owner, clock.now(), options.leaseMs, kindsAtCapacity(), free);
    const perKind = runningByKind();
    let givenBack = 0;
    for (const record of claimed) {
      const limit = registry.get(record.kind)?.concurrency;
      const n = perKind.get(record.kind) ?? 0;
      if (limit !== undefined && n >= limit) {
        // Claimed in the same batch as others of its kind past the limit: give it back untouched.
        store.finish(record.id, owner, clock.now(), { status: 'QUEUED', refundAttempt: true });
        givenBack++;
        continue;
      }
      perKind.set(record.kind, n + 1);
      start(record, committed);
    }
    return { claimed: claimed.length, givenBack };
  });

  /**
   * Records a successful finish together with the others that complete in the same turn of the event loop: one
   * commit for the batch instead of one per job. Resolves (lease still held or not) only once the batch committed.
   */
  function finishTogether(id: number, fields: FinishFields): Promise<boolean> {
    return new Promise((resolve, reject) => {
      finishing.push({ id, fields, resolve, reject });
      if (finishing.length === 1) setImmediate(commitFinishes);
    });
  }

  const finishBatch = db.transaction((batch: readonly { id: number; fields: FinishFields }[]) => batch.map((f) => store.finish(f.id, owner, clock.now(), f.fields)));

  function commitFinishes(): void {
    const batch = finishing;
    finishing = [];
    let results: boolean[];
    try {
      results = finishBatch(batch);
    } catch {
      // One finish failed (a result that cannot be stored, a disk error) and took the batch back with it: finish
      // each job alone, as without batching, so that only a job whose own finish fails sees the error.
      for (const f of batch) {
        try {
          f.resolve(store.finish(f.id, owner, clock.now(), f.fields));
        } catch (error) {
          f.reject(error);
        }
      }
      return;
    }
    batch.forEach((f, i) => f.resolve(results[i]!));
  }

  /** Sleeps until the next queued job comes due, or the poll interval, whichever is first. */
  function armWake(): void {
    clock.clearTimeout(wakeTimer);
    const next = store.nextQueuedRunAt();
    const now = clock.now();
    const delay = next === null ? options.pollMs : Math.min(options.pollMs, Math.max(0, next - now));
    wakeTimer = clock.setTimeout(() => {
      wakeTimer = undefined;
      pump();
    }, delay);
  }

  function start(record: JobRecord, committed: Promise<boolean>): void {
    const controller = new LazyAbortController();
    const job: RunningJob = { record, controller, kind: record.kind, done: Promise.resolve() };
    running.set(record.id, job);
    job.done = execute(record, controller, committed)
      .catch((error: unknown) => logger.error('job runner failed to record an outcome', { jobId: record.id, error }))
      .finally(() => {
        running.delete(record.id);
        schedulePump();
      });
  }

  async function execute(record: JobRecord, controller: LazyAbortController, committed: Promise<boolean>): Promise<void> {
    const kind = registry.get(record.kind);
    const startedAt = clock.now();
    const tracker = new ProgressTracker(record.progress ?? emptyProgress(), clock, (progress) => {
      store.saveProgress(record.id, progress, clock.now());
      publish(record, 'RUNNING', progress);
    });
    const finish = (status: JobStatus, fields: Parameters<JobStore['finish']>[3] = { status }) => {
      tracker.dispose();
      const ok = store.finish(record.id, owner, clock.now(), { ...fields, status, progress: tracker.current() });
      if (!ok) logger.warn('lease lost before the job finished; another runner owns it now', { jobId: record.id });
      return ok;
    };
    const fail = (code: string, message: string) => {
      if (finish('FAILED', { status: 'FAILED', errorCode: code, errorMessage: message })) {
        publish(record, 'FAILED', tracker.current());
        emit('job_failed', { jobId: record.id, kind: record.kind, error: { code, message }, attempts: record.attempts, willRetry: false, nextRunAt: null });
      }
    };

    if (!kind) return fail('UNKNOWN_KIND', `no handler for job kind "${record.kind}" in this version of the app`);
    if (record.recoveries > options.maxRecoveries) {
      return fail('CRASH_LOOP', `the engine stopped ${record.recoveries} times while running this job; it will not be resumed again`);
    }
    let payload: unknown;
    try {
      const parsed = kind.payload.safeParse(JSON.parse(record.rawPayload));
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = ['payload', ...(issue?.path ?? []).map(String)].join('.');
        return fail('PAYLOAD_INVALID', `stored payload no longer matches ${record.kind}: ${where}: ${issue?.message ?? 'invalid'}`);
      }
      payload = parsed.data;
    } catch (error) {
      return fail('PAYLOAD_INVALID', `stored payload is not valid JSON: ${(error as Error).message}`);
    }

    const failures = { transient: 0, permanent: 0 };
    const ctx = createJobContext(payload, {
      db,
      store,
      clock,
      logger: logger.child(record.kind),
      random,
      tracker,
      get signal() {
        return controller.signal;
      },
      failures,
      job: { id: record.id, kind: record.kind, attempts: record.attempts, maxAttempts: record.maxAttempts, priority: record.priority },
    });
    tracker.update({ phase: 'running' });
    if (!(await committed)) {
      tracker.dispose(); // the claim rolled back: this job is not ours to run
      return;
    }

    try {
      const result = await kind.handler(ctx);
      const failedItems = store.itemCounts(record.id).failed;
      if (failedItems > 0) {
        const message = `${failedItems} of ${store.itemCounts(record.id).total} items failed`;
        throw failures.permanent === 0 ? new TransientJobError('ITEMS_FAILED', message) : new PermanentJobError('ITEMS_FAILED', message);
      }
      tracker.settle({ phase: 'done', percentage: 100, currentItem: null, estimatedCompletion: new Date(clock.now()).toISOString() });
      const ok = await finishTogether(record.id, { status: 'SUCCEEDED', result: result ?? null, progress: tracker.current() });
      if (!ok) logger.warn('lease lost before the job finished; another runner owns it now', { jobId: record.id });
      if (ok) {
        publish(record, 'SUCCEEDED', tracker.current());
        emit('job_completed', { jobId: record.id, kind: record.kind, result: result ?? null, durationMs: clock.now() - startedAt });
      }
    } catch (error) {
      if (error instanceof JobStoppedError || controller.aborted) return stopped(record, tracker, finish, error instanceof JobStoppedError ? error.reason : (controller.signal.reason as StopReason));
      const failure = classifyError(error, kind.retryUnknownErrors ?? true);
      if (failure.code === 'UNEXPECTED') logger.error('job handler threw', { jobId: record.id, kind: record.kind, error });
      const backoff = kind.backoff ?? DEFAULT_BACKOFF;
      if (failure.transient && record.attempts < record.maxAttempts) {
        const runAt = clock.now() + backoffDelay(record.attempts, backoff.baseMs, backoff.maxMs, random);
        if (failure.code === 'ITEMS_FAILED') store.resetFailedItems(record.id, clock.now());
        tracker.update({ phase: 'retrying', message: `${failure.message}; retrying` });
        if (finish('QUEUED', { status: 'QUEUED', runAt, errorCode: failure.code, errorMessage: failure.message })) {
          publish(record, 'QUEUED', tracker.current());
          emit('job_failed', { jobId: record.id, kind: record.kind, error: { code: failure.code, message: failure.message }, attempts: record.attempts, willRetry: true, nextRunAt: new Date(runAt).toISOString() });
        }
        return;
      }
      fail(failure.code, failure.message);
    }
  }

  function stopped(record: JobRecord, tracker: ProgressTracker, finish: (status: JobStatus, fields?: Parameters<JobStore['finish']>[3]) => boolean, reason: StopReason): void {
    if (reason === 'lease-lost') {
      tracker.dispose();
      return;
    }
    if (reason === 'shutdown') {
      tracker.update({ phase: 'paused', message: 'paused: the app was closing; resumes at next start' });
      db.transaction(() => {
        store.pauseItems(record.id, clock.now());
        finish('QUEUED', { status: 'QUEUED', refundAttempt: true });
      })();
      publish(record, 'QUEUED', tracker.current(), record.attempts - 1);
      return;
    }
    tracker.update({ phase: 'cancelled', message: 'cancelled', currentItem: null, estimatedCompletion: null });
    db.transaction(() => {
      store.cancelItems(record.id, clock.now());
      finish('CANCELLED', { status: 'CANCELLED', errorCode: 'CANCELLED', errorMessage: 'cancelled by the user' });
    })();
    publish(record, 'CANCELLED', tracker.current());
  }

  /** Renews leases, passes cancel requests made elsewhere to running handlers, and takes back jobs of dead runners. */
  function heartbeat(): void {
    const now = clock.now();
    if (running.size > 0) {
      const alive = new Map(store.heartbeat([...running.keys()], owner, now, options.leaseMs).map((r) => [r.id, r.cancelRequested]));
      for (const [id, job] of running) {
        if (!alive.has(id)) job.controller.abort('lease-lost');
        else if (alive.get(id)) job.controller.abort('cancel');
      }
    }
    recover();
    if (state === 'running') heartbeatTimer = clock.setTimeout(heartbeat, options.heartbeatMs);
  }

  function recover(): number {
    const now = clock.now();
    let recovered = 0;
    for (const lease of store.runningLeases()) {
      if (lease.lease_owner === owner) continue;
      const expired = lease.lease_expires_at === null || lease.lease_expires_at < now;
      if ((expired || ownerIsDeadProcess(lease.lease_owner)) && store.requeueRecovered(lease.id, lease.lease_owner, now)) {
        recovered++;
        logger.warn('resuming a job whose runner stopped', { jobId: lease.id, previousOwner: lease.lease_owner });
      }
    }
    if (recovered > 0) schedulePump();
    return recovered;
  }

  return {
    owner,
    start(): void {
      if (state === 'running') return;
      state = 'running';
      recover();
      heartbeatTimer = clock.setTimeout(heartbeat, options.heartbeatMs);
      schedulePump();
    },
    /** New work was enqueued in this process: look now instead of at the next poll. */
    wake: schedulePump,
    cancelRunning(id: number): boolean {
      const job = running.get(id);
      if (!job) return false;
      job.controller.abort('cancel');
      return true;
    },
    isRunningHere: (id: number) => running.has(id),
    runningCount: () => running.size,
    /** Stops claiming, asks running handlers to stop at their next safe point, and waits until they have. */
    async stop(): Promise<void> {
      if (state === 'stopped') return;
      state = 'stopping';
      clock.clearTimeout(wakeTimer);
      clock.clearTimeout(heartbeatTimer);
      for (const job of running.values()) job.controller.abort('shutdown');
      await Promise.all([...running.values()].map((job) => job.done));
      state = 'stopped';
    },
  };
}
export type JobRunner = ReturnType<typeof createJobRunner>;
