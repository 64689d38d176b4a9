import { afterEach, describe, expect, it, vi } from 'vitest';
import { closeTestDbs, columnNames, openAtVersion, queryPlan } from '../../../../tests/helpers/schema';
import { removeTempDirs } from '../../../../tests/helpers/temp-dir';
import { createJobStore } from '../jobs';
import { migrate, schemaVersion } from '../open';
import type { Db } from '../types';

interface TableInfo {
  strict: number;
  wr: number;
}

afterEach(() => {
  vi.restoreAllMocks();
  closeTestDbs();
  removeTempDirs();
});

/** A database at version 1 holding a settings row, migrated to 2. */
function migratedFrom1(): Db {
  const db = openAtVersion(1);
  expect(schemaVersion(db)).toBe(1);
  db.prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)').run('theme', '"dark"', 1_700_000_000_000);
  migrate(db, undefined, 2);
  return db;
}

const columns = columnNames;
const tableInfo = (db: Db, table: string) => db.prepare<[string], TableInfo>('SELECT strict, wr FROM pragma_table_list WHERE name = ?').get(table);

const insertJob = (db: Db, fields: { status?: string; priority?: number; kind?: string; key?: string | null; runAt?: number } = {}) =>
  Number(
    db
      .prepare(
        `INSERT INTO jobs (kind, payload, status, priority, max_attempts, run_at, idempotency_key, created_at, updated_at)
         VALUES (?, '{}', ?, ?, 3, ?, ?, 1, 1)`,
      )
      .run(fields.kind ?? 'demo.work', fields.status ?? 'QUEUED', fields.priority ?? 2, fields.runAt ?? 0, fields.key ?? null).lastInsertRowid,
  );

const insertItem = (db: Db, jobId: number, key: string, status = 'PENDING') =>
  db.prepare('INSERT INTO job_items (job_id, item_key, seq, status, updated_at) VALUES (?, ?, 0, ?, 1)').run(jobId, key, status);

