import type { JobPriority } from '../../../shared/domain/jobs';
import type { Clock } from '../common/clock';
import type { Logger } from '../common/logger';
import type { ItemCounts, ItemFields, JobStore, Lease } from '../store/jobs';
import type { Db } from '../store/types';
import { classifyError, JobStoppedError, sleepUnlessStopped, stopReasonOf } from './errors';
import { backoffDelay } from '../common/backoff';
import type { EtaSource, ProgressTracker, ProgressUpdate } from './progress';

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
  /** How the progress names the item being processed (a symbol rather than its instrument key); the key by default. */
  labelOf?: (key: string) => string;
  /** Called once an item's outcome is recorded (committed), e.g. to announce it. */
  onItemDone?: (key: string, outcome: ItemFields) => void;
  /**
   * An item error that dooms every other item too (an expired token): the item is marked failed, no further item
   * starts, and the job fails with that error instead of trying each remaining item in turn.
   */
  failJobOn?: (error: unknown) => boolean;
}

export interface ItemsSummary {
  succeeded: number;
  failed: number;
  /** Whether every failure was transient, so that retrying the job later may fix them. */
  allFailuresTransient: boolean;
}

export interface JobItems {
  /** Adds items (first run); items that exist keep their state, so a resumed job never redoes finished ones. */
  ensure(keys: readonly string[]): void;
  /** Runs every pending item in order, recording each one's outcome; stops at a safe point when asked to. */
  run(handler: (key: string) => Promise<ItemOutcome | void>, options?: RunItemsOptions): Promise<ItemsSummary>;
  counts(): ItemCounts;
  /** Keys of the items `run` would process now, in order: a job plans its work (and ETA) from them. */
  pending(): string[];
}

export interface JobContext<P> {
  readonly job: { id: number; kind: string; attempts: number; maxAttempts: number; priority: JobPriority };
  readonly payload: P;
  /** Aborted when the job is cancelled or the engine shuts down; pass it to fetches and waits. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
  readonly clock: Clock;
  progress(update: ProgressUpdate): void;
  /** The job's own ETA instead of the moving average of item durations (see ProgressTracker.estimateWith). */
  estimateWith(source: EtaSource | null): void;
  /** A safe point: throws if the job was asked to stop. */
  checkpoint(): void;
  sleep(ms: number): Promise<void>;
  items: JobItems;
  /** A named step (deep-dive phases): done once; a resumed job skips the steps that finished and reuses their results. */
  step<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

/** What a context needs from the execution of its job. */
export interface ContextHost {
  readonly db: Db;
  readonly store: JobStore;
  readonly clock: Clock;
  readonly random: () => number;
  readonly tracker: ProgressTracker;
  readonly job: JobContext<unknown>['job'];
  /** Every write of the job is fenced on it: a runner that lost the lease writes nothing more. */
  readonly lease: Lease;
  /** Read only where needed: the runner builds the AbortController behind it on first use. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
  /** Item failures of this run, by kind, for the runner to decide between retry and failure. */
  readonly failures: { transient: number; permanent: number };
  /** A write was refused because another runner holds the job now: stop this run. */
  leaseLost(): void;
}

/**
 * The handler's view of its job. Built for every job, so it costs nothing up front: each function is made on first
 * read (and kept, so it still works when taken off the context), and the items API only when a job uses items.
 */
class Context<P> implements JobContext<P> {
  private itemsApi: JobItems | undefined;
  private progressFn: ((update: ProgressUpdate) => void) | undefined;
  private estimateFn: ((source: EtaSource | null) => void) | undefined;
  private checkpointFn: (() => void) | undefined;
  private sleepFn: ((ms: number) => Promise<void>) | undefined;
  private stepFn: (<T>(name: string, fn: () => Promise<T>) => Promise<T>) | undefined;

  constructor(
    readonly payload: P,
    private readonly host: ContextHost,
  ) {}

