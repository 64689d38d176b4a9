import type { Db } from '../types';

/**
 * The durable job queue. Claiming scans only QUEUED rows through a partial index ordered by priority then age;
 * a lease (owner + expiry, renewed by heartbeat) lets a restarted engine take back the jobs of a dead one.
 */
export default function up(db: Db): void {
  db.exec(`
    CREATE TABLE jobs (
      id               INTEGER PRIMARY KEY AUTOINCREMENT,
      kind             TEXT    NOT NULL,
      payload          TEXT    NOT NULL,
      status           TEXT    NOT NULL CHECK (status IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
      priority         INTEGER NOT NULL CHECK (priority BETWEEN 0 AND 3),
      attempts         INTEGER NOT NULL DEFAULT 0,
      max_attempts     INTEGER NOT NULL,
      recoveries       INTEGER NOT NULL DEFAULT 0,
      run_at           INTEGER NOT NULL,
      idempotency_key  TEXT    UNIQUE,
      progress         TEXT,
      result           TEXT,
      error_code       TEXT,
      error_message    TEXT,
      cancel_requested INTEGER NOT NULL DEFAULT 0,
      lease_owner      TEXT,
      lease_expires_at INTEGER,
      heartbeat_at     INTEGER,
      created_at       INTEGER NOT NULL,
      started_at       INTEGER,
      finished_at      INTEGER,
      updated_at       INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX jobs_claim ON jobs (priority, id) WHERE status = 'QUEUED';
    CREATE INDEX jobs_running ON jobs (lease_expires_at) WHERE status = 'RUNNING';
    CREATE INDEX jobs_finished ON jobs (finished_at) WHERE finished_at IS NOT NULL;
    CREATE INDEX jobs_kind_created ON jobs (kind, id);
    CREATE INDEX jobs_status_created ON jobs (status, id);

    CREATE TABLE job_items (
      job_id        INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
      item_key      TEXT    NOT NULL,
      seq           INTEGER NOT NULL,
      status        TEXT    NOT NULL CHECK (status IN ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
      attempts      INTEGER NOT NULL DEFAULT 0,
      error_code    TEXT,
      error_message TEXT,
      records       INTEGER NOT NULL DEFAULT 0,
      processing_ms INTEGER,
      result        TEXT,
      updated_at    INTEGER NOT NULL,
      PRIMARY KEY (job_id, item_key)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX job_items_status ON job_items (job_id, status, seq);
  `);
}
