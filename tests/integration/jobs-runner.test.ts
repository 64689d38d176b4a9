import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { EventEnvelope, EventName } from '../../shared/contract';
import type { Job, JobStatus } from '../../shared/domain/jobs';
import { WorkstationError } from '../../shared/errors';
import { createEngine, type Engine } from '../../electron/engine';
import { loadConfig } from '../../electron/engine/config';
import { PermanentJobError, TransientJobError } from '../../electron/engine/jobs/errors';
import { defineJobKind, type AnyJobKind } from '../../electron/engine/jobs/registry';
import type { RunnerOptions } from '../../electron/engine/jobs/runner';
import { createMemoryLogger, type MemoryLogEntry } from '../../electron/engine/common/logger';
import { DEMO_DB_FILE_NAME } from '../../electron/engine/store/open';
import {
  createRecordKind,
  createTestTables,
  killAllWorkers,
  RECORD_KIND,
  spawnJobWorker,
} from '../fixtures/job-worker';
import { makeTempDir, removeTempDirs } from '../helpers/temp-dir';

interface Seen {
  envelope: EventEnvelope;
  /** performance.now() when the event was emitted. */
  at: number;
}

interface Harness {
  engine: Engine;
  dataDir: string;
  seen: Seen[];
  logs: MemoryLogEntry[];
}

const engines = new Set<Engine>();

/** The real engine on a temp folder (or a given one, to restart), with every event recorded and checked against the contract. */
function makeEngine(
  options: { dataDir?: string; kinds?: readonly AnyJobKind[]; runner?: Partial<RunnerOptions> } = {},
): Harness {
  const dataDir = options.dataDir ?? makeTempDir('tickdesk-jobs-');
  const logger = createMemoryLogger();
  const engine = createEngine(loadConfig({ TICKDESK_DATA_DIR: dataDir }, { validateEvents: true }), {
    logger,
    extraJobKinds: options.kinds ?? [],
    runner: { pollMs: 20, ...options.runner },
    startFeed: false,
  });
  engines.add(engine);
  const seen: Seen[] = [];
  engine.events.subscribe((envelope) => seen.push({ envelope, at: performance.now() }));
  return { engine, dataDir, seen, logs: logger.entries };
}

async function stop(engine: Engine): Promise<void> {
  engines.delete(engine);
  await engine.shutdown();
}

afterEach(async () => {
  for (const engine of [...engines]) await stop(engine);
  await killAllWorkers();
  removeTempDirs();
});

const isEvent = <K extends EventName>(e: EventEnvelope, name: K): e is EventEnvelope<K> => e.event === name;

function eventsOf<K extends EventName>(
  h: Harness,
  name: K,
  jobId?: number,
): (EventEnvelope<K>['payload'] & { at: number })[] {
  return h.seen.flatMap(({ envelope, at }) =>
    isEvent(envelope, name) && (jobId === undefined || (envelope.payload as { jobId?: number }).jobId === jobId)
      ? [{ ...envelope.payload, at }]
      : [],
  );
}

/** Polls (bounded) until the job has one of `statuses`; returns it. */
async function settled(
  h: Harness,
  id: number,
  statuses: readonly JobStatus[] = ['SUCCEEDED', 'FAILED', 'CANCELLED'],
  timeout = 10_000,
): Promise<Job> {
  return vi.waitFor(
    () => {
      const job = h.engine.jobs.get(id);
      if (!statuses.includes(job.status))
        throw new Error(`job ${id} is ${job.status}, waiting for ${statuses.join('/')}`);
      return job;
    },
    { timeout, interval: 5 },
  );
}

const count = (engine: Engine, sql: string, ...args: unknown[]) =>
  engine.db.prepare<unknown[], { n: number }>(sql).get(...args)!.n;

async function rejection(fn: () => unknown): Promise<WorkstationError> {
  const error = await Promise.resolve()
    .then(fn)
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(error).toBeInstanceOf(WorkstationError);
  return error as WorkstationError;
}

