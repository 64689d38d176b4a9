import type { OhlcvBar } from '../../../shared/domain/feed';
import type { ImportTimeframe } from '../../../shared/domain/imports';
import type { MarketKeys } from './market-keys';
import type { Db } from './types';

/** An imported bar with the provider that served it. */
export interface HistoryBar extends OhlcvBar {
  provider: string;
}

/** The bars stored for one instrument and timeframe: the first and last bar's start (epoch ms) and how many. */
export interface StoredRange {
  first: number;
  last: number;
  count: number;
}

/** Rows per multi-row upsert; 10 values each keeps a statement far below SQLite's 32,766 variables. */
const ROWS_PER_STATEMENT = 100;

interface HistoryRow {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  oi: number | null;
  provider: string;
}

/** Imported OHLCV history (table `candles`, migration 0009), every timeframe in one table. */
export function createHistoryStore(db: Db, keys: MarketKeys) {
  // Many rows per statement: a statement's fixed cost, paid once per row, is most of the time of a one-row insert.
  const upsertSql = (rows: number) =>
    `INSERT INTO candles (instrument_id, timeframe, ts, open, high, low, close, volume, oi, provider)
     VALUES ${Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
     ON CONFLICT (instrument_id, timeframe, ts) DO UPDATE SET
       open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close,
       volume = excluded.volume, oi = excluded.oi, provider = excluded.provider`;
  const upsertMany = db.prepare(upsertSql(ROWS_PER_STATEMENT));
  const upsertOne = db.prepare(upsertSql(1));
  const selectRange = db.prepare<[number, ImportTimeframe, number, number, number], HistoryRow>(
    `SELECT ts, open, high, low, close, volume, oi, provider FROM candles
     WHERE instrument_id = ? AND timeframe = ? AND ts BETWEEN ? AND ? ORDER BY ts LIMIT ?`,
  );
  const selectLatest = db.prepare<[number, ImportTimeframe, number, number, number], HistoryRow>(
    `SELECT ts, open, high, low, close, volume, oi, provider FROM candles
     WHERE instrument_id = ? AND timeframe = ? AND ts BETWEEN ? AND ? ORDER BY ts DESC LIMIT ?`,
  );
  const selectStored = db.prepare<
    [number, ImportTimeframe],
    { first: number | null; last: number | null; count: number }
  >(
    'SELECT MIN(ts) AS first, MAX(ts) AS last, COUNT(*) AS count FROM candles WHERE instrument_id = ? AND timeframe = ?',
  );

  return {
    /**
     * Stores bars (a bar already stored for the same start is replaced) and answers how many were written. Call it
     * inside the transaction that records the symbol's item as done, so that a crash never counts half a symbol.
     */
    write(instrumentKey: string, timeframe: ImportTimeframe, bars: readonly OhlcvBar[], provider: string): number {
      if (bars.length === 0) return 0;
      const id = keys.idOf(instrumentKey);
      const args: unknown[] = [];
      const push = (b: OhlcvBar) =>
        args.push(id, timeframe, b.ts, b.open, b.high, b.low, b.close, b.volume, b.oi, provider);
      let i = 0;
      for (; i + ROWS_PER_STATEMENT <= bars.length; i += ROWS_PER_STATEMENT) {
        args.length = 0;
        for (let j = i; j < i + ROWS_PER_STATEMENT; j++) push(bars[j]!);
        upsertMany.run(args);
      }
      for (; i < bars.length; i++) {
        args.length = 0;
        push(bars[i]!);
        upsertOne.run(args);
      }
      return bars.length;
    },
    /** The bars starting within [from, to] (epoch ms, inclusive), oldest first, at most `limit`. */
    range(instrumentKey: string, timeframe: ImportTimeframe, from: number, to: number, limit = 50_000): HistoryBar[] {
      const id = keys.find(instrumentKey);
      if (id === undefined) return [];
      return selectRange.all(id, timeframe, from, to, limit).map((r) => ({ ...r, oi: r.oi ?? 0 }));
    },
    /** The latest `limit` bars starting within [from, to] (epoch ms, inclusive), oldest first: what a chart shows. */
    latest(instrumentKey: string, timeframe: ImportTimeframe, from: number, to: number, limit: number): HistoryBar[] {
      const id = keys.find(instrumentKey);
      if (id === undefined) return [];
      return selectLatest
        .all(id, timeframe, from, to, limit)
        .reverse()
        .map((r) => ({ ...r, oi: r.oi ?? 0 }));
    },
    /** What is stored for an instrument and timeframe, or null when nothing is: an import fetches only the rest. */
    stored(instrumentKey: string, timeframe: ImportTimeframe): StoredRange | null {
      const id = keys.find(instrumentKey);
      if (id === undefined) return null;
      const row = selectStored.get(id, timeframe)!;
      return row.first === null || row.last === null ? null : { first: row.first, last: row.last, count: row.count };
    },
  };
}

export type HistoryStore = ReturnType<typeof createHistoryStore>;
