import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../common/logger';
import { DB_FILE_NAME, DEMO_DB_FILE_NAME, migrate, openDatabase } from '../store/open';
import { startApi, stopAll } from '../../../tests/helpers/engine';
import { makeTempDir, removeTempDirs } from '../../../tests/helpers/temp-dir';
import { moveLegacyMarketData } from './legacy-market-data';

afterEach(async () => {
  await stopAll();
  removeTempDirs();
});

const RELIANCE = 'NSE_EQ|INE002A01018';
const INFY = 'NSE_EQ|INE009A01021';

/** A tickdesk.db as the demo market left it before the worlds were separated: at version 7, then upgraded. */
function legacyHome(dataDir: string): void {
  const db = openDatabase(path.join(dataDir, DB_FILE_NAME), { targetVersion: 7 });
  db.exec(`
    INSERT INTO market_keys VALUES (1, '${INFY}'), (2, '${RELIANCE}');
    INSERT INTO feed_subscriptions VALUES ('${RELIANCE}', 'full', 1), ('${INFY}', 'ltpc', 1);
    INSERT INTO ticks (instrument_id, received_at, exchange_ts, ltt, ltp, ltq, cp) VALUES (2, 1000, 1000, 1000, 1223.8, 5, 1209.2), (2, 2000, 2000, 2000, 1224.1, 3, 1209.2);
    INSERT INTO candles_1m VALUES (2, 60000, 1223, 1225, 1222, 1224.1, 80, NULL, 2);
    UPDATE instruments_master SET live = 'instruments';
    INSERT INTO jobs (kind, payload, status, priority, max_attempts, run_at, created_at, updated_at) VALUES
      ('feed.backfill', '{}', 'QUEUED', 1, 3, 0, 1, 1), ('feed.backfill', '{}', 'SUCCEEDED', 1, 3, 0, 1, 1), ('jobs.demo', '{}', 'QUEUED', 1, 3, 0, 1, 1);
  `);
  migrate(db);
  db.close();
}

const rows = (file: string, sql: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
};

describe('market data from before demo and live were separate worlds', () => {
  it('moves to demo.db once, with its keys remapped; the live file keeps none of it, and its queued backfills are cancelled', () => {
    const dataDir = makeTempDir('tickdesk-legacy-');
    legacyHome(dataDir);
    // The demo world existed already and interned another key first: ids differ between the two files.
    const demo = openDatabase(path.join(dataDir, DEMO_DB_FILE_NAME));
    demo.exec(`INSERT INTO market_keys VALUES (1, 'NSE_INDEX|Nifty 50')`);
    demo.close();

    const home = openDatabase(path.join(dataDir, DB_FILE_NAME));
    const logger = createMemoryLogger();
    expect(moveLegacyMarketData(home, path.join(dataDir, DEMO_DB_FILE_NAME), 5_000, logger)).toEqual({
      ticks: 2,
      candles: 1,
      subscriptions: 2,
      cancelledJobs: 1,
    });
    expect(moveLegacyMarketData(home, path.join(dataDir, DEMO_DB_FILE_NAME), 6_000, logger)).toBeNull();
    expect(logger.entries.filter((e) => e.level === 'warn').map((e) => e.message)).toEqual([
      'market data recorded before demo and live were separate worlds moved to the demo world',
    ]);

    for (const table of ['ticks', 'candles_1m', 'feed_subscriptions'])
      expect(home.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get(), table).toEqual({ n: 0 });
    expect(home.prepare('SELECT live FROM instruments_master').get()).toEqual({ live: null });
    expect(home.prepare('SELECT kind, status, error_code FROM jobs ORDER BY id').all()).toEqual([
      { kind: 'feed.backfill', status: 'CANCELLED', error_code: 'WORLD_SEPARATED' },
      { kind: 'feed.backfill', status: 'SUCCEEDED', error_code: null },
      { kind: 'jobs.demo', status: 'QUEUED', error_code: null },
    ]);
    home.close();

    const demoFile = path.join(dataDir, DEMO_DB_FILE_NAME);
    expect(
      rows(
        demoFile,
        'SELECT k.instrument_key AS key, t.ltp FROM ticks t JOIN market_keys k ON k.id = t.instrument_id ORDER BY t.received_at',
      ),
    ).toEqual([
      { key: RELIANCE, ltp: 1223.8 },
      { key: RELIANCE, ltp: 1224.1 },
    ]);
    expect(
      rows(
        demoFile,
        'SELECT k.instrument_key AS key, c.close FROM candles_1m c JOIN market_keys k ON k.id = c.instrument_id',
      ),
    ).toEqual([{ key: RELIANCE, close: 1224.1 }]);
    expect(rows(demoFile, 'SELECT instrument_key, mode FROM feed_subscriptions ORDER BY instrument_key')).toEqual([
      { instrument_key: RELIANCE, mode: 'full' },
      { instrument_key: INFY, mode: 'ltpc' },
    ]);
  });

  it('is moved when the engine starts, so the demo watchlist keeps it and the live world starts without it', async () => {
    const dataDir = makeTempDir('tickdesk-legacy-');
    legacyHome(dataDir);
    const demo = await startApi({ dataDir });
    const keys = async () =>
      ((await (await demo.call('/api/v1/feed/subscriptions')).json()) as { instrumentKey: string }[])
        .map((s) => s.instrumentKey)
        .sort();
    expect(await keys()).toEqual([RELIANCE, INFY].sort());
    const candles = await (
      await demo.call(
        `/api/v1/candles?instrumentKey=${encodeURIComponent(RELIANCE)}&timeframe=1m&from=1970-01-01T00:00:00Z`,
      )
    ).json();
    expect(candles).toHaveLength(1);
    await stopAll();

    const live = await startApi({ dataDir, env: { UPSTOX_ACCESS_TOKEN: 'live-token-0123456789abcdef' } });
    expect(await (await live.call('/api/v1/feed/subscriptions')).json()).toEqual([]);
    expect(await (await live.call(`/api/v1/feed/latest-ticks?keys=${encodeURIComponent(RELIANCE)}`)).json()).toEqual(
      {},
    );
  });
});
