import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { FeedStatus } from '../../shared/domain/feed';
import type { Engine } from '../../electron/engine';
import { startUpstoxSimulator, type Simulator } from '../../electron/engine/sim';
import { startEngine, stopAll, stopEngine } from '../helpers/engine';
import { makeTempDir, removeTempDirs } from '../helpers/temp-dir';
import { waitFor } from '../helpers/wait';

const RESOURCES = path.resolve(import.meta.dirname, '..', '..', 'resources');
/** Short timings so a test sees many reconnects and a stall within seconds; the logic is the production one. */
const FAST_SOCKET = {
  backoffBaseMs: 10,
  backoffMaxMs: 80,
  pingIntervalMs: 150,
  pongTimeoutMs: 250,
  silenceTimeoutMs: 600,
  handshakeTimeoutMs: 2_000,
};

const simulators: Simulator[] = [];
afterEach(async () => {
  await stopAll();
  for (const sim of simulators.splice(0)) await sim.close();
  removeTempDirs();
});

async function simulator(tickIntervalMs = 50): Promise<Simulator> {
  const sim = await startUpstoxSimulator({
    resourcesDir: RESOURCES,
    port: 0,
    seed: 42,
    tickIntervalMs,
    ticksPerInterval: 'all',
    pingIntervalMs: 100,
  });
  simulators.push(sim);
  return sim;
}

/** The engine in live mode against the simulator: the same code path as against Upstox. */
function engineOn(sim: Simulator, dataDir?: string, env: Record<string, string> = {}): Engine {
  const { engine } = startEngine({
    dataDir,
    feed: true,
    feedSocket: FAST_SOCKET,
    env: {
      UPSTOX_ACCESS_TOKEN: 'simulated-access-token-0123456789',
      UPSTOX_API_URL: sim.apiUrl,
      UPSTOX_ORDER_URL: sim.apiUrl,
      UPSTOX_ASSETS_URL: sim.apiUrl,
      ...env,
    },
  });
  engine.start();
  return engine;
}

function someKeys(sim: Simulator, n: number): string[] {
  return sim
    .instruments()
    .filter((i) => i.instrumentType === 'EQ' || i.instrumentType === 'INDEX' || i.instrumentType === 'FUT')
    .slice(0, n)
    .map((i) => i.instrumentKey);
}

const status = (engine: Engine): FeedStatus => engine.feed.status();
const connected = (engine: Engine) => status(engine).state === 'connected';

async function ticksFlow(engine: Engine, what: string): Promise<void> {
  const before = engine.feed.counters().ticksReceived;
  await waitFor(() => engine.feed.counters().ticksReceived > before, what);
}