describe('job runner: order and concurrency', () => {
  it('runs jobs by priority, then by age', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const kind = defineJobKind({
      kind: 'test.order',
      description: 'test',
      payload: z.object({ label: z.string() }),
      async handler() {
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        await delay(3);
        inFlight--;
        return null;
      },
    });
    const h = makeEngine({ kinds: [kind], runner: { concurrency: 1 } });
    const ids = new Map<number, string>();
    for (const [label, priority] of [
      ['low', 'LOW'],
      ['normal-older', 'NORMAL'],
      ['urgent', 'URGENT'],
      ['high', 'HIGH'],
      ['normal-newer', 'NORMAL'],
    ] as const) {
      ids.set(h.engine.jobs.enqueue('test.order', { label }, { priority }).job.id, label);
    }
    expect(eventsOf(h, 'job_completed')).toEqual([]); // not started: nothing runs yet

    h.engine.start();
    await vi.waitFor(() => expect(eventsOf(h, 'job_completed')).toHaveLength(5), { timeout: 5_000, interval: 5 });
    expect(eventsOf(h, 'job_completed').map((e) => ids.get(e.jobId))).toEqual([
      'urgent',
      'high',
      'normal-older',
      'normal-newer',
      'low',
    ]);
    expect(maxInFlight).toBe(1);
  });

  it('never runs two jobs of a kind limited to 1 at once, while other kinds still run alongside', async () => {
    let serialInFlight = 0;
    let serialMax = 0;
    let totalInFlight = 0;
    let totalMax = 0;
    const track = async (serial: boolean, ms: number) => {
      totalMax = Math.max(totalMax, ++totalInFlight);
      if (serial) serialMax = Math.max(serialMax, ++serialInFlight);
      await delay(ms);
      if (serial) serialInFlight--;
      totalInFlight--;
      return null;
    };
    const serial = defineJobKind({
      kind: 'test.serial',
      description: 'test',
      payload: z.object({}),
      concurrency: 1,
      handler: () => track(true, 40),
    });
    const free = defineJobKind({
      kind: 'test.free',
      description: 'test',
      payload: z.object({}),
      handler: () => track(false, 10),
    });
    const h = makeEngine({ kinds: [serial, free], runner: { concurrency: 4 } });
    const serialIds = Array.from({ length: 6 }, () => h.engine.jobs.enqueue('test.serial', {}).job.id);
    const freeIds = Array.from({ length: 3 }, () => h.engine.jobs.enqueue('test.free', {}).job.id);

    h.engine.start();
    await vi.waitFor(() => expect(eventsOf(h, 'job_completed')).toHaveLength(9), { timeout: 10_000, interval: 5 });
    const order = eventsOf(h, 'job_completed').map((e) => e.jobId);

    expect(serialMax).toBe(1);
    expect(totalMax).toBeGreaterThanOrEqual(2);
    expect(order.filter((id) => serialIds.includes(id))).toEqual(serialIds); // same priority: oldest first
    // Jobs of another kind queued behind the serial ones are not held back by them: all done before the 2nd serial job.
    const secondSerialDone = order.indexOf(serialIds[1]!);
    for (const id of freeIds)
      expect(order.indexOf(id), `completion order ${order.join(',')}; serial ${serialIds.join(',')}`).toBeLessThan(
        secondSerialDone,
      );
  });
});

