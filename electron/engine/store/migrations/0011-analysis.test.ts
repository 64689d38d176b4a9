import { afterEach, describe, expect, it } from 'vitest';
import { closeTestDbs, openAtVersion, tableColumns } from '../../../../tests/helpers/schema';
import { removeTempDirs } from '../../../../tests/helpers/temp-dir';

afterEach(() => {
  closeTestDbs();
  removeTempDirs();
});

const job = (db: ReturnType<typeof openAtVersion>, id: number) =>
  db
    .prepare(
      `INSERT INTO jobs (id, kind, payload, status, priority, max_attempts, run_at, created_at, updated_at)
       VALUES (?, 'analysis.deep-dive', '{}', 'QUEUED', 1, 3, 0, 0, 0)`,
    )
    .run(id);

describe('migration 0011-analysis', () => {
  it('adds scans, analyses, reports, fundamentals and option-chain snapshots', () => {
    const db = openAtVersion(11);
    expect(tableColumns(db, 'reports').map((c) => c.name)).toEqual([
      'id',
      'analysis_id',
      'symbol',
      'instrument_key',
      'created_at',
      'conviction_score',
      'risk_grade',
      'direction',
      'summary',
      'body',
    ]);
    expect(tableColumns(db, 'option_chains').map((c) => [c.name, c.pk])).toEqual([
      ['underlying_key', 1],
      ['expiry', 2],
      ['fetched_at', 0],
      ['body', 0],
    ]);
    expect(tableColumns(db, 'fundamentals').map((c) => c.name)).toEqual([
      'symbol',
      'as_of',
      'source',
      'body',
      'imported_at',
    ]);
  });

  it('drops a scan and an analysis with their job but keeps the report, and refuses unknown grades', () => {
    const db = openAtVersion(11);
    job(db, 7);
    db.prepare("INSERT INTO analyses VALUES (7, 'SBIN', 'NSE_EQ|INE062A01020', '{}', 0, 1)").run();
    db.prepare("INSERT INTO scans VALUES (7, 'nifty50', 'NIFTY 50', 60, 0, NULL, NULL, NULL, NULL)").run();
    db.prepare("INSERT INTO reports VALUES (1, 7, 'SBIN', 'NSE_EQ|INE062A01020', 0, 55, 'LOW', 'LONG', 's', '{}')").run();
    expect(() =>
      db.prepare("INSERT INTO reports VALUES (2, 8, 'SBIN', 'k', 0, 55, 'EXTREME', 'LONG', 's', '{}')").run(),
    ).toThrow(/CHECK/);
    expect(() =>
      db.prepare("INSERT INTO reports VALUES (3, 7, 'SBIN', 'k', 0, 55, 'LOW', 'LONG', 's', '{}')").run(),
    ).toThrow(/UNIQUE/);
    db.prepare('DELETE FROM jobs WHERE id = 7').run();
    expect(db.prepare('SELECT COUNT(*) AS n FROM analyses').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT COUNT(*) AS n FROM scans').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT COUNT(*) AS n FROM reports').get()).toEqual({ n: 1 });
  });
});
