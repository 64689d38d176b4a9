import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { EventEnvelope } from '../../shared/contract';
import { createEngine, type Engine } from '../../electron/engine';
import { loadConfig } from '../../electron/engine/config';
import { JobStoppedError, TransientJobError } from '../../electron/engine/jobs/errors';
import { defineJobKind, type AnyJobKind } from '../../electron/engine/jobs/registry';
import type { RunnerOptions } from '../../electron/engine/jobs/runner';
import { createMemoryLogger, type MemoryLogEntry } from '../../electron/engine/common/logger';
import { createJobStore, emptyProgress } from '../../electron/engine/store/jobs';
import { makeTempDir, removeTempDirs } from '../helpers/temp-dir';

interface Harness {
  engine: Engine;
  events: EventEnvelope[];
  logs: MemoryLogEntry[];
}

const engines = new Set<Engine>();
const gates: (() => void)[] = [];

function makeEngine(dataDir: string, kinds: readonly AnyJobKind[], runner: Partial<RunnerOptions> = {}): Harness {
  const logger = createMemoryLogger();
  const engine = createEngine(loadConfig({ TICKDESK_DATA_DIR: dataDir }, { validateEvents: true }), {
    logger,
    extraJobKinds: kinds,
    runner: { pollMs: 20, ...runner },
    startFeed: false,
  });
  engines.add(engine);
  const events: EventEnvelope[] = [];
  engine.events.subscribe((envelope) => events.push(envelope));
  return { engine, events, logs: logger.entries };
}

afterEach(async () => {
  for (const open of gates.splice(0)) open(); // a failed test must not leave a handler waiting: shutdown waits for it
  for (const engine of engines) await engine.shutdown();
  engines.clear();
  removeTempDirs();
});

/** A promise and the function that resolves it. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  gates.push(open);
  return { opened, open };
}

/** Events about a job, but for the announcement of its enqueue. */
const jobEvents = (h: Harness, jobId: number) =>
  h.events.filter((e) => {
    const payload = e.payload as { jobId?: number; progress?: { phase: string } };
    return payload.jobId === jobId && !(e.event === 'job_progress_update' && payload.progress?.phase === 'queued');
  });

const row = <T>(engine: Engine, sql: string, ...args: unknown[]) => engine.db.prepare<unknown[], T>(sql).get(...args)!;