describe('job runner: enqueue', () => {
  it('gives back the existing job for a repeated idempotency key', () => {
    const h = makeEngine();
    const first = h.engine.jobs.enqueue(
      'demo.work',
      { items: 3, itemMs: 0 },
      { idempotencyKey: 'daily-import-2026-01-05' },
    );
    const again = h.engine.jobs.enqueue(
      'demo.work',
      { items: 9, itemMs: 5 },
      { idempotencyKey: 'daily-import-2026-01-05' },
    );
    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(again.job.id).toBe(first.job.id);
    expect(again.job.payload).toEqual({ items: 3, itemMs: 0, failEvery: 0 });
    expect(count(h.engine, 'SELECT COUNT(*) AS n FROM jobs')).toBe(1);
    // Only the first enqueue is announced.
    expect(eventsOf(h, 'job_progress_update')).toHaveLength(1);
  });

  it('refuses a bad payload at enqueue with VALIDATION_FAILED at its path, storing nothing', async () => {
    const h = makeEngine();
    const before = count(h.engine, 'SELECT COUNT(*) AS n FROM jobs');

    const single = await rejection(() => h.engine.jobs.enqueue('demo.work', { items: 0 }));
    expect(single.code).toBe('VALIDATION_FAILED');
    expect(single.details?.[0]?.path).toEqual(['payload', 'items']);
    expect(single.message).toContain('payload.items');

    const unknown = await rejection(() => h.engine.jobs.enqueue('no.such.kind', {}));
    expect(unknown.code).toBe('VALIDATION_FAILED');
    expect(unknown.details?.[0]?.path).toEqual(['kind']);

    // One bad request in a batch stores none of it.
    const batch = await rejection(() =>
      h.engine.jobs.enqueueMany([
        { kind: 'demo.work', payload: { items: 2 } },
        { kind: 'demo.work', payload: { items: 2, itemMs: 'slow' } },
      ]),
    );
    expect(batch.code).toBe('VALIDATION_FAILED');
    expect(batch.details?.[0]?.path).toEqual([1, 'payload', 'itemMs']);

    const command = await rejection(() => h.engine.router.call('jobs.startDemo', { items: -1 }));
    expect(command.code).toBe('VALIDATION_FAILED');
    expect(command.details?.[0]?.path).toEqual(['items']);

    expect(count(h.engine, 'SELECT COUNT(*) AS n FROM jobs')).toBe(before);
    expect(count(h.engine, 'SELECT COUNT(*) AS n FROM job_items')).toBe(0);
    expect(eventsOf(h, 'job_progress_update')).toEqual([]);
  });
});

