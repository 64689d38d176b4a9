import type { Db } from '../types';

/** User settings as JSON values under a key; secrets never live here. */
export default function up(db: Db): void {
  db.exec(`
    CREATE TABLE settings (
      key        TEXT PRIMARY KEY,
      value      TEXT NOT NULL,
      updated_at INTEGER NOT NULL
    ) STRICT;
  `);
}
