/**
 * Job queue benchmark (`npm run bench:jobs`).
 *
 * The bar: at least 15,000 no-op jobs a second through enqueue, claim and complete, durable (WAL,
 * synchronous=NORMAL), with batched enqueue; plainjob, a published SQLite job queue for Node, claims 15k jobs/s.
 *
 * Every figure is the median of several runs on a fresh file database in a temp folder. Measured in the same run,
 * interleaved with the runner's, so each figure can be read against what SQLite itself does on this machine: two raw
 * ceilings on the app's own schema, the same rows inserted then updated to RUNNING then to SUCCEEDED with plain
 * better-sqlite3, one with a statement per row and one with a statement per batch (the most SQLite does here; each
 * figure is given as a share of it, phase by phase: the median of the per-run ratios, run i of the runner against run i
 * of the ceiling, and the ratio of the medians). Also measured: single-job round-trip latency (enqueue one job
 * into an idle, started runner and wait for its job_completed event: nothing to batch with).
 *
 * Knobs (environment): BENCH_JOBS, BENCH_RUNS, BENCH_BATCH, BENCH_CONCURRENCY, BENCH_LATENCY_JOBS.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { loadConfig } from '../electron/engine/config';
import { createEngine, type Engine } from '../electron/engine/index';
import { defineJobKind } from '../electron/engine/jobs/registry';
import type { Logger } from '../electron/engine/common/logger';
import { migrate } from '../electron/engine/store/open';
import { emptyProgress } from '../electron/engine/store/jobs';

const BAR_JOBS_PER_SECOND = 15_000;

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

const JOBS = intFromEnv('BENCH_JOBS', 20_000);
const RUNS = intFromEnv('BENCH_RUNS', 5);
const BATCH = intFromEnv('BENCH_BATCH', 1_000);
const CONCURRENCY = intFromEnv('BENCH_CONCURRENCY', 64);
const LATENCY_JOBS = intFromEnv('BENCH_LATENCY_JOBS', 500);
const LATENCY_WARMUP = 50;
const WARMUP_JOBS = Math.min(JOBS, 5_000);

const KIND = 'bench.noop';
const noopKind = defineJobKind({
  kind: KIND,
  description: 'Benchmark: does nothing',
  payload: z.object({ n: z.number() }),
  handler: async () => null,
});

/** Discards every entry (the memory logger would keep one per enqueue), but counts warnings and errors. */
const problems: string[] = [];
const discard = () => undefined;
const silentLogger: Logger = {
  debug: discard,
  info: discard,
  warn: (message) => void problems.push(`warn: ${message}`),
  error: (message, fields) =>
    void problems.push(`error: ${message} ${fields?.error instanceof Error ? fields.error.message : ''}`),
  child: () => silentLogger,
};

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'tickdesk-bench-'));
}

function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

