import { JOB_KINDS } from '../../../shared/job-kinds';
import type { Logger } from '../common/logger';
import { openDatabase } from '../store/open';
import type { Db } from '../store/types';

export interface LegacyMove {
  ticks: number;
  candles: number;
  subscriptions: number;
  cancelledJobs: number;
}

const TICK_COLUMNS =
  'received_at, exchange_ts, ltt, ltp, ltq, cp, volume, oi, iv, atp, bid, ask, bid_qty, ask_qty, tbq, tsq, delta, theta, gamma, vega, rho';
const CANDLE_COLUMNS = 'ts, open, high, low, close, volume, oi, tick_count';
const WORLD_BOUND_KINDS = [JOB_KINDS.feedBackfill, JOB_KINDS.instrumentsImport];

/**
 * Moves the market data written into the home database before demo and live were separate worlds (migration 0008
 * noted it) into the demo database, once: the live world then never shows a simulated price, and nothing recorded is
 * lost. That data may hold real ticks of a trader who had a token, mixed with simulated ones for the same keys: they
 * cannot be told apart, so all of it goes to the side that never passes for the market. The live instrument master is
 * dropped (the live world imports Upstox's at its start) and the backfills and imports queued then are cancelled.
 */
export function moveLegacyMarketData(homeDb: Db, demoFile: string, now: number, logger: Logger): LegacyMove | null {
  if (!homeDb.prepare('SELECT 1 FROM legacy_market_data').get()) return null;
  // Migrated to the same version as the home database before anything is copied into it.
  openDatabase(demoFile).close();
  homeDb.prepare('ATTACH DATABASE ? AS demo').run(demoFile);
  try {
    const moved = homeDb.transaction((): LegacyMove => {
      homeDb.exec(
        'INSERT OR IGNORE INTO demo.market_keys (instrument_key) SELECT instrument_key FROM main.market_keys',
      );
      const remap = `JOIN main.market_keys mk ON mk.id = t.instrument_id JOIN demo.market_keys dk ON dk.instrument_key = mk.instrument_key`;
      const ticks = homeDb
        .prepare(
          `INSERT INTO demo.ticks (instrument_id, ${TICK_COLUMNS}) SELECT dk.id, ${prefixed('t', TICK_COLUMNS)} FROM main.ticks t ${remap}`,
        )
        .run().changes;
      // A minute the demo world recorded itself since wins: it is the later recording of the same simulated market.
      const candles = homeDb
        .prepare(
          `INSERT OR IGNORE INTO demo.candles_1m (instrument_id, ${CANDLE_COLUMNS}) SELECT dk.id, ${prefixed('t', CANDLE_COLUMNS)} FROM main.candles_1m t ${remap}`,
        )
        .run().changes;
      const subscriptions = homeDb
        .prepare('INSERT OR IGNORE INTO demo.feed_subscriptions SELECT * FROM main.feed_subscriptions')
        .run().changes;
      homeDb.exec(
        'DELETE FROM main.ticks; DELETE FROM main.candles_1m; DELETE FROM main.feed_subscriptions; UPDATE main.instruments_master SET live = NULL',
      );
      const cancelledJobs = homeDb
        .prepare(
          `UPDATE main.jobs SET status = 'CANCELLED', error_code = 'WORLD_SEPARATED',
             error_message = 'queued before demo and live were separate worlds: its market data may be simulated',
             finished_at = ?, updated_at = ?, lease_owner = NULL, lease_expires_at = NULL
           WHERE status IN ('QUEUED', 'RUNNING') AND kind IN (SELECT value FROM json_each(?))`,
        )
        .run(now, now, JSON.stringify(WORLD_BOUND_KINDS)).changes;
      homeDb.exec('DELETE FROM main.legacy_market_data');
      return { ticks, candles, subscriptions, cancelledJobs };
    })();
    logger.warn('market data recorded before demo and live were separate worlds moved to the demo world', { ...moved });
    return moved;
  } finally {
    homeDb.exec('DETACH DATABASE demo');
  }
}

const prefixed = (alias: string, columns: string) =>
  columns
    .split(', ')
    .map((c) => `${alias}.${c}`)
    .join(', ');
