import Database from 'better-sqlite3';
import type { Tick } from '../../../shared/domain/feed';
import { createMarketKeys, type MarketKeys } from './market-keys';
import type { Db } from './types';

/** A `ticks` row exactly as stored. */
export interface DbTick {
  instrument_id: number;
  received_at: number;
  exchange_ts: number;
  ltt: number;
  ltp: number;
  ltq: number;
  cp: number;
  volume: number | null;
  oi: number | null;
  iv: number | null;
  atp: number | null;
  bid: number | null;
  ask: number | null;
  bid_qty: number | null;
  ask_qty: number | null;
  tbq: number | null;
  tsq: number | null;
  delta: number | null;
  theta: number | null;
  gamma: number | null;
  vega: number | null;
  rho: number | null;
}

/**
 * Whether a failed write was refused for the values of a row, so that the same row fails on every try: a
 * constraint (NaN bound as NULL into a NOT NULL column, a fraction or an out-of-range number in a STRICT INTEGER
 * column), a type mismatch or an oversized value. Anything else (SQLITE_BUSY, SQLITE_FULL, I/O errors, a closed
 * connection) depends on the database's state and may pass.
 */
export function isRowRejection(error: unknown): boolean {
  if (!(error instanceof Database.SqliteError)) return false;
  const { code } = error;
  return code.startsWith('SQLITE_CONSTRAINT') || code === 'SQLITE_MISMATCH' || code === 'SQLITE_TOOBIG';
}

export interface TickStore {
  /** Appends raw ticks in order; call inside the writer's transaction (the tick pipeline's flush). */
  insertMany(ticks: readonly Tick[]): void;
  count(): number;
  /** Deletes up to `limit` ticks received before `cutoff` (epoch ms), in one statement; how many went. */
  deleteReceivedBefore(cutoff: number, limit: number): number;
}

export function createTickStore(db: Db, keys: MarketKeys = createMarketKeys(db)): TickStore {
  const insert = db.prepare(
    `INSERT INTO ticks (instrument_id, received_at, exchange_ts, ltt, ltp, ltq, cp, volume, oi, iv, atp,
                        bid, ask, bid_qty, ask_qty, tbq, tsq, delta, theta, gamma, vega, rho)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const countAll = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM ticks');
  const deleteBefore = db.prepare<[number, number]>(
    'DELETE FROM ticks WHERE rowid IN (SELECT rowid FROM ticks WHERE received_at < ? LIMIT ?)',
  );

  return {
    insertMany(ticks) {
      // Ticks of one flush mostly repeat the same few hundred keys; remembering the previous one skips a lookup.
      let lastKey = '';
      let lastId = 0;
      for (let i = 0; i < ticks.length; i++) {
        const t = ticks[i]!;
        if (t.instrumentKey !== lastKey) {
          lastKey = t.instrumentKey;
          lastId = keys.idOf(lastKey);
        }
        const g = t.greeks;
        // Positional arguments: an array or object per row would be garbage at 100k rows/s.
        insert.run(
          lastId,
          t.receivedAt,
          t.exchangeTs,
          t.ltt,
          t.ltp,
          t.ltq,
          t.cp,
          t.volume,
          t.oi,
          t.iv,
          t.atp,
          t.bid,
          t.ask,
          t.bidQty,
          t.askQty,
          t.tbq,
          t.tsq,
          g === null ? null : g.delta,
          g === null ? null : g.theta,
          g === null ? null : g.gamma,
          g === null ? null : g.vega,
          g === null ? null : g.rho,
        );
      }
    },
    count: () => countAll.get()!.n,
    deleteReceivedBefore: (cutoff, limit) => deleteBefore.run(cutoff, limit).changes,
  };
}
