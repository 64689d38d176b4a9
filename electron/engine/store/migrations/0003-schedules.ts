import type { Db } from '../types';

/** Cron schedules that enqueue jobs, and the NSE holiday calendar they consult. */
export default function up(db: Db): void {
  db.exec(`
    CREATE TABLE schedules (
      name               TEXT    PRIMARY KEY,
      job_kind           TEXT    NOT NULL,
      cron               TEXT    NOT NULL,
      enabled            INTEGER NOT NULL,
      trading_days_only  INTEGER NOT NULL DEFAULT 0,
      payload            TEXT    NOT NULL DEFAULT '{}',
      last_run_at        INTEGER,
      last_job_id        INTEGER,
      next_run_at        INTEGER,
      created_at         INTEGER NOT NULL,
      updated_at         INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE market_holidays (
      date        TEXT NOT NULL,
      exchange    TEXT NOT NULL DEFAULT 'NSE',
      description TEXT NOT NULL,
      source      TEXT NOT NULL CHECK (source IN ('bundled', 'user')),
      PRIMARY KEY (exchange, date)
    ) STRICT, WITHOUT ROWID;
  `);
}