describe('job runner: failures', () => {
  it('fails a job whose stored payload no longer parses with PAYLOAD_INVALID, and keeps running the others', async () => {
    const ran: number[] = [];
    const kind = defineJobKind({
      kind: 'test.strict',
      description: 'test',
      payload: z.object({ n: z.number() }).strict(),
      async handler(ctx) {
        ran.push(ctx.payload.n);
        return { n: ctx.payload.n };
      },
    });
    const h = makeEngine({ kinds: [kind], runner: { concurrency: 1 } });
    const wrongType = h.engine.jobs.enqueue('test.strict', { n: 1 }).job.id;
    const notJson = h.engine.jobs.enqueue('test.strict', { n: 2 }).job.id;
    const good = h.engine.jobs.enqueue('test.strict', { n: 3 }).job.id;
    h.engine.db.prepare('UPDATE jobs SET payload = ? WHERE id = ?').run('{"n":"x"}', wrongType);
    h.engine.db.prepare('UPDATE jobs SET payload = ? WHERE id = ?').run('{"n": 2', notJson);

    h.engine.start();
    expect((await settled(h, good)).status).toBe('SUCCEEDED');
    const a = await settled(h, wrongType);
    const b = await settled(h, notJson);

    expect(a.status).toBe('FAILED');
    expect(a.error?.code).toBe('PAYLOAD_INVALID');
    expect(a.error?.message).toContain('payload.n');
    expect(b.status).toBe('FAILED');
    expect(b.error?.code).toBe('PAYLOAD_INVALID');
    expect(b.error?.message).toMatch(/not valid JSON/);
    expect(ran).toEqual([3]); // the handler never saw a bad payload
    for (const id of [wrongType, notJson]) {
      expect(eventsOf(h, 'job_failed', id)).toEqual([
        expect.objectContaining({ error: expect.objectContaining({ code: 'PAYLOAD_INVALID' }), willRetry: false }),
      ]);
    }
  });

  describe('retries', () => {
    const calls = new Map<number, number>();
    const kind = defineJobKind({
      kind: 'test.outcome',
      description: 'test',
      payload: z.object({
        mode: z.enum(['flaky', 'permanent', 'down', 'later']),
        failures: z.number().int().default(0),
      }),
      backoff: { baseMs: 1, maxMs: 5 },
      async handler(ctx) {
        const n = (calls.get(ctx.job.id) ?? 0) + 1;
        calls.set(ctx.job.id, n);
        if (ctx.payload.mode === 'permanent')
          throw new PermanentJobError('UNKNOWN_SYMBOL', 'no such symbol: NSE_EQ|FOO');
        if (ctx.payload.mode === 'later')
          throw new TransientJobError('BROKER_UNCLEAR', 'not received; sending again later', { retryInMs: 60_000 });
        if (ctx.payload.mode === 'down' || n <= ctx.payload.failures)
          throw new TransientJobError('RATE_LIMITED', `rate limited on try ${n}`);
        return { tries: n };
      },
    });
    afterEach(() => calls.clear());

    it('retries a transient error with backoff and succeeds on the third attempt', async () => {
      const h = makeEngine({ kinds: [kind] });
      h.engine.start();
      const id = h.engine.jobs.enqueue('test.outcome', { mode: 'flaky', failures: 2 }).job.id;
      const job = await settled(h, id);
      expect(job).toMatchObject({ status: 'SUCCEEDED', attempts: 3, result: { tries: 3 }, error: null });
      expect(calls.get(id)).toBe(3);
      expect(
        eventsOf(h, 'job_failed', id).map((e) => ({
          willRetry: e.willRetry,
          attempts: e.attempts,
          code: e.error.code,
        })),
      ).toEqual([
        { willRetry: true, attempts: 1, code: 'RATE_LIMITED' },
        { willRetry: true, attempts: 2, code: 'RATE_LIMITED' },
      ]);
      for (const e of eventsOf(h, 'job_failed', id)) expect(Number.isNaN(Date.parse(e.nextRunAt ?? ''))).toBe(false);
      expect(eventsOf(h, 'job_completed', id)).toHaveLength(1);
    });

    it('waits as long as the handler says before a retry, instead of the kind backoff', async () => {
      const h = makeEngine({ kinds: [kind] });
      h.engine.start();
      const before = Date.now();
      const id = h.engine.jobs.enqueue('test.outcome', { mode: 'later' }).job.id;
      const failed = await vi.waitFor(() => {
        const [event] = eventsOf(h, 'job_failed', id);
        if (!event) throw new Error('no job_failed yet');
        return event;
      });
      expect(h.engine.jobs.get(id)).toMatchObject({ status: 'QUEUED', attempts: 1, error: { code: 'BROKER_UNCLEAR' } });
      expect(failed).toMatchObject({ willRetry: true });
      const runAt = Date.parse(failed.nextRunAt!);
      expect(runAt).toBeGreaterThanOrEqual(before + 60_000);
      expect(runAt).toBeLessThanOrEqual(Date.now() + 60_000);
    });

    it('fails a permanent error at once, keeping its code and message', async () => {
      const h = makeEngine({ kinds: [kind] });
      h.engine.start();
      const id = h.engine.jobs.enqueue('test.outcome', { mode: 'permanent' }).job.id;
      const job = await settled(h, id);
      expect(job).toMatchObject({
        status: 'FAILED',
        attempts: 1,
        error: { code: 'UNKNOWN_SYMBOL', message: 'no such symbol: NSE_EQ|FOO' },
      });
      expect(calls.get(id)).toBe(1);
      expect(eventsOf(h, 'job_failed', id)).toEqual([
        expect.objectContaining({
          attempts: 1,
          willRetry: false,
          nextRunAt: null,
          error: { code: 'UNKNOWN_SYMBOL', message: 'no such symbol: NSE_EQ|FOO' },
        }),
      ]);
    });

    it('fails after maxAttempts transient errors, keeping the last error', async () => {
      const h = makeEngine({ kinds: [kind] });
      h.engine.start();
      const id = h.engine.jobs.enqueue('test.outcome', { mode: 'down' }).job.id;
      const job = await settled(h, id);
      expect(job).toMatchObject({
        status: 'FAILED',
        attempts: 3,
        maxAttempts: 3,
        error: { code: 'RATE_LIMITED', message: 'rate limited on try 3' },
      });
      expect(calls.get(id)).toBe(3);
      expect(eventsOf(h, 'job_failed', id).map((e) => [e.attempts, e.willRetry])).toEqual([
        [1, true],
        [2, true],
        [3, false],
      ]);
    });
  });
});

