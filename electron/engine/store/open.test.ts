import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkstationError } from '../../../shared/errors';
import { makeTempDir, removeTempDirs } from '../../../tests/helpers/temp-dir';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations';
import { checkDatabase, DB_FILE_NAME, openDatabase, schemaVersion } from './open';
import type { Db, Migration } from './types';

const opened: Db[] = [];

function open(file: string, options?: Parameters<typeof openDatabase>[1]): Db {
  const db = openDatabase(file, options);
  opened.push(db);
  return db;
}

function tempDbFile(): string {
  return path.join(makeTempDir('tickdesk-open-'), DB_FILE_NAME);
}

/** What a user's data amounts to: every schema object, the version and the rows of each table. */
function snapshot(file: string): unknown {
  const raw = new Database(file, { readonly: true });
  try {
    const schema = raw
      .prepare<[], { type: string; name: string; sql: string | null }>(
        'SELECT type, name, sql FROM sqlite_master ORDER BY name',
      )
      .all();
    const rows = Object.fromEntries(
      schema.filter((s) => s.type === 'table').map((t) => [t.name, raw.prepare(`SELECT * FROM "${t.name}"`).all()]),
    );
    return { version: raw.pragma('user_version', { simple: true }), schema, rows };
  } finally {
    raw.close();
  }
}

afterEach(() => {
  for (const db of opened.splice(0)) if (db.open) db.close();
  removeTempDirs();
});

describe('openDatabase', () => {
  it('creates the folder and opens a file database with WAL, synchronous NORMAL, foreign keys and a busy timeout', () => {
    const file = path.join(makeTempDir('tickdesk-open-'), 'nested', 'deeper', DB_FILE_NAME);
    const db = open(file);

    expect(fs.existsSync(file)).toBe(true);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBeGreaterThanOrEqual(1000);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(checkDatabase(db)).toBe('ok');
  });

  it('lists migrations numbered 1..N with no gap, and LATEST_SCHEMA_VERSION is N', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_m, i) => i + 1));
    expect(LATEST_SCHEMA_VERSION).toBe(MIGRATIONS.length);
    expect(new Set(MIGRATIONS.map((m) => m.name)).size).toBe(MIGRATIONS.length);
  });

  it('re-opening keeps the data and does not run migrations again', () => {
    const file = tempDbFile();
    const first = open(file);
    first.prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)').run('theme', '"light"', 1);
    first.close();

    const second = open(file);
    expect(schemaVersion(second)).toBe(LATEST_SCHEMA_VERSION);
    expect(second.prepare('SELECT key, value FROM settings').all()).toEqual([{ key: 'theme', value: '"light"' }]);
  });

  it('runs each migration exactly once across opens', () => {
    const file = tempDbFile();
    const runs: number[] = [];
    const migrations: Migration[] = [
      { version: 1, name: 'one', up: (db) => (runs.push(1), db.exec('CREATE TABLE one (x INTEGER) STRICT')) },
      { version: 2, name: 'two', up: (db) => (runs.push(2), db.exec('CREATE TABLE two (y INTEGER) STRICT')) },
    ];
    open(file, { migrations, targetVersion: 1 }).close();
    open(file, { migrations }).close();
    open(file, { migrations }).close();
    expect(runs).toEqual([1, 2]);
    expect(snapshot(file)).toMatchObject({ version: 2 });
  });

  it('refuses a database from a newer version of the app with a clear error, and leaves it untouched', () => {
    const file = tempDbFile();
    const newer = new Database(file);
    newer.pragma('journal_mode = WAL');
    newer.exec(
      "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at INTEGER NOT NULL) STRICT; CREATE TABLE future (z TEXT) STRICT; INSERT INTO settings VALUES ('theme', '\"light\"', 5); INSERT INTO future VALUES ('keep me');",
    );
    newer.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    newer.close();
    const before = snapshot(file);

    let thrown: unknown;
    try {
      open(file);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(WorkstationError);
    expect((thrown as WorkstationError).message).toMatch(new RegExp(`version ${LATEST_SCHEMA_VERSION + 1} is newer`));
    expect((thrown as WorkstationError).message).toMatch(/update the app/);
    expect(snapshot(file)).toEqual(before);
  });

  it('a migration that throws leaves user_version at the previous version and rolls its changes back', () => {
    const file = tempDbFile();
    const migrations: Migration[] = [
      {
        version: 1,
        name: 'good',
        up: (db) => db.exec('CREATE TABLE good (x INTEGER) STRICT; INSERT INTO good VALUES (1);'),
      },
      {
        version: 2,
        name: 'bad',
        up: (db) => {
          db.exec('CREATE TABLE half_done (y INTEGER) STRICT; INSERT INTO good VALUES (2);');
          throw new Error('migration 2 blew up');
        },
      },
    ];

    expect(() => open(file, { migrations })).toThrow('migration 2 blew up');

    const after = snapshot(file) as { version: number; schema: { name: string }[]; rows: Record<string, unknown[]> };
    expect(after.version).toBe(1);
    expect(after.schema.map((s) => s.name)).toEqual(['good']);
    expect(after.rows.good).toEqual([{ x: 1 }]);
  });

  it('opens an in-memory database migrated to the latest version', () => {
    const db = open(':memory:');
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'settings'").get()).toEqual({ name: 'settings' });
  });
});
