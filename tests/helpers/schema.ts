import path from 'node:path';
import { openDatabase } from '../../electron/engine/store/open';
import type { Db } from '../../electron/engine/store/types';
import { makeTempDir } from './temp-dir';

export interface ColumnInfo {
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
}

const opened = new Set<Db>();

/** A fresh database file migrated only up to `version`, closed by `closeTestDbs` (afterEach). */
export function openAtVersion(version: number): Db {
  const db = openDatabase(path.join(makeTempDir('tickdesk-mig-'), 'test.db'), { targetVersion: version });
  opened.add(db);
  return db;
}

export function closeTestDbs(): void {
  for (const db of opened) if (db.open) db.close();
  opened.clear();
}

export function tableColumns(db: Db, table: string): ColumnInfo[] {
  return db
    .prepare<[string], ColumnInfo>(
      'SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?) ORDER BY cid',
    )
    .all(table);
}

export function columnNames(db: Db, table: string): string[] {
  return tableColumns(db, table).map((c) => c.name);
}

/** The `detail` lines of SQLite's plan for `sql`, so a test can check which index a hot query uses. */
export function queryPlan(db: Db, sql: string, args: readonly unknown[] = []): string[] {
  return db
    .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
    .all(...args)
    .map((r) => r.detail);
}
