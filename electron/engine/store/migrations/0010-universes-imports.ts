import type { Db } from '../types';

/**
 * User universes and import runs.
 *
 * `universes` holds the user's own lists (the predefined ones ship as files in resources/universes); its members
 * keep what the file or list named (an instrument key, a symbol, an ISIN), and are resolved through the instrument
 * master when read, so a member the master does not know yet is listed as unresolved, never dropped.
 *
 * `import_runs` adds to an import's job what a run has beyond its job: how many times its failed symbols were
 * retried (a retry is a new attempt of the same run, so its counts and history stay one run). Its symbols are the
 * job's items.
 *
 * The daily import schedule was seeded disabled while its job kind did not exist, and enabling it was refused, so
 * a disabled row that nobody has changed since seeding is switched on here: no user chose that state.
 */
export default function up(db: Db): void {
  db.exec(`
    CREATE TABLE universes (
      id          INTEGER PRIMARY KEY,
      name        TEXT    NOT NULL UNIQUE COLLATE NOCASE,
      source      TEXT    NOT NULL CHECK (source IN ('csv', 'list')),
      created_at  INTEGER NOT NULL,
      updated_at  INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE universe_members (
      universe_id     INTEGER NOT NULL REFERENCES universes (id) ON DELETE CASCADE,
      seq             INTEGER NOT NULL,
      instrument_key  TEXT,
      symbol          TEXT,
      isin            TEXT,
      CHECK (instrument_key IS NOT NULL OR symbol IS NOT NULL OR isin IS NOT NULL),
      PRIMARY KEY (universe_id, seq)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE import_runs (
      job_id       INTEGER PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
      retry_count  INTEGER NOT NULL DEFAULT 0,
      created_at   INTEGER NOT NULL
    ) STRICT;

    UPDATE schedules SET enabled = 1, next_run_at = NULL
     WHERE name = 'ohlcv-daily-import' AND enabled = 0 AND updated_at = created_at;
  `);
}
