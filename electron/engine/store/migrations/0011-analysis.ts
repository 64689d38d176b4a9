import type { Db } from '../types';

/**
 * Level-1 scans, Level-2 deep-dives, the report library, fundamentals and option-chain snapshots.
 *
 * A scan and a deep-dive are jobs; `scans` and `analyses` add what they have beyond their job (a scan's ranked
 * results, an analysis's request and the report it made) and go when their job is cleaned up. Reports do not: the
 * library is the user's, and a report holds the data snapshot it was computed from (`body`, the report's JSON
 * without its id) so that it reads back the same, offline, for as long as it is kept.
 *
 * `fundamentals` keeps the latest imported row of each symbol; `option_chains` the latest chain of each underlying
 * and expiry, so that a deep-dive whose refresh fails goes on with the stored one and says how old it is.
 */
export default function up(db: Db): void {
  db.exec(`
    CREATE TABLE scans (
      job_id         INTEGER PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
      universe       TEXT    NOT NULL,
      universe_name  TEXT    NOT NULL,
      threshold      REAL    NOT NULL,
      created_at     INTEGER NOT NULL,
      completed_at   INTEGER,
      results        TEXT,
      passed         INTEGER,
      total          INTEGER
    ) STRICT;

    CREATE TABLE analyses (
      job_id          INTEGER PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
      symbol          TEXT    NOT NULL,
      instrument_key  TEXT    NOT NULL,
      request         TEXT    NOT NULL,
      created_at      INTEGER NOT NULL,
      report_id       INTEGER
    ) STRICT;

    CREATE TABLE reports (
      id                INTEGER PRIMARY KEY,
      analysis_id       INTEGER NOT NULL UNIQUE,
      symbol            TEXT    NOT NULL COLLATE NOCASE,
      instrument_key    TEXT    NOT NULL,
      created_at        INTEGER NOT NULL,
      conviction_score  REAL    NOT NULL,
      risk_grade        TEXT    NOT NULL CHECK (risk_grade IN ('LOW', 'MODERATE', 'HIGH', 'VERY_HIGH')),
      direction         TEXT    NOT NULL CHECK (direction IN ('LONG', 'SHORT', 'NEUTRAL')),
      summary           TEXT    NOT NULL,
      body              TEXT    NOT NULL
    ) STRICT;
    CREATE INDEX reports_symbol ON reports (symbol, created_at);
    CREATE INDEX reports_created ON reports (created_at);

    CREATE TABLE fundamentals (
      symbol       TEXT    PRIMARY KEY COLLATE NOCASE,
      as_of        TEXT    NOT NULL,
      source       TEXT    NOT NULL,
      body         TEXT    NOT NULL,
      imported_at  INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE option_chains (
      underlying_key  TEXT    NOT NULL,
      expiry          TEXT    NOT NULL,
      fetched_at      INTEGER NOT NULL,
      body            TEXT    NOT NULL,
      PRIMARY KEY (underlying_key, expiry)
    ) STRICT, WITHOUT ROWID;
  `);
}
