import type { Db } from './types';

export interface StoredSnapshot {
  /** JSON as it was written. */
  body: string;
  /** When it was fetched or imported, epoch ms. */
  at: number;
}

/**
 * Data a deep-dive reads beyond candles (migration 0011): the latest option chain of each underlying and expiry, and
 * each symbol's latest imported fundamentals, both kept as JSON so that a failed refresh goes on with them.
 */
export function createMarketSnapshotStore(db: Db) {
  const s = {
    putChain: db.prepare<[string, string, number, string]>(
      `INSERT INTO option_chains (underlying_key, expiry, fetched_at, body) VALUES (?, ?, ?, ?)
       ON CONFLICT (underlying_key, expiry) DO UPDATE SET fetched_at = excluded.fetched_at, body = excluded.body`,
    ),
    chain: db.prepare<[string, string], StoredSnapshot>(
      'SELECT body, fetched_at AS at FROM option_chains WHERE underlying_key = ? AND expiry = ?',
    ),
    latestChain: db.prepare<[string, string], StoredSnapshot & { expiry: string }>(
      `SELECT body, fetched_at AS at, expiry FROM option_chains WHERE underlying_key = ? AND expiry >= ?
       ORDER BY expiry LIMIT 1`,
    ),
    putFundamentals: db.prepare<[string, string, string, string, number]>(
      `INSERT INTO fundamentals (symbol, as_of, source, body, imported_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (symbol) DO UPDATE SET as_of = excluded.as_of, source = excluded.source, body = excluded.body,
         imported_at = excluded.imported_at`,
    ),
    fundamentals: db.prepare<[string], StoredSnapshot>(
      'SELECT body, imported_at AS at FROM fundamentals WHERE symbol = ?',
    ),
  };
  const putMany = db.transaction(
    (rows: readonly { symbol: string; asOf: string; source: string; body: string }[], now: number) => {
      for (const r of rows) s.putFundamentals.run(r.symbol, r.asOf, r.source, r.body, now);
    },
  );
  return {
    putChain: (underlyingKey: string, expiry: string, at: number, body: string) =>
      void s.putChain.run(underlyingKey, expiry, at, body),
    chain: (underlyingKey: string, expiry: string) => s.chain.get(underlyingKey, expiry),
    /** The stored chain of the nearest expiry on or after `today`. */
    latestChain: (underlyingKey: string, today: string) => s.latestChain.get(underlyingKey, today),
    /** One transaction: a file is imported whole or not at all. */
    putFundamentals: (rows: readonly { symbol: string; asOf: string; source: string; body: string }[], now: number) =>
      putMany(rows, now),
    fundamentals: (symbol: string) => s.fundamentals.get(symbol),
  };
}
export type MarketSnapshotStore = ReturnType<typeof createMarketSnapshotStore>;