function openEngine(dir: string): Engine {
  return createEngine(loadConfig({ TICKDESK_DATA_DIR: dir }), {
    logger: silentLogger,
    extraJobKinds: [noopKind],
    runner: { concurrency: CONCURRENCY },
    startFeed: false,
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const rate = (count: number, ms: number) => (count * 1000) / ms;

/** Enqueue (insert) and drain (claim + complete) times of one run. */
interface PhaseTimes {
  insertMs: number;
  drainMs: number;
}

/** Enqueues `jobs` no-op jobs in batches, then starts the runner and waits for every job_completed event. */
async function throughputRun(jobs: number): Promise<PhaseTimes> {
  const dir = tempDir();
  const engine = openEngine(dir);
  try {
    const enqueueStart = performance.now();
    for (let first = 0; first < jobs; first += BATCH) {
      const batch = Array.from({ length: Math.min(BATCH, jobs - first) }, (_, i) => ({
        kind: KIND,
        payload: { n: first + i },
      }));
      engine.jobs.enqueueMany(batch);
    }
    const insertMs = performance.now() - enqueueStart;

    let completed = 0;
    const allDone = new Promise<void>((resolve) => {
      const unsubscribe = engine.events.subscribe((envelope) => {
        if (envelope.event === 'job_completed' && ++completed === jobs) {
          unsubscribe();
          resolve();
        }
      });
    });
    const drainStart = performance.now();
    engine.start();
    await allDone;
    const drainMs = performance.now() - drainStart;

    const byStatus = engine.db
      .prepare<[string], { status: string; n: number }>(
        'SELECT status, COUNT(*) AS n FROM jobs WHERE kind = ? GROUP BY status',
      )
      .all(KIND);
    if (byStatus.length !== 1 || byStatus[0]!.status !== 'SUCCEEDED' || byStatus[0]!.n !== jobs) {
      throw new Error(`expected ${jobs} succeeded ${KIND} jobs, got ${JSON.stringify(byStatus)}`);
    }
    return { insertMs, drainMs };
  } finally {
    await engine.shutdown();
    removeDir(dir);
  }
}

interface RawDb {
  db: Database.Database;
  dir: string;
  progress: string;
  done: string;
}

/** A file database (WAL, synchronous=NORMAL) with the app's schema, for the raw ceilings. */
function openRaw(): RawDb {
  const dir = tempDir();
  const db = new Database(path.join(dir, 'raw.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  migrate(db);
  return {
    db,
    dir,
    progress: JSON.stringify(emptyProgress()),
    done: JSON.stringify({ ...emptyProgress(), phase: 'done', percentage: 100 }),
  };
}

function closeRaw(raw: RawDb, rows: number, label: string): void {
  try {
    const succeeded = raw.db
      .prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM jobs WHERE status = 'SUCCEEDED'")
      .get()!.n;
    if (succeeded !== rows) throw new Error(`${label}: expected ${rows} succeeded rows, got ${succeeded}`);
  } finally {
    raw.db.close();
    removeDir(raw.dir);
  }
}

/**
 * The per-row ceiling: the same number of rows in the app's jobs table, inserted, then updated to RUNNING, then to
 * SUCCEEDED, with one plain prepared statement per row and `BATCH` rows per transaction.
 */
function rawPerRowRun(rows: number): PhaseTimes {
  const raw = openRaw();
  const { db, progress, done } = raw;
  try {
    const insert = db.prepare<[string, number, string, number, number]>(
      `INSERT INTO jobs (kind, payload, status, priority, max_attempts, run_at, progress, created_at, updated_at)
       VALUES ('${KIND}', ?, 'QUEUED', 2, 3, ?, ?, ?, ?)`,
    );
    const claim = db.prepare<[string, number, number, number, number, number]>(
      `UPDATE jobs SET status = 'RUNNING', attempts = attempts + 1, lease_owner = ?, lease_expires_at = ?, heartbeat_at = ?,
              started_at = ?, updated_at = ? WHERE id = ?`,
    );
    const finish = db.prepare<[string, number, number, number]>(
      `UPDATE jobs SET status = 'SUCCEEDED', result = 'null', progress = ?, finished_at = ?, lease_owner = NULL, lease_expires_at = NULL,
              updated_at = ? WHERE id = ?`,
    );
    const inserts = db.transaction((first: number, count: number, now: number) => {
      const ids: number[] = [];
      for (let i = 0; i < count; i++)
        ids.push(Number(insert.run(JSON.stringify({ n: first + i }), now, progress, now, now).lastInsertRowid));
      return ids;
    });
    const claims = db.transaction((ids: readonly number[], now: number) => {
      for (const id of ids) claim.run('bench-owner', now + 30_000, now, now, now, id);
    });
    const finishes = db.transaction((ids: readonly number[], now: number) => {
      for (const id of ids) finish.run(done, now, now, id);
    });

    const started = performance.now();
    const batches: number[][] = [];
    for (let first = 0; first < rows; first += BATCH)
      batches.push(inserts(first, Math.min(BATCH, rows - first), Date.now()));
    const inserted = performance.now();
    for (const ids of batches) claims(ids, Date.now());
    for (const ids of batches) finishes(ids, Date.now());
    return { insertMs: inserted - started, drainMs: performance.now() - inserted };
  } finally {
    closeRaw(raw, rows, 'per-row ceiling');
  }
}

/**
 * The batched ceiling, the most SQLite does here: per `BATCH` rows, one INSERT of them all (from a JSON array), one
 * claim UPDATE of the next `BATCH` queued rows in priority order (the runner's claim, RETURNING their ids), and one
 * finish UPDATE over the list of those ids; each statement in its own transaction.
 */
function rawBatchedRun(rows: number): PhaseTimes {
  const raw = openRaw();
  const { db, progress, done } = raw;
  try {
    const insert = db.prepare<[number, string, number, number, string]>(
      `INSERT INTO jobs (kind, payload, status, priority, max_attempts, run_at, progress, created_at, updated_at)
       SELECT '${KIND}', value, 'QUEUED', 2, 3, ?, ?, ?, ? FROM json_each(?)`,
    );
    const claim = db
      .prepare<[string, number, number, number, number, number, number], number>(
        `UPDATE jobs SET status = 'RUNNING', attempts = attempts + 1, lease_owner = ?, lease_expires_at = ?, heartbeat_at = ?,
                started_at = ?, updated_at = ?
         WHERE id IN (SELECT id FROM jobs INDEXED BY jobs_claim WHERE status = 'QUEUED' AND run_at <= ? ORDER BY priority, id LIMIT ?)
         RETURNING id`,
      )
      .pluck();
    const finish = db.prepare<[string, number, number, string]>(
      `UPDATE jobs SET status = 'SUCCEEDED', result = 'null', progress = ?, finished_at = ?, lease_owner = NULL, lease_expires_at = NULL,
              updated_at = ? WHERE id IN (SELECT value FROM json_each(?))`,
    );
    const inserts = db.transaction((first: number, count: number, now: number) => {
      insert.run(now, progress, now, now, JSON.stringify(Array.from({ length: count }, (_, i) => ({ n: first + i }))));
    });
    const claims = db.transaction((count: number, now: number) =>
      claim.all('bench-owner', now + 30_000, now, now, now, now, count),
    );
    const finishes = db.transaction((ids: readonly number[], now: number) =>
      finish.run(done, now, now, JSON.stringify(ids)),
    );

    const started = performance.now();
    for (let first = 0; first < rows; first += BATCH) inserts(first, Math.min(BATCH, rows - first), Date.now());
    const inserted = performance.now();
    const batches: number[][] = [];
    for (let first = 0; first < rows; first += BATCH) batches.push(claims(BATCH, Date.now()));
    for (const ids of batches) finishes(ids, Date.now());
    return { insertMs: inserted - started, drainMs: performance.now() - inserted };
  } finally {
    closeRaw(raw, rows, 'batched ceiling');
  }
}

/** Round trip of one job through an idle, started runner: enqueue() until its job_completed event. */
async function latencyRun(count: number, warmup: number): Promise<number[]> {
  const dir = tempDir();
  const engine = openEngine(dir);
  let expected = -1;
  let arrived: (() => void) | undefined;
  const unsubscribe = engine.events.subscribe((envelope) => {
    if (envelope.event === 'job_completed' && (envelope.payload as { jobId: number }).jobId === expected) arrived?.();
  });
  // The runner emits job_completed and, in the same call, queues (setImmediate) its post-completion tick, which finds
  // nothing to claim and arms its poll timer: one setImmediate after the awaited event runs after that tick, so the
  // runner is idle then (a real condition, no sleep).
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  try {
    engine.start();
    await settle(); // start() queued the first claim tick: it has run, found nothing and armed the poll timer
    const samples: number[] = [];
    for (let i = 0; i < warmup + count; i++) {
      await settle(); // the previous job's completion was awaited: let the runner's post-completion tick run, then it is idle
      const completed = new Promise<void>((resolve) => (arrived = resolve));
      const started = performance.now();
      expected = engine.jobs.enqueue(KIND, { n: i }).job.id;
      await completed;
      const elapsed = performance.now() - started;
      if (i >= warmup) samples.push(elapsed);
    }
    return samples;
  } finally {
    unsubscribe();
    await engine.shutdown();
    removeDir(dir);
  }
}

function runsText(values: readonly number[], format: (v: number) => string): string {
  return `${values.length} runs: ${values.map(format).join(', ')}`;
}

async function main(): Promise<void> {
  const benchStart = performance.now();
  const cpus = os.cpus();
  console.log('Tickdesk job queue benchmark');
  console.log(
    `machine: ${cpus.length} CPUs (${cpus[0]?.model.trim() ?? 'unknown'}), node ${process.version}, ${os.platform()} ${os.arch()}`,
  );
  console.log(
    `settings: ${int(JOBS)} no-op jobs per run, ${RUNS} runs (median reported), enqueueMany batches of ${int(BATCH)}, runner concurrency ${CONCURRENCY}, ` +
      `file DB in ${os.tmpdir()} (WAL, synchronous=NORMAL), silent logger, warm-up run of ${int(WARMUP_JOBS)} jobs`,
  );

  await throughputRun(WARMUP_JOBS);
  rawPerRowRun(WARMUP_JOBS);
  rawBatchedRun(WARMUP_JOBS);

  const runner: PhaseTimes[] = [];
  const perRow: PhaseTimes[] = [];
  const batched: PhaseTimes[] = [];
  for (let run = 0; run < RUNS; run++) {
    // Interleaved so that a noisy moment of the machine weighs on both sides of each ratio.
    runner.push(await throughputRun(JOBS));
    perRow.push(rawPerRowRun(JOBS));
    batched.push(rawBatchedRun(JOBS));
  }

  type Phase = (t: PhaseTimes) => number;
  const phases: [string, Phase][] = [
    ['enqueue alone (enqueueMany; insert)', (t) => t.insertMs],
    ['claim+complete alone (runner; 2 updates)', (t) => t.drainMs],
    ['end-to-end (enqueue+claim+complete)', (t) => t.insertMs + t.drainMs],
  ];
  const rates = (times: readonly PhaseTimes[], phase: Phase) => times.map((t) => rate(JOBS, phase(t)));
  /** Run i of the runner against run i of the ceiling (interleaved, so they shared the machine's moment). */
  const perRunRatios = (ours: readonly number[], ceiling: readonly number[]) => ours.map((r, i) => r / ceiling[i]!);
  const ratioText = (ours: readonly number[], ceiling: readonly number[]) =>
    `${median(perRunRatios(ours, ceiling)).toFixed(2)}x (median of per-run ratios; ratio of medians ${(median(ours) / median(ceiling)).toFixed(2)}x)`;
  console.log('');
  for (const [label, phase] of phases) {
    const ours = rates(runner, phase);
    const m = median(ours);
    const batchedRates = rates(batched, phase);
    const perRowRates = rates(perRow, phase);
    console.log(
      `jobs ${label}: median ${int(m)} jobs/s (${runsText(ours, int)}) = ${(m / BAR_JOBS_PER_SECOND).toFixed(2)}x the ${int(BAR_JOBS_PER_SECOND)} jobs/s bar; ` +
        `${ratioText(ours, batchedRates)} the batched SQLite ceiling (${int(median(batchedRates))} rows/s), ` +
        `${ratioText(ours, perRowRates)} the per-row ceiling (${int(median(perRowRates))} rows/s)`,
    );
  }
  const ceilingLine = (label: string, times: readonly PhaseTimes[]) => {
    const [insert, drain, total] = phases.map(([, phase]) => rates(times, phase));
    console.log(
      `raw SQLite ceiling, ${label}: median ${int(median(total!))} rows/s end-to-end (${runsText(total!, int)}); ` +
        `insert ${int(median(insert!))} rows/s, claim+complete ${int(median(drain!))} rows/s`,
    );
  };
  ceilingLine(
    `batched (one INSERT, one claim UPDATE ... RETURNING, one finish UPDATE per ${int(BATCH)} rows, a transaction each)`,
    batched,
  );
  ceilingLine(`per row (a prepared statement per row, ${int(BATCH)} rows per transaction)`, perRow);
  const endToEnd = median(rates(runner, phases[2]![1]));
  console.log(
    `bar (${int(BAR_JOBS_PER_SECOND)} jobs/s end-to-end): ${endToEnd >= BAR_JOBS_PER_SECOND ? 'MET' : 'NOT MET'}`,
  );

  const latencies = await latencyRun(LATENCY_JOBS, LATENCY_WARMUP);
  console.log(
    `single-job round trip: p50 ${percentile(latencies, 50).toFixed(2)} ms, p99 ${percentile(latencies, 99).toFixed(2)} ms ` +
      `(${LATENCY_JOBS} jobs after ${LATENCY_WARMUP} warm-up, one at a time: enqueue() into an idle started runner until job_completed)`,
  );

  if (problems.length > 0) {
    console.log(`WARNING: the engine logged ${problems.length} warnings/errors, first: ${problems[0]}`);
    process.exitCode = 1;
  }
  console.log(`total bench time ${((performance.now() - benchStart) / 1000).toFixed(1)} s`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
