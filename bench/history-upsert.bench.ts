/**
 * Imported-history upsert benchmark (`npm run bench:history`): the storage half of the import's performance bar.
 *
 * The bar: at least 250,000 candle rows a second into a file database (WAL, synchronous=NORMAL) through the history
 * store, one transaction per symbol's batch as an import item writes it. Measured in the same run, interleaved, against
 * raw better-sqlite3 inserting the same rows into the same table with one prepared INSERT per row in one transaction
 * per batch (the most SQLite does here). Fresh file per run; medians of BENCH_RUNS runs; ratios of the medians.
 *
 * Knobs (environment): BENCH_SYMBOLS (per run), BENCH_BARS (per symbol), BENCH_RUNS. `measureHistoryUpsert` is the
 * measurement itself, which the import benchmark reuses.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { OhlcvBar } from '../shared/domain/feed';
import { createHistoryStore } from '../electron/engine/store/history';
import { createMarketKeys } from '../electron/engine/store/market-keys';
import { openDatabase } from '../electron/engine/store/open';
import type { Db } from '../electron/engine/store/types';

export const BAR_ROWS_PER_SECOND = 250_000;
const int = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
};
const DAY = 86_400_000;

const barsOf = (symbol: number, bars: number): OhlcvBar[] =>
  Array.from({ length: bars }, (_, i) => {
    const close = 100 + symbol + Math.sin(i / 10) * 5;
    return {
      ts: Date.UTC(2016, 0, 1) + i * DAY,
      open: close - 1,
      high: close + 2,
      low: close - 2,
      close,
      volume: 1000 + i,
      oi: 0,
    };
  });
const keyOf = (symbol: number) => `NSE_EQ|BENCH${String(symbol).padStart(7, '0')}`;

/** Rows a second for `writer` (built on a fresh file database) writing every symbol of `data`, one call each. */
function rowsPerSecond(data: OhlcvBar[][], writer: (db: Db) => (symbol: number) => void): number {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tickdesk-bench-history-'));
  const db = openDatabase(path.join(dir, 'tickdesk.db'));
  const write = writer(db);
  const started = performance.now();
  for (let s = 0; s < data.length; s++) write(s);
  const ms = performance.now() - started;
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return data.reduce((n, bars) => n + bars.length, 0) / (ms / 1000);
}

const viaStore = (data: OhlcvBar[][]) =>
  rowsPerSecond(data, (db) => {
    const history = createHistoryStore(db, createMarketKeys(db));
    return db.transaction((symbol: number) => history.write(keyOf(symbol), '1d', data[symbol]!, 'upstox'));
  });

const raw = (data: OhlcvBar[][]) =>
  rowsPerSecond(data, (db) => {
    const key = db.prepare<[string]>('INSERT INTO market_keys (instrument_key) VALUES (?)');
    const insert = db.prepare(
      "INSERT INTO candles (instrument_id, timeframe, ts, open, high, low, close, volume, oi, provider) VALUES (?, '1d', ?, ?, ?, ?, ?, ?, ?, 'upstox')",
    );
    return db.transaction((symbol: number) => {
      const id = Number(key.run(keyOf(symbol)).lastInsertRowid);
      for (const b of data[symbol]!) insert.run(id, b.ts, b.open, b.high, b.low, b.close, b.volume, b.oi);
    });
  });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export interface UpsertFigures {
  symbols: number;
  bars: number;
  runs: number;
  /** Medians, rows a second. */
  store: number;
  raw: number;
}

/** The history store against raw inserts of the same rows, interleaved run by run; medians of `runs`. */
export function measureHistoryUpsert({
  symbols = int('BENCH_SYMBOLS', 100),
  bars = int('BENCH_BARS', 2500),
  runs = int('BENCH_RUNS', 5),
} = {}): UpsertFigures {
  const data = Array.from({ length: symbols }, (_, s) => barsOf(s, bars));
  const store: number[] = [];
  const ceiling: number[] = [];
  viaStore(data.slice(0, 1)); // warm-up: JIT and the file system
  for (let run = 0; run < runs; run++) {
    store.push(viaStore(data));
    ceiling.push(raw(data));
  }
  return { symbols, bars, runs, store: median(store), raw: median(ceiling) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { symbols, bars, runs, store: s, raw: c } = measureHistoryUpsert();
  console.log(`history upsert: ${symbols} symbols × ${bars} daily bars, ${runs} runs, medians`);
  console.log(
    `  history store   ${Math.round(s).toLocaleString('en-IN')} rows/s  (bar ≥ ${BAR_ROWS_PER_SECOND.toLocaleString('en-IN')}: ${s >= BAR_ROWS_PER_SECOND ? 'met' : 'NOT met'})`,
  );
  console.log(`  raw insert      ${Math.round(c).toLocaleString('en-IN')} rows/s`);
  console.log(`  store / raw     ${(s / c).toFixed(2)}x`);
  if (s < BAR_ROWS_PER_SECOND) process.exitCode = 1;
}