  get job() {
    return this.host.job;
  }
  get signal() {
    return this.host.signal;
  }
  get logger() {
    return this.host.logger;
  }
  get clock() {
    return this.host.clock;
  }
  get progress() {
    return (this.progressFn ??= (update) => this.host.tracker.update(update));
  }
  get estimateWith() {
    return (this.estimateFn ??= (source) => this.host.tracker.estimateWith(source));
  }
  get checkpoint() {
    return (this.checkpointFn ??= () => checkpoint(this.host));
  }
  get sleep() {
    return (this.sleepFn ??= (ms) => sleep(this.host, ms));
  }
  get step() {
    return (this.stepFn ??= (name, fn) => step(this.host, name, fn));
  }
  get items() {
    return (this.itemsApi ??= itemsApi(this.host));
  }
}

export function createJobContext<P>(payload: P, host: ContextHost): JobContext<P> {
  return new Context(payload, host);
}

function checkpoint(host: ContextHost): void {
  const signal = host.signal;
  if (signal.aborted) throw new JobStoppedError(stopReasonOf(signal));
}

function sleep(host: ContextHost, ms: number): Promise<void> {
  return sleepUnlessStopped(host.clock, ms, host.signal);
}

function leaseLost(host: ContextHost): never {
  host.leaseLost();
  throw new JobStoppedError('lease-lost');
}

function startItem(host: ContextHost, key: string, now: number): void {
  if (!host.store.startItem(host.job.id, host.lease, key, now)) leaseLost(host);
}

function finishItem(host: ContextHost, key: string, now: number, fields: ItemFields, effect?: () => void): void {
  if (!host.store.finishItem(host.job.id, host.lease, key, now, fields, effect)) leaseLost(host);
}

async function step<T>(host: ContextHost, name: string, fn: () => Promise<T>): Promise<T> {
  const { store, clock, job } = host;
  const key = `step:${name}`;
  store.addItems(job.id, [key], clock.now());
  const existing = store.getItem(job.id, key);
  if (existing?.status === 'SUCCEEDED') return existing.result as T;
  checkpoint(host);
  host.tracker.update({ phase: name });
  const started = clock.now();
  startItem(host, key, started);
  const value = await fn();
  const now = clock.now();
  finishItem(host, key, now, { status: 'SUCCEEDED', processingMs: now - started, result: value ?? null });
  publishCounts(host);
  return value;
}

function publishCounts(host: ContextHost, currentItem?: string | null): void {
  const counts = host.store.itemCounts(host.job.id);
  host.tracker.items({ completed: counts.succeeded, failed: counts.failed, total: counts.total, currentItem });
}

async function runOne(
  host: ContextHost,
  key: string,
  handler: (key: string) => Promise<ItemOutcome | void>,
  options: RunItemsOptions,
): Promise<'ok' | 'transient' | 'permanent'> {
  const { clock, tracker } = host;
  const attempts = options.itemAttempts ?? 1;
  const backoff = options.itemBackoff ?? { baseMs: 1_000, maxMs: 30_000 };
  const record = (fields: ItemFields, effect?: () => void) => {
    finishItem(host, key, clock.now(), fields, effect);
    options.onItemDone?.(key, fields);
  };
  for (let attempt = 1; ; attempt++) {
    checkpoint(host);
    const started = clock.now();
    startItem(host, key, started);
    try {
      const outcome = await handler(key);
      const processingMs = clock.now() - started;
      record(
        { status: 'SUCCEEDED', records: outcome?.records ?? 0, processingMs, result: outcome?.result },
        outcome?.commit,
      );
      tracker.eta.record(processingMs);
      return 'ok';
    } catch (error) {
      if (error instanceof JobStoppedError) throw error;
      if (host.signal.aborted) throw new JobStoppedError(stopReasonOf(host.signal));
      const failure = classifyError(error, false);
      const failed: ItemFields = {
        status: 'FAILED',
        processingMs: clock.now() - started,
        errorCode: failure.code,
        errorMessage: failure.message,
      };
      if (options.failJobOn?.(error)) {
        record(failed);
        throw error;
      }
      if (failure.transient && attempt < attempts) {
        host.logger.warn('item failed, retrying', { jobId: host.job.id, item: key, attempt, code: failure.code });
        await sleep(host, backoffDelay(attempt, backoff.baseMs, backoff.maxMs, host.random));
        continue;
      }
      record(failed);
      tracker.eta.record(failed.processingMs!);
      return failure.transient ? 'transient' : 'permanent';
    }
  }
}

/** Items left RUNNING by a crash or a stop are pending again: their effects were never committed. */
function pendingKeys({ store, job }: ContextHost): string[] {
  return [...store.itemsWithStatus(job.id, 'RUNNING'), ...store.itemsWithStatus(job.id, 'PENDING')];
}

function itemsApi(host: ContextHost): JobItems {
  const { store, clock, job } = host;
  return {
    ensure(keys) {
      store.addItems(job.id, keys, clock.now());
      publishCounts(host);
    },
    counts: () => store.itemCounts(job.id),
    pending: () => pendingKeys(host),
    async run(handler, options = {}) {
      const pending = pendingKeys(host);
      const concurrency = Math.max(1, options.concurrency ?? 1);
      host.tracker.setConcurrency(concurrency);
      const summary: ItemsSummary = { succeeded: 0, failed: 0, allFailuresTransient: true };
      // Counted once, then kept in memory: only the lease holder changes this job's items, so a count query per
      // item (quadratic over a long job) would only ever confirm these.
      const counts = store.itemCounts(job.id);
      const publish = (currentItem?: string | null) =>
        host.tracker.items({ completed: counts.succeeded, failed: counts.failed, total: counts.total, currentItem });
      let next = 0;
      let stoppedBy: { error: unknown } | undefined;
      const worker = async () => {
        try {
          while (next < pending.length && !stoppedBy) {
            const key = pending[next++]!;
            host.tracker.update({ currentItem: options.labelOf?.(key) ?? key });
            const outcome = await runOne(host, key, handler, options);
            if (outcome === 'ok') {
              summary.succeeded++;
              counts.succeeded++;
            } else {
              summary.failed++;
              counts.failed++;
              host.failures[outcome]++;
              if (outcome === 'permanent') summary.allFailuresTransient = false;
            }
            publish();
          }
        } catch (error) {
          stoppedBy ??= { error };
        }
      };
      // Every worker reaches a safe point before run() returns or throws: an item still in flight when the job is
      // recorded as stopped would commit later, under a job already cancelled, retried or closed.
      await Promise.all(Array.from({ length: Math.min(concurrency, pending.length) }, worker));
      if (stoppedBy) throw stoppedBy.error;
      checkpoint(host);
      publish(null);
      return summary;
    },
  };
}
