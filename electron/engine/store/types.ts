import type BetterSqlite3 from 'better-sqlite3';

/** The engine's one writable connection. Rows of this database never leave `store/`. */
export type Db = BetterSqlite3.Database;

export interface Migration {
  version: number;
  name: string;
  up(db: Db): void;
}
