import { afterEach, describe, expect, it } from 'vitest';
import { closeTestDbs, openAtVersion, tableColumns } from '../../../../tests/helpers/schema';
import { removeTempDirs } from '../../../../tests/helpers/temp-dir';
import { migrate } from '../open';

afterEach(() => {
  closeTestDbs();
  removeTempDirs();
});

const seedSchedule = (db: ReturnType<typeof openAtVersion>, name: string, enabled: number, updatedAt: number) =>
  db
    .prepare(
      `INSERT INTO schedules (name, job_kind, cron, enabled, payload, next_run_at, created_at, updated_at)
       VALUES (?, 'ohlcv.import', '30 16 * * 1-5', ?, '{}', NULL, 1000, ?)`,
    )
    .run(name, enabled, updatedAt);

describe('migration 0010-universes-imports', () => {
  it('adds user universes with their members and import runs', () => {
    const db = openAtVersion(10);
    expect(tableColumns(db, 'universes').map((c) => c.name)).toEqual(['id', 'name', 'source', 'created_at', 'updated_at']);
    expect(tableColumns(db, 'universe_members').map((c) => [c.name, c.pk])).toEqual([
      ['universe_id', 1],
      ['seq', 2],
      ['instrument_key', 0],
      ['symbol', 0],
      ['isin', 0],
    ]);
    expect(tableColumns(db, 'import_runs').map((c) => c.name)).toEqual(['job_id', 'retry_count', 'created_at']);
  });

  it('refuses a member naming nothing, a second universe of the same name in other case, and drops members with their universe', () => {
    const db = openAtVersion(10);
    db.prepare("INSERT INTO universes VALUES (1, 'My Banks', 'csv', 0, 0)").run();
    expect(() => db.prepare("INSERT INTO universes VALUES (2, 'my banks', 'list', 0, 0)").run()).toThrow(/UNIQUE/);
    expect(() => db.prepare("INSERT INTO universes VALUES (3, 'x', 'predefined', 0, 0)").run()).toThrow(/CHECK/);
    expect(() => db.prepare('INSERT INTO universe_members VALUES (1, 0, NULL, NULL, NULL)').run()).toThrow(/CHECK/);
    db.prepare("INSERT INTO universe_members VALUES (1, 0, NULL, 'SBIN', 'INE062A01020')").run();
    db.prepare('DELETE FROM universes WHERE id = 1').run();
    expect(db.prepare('SELECT COUNT(*) AS n FROM universe_members').get()).toEqual({ n: 0 });
  });

  it('switches on the daily import schedule only where it is still as seeded', () => {
    const db = openAtVersion(9);
    seedSchedule(db, 'ohlcv-daily-import', 0, 1000);
    migrate(db, undefined, 10);
    expect(db.prepare("SELECT enabled FROM schedules WHERE name = 'ohlcv-daily-import'").get()).toEqual({ enabled: 1 });

    const touched = openAtVersion(9);
    seedSchedule(touched, 'ohlcv-daily-import', 0, 5000);
    migrate(touched, undefined, 10);
    expect(touched.prepare("SELECT enabled FROM schedules WHERE name = 'ohlcv-daily-import'").get()).toEqual({ enabled: 0 });
  });
});
