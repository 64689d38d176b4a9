import { afterEach, describe, expect, it } from 'vitest';
import { closeTestDbs, openAtVersion } from '../../../../tests/helpers/schema';
import { removeTempDirs } from '../../../../tests/helpers/temp-dir';
import { migrate, schemaVersion } from '../open';

interface ColumnInfo {
  name: string;
  type: string;
  notnull: number;
  pk: number;
}

afterEach(() => {
  closeTestDbs();
  removeTempDirs();
});

describe('migration 0001-settings', () => {
  it('starts from an empty version-0 database', () => {
    const db = openAtVersion(0);
    expect(schemaVersion(db)).toBe(0);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'settings'").get()).toBeUndefined();
  });

  it('creates the STRICT settings table with its columns and sets user_version to 1', () => {
    const db = openAtVersion(0);
    migrate(db, undefined, 1);

    expect(db.pragma('user_version', { simple: true })).toBe(1);
    const columns = db.prepare<[], ColumnInfo>("SELECT name, type, \"notnull\", pk FROM pragma_table_info('settings') ORDER BY cid").all();
    expect(columns).toEqual([
      { name: 'key', type: 'TEXT', notnull: 1, pk: 1 },
      { name: 'value', type: 'TEXT', notnull: 1, pk: 0 },
      { name: 'updated_at', type: 'INTEGER', notnull: 1, pk: 0 },
    ]);
    const table = db.prepare<[], { strict: number }>("SELECT strict FROM pragma_table_list WHERE name = 'settings'").get();
    expect(table?.strict).toBe(1);
  });

  it('keeps rows and refuses wrong types, missing values and duplicate keys', () => {
    const db = openAtVersion(0);
    migrate(db, undefined, 1);
    const insert = db.prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)');

    insert.run('theme', JSON.stringify('light'), 1_700_000_000_000);
    expect(db.prepare('SELECT key, value, updated_at FROM settings').all()).toEqual([
      { key: 'theme', value: '"light"', updated_at: 1_700_000_000_000 },
    ]);

    // STRICT: a type SQLite would otherwise store silently is an error.
    expect(() => insert.run('a', '"x"', 'yesterday')).toThrow(/cannot store TEXT value in INTEGER column/i);
    expect(() => insert.run('b', Buffer.from('x'), 1)).toThrow(/cannot store BLOB value in TEXT column/i);
    expect(() => insert.run('c', null, 1)).toThrow(/NOT NULL/);
    expect(() => insert.run(null, '"x"', 1)).toThrow(/NOT NULL/);
    expect(() => insert.run('theme', '"dark"', 2)).toThrow(/UNIQUE/);
    expect(db.prepare('SELECT COUNT(*) AS n FROM settings').get()).toEqual({ n: 1 });
  });
});