describe('job runner: leases fence every write', () => {
  it('a runner whose lease was taken has its next item commit refused; every item’s side effect happens exactly once', async () => {
    const KEYS = Array.from({ length: 10 }, (_, i) => `i${String(i + 1).padStart(2, '0')}`);
    const stall = gate(); // runner A's 4th item waits here until B has taken over the job
    const stops: unknown[] = [];
    const kind = (runner: string, engine: () => Engine) =>
      defineJobKind({
        kind: 'test.fenced',
        description: 'test',
        payload: z.object({}),
        async handler(ctx) {
          ctx.items.ensure(KEYS);
          try {
            await ctx.items.run(async (key) => {
              if (runner === 'A' && key === 'i04') await stall.opened;
              const insert = engine().db.prepare('INSERT INTO test_fenced (job_id, item_key, runner) VALUES (?, ?, ?)');
              return { records: 1, commit: () => void insert.run(ctx.job.id, key, runner) };
            });
          } catch (error) {
            stops.push(error);
            throw error;
          }
          return { runner };
        },
      });
    const dataDir = makeTempDir('tickdesk-fence-');
    // A's heartbeat is slow: it must be the item commit, not a heartbeat, that finds the lease gone.
    const a: Harness = makeEngine(dataDir, [kind('A', () => a.engine)], { concurrency: 1, heartbeatMs: 60_000 });
    a.engine.db.exec(
      'CREATE TABLE test_fenced (job_id INTEGER NOT NULL, item_key TEXT NOT NULL, runner TEXT NOT NULL)',
    );
    a.engine.start();
    const id = a.engine.jobs.enqueue('test.fenced', {}).job.id;
    await vi.waitFor(() => expect(a.engine.jobs.items(id, 'SUCCEEDED', 100)).toHaveLength(3), {
      timeout: 5_000,
      interval: 5,
    });
    await vi.waitFor(() => expect(a.engine.jobs.items(id, 'RUNNING', 100).map((i) => i.key)).toEqual(['i04']), {
      timeout: 5_000,
      interval: 5,
    });

    // A's lease runs out (a stalled event loop, a suspended laptop); B, starting, takes the job back and finishes it.
    a.engine.db.prepare('UPDATE jobs SET lease_expires_at = 0 WHERE id = ?').run(id);
    const b: Harness = makeEngine(dataDir, [kind('B', () => b.engine)], { concurrency: 1 });
    b.engine.start();
    await vi.waitFor(() => expect(b.engine.jobs.get(id).status).toBe('SUCCEEDED'), { timeout: 5_000, interval: 5 });

    // Now A's stalled item returns: its commit must be refused, and A must stop the job without writing anything.
    stall.open();
    await vi.waitFor(() => expect(stops).toHaveLength(1), { timeout: 5_000, interval: 5 });
    expect(stops[0]).toBeInstanceOf(JobStoppedError);
    expect((stops[0] as JobStoppedError).reason).toBe('lease-lost');
    // Shutting A down waits for its in-flight handlers: anything A still wrote has landed once it returns.
    engines.delete(a.engine);
    await a.engine.shutdown();

    const effects = b.engine.db
      .prepare<[number], { item_key: string; runner: string }>(
        'SELECT item_key, runner FROM test_fenced WHERE job_id = ? ORDER BY item_key',
      )
      .all(id);
    expect(effects).toEqual(KEYS.map((key) => ({ item_key: key, runner: KEYS.indexOf(key) < 3 ? 'A' : 'B' })));
    const job = b.engine.jobs.get(id);
    expect(job).toMatchObject({ status: 'SUCCEEDED', result: { runner: 'B' }, error: null, attempts: 1 });
    expect(b.engine.jobs.items(id, undefined, 100).map((i) => i.status)).toEqual(KEYS.map(() => 'SUCCEEDED'));
    expect(row(b.engine, 'SELECT recoveries FROM jobs WHERE id = ?', id)).toEqual({ recoveries: 1 });
    // A announced no outcome: the job is B's.
    expect(
      jobEvents(a, id).filter(
        (e) => e.event !== 'job_progress_update' || (e.payload as { status: string }).status !== 'RUNNING',
      ),
    ).toEqual([]);
    expect(jobEvents(b, id).filter((e) => e.event === 'job_completed')).toHaveLength(1);
    expect(a.logs.filter((l) => l.level === 'error')).toEqual([]);
  });
});

describe('job store: a lease is one claim', () => {
  it('a job taken back and claimed again by the same runner accepts writes under the new claim only', () => {
    const h = makeEngine(makeTempDir('tickdesk-reclaim-'), []);
    const store = createJobStore(h.engine.db);
    const id = h.engine.jobs.enqueue('demo.work', { items: 2, itemMs: 0 }, { items: ['a', 'b'] }).job.id;
    const owner = 'host/1/runner';
    const t = Date.now();
    const [first] = store.claim(owner, t, 30_000, [], 1);
    const old = { owner, recoveries: first!.recoveries };
    expect(store.holdsLease(id, old)).toBe(true);

    // The lease ran out; the job was taken back and this same runner claimed it again.
    expect(store.requeueRecovered(id, owner, t + 40_000)).toBe(true);
    const [second] = store.claim(owner, t + 40_000, 30_000, [], 1);
    const current = { owner, recoveries: second!.recoveries };
    expect(second!.id).toBe(id);

    // The first claim's run writes nothing more; the second's does.
    const progress = JSON.stringify({ ...emptyProgress(2), message: 'stale' });
    let effects = 0;
    expect(store.holdsLease(id, old)).toBe(false);
    expect(store.startItem(id, old, 'a', t + 40_001)).toBe(false);
    expect(store.finishItem(id, old, 'a', t + 40_002, { status: 'SUCCEEDED', records: 1 }, () => effects++)).toBe(
      false,
    );
    store.saveProgress(id, old, progress, t + 40_003);
    expect(store.succeed(id, old, t + 40_004, 'null', progress)).toBe(false);
    expect(store.finish(id, old, t + 40_005, { status: 'FAILED', errorCode: 'X', errorMessage: 'stale' })).toBe(false);
    expect(effects).toBe(0);
    expect(store.listItems(id, undefined, 10).map((i) => [i.key, i.status, i.attempts])).toEqual([
      ['a', 'PENDING', 0],
      ['b', 'PENDING', 0],
    ]);
    expect(h.engine.jobs.get(id)).toMatchObject({ status: 'RUNNING', progress: { message: '' } });

    expect(store.holdsLease(id, current)).toBe(true);
    expect(store.startItem(id, current, 'a', t + 40_006)).toBe(true);
    expect(store.finishItem(id, current, 'a', t + 40_007, { status: 'SUCCEEDED', records: 1 }, () => effects++)).toBe(
      true,
    );
    expect(effects).toBe(1);
    expect(store.succeed(id, current, t + 40_008, '{"done":true}', progress)).toBe(true);
    expect(h.engine.jobs.get(id)).toMatchObject({ status: 'SUCCEEDED', result: { done: true } });
  });
});