describe('job runner: cancel and retry', () => {
  it('cancels a running job within about a second, keeping the items that finished', async () => {
    const h = makeEngine();
    h.engine.start();
    const { jobId } = await h.engine.router.call('jobs.startDemo', { items: 50, itemMs: 100 });
    await vi.waitFor(() => expect(h.engine.jobs.items(jobId, 'SUCCEEDED', 100).length).toBeGreaterThanOrEqual(2), {
      timeout: 5_000,
      interval: 5,
    });

    const requested = performance.now();
    const answer = await h.engine.router.call('jobs.cancel', { id: jobId });
    expect(['RUNNING', 'CANCELLED']).toContain(answer.status);
    const cancelled = await vi.waitFor(
      () => {
        const e = eventsOf(h, 'job_progress_update', jobId).find((p) => p.status === 'CANCELLED');
        if (!e) throw new Error('no CANCELLED event yet');
        return e;
      },
      { timeout: 3_000, interval: 2 },
    );
    expect(cancelled.at - requested).toBeLessThan(1_500);

    const job = h.engine.jobs.get(jobId);
    expect(job).toMatchObject({ status: 'CANCELLED', error: { code: 'CANCELLED' } });
    const items = h.engine.jobs.items(jobId, undefined, 1000);
    const byStatus = (s: string) => items.filter((i) => i.status === s).length;
    expect(items).toHaveLength(50);
    expect(byStatus('SUCCEEDED')).toBeGreaterThanOrEqual(2);
    expect(byStatus('SUCCEEDED')).toBeLessThan(50);
    expect(byStatus('CANCELLED')).toBe(50 - byStatus('SUCCEEDED'));
    expect(job.progress.completed).toBe(byStatus('SUCCEEDED'));
    expect(eventsOf(h, 'job_completed', jobId)).toEqual([]);
    expect(eventsOf(h, 'job_failed', jobId)).toEqual([]);
  });

  it('cancels a queued job at once', async () => {
    const h = makeEngine();
    h.engine.start();
    const { job } = h.engine.jobs.enqueue(
      'demo.work',
      { items: 2, itemMs: 0 },
      { runAt: Date.now() + 3_600_000, items: ['a', 'b'] },
    );
    expect(job.status).toBe('QUEUED');

    const answer = await h.engine.router.call('jobs.cancel', { id: job.id });
    expect(answer.status).toBe('CANCELLED');
    expect(eventsOf(h, 'job_progress_update', job.id).at(-1)?.status).toBe('CANCELLED');
    expect(h.engine.jobs.items(job.id, undefined, 10).map((i) => i.status)).toEqual(['CANCELLED', 'CANCELLED']);
    expect((await rejection(() => h.engine.router.call('jobs.cancel', { id: job.id }))).code).toBe('CONFLICT');
  });

  it('retry runs again only the items that failed', async () => {
    const keys = Array.from({ length: 10 }, (_, i) => `k${String(i + 1).padStart(2, '0')}`);
    const rejectOnce = new Set(['k03', 'k06', 'k09']);
    const calls = new Map<string, number>();
    const kind = defineJobKind({
      kind: 'test.partial',
      description: 'test',
      payload: z.object({}),
      async handler(ctx) {
        ctx.items.ensure(keys);
        await ctx.items.run(async (key) => {
          calls.set(key, (calls.get(key) ?? 0) + 1);
          await delay(1);
          if (rejectOnce.delete(key)) throw new PermanentJobError('BAD_ITEM', `${key} was rejected`);
          return { records: 1 };
        });
        return { succeeded: ctx.items.counts().succeeded };
      },
    });
    const h = makeEngine({ kinds: [kind] });
    h.engine.start();
    const id = h.engine.jobs.enqueue('test.partial', {}).job.id;

    const failed = await settled(h, id);
    expect(failed).toMatchObject({
      status: 'FAILED',
      attempts: 1,
      error: { code: 'ITEMS_FAILED', message: '3 of 10 items failed' },
    });
    const failedItems = h.engine.jobs.items(id, 'FAILED', 100);
    expect(failedItems.map((i) => [i.key, i.errorCode])).toEqual([
      ['k03', 'BAD_ITEM'],
      ['k06', 'BAD_ITEM'],
      ['k09', 'BAD_ITEM'],
    ]);
    expect(eventsOf(h, 'job_failed', id).map((e) => e.willRetry)).toEqual([false]);

    const requeued = await h.engine.router.call('jobs.retry', { id });
    expect(requeued.status).toBe('QUEUED');
    expect(await settled(h, id, ['SUCCEEDED', 'FAILED', 'CANCELLED'])).toMatchObject({
      status: 'SUCCEEDED',
      result: { succeeded: 10 },
      error: null,
    });

    expect(Object.fromEntries(calls)).toEqual(
      Object.fromEntries(keys.map((k) => [k, ['k03', 'k06', 'k09'].includes(k) ? 2 : 1])),
    );
    expect(h.engine.jobs.items(id, 'SUCCEEDED', 100)).toHaveLength(10);
    // Retrying a job that succeeded is refused.
    expect((await rejection(() => h.engine.router.call('jobs.retry', { id }))).code).toBe('CONFLICT');
  });
});

