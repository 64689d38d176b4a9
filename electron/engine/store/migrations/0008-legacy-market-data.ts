import type { Db } from '../types';

/**
 * Until demo and live were separate worlds, the demo market wrote its watchlist, ticks, candles, instrument master
 * and backfills into tickdesk.db, the file the live world reads. This notes whether a database held market data when
 * it reached this version, so that the engine can move that data out of the live world once
 * (world/legacy-market-data.ts). A database created at this version or later starts with nothing to move.
 */
export default function up(db: Db): void {
  db.exec(`
    CREATE TABLE legacy_market_data (
      id       INTEGER PRIMARY KEY CHECK (id = 1),
      found_at INTEGER NOT NULL
    ) STRICT;
    INSERT INTO legacy_market_data (id, found_at)
      SELECT 1, CAST(unixepoch('subsec') * 1000 AS INTEGER)
      WHERE EXISTS (SELECT 1 FROM ticks) OR EXISTS (SELECT 1 FROM candles_1m) OR EXISTS (SELECT 1 FROM feed_subscriptions)
         OR EXISTS (SELECT 1 FROM instruments_master WHERE live IS NOT NULL);
  `);
}
