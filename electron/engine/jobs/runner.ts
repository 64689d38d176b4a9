import type { Clock, TimerHandle } from '../common/clock';
import type { Emit } from '../common/events';
import type { Logger } from '../common/logger';
import type { JobStore } from '../store/jobs';
import type { Db } from '../store/types';
import { JobExecution, type ExecutionHost, type JobFailure } from './execution';
import { newOwnerId, ownerIsDeadProcess } from './lease';
import type { JobRegistry } from './registry';

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

export const DEFAULT_RUNNER_OPTIONS: RunnerOptions = {
  concurrency: 4,
  leaseMs: 30_000,
  heartbeatMs: 1_000,
  pollMs: 1_000,
  maxRecoveries: 20,
};

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

interface TickResult {
  /** Per queued success, in order: whether it was written. */
  succeeded: boolean[];
  started: JobExecution[];
  failedAtStart: { execution: JobExecution; failure: JobFailure }[];
  free: number;
  claimed: number;
}

const noClaim = (succeeded: boolean[], free = 0): TickResult => ({
  succeeded,
  started: [],
  failedAtStart: [],
  free,
  claimed: 0,
});

/**
 * Claims jobs by priority then age, runs their handlers with a context, and records every outcome durably.
 * The SQLite file is the queue: a lease with heartbeat marks what is running, so a crash loses nothing.
 *
 * Writes are batched by turn of the event loop ("tick"): the successes of every job that finished since the last
 * tick, the progress of jobs still running, and the claim of as many new jobs as there are free slots commit in one
 * transaction. Only then are those successes announced and the new jobs' handlers started.
 */