describe('job runner: progress', () => {
  it('publishes progress at most 4 times a second, with an ETA once items finish, and 100% on success', async () => {
    const h = makeEngine();
    h.engine.start();
    const { jobId } = await h.engine.router.call('jobs.startDemo', { items: 250, itemMs: 4 });
    const job = await settled(h, jobId, ['SUCCEEDED', 'FAILED', 'CANCELLED'], 15_000);
    expect(job.status).toBe('SUCCEEDED');

    const updates = eventsOf(h, 'job_progress_update', jobId);
    const seconds = (updates.at(-1)!.at - updates[0]!.at) / 1000;
    expect(seconds).toBeGreaterThan(0.8); // the run was long enough to mean something
    expect(updates.length).toBeLessThanOrEqual(4 * seconds + 3);
    expect(updates.length).toBeGreaterThanOrEqual(4); // progress was shown during the run, not only at the ends

    const running = updates.filter((u) => u.status === 'RUNNING');
    for (let i = 1; i < running.length; i++) expect(running[i]!.at - running[i - 1]!.at).toBeGreaterThanOrEqual(240);

    const midway = running.filter((u) => u.progress.completed > 0 && u.progress.completed < 250);
    expect(midway.length).toBeGreaterThanOrEqual(2);
    for (const u of midway) {
      expect(u.progress.avgItemMs).toBeGreaterThan(0);
      expect(u.progress.estimatedCompletion).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(u.progress.percentage).toBeGreaterThan(0);
      expect(u.progress.percentage).toBeLessThan(100);
    }
    const percentages = updates.map((u) => u.progress.percentage);
    expect(percentages).toEqual([...percentages].sort((a, b) => a - b)); // never goes backwards
    expect(updates.at(-1)).toMatchObject({
      status: 'SUCCEEDED',
      progress: { percentage: 100, completed: 250, total: 250, failed: 0 },
    });
    expect(job.progress.percentage).toBe(100);
  });
});

