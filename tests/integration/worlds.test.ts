import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startUpstoxSimulator, type Simulator } from '../../electron/engine/sim';
import { DB_FILE_NAME, DEMO_DB_FILE_NAME } from '../../electron/engine/store/open';
import { startApi, stopAll, type TestApi } from '../helpers/engine';
import { closeSockets, connectSocket } from '../helpers/net';
import { removeTempDirs } from '../helpers/temp-dir';
import { waitFor } from '../helpers/wait';

const RESOURCES = path.resolve(import.meta.dirname, '..', '..', 'resources');
const LIVE_TOKEN = 'simulated-access-token-0123456789';
const simulators: Simulator[] = [];

afterEach(async () => {
  closeSockets();
  await stopAll();
  for (const sim of simulators.splice(0)) await sim.close();
  removeTempDirs();
});

// Answers are compared whole below; read loosely here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

async function get(app: TestApi, route: string): Promise<Loose> {
  const response = await app.call(route);
  expect(response.status, route).toBe(200);
  return response.json();
}

async function send(app: TestApi, method: string, route: string, body?: unknown): Promise<Loose> {
  const response = await app.call(route, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(response.status, `${method} ${route}`).toBeLessThan(300);
  return response.json();
}

const keysQuery = (keys: readonly string[]) => encodeURIComponent(keys.join(','));
const candlesOf = (app: TestApi, key: string) =>
  get(app, `/api/v1/candles?instrumentKey=${encodeURIComponent(key)}&timeframe=1m`);

describe('demo and live are separate worlds', () => {
  it('a demo session, then a token: no demo subscription, tick, candle, instrument or job is read in live mode, and back', async () => {
    // "Upstox" is a second simulator with another seed, reached the way the real one is: by URL and token.
    const upstox = await startUpstoxSimulator({
      resourcesDir: RESOURCES,
      port: 0,
      seed: 99,
      tickIntervalMs: 50,
      ticksPerInterval: 'all',
    });
    simulators.push(upstox);
    const app = await startApi({
      feed: true,
      env: { UPSTOX_API_URL: upstox.apiUrl, UPSTOX_ASSETS_URL: upstox.apiUrl },
    });
    app.engine.start();

    // Demo: the starter watchlist streams, candles build, the demo master is imported.
    expect((await get(app, '/api/v1/system/status')).mode).toBe('demo');
    const demoSubscriptions: { instrumentKey: string }[] = await waitFor(async () => {
      const list = await get(app, '/api/v1/feed/subscriptions');
      return list.length > 0 ? list : null;
    }, 'the demo watchlist');
    const demoKeys = demoSubscriptions.map((s) => s.instrumentKey);
    const equity = demoKeys.find((k) => k.startsWith('NSE_EQ|'))!;
    await waitFor(
      async () =>
        Object.keys(await get(app, `/api/v1/feed/latest-ticks?keys=${keysQuery(demoKeys)}`)).length === demoKeys.length,
      'demo ticks for the watchlist',
    );
    const demoCandles = await waitFor(async () => {
      const candles = await candlesOf(app, equity);
      return candles.length > 0 ? candles : null;
    }, 'demo candles');
    const demoJobs = await waitFor(async () => {
      const jobs = await get(app, '/api/v1/jobs');
      return jobs.some((j: Loose) => j.kind === 'instruments.import' && j.status === 'SUCCEEDED') ? jobs : null;
    }, 'the demo instrument master');
    const jobIdentity = (j: Loose) => `${j.id} ${j.kind} ${j.createdAt}`;
    const demoJobIds = new Set(demoJobs.map(jobIdentity));

    const connected = await connectSocket(`${app.origin.replace('http', 'ws')}/api/v1/events?token=${app.token}`);
    if (connected.kind !== 'open') throw new Error(`the events socket was refused with ${connected.statusCode}`);
    const seen: Loose[] = [];
    connected.socket.on('message', (data) => seen.push(JSON.parse(String(data))));

    // A token: the engine is in the live world once the call answers.
    const switchedAt = Date.now();
    const settings = await send(app, 'PUT', '/api/v1/settings/upstox-token', { token: LIVE_TOKEN });
    expect(settings.mode).toBe('live');
    expect((await get(app, '/api/v1/system/status')).mode).toBe('live');
    expect(await get(app, '/api/v1/feed/subscriptions')).toEqual([]);
    expect(await get(app, `/api/v1/feed/latest-ticks?keys=${keysQuery(demoKeys)}`)).toEqual({});
    for (const key of demoKeys) expect(await candlesOf(app, key), key).toEqual([]);
    // Job ids count per world file; a job made before the switch would be a demo one.
    expect((await get(app, '/api/v1/jobs')).filter((j: Loose) => Date.parse(j.createdAt) < switchedAt)).toEqual([]);
    await waitFor(
      () => seen.some((e) => e.event === 'world_changed' && e.payload.world === 'live'),
      'world_changed to live',
    );

    // Live: one instrument of the demo watchlist, streamed from "Upstox".
    await send(app, 'POST', '/api/v1/feed/subscriptions', { instrumentKeys: [equity], mode: 'full' });
    await waitFor(
      async () => (await get(app, `/api/v1/feed/latest-ticks?keys=${keysQuery([equity])}`))[equity],
      'a live tick',
    );
    const status = await get(app, '/api/v1/feed/status');
    expect(status).toMatchObject({ source: 'upstox', state: 'connected', subscriptions: { full: 1 } });
    const others = demoKeys.filter((k) => k !== equity);
    expect(await get(app, `/api/v1/feed/latest-ticks?keys=${keysQuery(others)}`)).toEqual({});
    await waitFor(async () => (await candlesOf(app, equity)).length > 0, 'live candles');
    const liveKey = upstox
      .instruments()
      .find((i) => i.instrumentType === 'EQ' && !demoKeys.includes(i.instrumentKey))!.instrumentKey;
    await send(app, 'POST', '/api/v1/feed/subscriptions', { instrumentKeys: [liveKey], mode: 'ltpc' });
    await waitFor(
      async () => (await get(app, `/api/v1/feed/latest-ticks?keys=${keysQuery([liveKey])}`))[liveKey],
      'a live tick of a live-only key',
    );

    // After world_changed, no event carried a demo-only instrument.
    const afterSwitch = seen.slice(seen.findIndex((e) => e.event === 'world_changed'));
    for (const event of afterSwitch.filter((e) => e.event === 'market_ticks')) {
      for (const key of Object.keys(event.payload.ticks)) expect([equity, liveKey]).toContain(key);
    }
    for (const event of afterSwitch.filter((e) => e.event === 'feed_status'))
      expect(event.payload.source).toBe('upstox');

    // Back to demo: its watchlist, candles and jobs are there again, and nothing of the live session.
    const back = await send(app, 'DELETE', '/api/v1/settings/upstox-token');
    expect(back.mode).toBe('demo');
    expect((await get(app, '/api/v1/feed/subscriptions')).map((s: Loose) => s.instrumentKey)).toEqual(demoKeys);
    expect(await get(app, `/api/v1/feed/latest-ticks?keys=${keysQuery([liveKey])}`)).toEqual({});
    expect(await candlesOf(app, liveKey)).toEqual([]);
    const demoAgain = await candlesOf(app, equity);
    expect(demoAgain.slice(0, demoCandles.length - 1)).toEqual(demoCandles.slice(0, -1));
    const jobsAgain = await get(app, '/api/v1/jobs');
    expect(jobsAgain.filter((j: Loose) => demoJobIds.has(jobIdentity(j)))).toHaveLength(demoJobIds.size);
    expect(jobsAgain.filter((j: Loose) => Date.parse(j.createdAt) >= switchedAt && j.kind !== 'feed.backfill')).toEqual(
      [],
    );

    // On disk: the live file holds no tick received before the token was set; the demo file no live-only key.
    const live = new Database(path.join(app.dataDir, DB_FILE_NAME), { readonly: true });
    const demo = new Database(path.join(app.dataDir, DEMO_DB_FILE_NAME), { readonly: true });
    try {
      const earliest = live.prepare<[], { at: number | null }>('SELECT MIN(received_at) AS at FROM ticks').get()!.at;
      expect(earliest).not.toBeNull();
      expect(earliest!).toBeGreaterThanOrEqual(switchedAt);
      expect(demo.prepare('SELECT COUNT(*) AS n FROM market_keys WHERE instrument_key = ?').get(liveKey)).toEqual({
        n: 0,
      });
      expect(demo.prepare('SELECT COUNT(*) AS n FROM ticks').get()).not.toEqual({ n: 0 });
    } finally {
      live.close();
      demo.close();
    }
  });
});
