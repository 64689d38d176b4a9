import { afterEach, describe, expect, it } from 'vitest';
import { closeTestDbs, openAtVersion, tableColumns } from '../../../../tests/helpers/schema';
import { removeTempDirs } from '../../../../tests/helpers/temp-dir';
import { migrate, schemaVersion } from '../open';
import type { Db } from '../types';
import { MIGRATIONS } from '.';

afterEach(() => {
  closeTestDbs();
  removeTempDirs();
});

/** A database at version 6, with an imported master of one row or none, migrated to 7. */
function migratedFrom6(withMaster: boolean): Db {
  const db = openAtVersion(6);
  expect(schemaVersion(db)).toBe(6);
  if (withMaster) {
    db.prepare(
      `INSERT INTO instruments (search_order, instrument_key, trading_symbol, name, segment, exchange, instrument_type, search_symbol, search_root)
       VALUES (1, 'NSE_EQ|INE002A01018', 'RELIANCE', 'RELIANCE INDUSTRIES LTD', 'NSE_EQ', 'NSE', 'EQ', 'RELIANCE', 'RELIANCE')`,
    ).run();
    db.prepare("INSERT INTO instruments_words (rowid, words) VALUES (1, 'RELIANCE INDUSTRIES LTD')").run();
  }
  migrate(db, MIGRATIONS, 7);
  return db;
}

const columnsOf = tableColumns;
const indexesOf = (db: Db, table: string) =>
  db
    .prepare<[string], { name: string; sql: string }>("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name")
    .all(table);

describe('migration 0007-instruments-alt', () => {
  it('is registered as version 7, after jobs-status-index', () => {
    expect(MIGRATIONS.slice(5, 7).map((m) => [m.version, m.name])).toEqual([
      [6, 'jobs-status-index'],
      [7, 'instruments-alt'],
    ]);
  });

  it('keeps an imported master live in instruments, and leaves the new set empty', () => {
    const db = migratedFrom6(true);
    expect(schemaVersion(db)).toBe(7);
    expect(db.prepare('SELECT id, live FROM instruments_master').all()).toEqual([{ id: 1, live: 'instruments' }]);
    expect(db.prepare('SELECT trading_symbol FROM instruments').all()).toEqual([{ trading_symbol: 'RELIANCE' }]);
    expect(db.prepare('SELECT COUNT(*) AS n FROM instruments_alt').get()).toEqual({ n: 0 });
  });

  it('names no live set where no master was imported yet', () => {
    const db = migratedFrom6(false);
    expect(db.prepare('SELECT id, live FROM instruments_master').all()).toEqual([{ id: 1, live: null }]);
    expect(() => db.prepare("UPDATE instruments_master SET live = 'instruments_old'").run()).toThrow(/CHECK constraint failed/);
    expect(() => db.prepare("INSERT INTO instruments_master (id, live) VALUES (2, 'instruments')").run()).toThrow(/CHECK constraint failed/);
  });

  it('creates instruments_alt as a STRICT copy of instruments, with the same indexes and words index under its own names', () => {
    const db = migratedFrom6(false);
    expect(db.prepare("SELECT strict FROM pragma_table_list WHERE name = 'instruments_alt'").get()).toEqual({ strict: 1 });
    expect(columnsOf(db, 'instruments_alt')).toEqual(columnsOf(db, 'instruments'));
    const renamed = indexesOf(db, 'instruments').map(({ name, sql }) => ({ name: name.replace('instruments', 'instruments_alt'), sql: sql.replace(/instruments/g, 'instruments_alt') }));
    expect(indexesOf(db, 'instruments_alt')).toEqual(renamed);
    const tableSql = db.prepare<[string], { sql: string }>('SELECT sql FROM sqlite_master WHERE name = ?');
    const checks = (table: string) => tableSql.get(table)!.sql.match(/CHECK \([^)]*\)\)/g) ?? [];
    expect(checks('instruments_alt')).toEqual(checks('instruments'));

    db.prepare("INSERT INTO instruments_alt_words (rowid, words) VALUES (7, 'NIFTY 24000 CE 29 DEC 26')").run();
    expect(db.prepare("SELECT rowid FROM instruments_alt_words WHERE instruments_alt_words MATCH '\"nif\"* \"24000\"'").all()).toEqual([{ rowid: 7 }]);
    expect(db.prepare('SELECT COUNT(*) AS n FROM instruments_words').get()).toEqual({ n: 0 });
  });
});
