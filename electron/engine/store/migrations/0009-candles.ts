import type { Db } from '../types';

/**
 * Imported history: one table for every timeframe an import stores, keyed (instrument, timeframe, ts) and WITHOUT
 * ROWID, so that a symbol's bars of one timeframe lie together in the primary key's b-tree: a chart's range read is
 * one seek and a sequential scan, and the stored range (MIN/MAX of ts) is two seeks. `ts` is the bar's start (epoch
 * ms); `provider` names the source that served the bar (upstox, csv, yahoo, demo), shown where a user asks.
 * Live 1-minute candles stay in candles_1m: they are built from ticks and are merged with these at read time.
 */
export default function up(db: Db): void {
  db.exec(`
    CREATE TABLE candles (
      instrument_id INTEGER NOT NULL REFERENCES market_keys (id),
      timeframe     TEXT    NOT NULL CHECK (timeframe IN ('1m', '30m', '1h', '1d', '1w', '1M')),
      ts            INTEGER NOT NULL,
      open          REAL    NOT NULL,
      high          REAL    NOT NULL,
      low           REAL    NOT NULL,
      close         REAL    NOT NULL,
      volume        INTEGER NOT NULL,
      oi            REAL,
      provider      TEXT    NOT NULL,
      PRIMARY KEY (instrument_id, timeframe, ts)
    ) STRICT, WITHOUT ROWID;
  `);
}
