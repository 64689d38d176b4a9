import type { LatestTick, Tick } from '../../../shared/domain/feed';
import type { Clock, TimerHandle } from '../common/clock';
import type { Emit } from '../common/events';
import type { Logger } from '../common/logger';
import type { CandleStore } from '../store/candles';
import { isRowRejection, type TickStore } from '../store/ticks';
import type { Db } from '../store/types';
import { createCoalescer } from './coalescer';
import { toLatestTick } from './tick-view';

export interface TickPipelineOptions {
  db: Db;
  /** The tick and candle stores of `db`, sharing one instrument-key cache (candle reverts re-read it for both). */
  stores: { ticks: TickStore; candles: CandleStore };
  clock: Clock;
  logger: Logger;
  emit: Emit;
  /** How long a tick may wait in memory before it is written. */
  flushIntervalMs?: number;
  /** A buffer this full is written at once, inside `ingest`. */
  maxBufferedTicks?: number;
  /** Least time between two `market_ticks` events. */
  coalesceMs?: number;
  /** A write failure streak this long raises `critical_error`. */
  criticalAfterMs?: number;
}

export interface TickPipelineStats {
  /** Ticks ingested since start. */
  ticksTotal: number;
  /** Ticks committed to the database. */
  ticksStored: number;
  /** Ticks the database refused for their values (a NaN price): dropped, never retried. Total = stored + rejected + buffered. */
  ticksRejected: number;
  buffered: number;
  /** Over the last few seconds. */
  ticksPerSecond: number;
  /** Receive time of the last tick, epoch ms. */
  lastTickAt: number | null;
  flushes: number;
  /** Wall time of the last successful flush. */
  lastFlushMs: number;
}

export interface TickPipeline {
  /** Caches, buffers for persistence, marks for the next `market_ticks` and hands the batch to `onTicks` handlers. */
  ingest(ticks: readonly Tick[]): void;
  /** The latest tick of each instrument asked for (all cached ones without keys); unknown keys are left out. */
  latest(keys?: readonly string[]): Map<string, Tick>;
  /** Every ingested batch, in order (paper broker, positions). A handler that throws is logged, never fatal. */
  onTicks(handler: (ticks: readonly Tick[]) => void): () => void;
  /**
   * Writes everything buffered, ticks and candles, in one transaction. When the database refuses some ticks for
   * their values, the rest are stored and those are set aside; on any other failure the ticks stay buffered.
   */
  flush(): void;
  stats(): TickPipelineStats;
  /** Flushes and clears the timers. */
  stop(): void;
}

/** Seconds of history behind `ticksPerSecond`. */
const RATE_WINDOW_S = 5;
/** At most one log line per this interval for a repeating problem (a throwing handler, slow flushes). */
const LOG_EVERY_MS = 10_000;
/** Least time between two `critical_error` warnings about rejected ticks. */
const REJECTED_WARN_EVERY_MS = 60_000;
/** Rejected ticks described in the log line that opens a streak of rejections. */
const REJECTED_SAMPLES = 3;

interface Rejected {
  tick: Tick;
  error: unknown;
}

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** A rejected tick as a log field; JSON would print a NaN or an infinite value as null, hiding the very fault. */
function describeRejected({ tick, error }: Rejected): Record<string, unknown> {
  const show = (v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v);
  const values: Record<string, unknown> = {};
  for (const [field, v] of Object.entries(tick)) {
    if (field === 'depth') continue;
    values[field] =
      field === 'greeks' && v ? Object.fromEntries(Object.entries(v as object).map(([k, g]) => [k, show(g)])) : show(v);
  }
  return { reason: reasonOf(error), code: (error as { code?: unknown } | null)?.code, values };
}

