import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closeTestDbs, openAtVersion, tableColumns } from '../../../../tests/helpers/schema';
import { removeTempDirs } from '../../../../tests/helpers/temp-dir';
import type { Db } from '../types';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '.';
import checksums from './checksums.json';

const DIR = import.meta.dirname;

afterEach(() => {
  closeTestDbs();
  removeTempDirs();
});

const fileOf = (m: { version: number; name: string }) => `${String(m.version).padStart(4, '0')}-${m.name}.ts`;
const sha256 = (file: string) =>
  createHash('sha256')
    .update(fs.readFileSync(path.join(DIR, file), 'utf8').replace(/\r\n/g, '\n'))
    .digest('hex');

describe('landed migrations', () => {
  it('each migration file is named after its version and name, and none is missing from the list', () => {
    const files = fs.readdirSync(DIR).filter((f) => /^\d{4}-.*\.ts$/.test(f) && !f.endsWith('.test.ts'));
    expect(files.sort()).toEqual(MIGRATIONS.map(fileOf));
  });

  it('are never edited: every file matches the checksum recorded when it landed', () => {
    const recorded = checksums as Record<string, string>;
    for (const migration of MIGRATIONS) {
      const file = fileOf(migration);
      // A new migration lands with its checksum; a changed one means a landed file was edited: add a migration instead.
      expect(recorded[file], `checksums.json has no entry for ${file}: add its sha256 when it lands`).toBeDefined();
      expect(sha256(file), `${file} was edited after it landed: write a new migration instead`).toBe(recorded[file]);
    }
    expect(Object.keys(recorded).sort()).toEqual(MIGRATIONS.map(fileOf));
  });
});

describe('the two instrument table sets (0005 and 0007)', () => {
  /** The table, its indexes and its words index (with the FTS shadow tables), renamed for comparison. */
  const setOf = (db: Db, table: string, rename: (s: string) => string = (s) => s) =>
    db
      .prepare<[], { type: string; name: string; sql: string }>(
        'SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL',
      )
      .all()
      .filter(
        (o) =>
          o.name === table ||
          (o.name.startsWith(`${table}_`) && !/^instruments_(alt|master)/.test(o.name.replace(table, 'instruments'))),
      )
      .map((o) => ({ type: o.type, name: rename(o.name), sql: rename(o.sql) }))
      .sort((a, b) => a.name.localeCompare(b.name));
  const toAlt = (sql: string) => sql.replace(/\binstruments(?=\b|_)/g, 'instruments_alt');

  it('still match column for column, index for index, at the latest version', () => {
    const db = openAtVersion(LATEST_SCHEMA_VERSION);
    expect(tableColumns(db, 'instruments_alt')).toEqual(tableColumns(db, 'instruments'));
    const live = setOf(db, 'instruments', toAlt);
    expect(live.map((o) => o.name)).toEqual(
      expect.arrayContaining(['instruments_alt', 'instruments_alt_by_symbol', 'instruments_alt_words']),
    );
    expect(setOf(db, 'instruments_alt')).toEqual(live);
  });
});
