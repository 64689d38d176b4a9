/**
 * The analysis benchmark's floors: the candle ranges a scan or a deep-dive reads, read through the history store in
 * a child process on a read-only connection of its own to the engine's database file, so that the reads never hold
 * the engine's event loop; and percentiles over several event-loop histograms.
 */
import { fork } from 'node:child_process';
import { performance, type IntervalHistogram } from 'node:perf_hooks';
import { DAY_MS, istDate } from '../shared/time';
import { createHistoryStore } from '../electron/engine/store/history';
import { createInstrumentStore } from '../electron/engine/store/instruments';
import { createMarketKeys } from '../electron/engine/store/market-keys';
import { openDatabase } from '../electron/engine/store/open';

/** argv[2] of this file run as the floors' child process. */
const FLOORS_ARG = '--floors-of';

export interface Range {
  key: string;
  timeframe: '1d' | '1h';
  days: number;
}
type FloorRequest = { type: 'futures' } | { type: 'read'; ranges: Range[] };
export interface FloorRead {
  ms: number;
  rows: number;
}
/**
 * A percentile (in ms) over several event-loop histograms as if they were one. Node merges only recordable
 * histograms, and a re-enabled one counts the time it was off as a sample, so each run has its own: each stands in
 * by its quantiles at 0.05% steps, weighted by its sample count.
 */
export function mergedPercentile(histograms: readonly IntervalHistogram[], p: number): number {
  const STEPS = 2_000;
  const points = histograms
    .flatMap((h) =>
      Array.from({ length: STEPS }, (_, i) => ({ ns: h.percentile((100 * (i + 1)) / STEPS), weight: h.count / STEPS })),
    )
    .sort((a, b) => a.ns - b.ns);
  const total = points.reduce((sum, point) => sum + point.weight, 0);
  let seen = 0;
  for (const point of points) {
    seen += point.weight;
    if (seen >= (p / 100) * total) return point.ns / 1e6;
  }
  return NaN;
}

/**
 * The floors' side, in a child process: the candle ranges a run reads, through the history store on a read-only
 * connection of its own to the engine's database file.
 */
function serveFloors(file: string): void {
  const send = process.send!.bind(process);
  const db = openDatabase(file, { readonly: true });
  const history = createHistoryStore(db, createMarketKeys(db));
  const instruments = createInstrumentStore(db);
  process.on('message', (request: FloorRequest) => {
    if (request.type === 'futures') {
      const futures = instruments.nearestFutures(istDate(Date.now()));
      send(Object.fromEntries([...futures].map(([key, future]) => [key, future.instrumentKey])));
      return;
    }
    const now = Date.now();
    const started = performance.now();
    let rows = 0;
    for (const r of request.ranges) rows += history.range(r.key, r.timeframe, now - r.days * DAY_MS, now).length;
    send({ ms: performance.now() - started, rows } satisfies FloorRead);
  });
  process.on('disconnect', () => {
    db.close();
    process.exit(0);
  });
}

export function startFloorReader(file: string) {
  // fork reuses this process's execArgv, which carries tsx's loader.
  const child = fork(import.meta.filename, [FLOORS_ARG, file], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let pending: { resolve(value: unknown): void; reject(error: unknown): void } | null = null;
  child.on('message', (message: unknown) => pending?.resolve(message));
  child.once('exit', (code) => pending?.reject(new Error(`the floor reader exited (code ${code})`)));
  const ask = <T>(request: FloorRequest) =>
    new Promise<T>((resolve, reject) => {
      pending = { resolve: resolve as (value: unknown) => void, reject };
      child.send(request);
    });
  return {
    /** The near-month future of each underlying, by underlying key. */
    futures: () => ask<Record<string, string>>({ type: 'futures' }),
    read: (ranges: Range[]) => ask<FloorRead>({ type: 'read', ranges }),
    async close() {
      if (child.connected) child.disconnect();
      await exited;
    },
  };
}

if (process.argv[2] === FLOORS_ARG) serveFloors(process.argv[3]!);