export function createTickPipeline(options: TickPipelineOptions): TickPipeline {
  const {
    db,
    stores,
    clock,
    logger,
    emit,
    flushIntervalMs = 100,
    maxBufferedTicks = 10_000,
    coalesceMs = 200,
    criticalAfterMs = 5_000,
  } = options;
  const { ticks: tickStore, candles: candleStore } = stores;
  const write = db.transaction((batch: readonly Tick[]) => {
    tickStore.insertMany(batch);
    candleStore.applyTicks(batch);
  });
  // After `write` refused a batch: one INSERT per tick, so that a refused one undoes only itself (SQLite rolls back
  // the failing statement, not the transaction), then candles from the ticks that went in. One transaction, so
  // that any other failure keeps the whole batch buffered, as `write` does.
  const writeSorting = db.transaction((batch: readonly Tick[]): Rejected[] => {
    const stored: Tick[] = [];
    const rejected: Rejected[] = [];
    for (let i = 0; i < batch.length; i++) {
      const tick = batch[i]!;
      try {
        tickStore.insertMany([tick]);
        stored.push(tick);
      } catch (error) {
        if (!isRowRejection(error)) throw error;
        rejected.push({ tick, error });
      }
    }
    candleStore.applyTicks(stored);
    return rejected;
  });

  const cache = new Map<string, Tick>();
  const handlers = new Set<(ticks: readonly Tick[]) => void>();
  const handlerLogAt = new Map<(ticks: readonly Tick[]) => void, number>();
  let buffer: Tick[] = [];
  let flushTimer: TimerHandle | undefined;

  let ticksTotal = 0;
  let ticksStored = 0;
  let ticksRejected = 0;
  let flushes = 0;
  let lastFlushMs = 0;
  let lastTickAt: number | null = null;
  let slowLogAt = -Infinity;
  let slowCount = 0;

  // Failure streak: consecutive flushes that did not commit.
  let failingSince: number | null = null;
  let failures = 0;
  let criticalRaised = false;

  // Rejected ticks: a streak runs until LOG_EVERY_MS pass without one, and is logged once, when it starts.
  let lastRejectedAt = -Infinity;
  let rejectedWarnedAt = -Infinity;
  let rejectedSinceWarning = 0;

  // Ticks per second: one counter per clock second, in a ring.
  const rateCounts = new Array<number>(RATE_WINDOW_S).fill(0);
  const rateSeconds = new Array<number>(RATE_WINDOW_S).fill(-1);
  let firstSecond = -1;

  const coalescer = createCoalescer(clock, coalesceMs, (changed) => {
    const ticks: Record<string, LatestTick> = {};
    for (const key of changed) {
      const tick = cache.get(key);
      if (tick) ticks[key] = toLatestTick(tick);
    }
    try {
      emit('market_ticks', { ticks });
    } catch (error) {
      logger.error('market_ticks emit failed', { error });
    }
  });

  function armFlush(): void {
    if (flushTimer === undefined) flushTimer = clock.setTimeout(onFlushTimer, flushIntervalMs);
  }

  function onFlushTimer(): void {
    flushTimer = undefined;
    flush();
    // A failed flush keeps its ticks; the next interval tries again.
    if (buffer.length > 0) armFlush();
  }

  function flush(): void {
    if (buffer.length === 0) return;
    const started = performance.now();
    let rejected: readonly Rejected[] = [];
    try {
      // IMMEDIATE takes the write lock before the first statement, so a busy database is waited for (busy_timeout)
      // instead of failing when a read turns into a write.
      write.immediate(buffer);
    } catch (error) {
      // Also re-reads the interned keys, which the tick store shares.
      candleStore.revert();
      if (!isRowRejection(error)) {
        onFlushFailure(error);
        return;
      }
      // Retrying the batch as it is would fail the same way on every interval while the buffer grows.
      const sorted = setAside(buffer);
      rejected = sorted.rejected;
      if (sorted.failure) {
        settle(sorted.settled, rejected);
        onFlushFailure(sorted.failure.error);
        return;
      }
    }
    const elapsed = performance.now() - started;
    const ticks = buffer.length;
    settle(ticks, rejected);
    flushes++;
    lastFlushMs = elapsed;
    if (failingSince !== null) {
      logger.info('tick persistence recovered', { failures, ticks, failedForMs: clock.now() - failingSince });
      failingSince = null;
      failures = 0;
      criticalRaised = false;
    }
    // A flush longer than the interval means the writer is falling behind the feed.
    if (elapsed > flushIntervalMs) {
      slowCount++;
      if (clock.now() - slowLogAt >= LOG_EVERY_MS) {
        logger.warn('slow tick flush', { ms: Math.round(elapsed), ticks, slowFlushes: slowCount });
        slowLogAt = clock.now();
        slowCount = 0;
      }
    }
  }

  /** Counts the first `settled` buffered ticks as stored or rejected and drops them from the buffer. */
  function settle(settled: number, rejected: readonly Rejected[]): void {
    ticksStored += settled - rejected.length;
    buffer = settled === buffer.length ? [] : buffer.slice(settled);
    if (rejected.length > 0) onRejected(rejected);
  }

  /**
   * Stores what the database accepts of a batch that `write` refused, and returns the ticks it refused. `settled`
   * ticks from the start are done (stored or rejected); `failure` is an error of another kind that stopped it.
   */
  function setAside(batch: readonly Tick[]): { settled: number; rejected: Rejected[]; failure?: { error: unknown } } {
    try {
      return { settled: batch.length, rejected: writeSorting.immediate(batch) };
    } catch (error) {
      candleStore.revert();
      if (!isRowRejection(error)) return { settled: 0, rejected: [], failure: { error } };
    }
    // The ticks went in but a candle row refused them (a volume overflowing 64 bits): one transaction per tick
    // finds which, each tick with its candle. Slow, but only values no exchange sends lead here.
    const rejected: Rejected[] = [];
    for (let i = 0; i < batch.length; i++) {
      const tick = batch[i]!;
      try {
        write.immediate([tick]);
      } catch (error) {
        candleStore.revert();
        if (!isRowRejection(error)) return { settled: i, rejected, failure: { error } };
        rejected.push({ tick, error });
      }
    }
    return { settled: batch.length, rejected };
  }

  function onRejected(rejected: readonly Rejected[]): void {
    ticksRejected += rejected.length;
    rejectedSinceWarning += rejected.length;
    const now = clock.now();
    if (now - lastRejectedAt >= LOG_EVERY_MS) {
      logger.error('ticks rejected by the database; set aside, the other ticks are stored', {
        rejected: rejected.length,
        rejectedTotal: ticksRejected,
        samples: rejected.slice(0, REJECTED_SAMPLES).map(describeRejected),
      });
    }
    lastRejectedAt = now;
    if (now - rejectedWarnedAt < REJECTED_WARN_EVERY_MS) return;
    rejectedWarnedAt = now;
    const { tick, error } = rejected[0]!;
    try {
      emit('critical_error', {
        severity: 'warning',
        component: 'feed',
        errorCode: 'TICKS_REJECTED',
        message:
          `${rejectedSinceWarning} ticks with values the database refuses were not saved ` +
          `(${tick.instrumentKey}: ${reasonOf(error)}); all other ticks are saved.`,
        recoveryAction:
          'No action is needed: the feed and the other ticks carry on. If this keeps appearing, report it with the log file, which names the values.',
      });
    } catch (emitError) {
      logger.error('critical_error emit failed', { error: emitError });
    }
    rejectedSinceWarning = 0;
  }

  function onFlushFailure(error: unknown): void {
    failures++;
    const now = clock.now();
    const code = (error as { code?: unknown } | null)?.code;
    const errorCode = typeof code === 'string' ? code : 'TICK_WRITE_FAILED';
    if (failingSince === null) {
      failingSince = now;
      logger.error('tick flush failed; ticks stay buffered and are retried', {
        errorCode,
        buffered: buffer.length,
        error,
      });
    }
    if (!criticalRaised && now - failingSince >= criticalAfterMs) {
      criticalRaised = true;
      const message = error instanceof Error ? error.message : String(error);
      try {
        emit('critical_error', {
          severity: 'critical',
          component: 'feed.persistence',
          errorCode,
          message: `Market data has not been saved for ${Math.round((now - failingSince) / 1000)} s (${message}); ${buffer.length} ticks are held in memory.`,
          recoveryAction:
            'Free disk space or close other programs that hold the database; held ticks are saved as soon as writing works again.',
        });
      } catch (emitError) {
        logger.error('critical_error emit failed', { error: emitError });
      }
    }
  }

  function countRate(now: number, n: number): void {
    const second = Math.floor(now / 1000);
    if (firstSecond < 0) firstSecond = second;
    const slot = second % RATE_WINDOW_S;
    if (rateSeconds[slot] !== second) {
      rateSeconds[slot] = second;
      rateCounts[slot] = 0;
    }
    rateCounts[slot]! += n;
  }

  function ticksPerSecond(): number {
    if (firstSecond < 0) return 0;
    const now = clock.now();
    const second = Math.floor(now / 1000);
    let sum = 0;
    for (let i = 0; i < RATE_WINDOW_S; i++) if (rateSeconds[i]! > second - RATE_WINDOW_S) sum += rateCounts[i]!;
    // The current second is partial, and the window is shorter than RATE_WINDOW_S right after the first tick.
    const span = Math.min(RATE_WINDOW_S - 1, second - firstSecond) + (now % 1000) / 1000;
    return span > 0 ? sum / span : 0;
  }

  function notify(ticks: readonly Tick[]): void {
    for (const handler of handlers) {
      try {
        handler(ticks);
      } catch (error) {
        const now = clock.now();
        if (now - (handlerLogAt.get(handler) ?? -Infinity) >= LOG_EVERY_MS) {
          handlerLogAt.set(handler, now);
          logger.error('tick handler failed', { error });
        }
      }
    }
  }

  return {
    ingest(ticks) {
      if (ticks.length === 0) return;
      for (let i = 0; i < ticks.length; i++) {
        const tick = ticks[i]!;
        cache.set(tick.instrumentKey, tick);
        coalescer.mark(tick.instrumentKey);
        buffer.push(tick);
        // While writes fail, only the timer retries: retrying per frame would stall ingestion on every frame.
        if (buffer.length >= maxBufferedTicks && failingSince === null) flush();
      }
      ticksTotal += ticks.length;
      lastTickAt = ticks[ticks.length - 1]!.receivedAt;
      countRate(clock.now(), ticks.length);
      if (buffer.length > 0) armFlush();
      notify(ticks);
    },
    latest(wanted) {
      if (wanted === undefined) return new Map(cache);
      const out = new Map<string, Tick>();
      for (const key of wanted) {
        const tick = cache.get(key);
        if (tick) out.set(key, tick);
      }
      return out;
    },
    onTicks(handler) {
      handlers.add(handler);
      return () => {
        handlers.delete(handler);
        handlerLogAt.delete(handler);
      };
    },
    flush,
    stats: () => ({
      ticksTotal,
      ticksStored,
      ticksRejected,
      buffered: buffer.length,
      ticksPerSecond: ticksPerSecond(),
      lastTickAt,
      flushes,
      lastFlushMs,
    }),
    stop() {
      clock.clearTimeout(flushTimer);
      flushTimer = undefined;
      coalescer.stop();
      flush();
    },
  };
}