export function createJobRunner(deps: RunnerDeps) {
  const { db, store, registry, clock } = deps;
  const logger = deps.logger;
  const options = { ...DEFAULT_RUNNER_OPTIONS, ...deps.options };
  const owner = newOwnerId();
  const running = new Map<number, JobExecution>();
  /** Executions whose job this runner claimed again after they lost its lease: stopping, and holding no slot. */
  const stale = new Set<JobExecution>();
  let state: 'idle' | 'running' | 'stopping' | 'stopped' = 'idle';
  let tickQueued = false;
  let claimWanted = false;
  let successes: JobExecution[] = [];
  let saves = new Set<JobExecution>();
  let wakeTimer: TimerHandle | undefined;
  let heartbeatTimer: TimerHandle | undefined;
  let drained: (() => void) | undefined;

  const host: ExecutionHost = {
    db,
    store,
    clock,
    logger,
    random: deps.random ?? Math.random,
    emit: deps.emit,
    maxRecoveries: options.maxRecoveries,
    saveLater(execution) {
      saves.add(execution);
      scheduleTick();
    },
    succeedLater(execution) {
      successes.push(execution);
      scheduleTick();
    },
    release(execution) {
      if (running.get(execution.record.id) === execution) running.delete(execution.record.id);
      else stale.delete(execution);
      if (state === 'running') wantClaim();
      else if (running.size === 0 && stale.size === 0) drained?.();
    },
  };

  function wantClaim(): void {
    claimWanted = true;
    scheduleTick();
  }

  function scheduleTick(): void {
    if (tickQueued || state === 'stopped' || state === 'idle') return;
    tickQueued = true;
    setImmediate(tick);
  }

  /** Kinds with as many jobs running as their limit allows, not counting the jobs finishing in this tick. */
  function runningByKind(leaving: readonly JobExecution[], ok: readonly boolean[]): Map<string, number> {
    const counts = new Map<string, number>();
    for (const execution of running.values())
      counts.set(execution.record.kind, (counts.get(execution.record.kind) ?? 0) + 1);
    leaving.forEach((execution, i) => {
      if (ok[i]) counts.set(execution.record.kind, counts.get(execution.record.kind)! - 1);
    });
    return counts;
  }

  function kindsAtCapacity(counts: Map<string, number>): string[] {
    const full: string[] = [];
    for (const [kind, n] of counts) {
      const limit = registry.get(kind)?.concurrency;
      if (limit !== undefined && n >= limit) full.push(kind);
    }
    return full;
  }

  const writeTick = db.transaction(
    (done: readonly JobExecution[], progress: ReadonlySet<JobExecution>, claim: boolean): TickResult => {
      const now = clock.now();
      for (const execution of progress) {
        if (!execution.closed)
          store.saveProgress(execution.record.id, execution.lease, JSON.stringify(execution.tracker.current()), now);
      }
      const succeeded = done.map((e) =>
        store.succeed(
          e.record.id,
          e.lease,
          now,
          e.resultJson,
          JSON.stringify(e.finalProgress),
          registry.get(e.record.kind)?.acceptsFailedItems,
        ),
      );
      if (!claim) return noClaim(succeeded);

      const leaving = succeeded.reduce((n, ok) => (ok ? n + 1 : n), 0);
      const free = options.concurrency - running.size + leaving;
      if (free <= 0) return noClaim(succeeded, free);
      const perKind = runningByKind(done, succeeded);
      const claimed = store.claim(owner, now, options.leaseMs, kindsAtCapacity(perKind), free);
      const result: TickResult = { succeeded, started: [], failedAtStart: [], free, claimed: claimed.length };
      for (const record of claimed) {
        const kind = registry.get(record.kind);
        const n = perKind.get(record.kind) ?? 0;
        if (kind?.concurrency !== undefined && n >= kind.concurrency) {
          // Claimed in the same batch as others of its kind past the limit: give it back as it was.
          store.handBack(record.id, { owner, recoveries: record.recoveries }, now, now);
          continue;
        }
        const execution = new JobExecution(record, host, kind, owner);
        const failure = execution.check();
        if (failure) {
          if (execution.failAtStart(failure, now)) result.failedAtStart.push({ execution, failure });
          continue;
        }
        perKind.set(record.kind, n + 1);
        result.started.push(execution);
      }
      return result;
    },
  );

  function tick(): void {
    tickQueued = false;
    if (state === 'stopped') return;
    const done = successes;
    const progress = saves;
    const claim = claimWanted && state === 'running';
    if (done.length === 0 && progress.size === 0 && !claim) return;
    successes = [];
    saves = new Set();
    claimWanted = false;
    if (claim) {
      clock.clearTimeout(wakeTimer);
      wakeTimer = undefined;
    }

    let result: TickResult;
    try {
      result = writeTick(done, progress, claim);
    } catch (error) {
      // Something in the batch could not be written (a disk error, a busy database) and took the batch back with
      // it: write each success alone, so that only a job whose own write fails sees the error; claim at the next poll.
      logger.error('job runner could not write a batch; writing each job alone', { error });
      const now = clock.now();
      for (const execution of done) execution.recordAlone(now);
      if (claim) armWake();
      return;
    }

    done.forEach((execution, i) => execution.recorded(result.succeeded[i]!));
    for (const { execution, failure } of result.failedAtStart) execution.announceFailedAtStart(failure);
    for (const execution of result.started) {
      const previous = running.get(execution.record.id);
      if (previous) {
        // The job was taken back from this very runner and claimed again here: the older run is stale.
        previous.controller.abort('lease-lost');
        stale.add(previous);
      }
      running.set(execution.record.id, execution);
    }
    for (const execution of result.started) execution.begin();

    if (!claim) return;
    // Slots are still free after jobs given back (their kind is excluded next time: jobs of other kinds must not wait
    // behind it) or failed at start: claim again now.
    if (result.started.length < result.claimed) return wantClaim();
    if (result.free > 0 && result.claimed === result.free) return; // more may be waiting: the next completion claims again
    armWake();
  }

  /** Sleeps until the next queued job comes due, or the poll interval, whichever is first. */
  function armWake(): void {
    clock.clearTimeout(wakeTimer);
    if (state !== 'running') return;
    const next = store.nextQueuedRunAt();
    const delay = next === null ? options.pollMs : Math.min(options.pollMs, Math.max(0, next - clock.now()));
    wakeTimer = clock.setTimeout(() => {
      wakeTimer = undefined;
      wantClaim();
    }, delay);
  }

  /** Renews leases, passes cancel requests made elsewhere to running handlers, and takes back jobs of dead runners. */
  function heartbeat(): void {
    const now = clock.now();
    if (running.size > 0) {
      const alive = new Map(
        store.heartbeat([...running.keys()], owner, now, options.leaseMs).map((r) => [r.id, r.cancelRequested]),
      );
      for (const [id, execution] of running) {
        if (!alive.has(id)) execution.controller.abort('lease-lost');
        else if (alive.get(id)) execution.controller.abort('cancel');
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
      if (
        (expired || ownerIsDeadProcess(lease.lease_owner)) &&
        store.requeueRecovered(lease.id, lease.lease_owner, now)
      ) {
        recovered++;
        logger.warn('resuming a job whose runner stopped', { jobId: lease.id, previousOwner: lease.lease_owner });
      }
    }
    if (recovered > 0) wantClaim();
    return recovered;
  }

  return {
    owner,
    start(): void {
      if (state === 'running') return;
      state = 'running';
      recover();
      heartbeatTimer = clock.setTimeout(heartbeat, options.heartbeatMs);
      wantClaim();
    },
    /** New work was enqueued in this process: look now instead of at the next poll. */
    wake(): void {
      if (state === 'running') wantClaim();
    },
    cancelRunning(id: number): boolean {
      const execution = running.get(id);
      if (!execution) return false;
      execution.controller.abort('cancel');
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
      for (const execution of [...running.values(), ...stale]) execution.controller.abort('shutdown');
      // Successes still waiting for their batch are written by the ticks that follow; each releases its slot after.
      if (running.size > 0 || stale.size > 0) await new Promise<void>((resolve) => (drained = resolve));
      state = 'stopped';
    },
  };
}
export type JobRunner = ReturnType<typeof createJobRunner>;
