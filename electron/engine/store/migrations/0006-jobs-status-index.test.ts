import { afterEach, describe, expect, it, vi } from 'vitest';
import { JOB_STATUSES, type JobStatus } from '../../../../shared/domain/jobs';
import { closeTestDbs, openAtVersion, queryPlan } from '../../../../tests/helpers/schema';
import { removeTempDirs } from '../../../../tests/helpers/temp-dir';
import { createJobStore } from '../jobs';
import { migrate, schemaVersion } from '../open';
import type { Db } from '../types';

afterEach(() => {
  vi.restoreAllMocks();
  closeTestDbs();
  removeTempDirs();
});

/** Jobs in every status, as the job store leaves them (finished_at set exactly for the finished ones). */
function insertJobs(db: Db, count: number): void {
  const insert = db.prepare(
    `INSERT INTO jobs (kind, payload, status, priority, max_attempts, run_at, finished_at, created_at, updated_at)
     VALUES (?, '{}', ?, ?, 3, 0, ?, 1, 1)`,
  );
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const status = i % 10 === 0 ? 'QUEUED' : i % 10 === 1 ? 'RUNNING' : i % 7 === 0 ? 'FAILED' : i % 11 === 0 ? 'CANCELLED' : 'SUCCEEDED';
      insert.run(i % 2 ? 'a' : 'b', status, i % 4, status === 'QUEUED' || status === 'RUNNING' ? null : 1_000 + i);
    }
  })();
}

/** A database at version 5 holding jobs, migrated to 6. */
function migratedFrom5(jobs = 40): Db {
  const db = openAtVersion(5);
  expect(schemaVersion(db)).toBe(5);
  insertJobs(db, jobs);
  migrate(db, undefined, 6);
  return db;
}

const indexes = (db: Db) =>
  db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'jobs' AND name NOT LIKE 'sqlite_autoindex%' ORDER BY name")
    .all()
    .map((r) => r.name);

const plan = (db: Db, sql: string, args: unknown[] = []) => queryPlan(db, sql, args).join('\n');

/** Each step of the plan that reads jobs goes through an index: no step reads the whole table. */
function expectIndexed(details: string): void {
  const steps = details.split('\n').filter((d) => /^(SCAN|SEARCH) jobs\b/.test(d));
  expect(steps.length, details).toBeGreaterThan(0);
  for (const step of steps) expect(step, details).toMatch(/USING (COVERING )?INDEX|USING INTEGER PRIMARY KEY/);
}

/** Every statement the job store prepares, by the text it was prepared with. */
function storeStatements(db: Db): string[] {
  const prepare = vi.spyOn(db, 'prepare');
  createJobStore(db);
  const sqls = prepare.mock.calls.map((call) => String(call[0]));
  prepare.mockRestore();
  return sqls;
}

describe('migration 0006-jobs-status-index', () => {
  it('replaces the index on every status by a partial one on finished jobs, keeping the jobs', () => {
    const db = migratedFrom5();
    expect(db.pragma('user_version', { simple: true })).toBe(6);
    expect(indexes(db)).toEqual(['jobs_claim', 'jobs_finished', 'jobs_finished_status', 'jobs_kind_created', 'jobs_running']);
    expect(db.prepare<[], { name: string }>("SELECT name FROM pragma_index_info('jobs_finished_status') ORDER BY seqno").all().map((c) => c.name)).toEqual(['status', 'id']);
    const sql = db.prepare<[], { sql: string }>("SELECT sql FROM sqlite_master WHERE name = 'jobs_finished_status'").get()!.sql;
    expect(sql).toMatch(/WHERE\s+finished_at\s+IS\s+NOT\s+NULL/i);
    expect(db.prepare('SELECT COUNT(*) AS n FROM jobs').get()).toEqual({ n: 40 });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it.each([false, true])('counts and lists jobs of every status from an index, never a scan of the table (ANALYZE: %s)', (analyze) => {
    const db = migratedFrom5(3_000);
    if (analyze) db.exec('ANALYZE');
    const stats = storeStatements(db).find((s) => /UNION ALL/.test(s) && /COUNT\(\*\)/.test(s));
    expect(stats).toBeDefined();
    const statsPlan = plan(db, stats!);
    expectIndexed(statsPlan);
    expect(statsPlan, statsPlan).toMatch(/jobs_claim/);
    expect(statsPlan, statsPlan).toMatch(/jobs_running/);
    expect(statsPlan, statsPlan).toMatch(/jobs_finished_status/);

    // The list query as the store builds it, for each status with and without a kind.
    const prepare = vi.spyOn(db, 'prepare');
    for (const status of JOB_STATUSES) {
      for (const kind of [undefined, 'a']) {
        const store = createJobStore(db); // a store prepares each shape of list query once: a new one prepares it again
        prepare.mockClear();
        store.list({ status, kind, limit: 20 });
        const sql = String(prepare.mock.calls.at(-1)![0]);
        const args: unknown[] = [...(status === 'QUEUED' || status === 'RUNNING' ? [] : [status]), ...(kind ? [kind] : []), 20];
        const listPlan = plan(db, sql, args);
        expectIndexed(listPlan);
        if (status !== 'QUEUED' && status !== 'RUNNING' && !kind) expect(listPlan, listPlan).toMatch(/jobs_finished_status/);
      }
    }
    prepare.mockRestore();
  });

  it('gives the same counts and lists as before the migration', () => {
    const db = migratedFrom5(500);
    const store = createJobStore(db);
    const expected = Object.fromEntries(
      db
        .prepare<[], { status: JobStatus; n: number }>('SELECT status, COUNT(*) AS n FROM jobs NOT INDEXED GROUP BY status')
        .all()
        .map((r) => [r.status.toLowerCase(), r.n]),
    );
    expect(store.stats()).toEqual({ queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0, ...expected });
    for (const status of JOB_STATUSES) {
      const ids = db
        .prepare<[string], { id: number }>('SELECT id FROM jobs NOT INDEXED WHERE status = ? ORDER BY id DESC LIMIT 25')
        .all(status)
        .map((r) => r.id);
      expect(store.list({ status, limit: 25 }).map((j) => j.id), status).toEqual(ids);
    }
  });
});
