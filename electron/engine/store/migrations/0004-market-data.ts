import type { Db } from '../types';

/**
 * Market data kept on disk: raw ticks (pruned by the tick-retention job), 1-minute candles (kept for good) and
 * the desired feed subscriptions.
 *
 * Instrument keys such as `NSE_EQ|INE002A01018` are interned to a small integer in `market_keys`: ticks are the
 * largest table by far, and a 1-2 byte id instead of a ~20 byte key in every row (and every index entry) keeps
 * it smaller and the insert path faster.
 *
 * `ticks` is a rowid table written in arrival order. Its only index is on `received_at`, for the retention delete:
 * without it every retention run ends with a scan of all remaining rows on the writer connection (measured about
 * 60 ms per million cached rows, so seconds to minutes for the default 30 days of ticks) during which no tick is
 * written. The index costs little on insert because `received_at` only grows: entries are appended at the right
 * edge of its b-tree. An index by instrument would serve history lookups but cut insert throughput by a third.
 * Prices, OI, IV and Greeks are REAL (doubles on the wire); quantities and volumes are INTEGER (int64 on the
 * wire). Columns a subscription mode does not carry are NULL, as in the engine's `Tick`.
 */
export default function up(db: Db): void {
  db.exec(`
    CREATE TABLE market_keys (
      id             INTEGER PRIMARY KEY,
      instrument_key TEXT    NOT NULL UNIQUE
    ) STRICT;

    CREATE TABLE ticks (
      instrument_id INTEGER NOT NULL REFERENCES market_keys (id),
      received_at   INTEGER NOT NULL,
      exchange_ts   INTEGER NOT NULL,
      ltt           INTEGER NOT NULL,
      ltp           REAL    NOT NULL,
      ltq           INTEGER NOT NULL,
      cp            REAL    NOT NULL,
      volume        INTEGER,
      oi            REAL,
      iv            REAL,
      atp           REAL,
      bid           REAL,
      ask           REAL,
      bid_qty       INTEGER,
      ask_qty       INTEGER,
      tbq           REAL,
      tsq           REAL,
      delta         REAL,
      theta         REAL,
      gamma         REAL,
      vega          REAL,
      rho           REAL
    ) STRICT;
    CREATE INDEX ticks_received_at ON ticks (received_at);

    CREATE TABLE candles_1m (
      instrument_id INTEGER NOT NULL REFERENCES market_keys (id),
      ts            INTEGER NOT NULL,
      open          REAL    NOT NULL,
      high          REAL    NOT NULL,
      low           REAL    NOT NULL,
      close         REAL    NOT NULL,
      volume        INTEGER NOT NULL,
      oi            REAL,
      tick_count    INTEGER NOT NULL,
      PRIMARY KEY (instrument_id, ts)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE feed_subscriptions (
      instrument_key TEXT    PRIMARY KEY,
      mode           TEXT    NOT NULL CHECK (mode IN ('ltpc', 'full', 'option_greeks', 'full_d30')),
      created_at     INTEGER NOT NULL
    ) STRICT;
  `);
}