describe('feed reliability against the simulator', () => {
  it('survives 100 forced disconnects: re-authorized and re-subscribed every time, never two sockets, bounded backoff', async () => {
    const sim = await simulator();
    const engine = engineOn(sim);
    const keys = someKeys(sim, 5);
    expect(engine.feed.subscribe(keys, 'full')).toEqual({ subscribed: 5, rejected: [] });
    await waitFor(() => connected(engine) && sim.stats().subscriptions.full === 5, 'first connection subscribed');

    const outages: number[] = [];
    for (let i = 1; i <= 100; i++) {
      const authorizeBefore = sim.stats().authorizeCalls;
      expect(sim.faults.dropConnections()).toBe(1);
      const droppedAt = Date.now();
      await waitFor(
        () => status(engine).reconnects === i && connected(engine) && sim.stats().openSockets === 1,
        `reconnect ${i}`,
      );
      outages.push(Date.now() - droppedAt);
      // A fresh single-use URL for every connection, and the whole set sent again on it.
      expect(sim.stats().authorizeCalls).toBe(authorizeBefore + 1);
      await waitFor(() => sim.stats().subscriptions.full === 5, `resubscribed after reconnect ${i}`);
    }
    const stats = sim.stats();
    expect(stats.maxConcurrentSockets).toBe(1);
    expect(stats.authorizeCalls).toBe(101);
    expect(engine.feed.counters().openSockets).toBe(1);
    // Backoff is capped at 80 ms here: no outage comes near seconds.
    expect(Math.max(...outages)).toBeLessThan(2_000);
    await ticksFlow(engine, 'ticks after the last reconnect');
  }, 120_000);

  it('counts garbage frames as decode errors and keeps going', async () => {
    const sim = await simulator();
    const engine = engineOn(sim);
    engine.feed.subscribe(someKeys(sim, 3), 'ltpc');
    await waitFor(() => connected(engine), 'connected');
    await ticksFlow(engine, 'first ticks');
    sim.faults.sendGarbage(25);
    await waitFor(() => status(engine).decodeErrors === 25, '25 decode errors');
    expect(status(engine).state).toBe('connected');
    expect(status(engine).reconnects).toBe(0);
    await ticksFlow(engine, 'ticks after the garbage');
  });

  it('stops in auth_failed on a refused authorize, with no retry storm, and recovers on reconnect', async () => {
    const sim = await simulator();
    const engine = engineOn(sim);
    engine.feed.subscribe(someKeys(sim, 2), 'ltpc');
    await waitFor(() => connected(engine), 'connected');
    sim.faults.failAuthorize(1_000, 401);
    sim.faults.dropConnections();
    await waitFor(() => status(engine).state === 'auth_failed', 'auth_failed');
    const calls = sim.stats().authorizeCalls;
    // With a 10 ms backoff a retrying client would call authorize dozens of times in this window.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(sim.stats().authorizeCalls).toBe(calls);
    expect(sim.stats().openSockets).toBe(0);
    expect(status(engine).message).toMatch(/401|authoriz/i);

    sim.faults.reset();
    const after = await engine.feed.reconnect();
    expect(['connecting', 'connected']).toContain(after.state);
    await waitFor(() => connected(engine), 'connected again after reconnect');
  });

  it('treats a 403 on the socket handshake as auth_failed', async () => {
    const sim = await simulator();
    const engine = engineOn(sim);
    await waitFor(() => connected(engine), 'connected');
    sim.faults.rejectUpgrade(1_000, 403);
    sim.faults.dropConnections();
    await waitFor(() => status(engine).state === 'auth_failed', 'auth_failed');
    expect(status(engine).message).toMatch(/403/);
  });

  it('backs off a rate-limited authorize and gives up on handshakes that hang, then connects', async () => {
    const sim = await simulator();
    // Two authorize calls answer 429, then three handshakes hang past the client's 2 s timeout.
    sim.faults.rateLimit(2);
    sim.faults.slowHandshake(5_000, 3);
    // The first-start instrument import goes to a closed port, so every simulator REST call counted here is authorize.
    const engine = engineOn(sim, undefined, { UPSTOX_ASSETS_URL: 'http://127.0.0.1:9' });
    await waitFor(() => connected(engine), 'connected after the 429s and the slow handshakes', 20_000);
    const stats = sim.stats();
    // No subscriptions, so the only REST calls were authorize: the two refused ones and one per handshake.
    expect(stats.restCalls - stats.authorizeCalls).toBe(2);
    expect(stats.upgrades).toBe(4);
    expect(stats.maxConcurrentSockets).toBe(1);
  }, 40_000);

  it('detects a stalled socket (no data, no pongs) and reconnects', async () => {
    const sim = await simulator();
    const engine = engineOn(sim);
    engine.feed.subscribe(someKeys(sim, 3), 'full');
    await waitFor(() => connected(engine), 'connected');
    await ticksFlow(engine, 'first ticks');
    sim.faults.stall(1_500);
    await waitFor(() => status(engine).reconnects >= 1, 'a reconnect after the stall', 10_000);
    await waitFor(() => connected(engine), 'connected after the stall', 10_000);
    await ticksFlow(engine, 'ticks after the stall');
    expect(sim.stats().maxConcurrentSockets).toBe(1);
  });

  it('restores subscriptions after a restart and stores every tick it received', async () => {
    const sim = await simulator(20);
    const dataDir = makeTempDir('tickdesk-feed-');
    const first = engineOn(sim, dataDir);
    const keys = someKeys(sim, 20);
    first.feed.subscribe(keys.slice(0, 12), 'full');
    first.feed.subscribe(keys.slice(12), 'ltpc');
    await waitFor(() => first.feed.counters().ticksReceived > 2_000, '2,000 ticks');
    sim.faults.dropConnections();
    await waitFor(() => status(first).reconnects === 1 && connected(first), 'reconnected');
    await waitFor(() => first.feed.counters().ticksReceived > 4_000, '4,000 ticks');
    await stopEngine(first);
    const received = first.feed.counters().ticksReceived;

    const second = engineOn(sim, dataDir);
    expect(second.feed.subscriptions()).toEqual([
      ...keys.slice(0, 12).map((k) => ({ instrumentKey: k, mode: 'full' })),
      ...keys.slice(12).map((k) => ({ instrumentKey: k, mode: 'ltpc' })),
    ]);
    await waitFor(
      () => connected(second) && sim.stats().subscriptions.full === 12 && sim.stats().subscriptions.ltpc === 8,
      'restored on the new connection',
    );
    await stopEngine(second);
    const receivedSecond = second.feed.counters().ticksReceived;

    const db = new Database(path.join(dataDir, 'tickdesk.db'), { readonly: true });
    try {
      const stored = (db.prepare('SELECT count(*) AS n FROM ticks').get() as { n: number }).n;
      expect(stored).toBe(received + receivedSecond);
      const candles = (db.prepare('SELECT count(*) AS n FROM candles_1m').get() as { n: number }).n;
      expect(candles).toBeGreaterThanOrEqual(keys.length);
    } finally {
      db.close();
    }
  }, 60_000);

  it('backfills the minutes missed while disconnected from the intraday candle API', async () => {
    const sim = await simulator();
    const engine = engineOn(sim);
    const keys = someKeys(sim, 3);
    engine.feed.subscribe(keys, 'full');
    await waitFor(() => connected(engine), 'connected');
    const droppedAt = new Date().toISOString();
    sim.faults.dropConnections();
    await waitFor(() => status(engine).reconnects === 1 && connected(engine), 'reconnected');
    const job = await waitFor(
      () =>
        engine.jobs
          .list({ kind: 'feed.backfill', limit: 10 })
          .find((j) => j.status === 'SUCCEEDED' && j.createdAt >= droppedAt),
      'a finished backfill job for the outage',
      20_000,
    );
    expect(
      engine.jobs
        .items(job.id, undefined, 100)
        .map((item) => item.key)
        .sort(),
    ).toEqual([...keys].sort());
  });
});

