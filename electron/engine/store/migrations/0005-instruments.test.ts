import { afterEach, describe, expect, it } from 'vitest';
import { closeTestDbs, openAtVersion } from '../../../../tests/helpers/schema';
import { removeTempDirs } from '../../../../tests/helpers/temp-dir';
import { migrate, schemaVersion } from '../open';
import type { Db } from '../types';
import { MIGRATIONS } from '.';

afterEach(() => {
  closeTestDbs();
  removeTempDirs();
});

/** A database at the version before this one, holding a setting and a schedule, migrated to 5. */
function migratedFrom4(): Db {
  const db = openAtVersion(4);
  expect(schemaVersion(db)).toBe(4);
  db.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('theme', '\"dark\"', 1)").run();
  db.prepare(
    "INSERT INTO schedules (name, job_kind, cron, enabled, created_at, updated_at) VALUES ('eod', 'maintenance.database', '0 3 * * 0', 1, 1, 1)",
  ).run();
  migrate(db, MIGRATIONS, 5);
  return db;
}

const insert = (db: Db, fields: Record<string, unknown>) =>
  db
    .prepare(
      `INSERT INTO instruments (search_order, instrument_key, trading_symbol, name, segment, exchange, instrument_type, search_symbol, search_root, weekly)
       VALUES (@order, @key, 'RELIANCE', 'RELIANCE INDUSTRIES LTD', 'NSE_EQ', 'NSE', 'EQ', 'RELIANCE', 'RELIANCE', @weekly)`,
    )
    .run({ order: 1, key: 'NSE_EQ|INE002A01018', weekly: null, ...fields });

describe('migration 0005-instruments', () => {
  it('is registered as version 5, after market-data', () => {
    expect(MIGRATIONS.slice(0, 5).map((m) => [m.version, m.name])).toEqual([
      [1, 'settings'],
      [2, 'jobs'],
      [3, 'schedules'],
      [4, 'market-data'],
      [5, 'instruments'],
    ]);
  });

  it('keeps the rows of version 4 and sets user_version to 5', () => {
    const db = migratedFrom4();
    expect(schemaVersion(db)).toBe(5);
    expect(db.prepare('SELECT key, value FROM settings').all()).toEqual([{ key: 'theme', value: '"dark"' }]);
    expect(db.prepare('SELECT name, cron FROM schedules').all()).toEqual([{ name: 'eod', cron: '0 3 * * 0' }]);
  });

  it('creates a STRICT instruments table, empty, keyed by search order with a unique instrument key', () => {
    const db = migratedFrom4();
    expect(db.prepare("SELECT strict FROM pragma_table_list WHERE name = 'instruments'").get()).toEqual({ strict: 1 });
    expect(db.prepare('SELECT COUNT(*) AS n FROM instruments').get()).toEqual({ n: 0 });
    const columns = db.prepare<[], { name: string; type: string; notnull: number; pk: number }>("SELECT name, type, \"notnull\", pk FROM pragma_table_info('instruments')").all();
    expect(columns.map((c) => c.name)).toEqual([
      'search_order',
      'instrument_key',
      'trading_symbol',
      'name',
      'segment',
      'exchange',
      'instrument_type',
      'lot_size',
      'tick_size',
      'expiry',
      'strike_price',
      'underlying_key',
      'isin',
      'exchange_token',
      'freeze_quantity',
      'weekly',
      'search_symbol',
      'search_root',
      'search_alias',
    ]);
    expect(columns.find((c) => c.pk === 1)).toMatchObject({ name: 'search_order', type: 'INTEGER' });

    insert(db, {});
    expect(() => insert(db, { order: 2 })).toThrow(/UNIQUE constraint failed: instruments.instrument_key/);
    expect(() => insert(db, { order: 3, key: 'BSE_EQ|INE002A01018', weekly: 2 })).toThrow(/CHECK constraint failed/);
    expect(() => insert(db, { order: 'first', key: 'BSE_EQ|INE002A01018' })).toThrow(/datatype mismatch/);
  });

  it('creates the search indexes and the contentless words index', () => {
    const db = migratedFrom4();
    const indexes = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'instruments' AND sql IS NOT NULL ORDER BY name").all();
    expect(indexes.map((i) => i.name)).toEqual(['instruments_by_alias', 'instruments_by_root', 'instruments_by_symbol', 'instruments_contains']);

    db.prepare("INSERT INTO instruments_words (rowid, words) VALUES (7, 'NIFTY 24000 CE 29 DEC 26')").run();
    expect(db.prepare("SELECT rowid FROM instruments_words WHERE instruments_words MATCH '\"nif\"* \"24000\"'").all()).toEqual([{ rowid: 7 }]);
  });
});