describe('job runner: shutdown and restart', () => {
  it('a graceful shutdown puts a running job back in the queue, and the next start resumes it without redoing finished items', async () => {
    const calls = new Map<string, number>();
    const completions = new Map<string, number>();
    const kind = defineJobKind({
      kind: 'test.resumable',
      description: 'test',
      payload: z.object({ items: z.number().int() }),
      async handler(ctx) {
        ctx.items.ensure(Array.from({ length: ctx.payload.items }, (_, i) => `s${String(i + 1).padStart(3, '0')}`));
        await ctx.items.run(async (key) => {
          calls.set(key, (calls.get(key) ?? 0) + 1);
          await ctx.sleep(15);
          return { records: 1, commit: () => void completions.set(key, (completions.get(key) ?? 0) + 1) };
        });
        return null;
      },
    });
    const first = makeEngine({ kinds: [kind] });
    first.engine.start();
    const id = first.engine.jobs.enqueue('test.resumable', { items: 40 }).job.id;
    await vi.waitFor(() => expect(first.engine.jobs.items(id, 'SUCCEEDED', 100).length).toBeGreaterThanOrEqual(8), {
      timeout: 5_000,
      interval: 5,
    });

    const stopping = performance.now();
    await stop(first.engine);
    expect(performance.now() - stopping).toBeLessThan(1_000);
    expect(eventsOf(first, 'job_failed', id)).toEqual([]);
    expect(eventsOf(first, 'job_progress_update', id).at(-1)?.status).toBe('QUEUED');

    const second = makeEngine({ dataDir: first.dataDir, kinds: [kind] });
    const paused = second.engine.jobs.get(id);
    expect(paused).toMatchObject({ status: 'QUEUED', attempts: 0, error: null });
    const doneBefore = second.engine.jobs.items(id, 'SUCCEEDED', 100).map((i) => i.key);
    expect(doneBefore.length).toBeGreaterThanOrEqual(8);
    expect(doneBefore.length).toBeLessThan(40);
    expect(second.engine.jobs.items(id, 'RUNNING', 100)).toEqual([]);

    second.engine.start();
    expect(await settled(second, id)).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
    expect(second.engine.jobs.items(id, 'SUCCEEDED', 100)).toHaveLength(40);
    expect([...completions.values()].every((n) => n === 1)).toBe(true);
    expect(completions.size).toBe(40);
    for (const key of doneBefore) expect(calls.get(key), key).toBe(1);
  });
});

describe('job runner: items running several at a time', () => {
  /** Items 3 at a time, whose work does not listen to the job's signal (a write, a non-abortable call): only a safe point stops them. */
  function parallelKind() {
    const state = { inFlight: 0, commits: new Map<string, number>() };
    const kind = defineJobKind({
      kind: 'test.parallel',
      description: 'test',
      payload: z.object({ items: z.number().int() }),
      async handler(ctx) {
        ctx.items.ensure(Array.from({ length: ctx.payload.items }, (_, i) => `p${String(i + 1).padStart(3, '0')}`));
        await ctx.items.run(
          async (key) => {
            state.inFlight++;
            await delay(20 + (Number(key.slice(1)) % 3) * 25);
            state.inFlight--;
            return { records: 1, commit: () => void state.commits.set(key, (state.commits.get(key) ?? 0) + 1) };
          },
          { concurrency: 3 },
        );
        return null;
      },
    });
    return { kind, state };
  }

  it('shutdown waits until every item in flight has reached a safe point before closing the store', async () => {
    const { kind, state } = parallelKind();
    const first = makeEngine({ kinds: [kind] });
    first.engine.start();
    const id = first.engine.jobs.enqueue('test.parallel', { items: 30 }).job.id;
    await vi.waitFor(() => expect(first.engine.jobs.items(id, 'SUCCEEDED', 100).length).toBeGreaterThanOrEqual(6), {
      timeout: 5_000,
      interval: 5,
    });

    await stop(first.engine);
    const stillRunning = state.inFlight;
    await vi.waitFor(() => expect(state.inFlight).toBe(0), { timeout: 2_000, interval: 5 }); // let stragglers end before the next check
    expect(stillRunning, 'item handlers still running after shutdown resolved (the store is closed under them)').toBe(
      0,
    );
    expect(first.logs.filter((l) => l.level === 'error')).toEqual([]);

    const second = makeEngine({ dataDir: first.dataDir, kinds: [kind] });
    expect(second.engine.jobs.get(id).status).toBe('QUEUED');
    expect(second.engine.jobs.items(id, 'SUCCEEDED', 100)).toHaveLength(state.commits.size);
  });

  it('a job cancelled and retried at once never runs an item twice', async () => {
    const { kind, state } = parallelKind();
    const h = makeEngine({ kinds: [kind] });
    h.engine.start();
    const id = h.engine.jobs.enqueue('test.parallel', { items: 15 }).job.id;
    await vi.waitFor(() => expect(h.engine.jobs.items(id, 'SUCCEEDED', 100).length).toBeGreaterThanOrEqual(3), {
      timeout: 5_000,
      interval: 5,
    });

    await h.engine.router.call('jobs.cancel', { id });
    await settled(h, id, ['CANCELLED'], 3_000);
    await h.engine.router.call('jobs.retry', { id });
    expect(await settled(h, id, ['SUCCEEDED', 'FAILED'])).toMatchObject({ status: 'SUCCEEDED' });

    const twice = [...state.commits].filter(([, n]) => n > 1).map(([key]) => key);
    expect(twice, 'items whose effect was committed twice').toEqual([]);
    expect(state.commits.size).toBe(15);
  });
});

