import { afterEach, describe, expect, it } from 'vitest';
import { closeTestDbs, openAtVersion, tableColumns } from '../../../../tests/helpers/schema';
import { removeTempDirs } from '../../../../tests/helpers/temp-dir';
import { migrate, schemaVersion } from '../open';
import type { Db } from '../types';

afterEach(() => {
  closeTestDbs();
  removeTempDirs();
});

/** A database at version 2 holding a job with an item, migrated to 3. */
function migratedFrom2(): Db {
  const db = openAtVersion(2);
  expect(schemaVersion(db)).toBe(2);
  db.prepare(
    `INSERT INTO jobs (id, kind, payload, status, priority, max_attempts, run_at, idempotency_key, created_at, updated_at)
     VALUES (7, 'demo.work', '{"items":1}', 'SUCCEEDED', 2, 3, 1, 'before-0003', 1, 1)`,
  ).run();
  db.prepare("INSERT INTO job_items (job_id, item_key, seq, status, updated_at) VALUES (7, 'item-0001', 0, 'SUCCEEDED', 1)").run();
  migrate(db, undefined, 3);
  return db;
}

const columns = tableColumns;

const insertSchedule = (db: Db, name: string, fields: Record<string, unknown> = {}) =>
  db
    .prepare(
      `INSERT INTO schedules (name, job_kind, cron, enabled, created_at, updated_at)
       VALUES (@name, @jobKind, @cron, @enabled, 1, 1)`,
    )
    .run({ name, jobKind: 'maintenance.database', cron: '0 3 * * 0', enabled: 1, ...fields });

describe('migration 0003-schedules', () => {
  it('keeps the jobs of version 2 and sets user_version to 3', () => {
    const db = migratedFrom2();
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    expect(db.prepare('SELECT id, kind, status, idempotency_key FROM jobs').all()).toEqual([
      { id: 7, kind: 'demo.work', status: 'SUCCEEDED', idempotency_key: 'before-0003' },
    ]);
    expect(db.prepare('SELECT job_id, item_key, status FROM job_items').all()).toEqual([{ job_id: 7, item_key: 'item-0001', status: 'SUCCEEDED' }]);
  });

  it('creates the STRICT schedules table with its columns and defaults', () => {
    const db = migratedFrom2();
    expect(columns(db, 'schedules')).toEqual([
      { name: 'name', type: 'TEXT', notnull: 1, dflt_value: null, pk: 1 },
      { name: 'job_kind', type: 'TEXT', notnull: 1, dflt_value: null, pk: 0 },
      { name: 'cron', type: 'TEXT', notnull: 1, dflt_value: null, pk: 0 },
      { name: 'enabled', type: 'INTEGER', notnull: 1, dflt_value: null, pk: 0 },
      { name: 'trading_days_only', type: 'INTEGER', notnull: 1, dflt_value: '0', pk: 0 },
      { name: 'payload', type: 'TEXT', notnull: 1, dflt_value: "'{}'", pk: 0 },
      { name: 'last_run_at', type: 'INTEGER', notnull: 0, dflt_value: null, pk: 0 },
      { name: 'last_job_id', type: 'INTEGER', notnull: 0, dflt_value: null, pk: 0 },
      { name: 'next_run_at', type: 'INTEGER', notnull: 0, dflt_value: null, pk: 0 },
      { name: 'created_at', type: 'INTEGER', notnull: 1, dflt_value: null, pk: 0 },
      { name: 'updated_at', type: 'INTEGER', notnull: 1, dflt_value: null, pk: 0 },
    ]);
    expect(db.prepare("SELECT strict, wr FROM pragma_table_list WHERE name = 'schedules'").get()).toEqual({ strict: 1, wr: 0 });

    insertSchedule(db, 'weekly-maintenance');
    expect(db.prepare("SELECT trading_days_only, payload, last_run_at, next_run_at FROM schedules WHERE name = 'weekly-maintenance'").get()).toEqual({
      trading_days_only: 0,
      payload: '{}',
      last_run_at: null,
      next_run_at: null,
    });
  });

  it('refuses a duplicate schedule name, a missing cron and a wrongly typed value', () => {
    const db = migratedFrom2();
    insertSchedule(db, 'eod-import');
    expect(() => insertSchedule(db, 'eod-import')).toThrow(/UNIQUE constraint failed: schedules.name/);
    expect(() => insertSchedule(db, 'no-cron', { cron: null })).toThrow(/NOT NULL/);
    expect(() => insertSchedule(db, 'unnamed', { name: null })).toThrow(/NOT NULL/);
    expect(() => insertSchedule(db, 'bad-flag', { enabled: 'yes' })).toThrow(/cannot store TEXT value in INTEGER column/);
    expect(db.prepare('SELECT COUNT(*) AS n FROM schedules').get()).toEqual({ n: 1 });
  });

  it('creates market_holidays keyed by exchange and date, refusing an unknown source', () => {
    const db = migratedFrom2();
    expect(columns(db, 'market_holidays').map((c) => [c.name, c.pk])).toEqual([
      ['date', 2],
      ['exchange', 1],
      ['description', 0],
      ['source', 0],
    ]);
    expect(db.prepare("SELECT strict, wr FROM pragma_table_list WHERE name = 'market_holidays'").get()).toEqual({ strict: 1, wr: 1 });

    const add = db.prepare('INSERT INTO market_holidays (date, description, source) VALUES (?, ?, ?)');
    add.run('2026-01-26', 'Republic Day', 'bundled');
    expect(db.prepare('SELECT date, exchange, description, source FROM market_holidays').all()).toEqual([
      { date: '2026-01-26', exchange: 'NSE', description: 'Republic Day', source: 'bundled' },
    ]);
    expect(() => add.run('2026-03-03', 'Holi', 'scraped')).toThrow(/CHECK constraint failed/);
    expect(() => add.run('2026-01-26', 'Republic Day again', 'user')).toThrow(/UNIQUE constraint failed/);
    // The same date on another exchange is another holiday.
    db.prepare("INSERT INTO market_holidays (date, exchange, description, source) VALUES ('2026-01-26', 'BSE', 'Republic Day', 'user')").run();
    expect(db.prepare('SELECT COUNT(*) AS n FROM market_holidays').get()).toEqual({ n: 2 });
  });
});
