import { afterEach, describe, expect, it, vi } from 'vitest';
import { closeTestDbs, columnNames, openAtVersion, queryPlan } from '../../../../tests/helpers/schema';
import { removeTempDirs } from '../../../../tests/helpers/temp-dir';
import { createCandleStore } from '../candles';
import { migrate, schemaVersion } from '../open';
import type { Db } from '../types';

afterEach(() => {
  vi.restoreAllMocks();
  closeTestDbs();
  removeTempDirs();
});

/** A database at version 3 holding a schedule, migrated to 4. */
function migratedFrom3(): Db {
  const db = openAtVersion(3);
  expect(schemaVersion(db)).toBe(3);
  db.prepare("INSERT INTO schedules (name, job_kind, cron, enabled, created_at, updated_at) VALUES ('eod', 'maintenance.database', '0 3 * * *', 1, 1, 1)").run();
  migrate(db, undefined, 4);
  return db;
}

const columns = columnNames;
const tableInfo = (db: Db, table: string) => db.prepare<[string], { strict: number; wr: number }>('SELECT strict, wr FROM pragma_table_list WHERE name = ?').get(table);

const plan = (db: Db, sql: string, args: unknown[]): string => queryPlan(db, sql, args).join('\n');

describe('migration 0004-market-data', () => {
  it('keeps the rows of version 3 and sets user_version to 4', () => {
    const db = migratedFrom3();
    expect(db.pragma('user_version', { simple: true })).toBe(4);
    expect(db.prepare('SELECT name FROM schedules').all()).toEqual([{ name: 'eod' }]);
  });

  it('creates STRICT market_keys, ticks, candles_1m (WITHOUT ROWID) and feed_subscriptions', () => {
    const db = migratedFrom3();
    expect(columns(db, 'market_keys')).toEqual(['id', 'instrument_key']);
    expect(columns(db, 'ticks')).toEqual([
      'instrument_id',
      'received_at',
      'exchange_ts',
      'ltt',
      'ltp',
      'ltq',
      'cp',
      'volume',
      'oi',
      'iv',
      'atp',
      'bid',
      'ask',
      'bid_qty',
      'ask_qty',
      'tbq',
      'tsq',
      'delta',
      'theta',
      'gamma',
      'vega',
      'rho',
    ]);
    expect(columns(db, 'candles_1m')).toEqual(['instrument_id', 'ts', 'open', 'high', 'low', 'close', 'volume', 'oi', 'tick_count']);
    expect(columns(db, 'feed_subscriptions')).toEqual(['instrument_key', 'mode', 'created_at']);
    expect(tableInfo(db, 'market_keys')).toEqual({ strict: 1, wr: 0 });
    expect(tableInfo(db, 'ticks')).toEqual({ strict: 1, wr: 0 });
    expect(tableInfo(db, 'candles_1m')).toEqual({ strict: 1, wr: 1 });
    expect(tableInfo(db, 'feed_subscriptions')).toEqual({ strict: 1, wr: 0 });
    const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'ticks'").all();
    expect(indexes).toEqual([{ name: 'ticks_received_at' }]);
  });

  it('refuses an unknown instrument id, a duplicate key, a wrongly typed value and an unknown mode', () => {
    const db = migratedFrom3();
    db.prepare("INSERT INTO market_keys (id, instrument_key) VALUES (1, 'NSE_EQ|INE002A01018')").run();
    expect(() => db.prepare("INSERT INTO market_keys (instrument_key) VALUES ('NSE_EQ|INE002A01018')").run()).toThrow(/UNIQUE/);

    const tick = db.prepare('INSERT INTO ticks (instrument_id, received_at, exchange_ts, ltt, ltp, ltq, cp) VALUES (?, ?, 0, 0, ?, 1, 0)');
    tick.run(1, 1_767_000_000_000, 2500.5);
    expect(() => tick.run(2, 1, 1)).toThrow(/FOREIGN KEY/);
    expect(() => tick.run(1, 'now', 1)).toThrow(/cannot store TEXT value in INTEGER column/);
    expect(() => tick.run(1, 1, null)).toThrow(/NOT NULL/);

    const candle = db.prepare('INSERT INTO candles_1m (instrument_id, ts, open, high, low, close, volume, oi, tick_count) VALUES (1, ?, 1, 1, 1, 1, 0, NULL, 0)');
    candle.run(60_000);
    expect(() => candle.run(60_000)).toThrow(/UNIQUE|PRIMARY KEY/);

    const sub = db.prepare('INSERT INTO feed_subscriptions (instrument_key, mode, created_at) VALUES (?, ?, 1)');
    for (const mode of ['ltpc', 'full', 'option_greeks', 'full_d30']) sub.run(`NSE_EQ|${mode}`, mode);
    expect(() => sub.run('NSE_EQ|x', 'full_d5')).toThrow(/CHECK constraint failed/);
    expect(() => sub.run('NSE_EQ|ltpc', 'full')).toThrow(/UNIQUE/);
  });

  it('serves the candle range queries from the primary key, without a sort or a scan', () => {
    const db = migratedFrom3();
    db.prepare("INSERT INTO market_keys (id, instrument_key) VALUES (1, 'NSE_EQ|X')").run();
    // The statements exactly as the candle store prepares them.
    const prepare = vi.spyOn(db, 'prepare');
    const candles = createCandleStore(db);
    candles.query({ instrumentKey: 'NSE_EQ|X', timeframe: '1m', limit: 10 });
    candles.query({ instrumentKey: 'NSE_EQ|X', timeframe: '1d', limit: 10 });
    const statements = prepare.mock.calls.map((call) => String(call[0]));
    prepare.mockRestore();

    const minute = statements.find((s) => /FROM candles_1m\s+WHERE instrument_id = \? AND ts >= \?/.test(s));
    expect(minute).toBeDefined();
    const minutePlan = plan(db, minute!, [1, 0, 1e15, 10]);
    expect(minutePlan, minutePlan).toMatch(/SEARCH candles_1m USING PRIMARY KEY \(instrument_id=\? AND ts>\? AND ts<\?\)/);
    expect(minutePlan, minutePlan).not.toMatch(/TEMP B-TREE|SCAN candles_1m/);

    const daily = statements.find((s) => /GROUP BY b/.test(s));
    expect(daily).toBeDefined();
    const dailyPlan = plan(db, daily!, [{ id: 1, lo: 0, hi: 1e15, from: 0, to: 1e15, limit: 10 }]);
    expect(dailyPlan, dailyPlan).toMatch(/SEARCH candles_1m USING PRIMARY KEY \(instrument_id=\? AND ts>\? AND ts<\?\)/);
    // The first, last and OI minutes of each bucket are read back by the whole primary key.
    expect(dailyPlan.match(/SEARCH [a-z] USING PRIMARY KEY \(instrument_id=\? AND ts=\?\)/g), dailyPlan).toHaveLength(3);
    expect(dailyPlan, dailyPlan).not.toMatch(/SCAN candles_1m/);
  });

  it('lets the retention delete find old ticks through ticks_received_at', () => {
    const db = migratedFrom3();
    const sql = 'DELETE FROM ticks WHERE rowid IN (SELECT rowid FROM ticks WHERE received_at < ? LIMIT ?)';
    const text = plan(db, sql, [1, 50_000]);
    expect(text, text).toMatch(/SEARCH ticks USING COVERING INDEX ticks_received_at \(received_at<\?\)/);
  });
});