describe('job runner: jobs claimed beyond a kind’s limit', () => {
  it('are handed back untouched: a job waiting to retry keeps its error, start time and attempts', async () => {
    const hold = gate();
    const ran: string[] = [];
    const kind = defineJobKind({
      kind: 'test.single',
      description: 'test',
      payload: z.object({ label: z.string() }),
      concurrency: 1,
      async handler(ctx) {
        ran.push(ctx.payload.label);
        if (ctx.payload.label === 'first') await hold.opened;
        return { label: ctx.payload.label };
      },
    });
    const h = makeEngine(makeTempDir('tickdesk-handback-'), [kind], { concurrency: 4 });
    const first = h.engine.jobs.enqueue('test.single', { label: 'first' }).job.id;
    const retrying = h.engine.jobs.enqueue('test.single', { label: 'retrying' }).job.id;
    const fresh = h.engine.jobs.enqueue('test.single', { label: 'fresh' }).job.id;
    // `retrying` ran once already and failed with a transient error: it is due again, with its error and start time.
    const error = new TransientJobError('RATE_LIMITED', 'rate limited on try 1');
    const startedAt = Date.now() - 60_000;
    h.engine.db
      .prepare(
        'UPDATE jobs SET attempts = 1, error_code = ?, error_message = ?, started_at = ?, heartbeat_at = ? WHERE id = ?',
      )
      .run(error.code, error.message, startedAt, startedAt, retrying);
    const before = (id: number) => row<Record<string, unknown>>(h.engine, 'SELECT * FROM jobs WHERE id = ?', id);
    const retryingBefore = before(retrying);
    const freshBefore = before(fresh);

    h.engine.start(); // one claim takes all three; only `first` may run, the other two are handed back
    await vi.waitFor(() => expect(ran).toEqual(['first']), { timeout: 5_000, interval: 2 });
    await new Promise((resolve) => setTimeout(resolve, 60)); // a few more polls while the kind is full

    // Everything as it was, but for the bookkeeping of the claim that was undone (its time, and its first heartbeat).
    const unchanged = (was: Record<string, unknown>, now: Record<string, unknown>) => {
      const strip = ({ updated_at: _u, heartbeat_at: _h, ...rest }: Record<string, unknown>) => rest;
      expect(strip(now)).toEqual(strip(was));
    };
    unchanged(retryingBefore, before(retrying));
    expect(before(retrying)).toMatchObject({
      status: 'QUEUED',
      attempts: 1,
      error_code: 'RATE_LIMITED',
      error_message: 'rate limited on try 1',
      started_at: startedAt,
    });
    unchanged(freshBefore, before(fresh));
    expect(before(fresh)).toMatchObject({ status: 'QUEUED', attempts: 0, started_at: null, lease_owner: null });
    expect(jobEvents(h, retrying)).toEqual([]);
    expect(jobEvents(h, fresh)).toEqual([]);

    hold.open();
    await vi.waitFor(() => expect(h.engine.jobs.get(fresh).status).toBe('SUCCEEDED'), { timeout: 5_000, interval: 5 });
    expect(ran).toEqual(['first', 'retrying', 'fresh']);
    expect(h.engine.jobs.get(first)).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
    expect(h.engine.jobs.get(retrying)).toMatchObject({
      status: 'SUCCEEDED',
      attempts: 2,
      error: null,
      startedAt: new Date(startedAt).toISOString(),
    });
    expect(h.engine.jobs.get(fresh)).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
  });
});