describe('migration 0002-jobs', () => {
  it('creates the STRICT jobs and job_items tables, keeps existing rows and sets user_version to 2', () => {
    const db = migratedFrom1();
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(db.prepare('SELECT key, value FROM settings').all()).toEqual([{ key: 'theme', value: '"dark"' }]);

    expect(columns(db, 'jobs')).toEqual([
      'id',
      'kind',
      'payload',
      'status',
      'priority',
      'attempts',
      'max_attempts',
      'recoveries',
      'run_at',
      'idempotency_key',
      'progress',
      'result',
      'error_code',
      'error_message',
      'cancel_requested',
      'lease_owner',
      'lease_expires_at',
      'heartbeat_at',
      'created_at',
      'started_at',
      'finished_at',
      'updated_at',
    ]);
    expect(columns(db, 'job_items')).toEqual(['job_id', 'item_key', 'seq', 'status', 'attempts', 'error_code', 'error_message', 'records', 'processing_ms', 'result', 'updated_at']);
    expect(tableInfo(db, 'jobs')).toEqual({ strict: 1, wr: 0 });
    expect(tableInfo(db, 'job_items')).toEqual({ strict: 1, wr: 1 });
  });

  it('creates the claim index as a partial index on queued jobs, and the other indexes', () => {
    const db = migratedFrom1();
    const indexes = db
      .prepare<[], { name: string; tbl_name: string }>("SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex%' ORDER BY name")
      .all();
    expect(indexes).toEqual([
      { name: 'job_items_status', tbl_name: 'job_items' },
      { name: 'jobs_claim', tbl_name: 'jobs' },
      { name: 'jobs_finished', tbl_name: 'jobs' },
      { name: 'jobs_kind_created', tbl_name: 'jobs' },
      { name: 'jobs_running', tbl_name: 'jobs' },
      { name: 'jobs_status_created', tbl_name: 'jobs' },
    ]);
    const claim = db.prepare<[], { name: string }>("SELECT name FROM pragma_index_info('jobs_claim') ORDER BY seqno").all();
    expect(claim.map((c) => c.name)).toEqual(['priority', 'id']);
    const partial = db.prepare<[], { partial: number }>("SELECT partial FROM pragma_index_list('jobs') WHERE name = 'jobs_claim'").get();
    expect(partial).toEqual({ partial: 1 });
    const sql = db.prepare<[], { sql: string }>("SELECT sql FROM sqlite_master WHERE name = 'jobs_claim'").get()!.sql;
    expect(sql).toMatch(/WHERE\s+status\s*=\s*'QUEUED'/);
  });

  it('refuses a bad status or priority, and a second job with the same idempotency key', () => {
    const db = migratedFrom1();
    expect(() => insertJob(db, { status: 'DONE' })).toThrow(/CHECK constraint failed/);
    expect(() => insertJob(db, { status: 'queued' })).toThrow(/CHECK constraint failed/);
    expect(() => insertJob(db, { priority: 4 })).toThrow(/CHECK constraint failed/);
    expect(() => insertJob(db, { priority: -1 })).toThrow(/CHECK constraint failed/);
    expect(() => db.prepare("UPDATE jobs SET status = 'PAUSED'").run()).not.toThrow(); // no rows yet

    const id = insertJob(db, { key: 'k1' });
    expect(() => db.prepare("UPDATE jobs SET status = 'PAUSED' WHERE id = ?").run(id)).toThrow(/CHECK constraint failed/);
    expect(() => insertJob(db, { key: 'k1' })).toThrow(/UNIQUE constraint failed: jobs.idempotency_key/);
    insertJob(db, { key: null });
    insertJob(db, { key: null }); // jobs without a key never collide
    expect(() => insertItem(db, id, 'a', 'DONE')).toThrow(/CHECK constraint failed/);
    expect(() => db.prepare("INSERT INTO jobs (kind, payload, status, priority, max_attempts, run_at, created_at, updated_at) VALUES ('k', '{}', 'QUEUED', 'high', 3, 0, 1, 1)").run()).toThrow(
      /cannot store TEXT value in INTEGER column/,
    );
    expect(db.prepare('SELECT COUNT(*) AS n FROM jobs').get()).toEqual({ n: 3 });
  });

  it('deletes a job’s items with it, and refuses items of a job that does not exist', () => {
    const db = migratedFrom1();
    const keep = insertJob(db);
    const drop = insertJob(db);
    for (const key of ['a', 'b', 'c']) insertItem(db, drop, key);
    insertItem(db, keep, 'a');
    expect(() => insertItem(db, drop, 'a')).toThrow(/UNIQUE constraint failed/);
    expect(() => insertItem(db, 999, 'x')).toThrow(/FOREIGN KEY constraint failed/);

    db.prepare('DELETE FROM jobs WHERE id = ?').run(drop);
    expect(db.prepare('SELECT job_id, item_key FROM job_items ORDER BY job_id, item_key').all()).toEqual([{ job_id: keep, item_key: 'a' }]);
  });

  describe('the claim query', () => {
    /** The claim UPDATE exactly as the job store prepares it. */
    function claimStatement(db: Db): string {
      const prepare = vi.spyOn(db, 'prepare');
      createJobStore(db);
      const sql = prepare.mock.calls.map((call) => String(call[0])).find((s) => /SET status = 'RUNNING'/.test(s) && /ORDER BY priority, id/.test(s));
      prepare.mockRestore();
      if (!sql) throw new Error('the job store prepared no claim statement');
      return sql;
    }

    const plan = queryPlan;

    function expectClaimIndex(details: string[]): void {
      const text = details.join('\n');
      expect(text, text).toMatch(/\bjobs USING (COVERING )?INDEX jobs_claim\b/);
      expect(text, text).not.toMatch(/TEMP B-TREE/);
      expect(details.filter((d) => /^SCAN jobs$/.test(d)), text).toEqual([]);
    }

    it('walks the jobs_claim index in priority order (no table scan, no sort)', () => {
      const db = migratedFrom1();
      const sql = claimStatement(db);
      const now = Date.now();
      expectClaimIndex(plan(db, sql, ['owner', now + 30_000, now, now, now, now, '[]', 4]));

      const select = /WHERE id IN \((SELECT[\s\S]*?LIMIT \?)\)/.exec(sql)?.[1];
      expect(select).toBeDefined();
      expectClaimIndex(plan(db, select!, [now, '["maintenance.database"]', 4]));
    });

    it('still uses jobs_claim after ANALYZE on a busy history (many finished jobs, some queued)', () => {
      const db = migratedFrom1();
      db.transaction(() => {
        for (let i = 0; i < 3_000; i++) insertJob(db, { status: i % 10 === 0 ? 'QUEUED' : i % 7 === 0 ? 'FAILED' : 'SUCCEEDED', priority: i % 4, kind: i % 2 ? 'a' : 'b' });
      })();
      db.exec('ANALYZE');
      const sql = claimStatement(db);
      const now = Date.now();
      expectClaimIndex(plan(db, sql, ['owner', now + 30_000, now, now, now, now, '["a"]', 4]));

      // And it claims what the plan promises: queued jobs of kinds not excluded, highest priority first, then oldest.
      const expected = db
        .prepare<[], { id: number }>("SELECT id FROM jobs WHERE status = 'QUEUED' AND kind = 'b' ORDER BY priority, id LIMIT 3")
        .all()
        .map((r) => r.id);
      const claimed = createJobStore(db).claim('owner', now, 30_000, ['a'], 3);
      expect(claimed.map((r) => r.id)).toEqual(expected);
      expect(claimed.map((r) => r.status)).toEqual(['RUNNING', 'RUNNING', 'RUNNING']);
    });
  });
});