describe('job runner: two runners on one database', () => {
  it('two engine processes share the queue: every job runs exactly once and both do some of the work', async () => {
    const JOBS = 300;
    const dataDir = makeTempDir('tickdesk-two-runners-');
    const seed = makeEngine({ dataDir, kinds: [createRecordKind(() => seed.engine.db, 'seed')] });
    createTestTables(seed.engine.db);
    seed.engine.jobs.enqueueMany(
      Array.from({ length: JOBS }, (_, n) => ({ kind: RECORD_KIND, payload: { n, ms: 5 } })),
    );
    await stop(seed.engine); // never started: it only enqueued

    const workers = ['A', 'B'].map((name) =>
      spawnJobWorker({ dataDir, mode: 'runner', env: { TICKDESK_WORKER_NAME: name } }),
    );
    await Promise.all(workers.map((w) => w.waitForLine(/^READY/)));
    for (const w of workers) w.send('go');

    const db = new Database(path.join(dataDir, DEMO_DB_FILE_NAME));
    try {
      db.pragma('busy_timeout = 5000');
      await vi.waitFor(
        () => {
          const n = db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM jobs WHERE status = 'SUCCEEDED'").get()!.n;
          if (n < JOBS) throw new Error(`${n} of ${JOBS} jobs succeeded\n${workers.map((w) => w.output()).join('\n')}`);
        },
        { timeout: 20_000, interval: 10 },
      );
      for (const w of workers) w.send('stop');
      await Promise.all(workers.map((w) => w.waitForLine(/^STOPPED$/)));
      expect((await Promise.all(workers.map((w) => w.exited))).map((e) => e.code)).toEqual([0, 0]);

      expect(db.prepare('SELECT COUNT(*) AS n, COUNT(DISTINCT job_id) AS d FROM test_runs').get()).toEqual({
        n: JOBS,
        d: JOBS,
      });
      const byRunner = db
        .prepare<[], { runner: string; n: number }>(
          'SELECT runner, COUNT(*) AS n FROM test_runs GROUP BY runner ORDER BY runner',
        )
        .all();
      expect(byRunner.map((r) => r.runner)).toEqual(['A', 'B']);
      for (const r of byRunner) expect(r.n, JSON.stringify(byRunner)).toBeGreaterThan(0);
      expect(db.prepare('SELECT status, COUNT(*) AS n FROM jobs GROUP BY status').all()).toEqual([
        { status: 'SUCCEEDED', n: JOBS },
      ]);
      // The runner that recorded the execution is the one whose result was kept.
      const mismatched = db
        .prepare<[], { n: number }>(
          "SELECT COUNT(*) AS n FROM jobs JOIN test_runs ON test_runs.job_id = jobs.id WHERE json_extract(jobs.result, '$.runner') != test_runs.runner",
        )
        .get()!.n;
      expect(mismatched).toBe(0);
      expect(db.prepare('SELECT MAX(attempts) AS a FROM jobs').get()).toEqual({ a: 1 });
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
  });
});