describe('backfill outlives nothing', () => {
  const BACKFILL = 'feed.backfill';

  async function settled(engine: Engine): Promise<void> {
    await waitFor(
      () => engine.jobs.list({ limit: 50 }).every((j) => j.status !== 'QUEUED' && j.status !== 'RUNNING'),
      'start-up jobs done',
      20_000,
    );
  }

  it('fetches only instruments still subscribed when their item runs', async () => {
    const sim = await simulator();
    const engine = engineOn(sim);
    const [kept, gone1, gone2] = someKeys(sim, 3) as [string, string, string];
    engine.feed.subscribe([kept], 'ltpc');
    await waitFor(() => connected(engine), 'connected');
    await settled(engine);
    const callsBefore = sim.stats().restCalls;
    const { job } = engine.jobs.enqueue(BACKFILL, {
      since: Date.now() - 60 * 60_000,
      instrumentKeys: [kept, gone1, gone2],
    });
    const done = await waitFor(() => {
      const j = engine.jobs.get(job.id);
      return j.status === 'SUCCEEDED' || j.status === 'FAILED' ? j : null;
    }, 'the backfill to finish');
    expect(done.status).toBe('SUCCEEDED');
    expect(done.result).toMatchObject({ instruments: 1, skippedUnsubscribed: 2, failed: 0 });
    expect(sim.stats().restCalls - callsBefore).toBe(1);
  });

  it('gives up at once when Upstox refuses the token, instead of trying every instrument', async () => {
    let accept = true;
    const sim = await startUpstoxSimulator({
      resourcesDir: RESOURCES,
      port: 0,
      seed: 42,
      tickIntervalMs: 50,
      acceptToken: () => accept,
    });
    simulators.push(sim);
    const engine = engineOn(sim);
    const keys = someKeys(sim, 12);
    engine.feed.subscribe(keys, 'ltpc');
    await waitFor(() => connected(engine), 'connected');
    await settled(engine);
    accept = false;
    const callsBefore = sim.stats().restCalls;
    const { job } = engine.jobs.enqueue(BACKFILL, { since: Date.now() - 60 * 60_000, instrumentKeys: keys });
    const done = await waitFor(() => {
      const j = engine.jobs.get(job.id);
      return j.status === 'SUCCEEDED' || j.status === 'FAILED' ? j : null;
    }, 'the backfill to end');
    expect(done).toMatchObject({ status: 'FAILED', attempts: 1 });
    expect(done.error?.code).toBe('UPSTOX_AUTH');
    // At most the items already in flight (four at once) made a call; none was retried, the rest never started.
    expect(sim.stats().restCalls - callsBefore).toBeLessThanOrEqual(4);
    expect(engine.jobs.items(job.id, 'PENDING', 20).length).toBeGreaterThanOrEqual(keys.length - 4);
  });
});
