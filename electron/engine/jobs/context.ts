import type { JobPriority } from '../../../shared/domain/jobs';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { JobStore, ItemCounts } from '../store/jobs';
import type { Db } from '../store/types';
import { classifyError, JobStoppedError, sleepUnlessStopped, stopReasonOf } from './errors';
import { backoffDelay } from './eta';
import type { ProgressTracker, ProgressUpdate } from './progress';

/** What an item handler may hand back: figures for the item's row, and writes to commit atomically with it. */
export interface ItemOutcome {
  records?: number;
  result?: unknown;
  /** Runs in the same transaction that marks the item done, so its effect happens exactly once. */
  commit?: () => void;
}

export interface RunItemsOptions {
  /** Items processed at once within this job. */
  concurrency?: number;
  /** Tries per item within one run before the item is marked failed (transient errors only). */
  itemAttempts?: number;
  itemBackoff?: { baseMs: number; maxMs: number };
}

export interface ItemsSummary {
  succeeded: number;
  failed: number;
  /** Whether every failure was transient, so that retrying the job later may fix them. */
  allFailuresTransient: boolean;
}

export interface JobContext<P> {
  readonly job: { id: number; kind: string; attempts: number; maxAttempts: number; priority: JobPriority };
  readonly payload: P;
  /** Aborted when the job is cancelled or the engine shuts down; pass it to fetches and waits. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
  readonly clock: Clock;
  progress(update: ProgressUpdate): void;
  /** A safe point: throws if the job was asked to stop. */
  checkpoint(): void;
  sleep(ms: number): Promise<void>;
  items: {
    /** Adds items (first run); items that exist keep their state, so a resumed job never redoes finished ones. */
    ensure(keys: readonly string[]): void;
    /** Runs every pending item in order, recording each one's outcome; stops at a safe point when asked to. */
    run(handler: (key: string) => Promise<ItemOutcome | void>, options?: RunItemsOptions): Promise<ItemsSummary>;
    counts(): ItemCounts;
  };
  /** A named step (deep-dive phases): done once; a resumed job skips the steps that finished and reuses their results. */
  step<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

export interface ContextDeps {
  db: Db;
  store: JobStore;
  clock: Clock;
  logger: Logger;
  random: () => number;
  tracker: ProgressTracker;
  job: JobContext<unknown>['job'];
  signal: AbortSignal;
  /** Item failures of this run, by kind, for the runner to decide between retry and failure. */
  failures: { transient: number; permanent: number };
}

export function createJobContext<P>(payload: P, deps: ContextDeps): JobContext<P> {
  // `deps.signal` is read where it is needed, never up front: the runner builds its AbortController only on first use.
  const { db, store, clock, tracker, job } = deps;
  const jobId = job.id;
  const setTimer = (fn: () => void, ms: number) => {
    const handle = clock.setTimeout(fn, ms);
    return () => clock.clearTimeout(handle);
  };
  const checkpoint = () => {
    if (deps.signal.aborted) throw new JobStoppedError(stopReasonOf(deps.signal));
  };
  const sleep = (ms: number) => sleepUnlessStopped(ms, deps.signal, setTimer);
  const publishCounts = (currentItem?: string | null) => {
    const counts = store.itemCounts(jobId);
    tracker.items({ completed: counts.succeeded, failed: counts.failed, total: counts.total, currentItem });
  };
  // Built on first use: making a transaction function (four wrappers) is a noticeable part of a short job's cost, and most jobs have no items.
  let finishItemTx: ((key: string, now: number, processingMs: number, outcome: ItemOutcome | void) => void) | undefined;
  const finishItem = (key: string, now: number, processingMs: number, outcome: ItemOutcome | void) => {
    finishItemTx ??= db.transaction((k: string, at: number, ms: number, out: ItemOutcome | void) => {
      out?.commit?.();
      store.finishItem(jobId, k, at, { status: 'SUCCEEDED', records: out?.records ?? 0, processingMs: ms, result: out?.result });
    });
    finishItemTx(key, now, processingMs, outcome);
  };

  async function runOne(key: string, handler: (key: string) => Promise<ItemOutcome | void>, options: RunItemsOptions): Promise<'ok' | 'transient' | 'permanent'> {
    const attempts = options.itemAttempts ?? 1;
    const backoff = options.itemBackoff ?? { baseMs: 1_000, maxMs: 30_000 };
    for (let attempt = 1; ; attempt++) {
      checkpoint();
      const started = clock.now();
      store.startItem(jobId, key, started);
      try {
        const outcome = await handler(key);
        const now = clock.now();
        finishItem(key, now, now - started, outcome);
        tracker.eta.record(now - started);
        return 'ok';
      } catch (error) {
        if (error instanceof JobStoppedError) throw error;
        if (deps.signal.aborted) throw new JobStoppedError(stopReasonOf(deps.signal));
        const failure = classifyError(error, false);
        const now = clock.now();
        if (failure.transient && attempt < attempts) {
          deps.logger.warn('item failed, retrying', { jobId, item: key, attempt, code: failure.code });
          await sleep(backoffDelay(attempt, backoff.baseMs, backoff.maxMs, deps.random));
          continue;
        }
        store.finishItem(jobId, key, now, { status: 'FAILED', processingMs: now - started, errorCode: failure.code, errorMessage: failure.message });
        tracker.eta.record(now - started);
        return failure.transient ? 'transient' : 'permanent';
      }
    }
  }

  return {
    job,
    payload,
    get signal() {
      return deps.signal;
    },
    logger: deps.logger,
    clock,
    progress: (update) => tracker.update(update),
    checkpoint,
    sleep,
    items: {
      ensure(keys) {
        store.addItems(jobId, keys, clock.now());
        publishCounts();
      },
      counts: () => store.itemCounts(jobId),
      async run(handler, options = {}) {
        // Items left RUNNING by a crash or a stop are pending again: their effects were never committed.
        const pending = [...store.itemsWithStatus(jobId, 'RUNNING'), ...store.itemsWithStatus(jobId, 'PENDING')];
        const concurrency = Math.max(1, options.concurrency ?? 1);
        tracker.setConcurrency(concurrency);
        const summary: ItemsSummary = { succeeded: 0, failed: 0, allFailuresTransient: true };
        let next = 0;
        let stoppedBy: { error: unknown } | undefined;
        const worker = async () => {
          try {
            while (next < pending.length && !stoppedBy) {
              const key = pending[next++]!;
              publishCounts(key);
              const outcome = await runOne(key, handler, options);
              if (outcome === 'ok') summary.succeeded++;
              else {
                summary.failed++;
                deps.failures[outcome]++;
                if (outcome === 'permanent') summary.allFailuresTransient = false;
              }
              publishCounts();
            }
          } catch (error) {
            stoppedBy ??= { error };
          }
        };
        // Every worker reaches a safe point before run() returns or throws: an item still in flight when the job is
        // recorded as stopped would commit later, under a job already cancelled, retried or closed.
        await Promise.all(Array.from({ length: Math.min(concurrency, pending.length) }, worker));
        if (stoppedBy) throw stoppedBy.error;
        checkpoint();
        publishCounts(null);
        return summary;
      },
    },
    async step<T>(name: string, fn: () => Promise<T>): Promise<T> {
      const key = `step:${name}`;
      store.addItems(jobId, [key], clock.now());
      const existing = store.getItem(jobId, key);
      if (existing?.status === 'SUCCEEDED') return existing.result as T;
      checkpoint();
      tracker.update({ phase: name });
      const started = clock.now();
      store.startItem(jobId, key, started);
      const value = await fn();
      const now = clock.now();
      store.finishItem(jobId, key, now, { status: 'SUCCEEDED', processingMs: now - started, result: value ?? null });
      publishCounts();
      return value;
    },
  };
}
