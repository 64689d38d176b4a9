import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEMO_DB_FILE_NAME } from '../../electron/engine/store/open';
import { EFFECTS_IDEMPOTENCY_KEY, killAllWorkers, spawnJobWorker } from '../fixtures/job-worker';
import { makeTempDir, removeTempDirs } from '../helpers/temp-dir';

const TOTAL_ITEMS = 400;
const KILLS = 6;

let watcher: Database.Database | undefined;

afterEach(async () => {
  watcher?.close();
  watcher = undefined;
  await killAllWorkers();
  removeTempDirs();
});

interface KillPoint {
  target: number;
  done: number;
  effects: number;
  pid: number;
}

describe('durable jobs survive kill -9', () => {
  it('a long job killed at random points and restarted each time finishes with every side effect exactly once', async () => {
    const dataDir = makeTempDir('tickdesk-crash-');
    const env = { TICKDESK_WORKER_ITEMS: String(TOTAL_ITEMS), TICKDESK_WORKER_ITEM_MS: '2' };
    // Random kill points, one in each of KILLS slices of the first 75% of the job, so they differ and stay mid-job.
    const slice = (TOTAL_ITEMS * 0.7) / KILLS;
    const targets = Array.from({ length: KILLS }, (_, i) =>
      Math.floor(TOTAL_ITEMS * 0.05 + slice * (i + Math.random())),
    );
    const kills: KillPoint[] = [];
    let jobId = 0;

    const count = (sql: string) => watcher!.prepare<[number], { n: number }>(sql).get(jobId)!.n;
    const itemsDone = () => count("SELECT COUNT(*) AS n FROM job_items WHERE job_id = ? AND status = 'SUCCEEDED'");
    const effects = () => count('SELECT COUNT(*) AS n FROM test_effects WHERE job_id = ?');

    for (const planned of targets) {
      const worker = spawnJobWorker({ dataDir, mode: 'effects', env });
      const ready = await worker.waitForLine(/^READY \d+/);
      const id = Number(ready.split(' ')[1]);
      if (jobId === 0) {
        jobId = id;
        watcher = new Database(path.join(dataDir, DEMO_DB_FILE_NAME));
        watcher.pragma('busy_timeout = 5000');
      }
      expect(id, 'a restart must find the same job (idempotency key), not enqueue a second one').toBe(jobId);

      const target = Math.max(planned, (kills.at(-1)?.done ?? 0) + 5);
      await vi.waitFor(
        () => {
          if (itemsDone() < target)
            throw new Error(`waiting for ${target} items done, have ${itemsDone()}\n${worker.output()}`);
        },
        { timeout: 20_000, interval: 3 },
      );
      const exit = await worker.kill();
      expect(exit.signal).toBe('SIGKILL');
      kills.push({ target, done: itemsDone(), effects: effects(), pid: worker.pid });
    }

    const last = spawnJobWorker({ dataDir, mode: 'effects', env });
    await last.waitForLine(new RegExp(`^DONE ${jobId}$`), 30_000);
    expect((await last.exited).code).toBe(0);
    watcher!.close();
    watcher = undefined;

    // Every kill happened mid-job, at a different point, and at each one the committed effects matched the items done.
    expect(kills).toHaveLength(KILLS);
    for (const k of kills) {
      expect(k.done, JSON.stringify(kills)).toBeGreaterThan(0);
      expect(k.done, JSON.stringify(kills)).toBeLessThan(TOTAL_ITEMS);
      expect(k.effects, `effects committed vs items done at a kill: ${JSON.stringify(kills)}`).toBe(k.done);
    }
    expect(new Set(kills.map((k) => k.done)).size).toBe(KILLS);

    const db = new Database(path.join(dataDir, DEMO_DB_FILE_NAME));
    try {
      const job = db
        .prepare<
          [string],
          { id: number; status: string; attempts: number; recoveries: number; error_code: string | null }
        >('SELECT id, status, attempts, recoveries, error_code FROM jobs WHERE idempotency_key = ?')
        .get(EFFECTS_IDEMPOTENCY_KEY);
      expect(job).toMatchObject({ id: jobId, status: 'SUCCEEDED', error_code: null });
      // A crash is not a failure: no attempt was used up by the kills, and each kill was a recovery.
      expect(job!.attempts).toBe(1);
      expect(job!.recoveries).toBe(KILLS);
      expect(db.prepare('SELECT COUNT(*) AS n FROM jobs').get()).toEqual({ n: 1 });

      expect(
        db.prepare('SELECT COUNT(*) AS n, COUNT(DISTINCT item_key) AS d FROM test_effects WHERE job_id = ?').get(jobId),
      ).toEqual({
        n: TOTAL_ITEMS,
        d: TOTAL_ITEMS,
      });
      expect(db.prepare('SELECT COUNT(*) AS n FROM test_effects').get()).toEqual({ n: TOTAL_ITEMS });
      expect(
        db.prepare('SELECT status, COUNT(*) AS n FROM job_items WHERE job_id = ? GROUP BY status').all(jobId),
      ).toEqual([{ status: 'SUCCEEDED', n: TOTAL_ITEMS }]);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.pragma('foreign_key_check')).toEqual([]);
    } finally {
      db.close();
    }
  }, 60_000);
});
