import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SUBSCRIPTION_LIMITS } from '../../shared/domain/feed';
import { startUpstoxSimulator, type Simulator } from '../../electron/engine/sim';
import { startApi, stopAll, type TestApi } from '../helpers/engine';
import { closeSockets, connectSocket, nextMessage } from '../helpers/net';
import { removeTempDirs } from '../helpers/temp-dir';
import { waitFor } from '../helpers/wait';

const RESOURCES = path.resolve(import.meta.dirname, '..', '..', 'resources');
const simulators: Simulator[] = [];
afterEach(async () => {
  closeSockets();
  await stopAll();
  for (const sim of simulators.splice(0)) await sim.close();
  removeTempDirs();
});

async function liveApi(): Promise<{ app: TestApi; sim: Simulator }> {
  const sim = await startUpstoxSimulator({
    resourcesDir: RESOURCES,
    port: 0,
    seed: 7,
    tickIntervalMs: 50,
    ticksPerInterval: 'all',
  });
  simulators.push(sim);
  const app = await startApi({
    feed: true,
    env: {
      UPSTOX_ACCESS_TOKEN: 'simulated-access-token-0123456789',
      UPSTOX_API_URL: sim.apiUrl,
      UPSTOX_ASSETS_URL: sim.apiUrl,
    },
  });
  app.engine.start();
  return { app, sim };
}

// The answers are checked field by field below; their types are the contract's, read loosely here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;
const json = async (response: Response) => ({ status: response.status, body: (await response.json()) as Loose });

describe('Local API: live feed routes', () => {
  it('subscribes, serves latest ticks and 1-minute candles, and pushes coalesced market_ticks', async () => {
    const { app, sim } = await liveApi();
    const [a, b] = sim
      .instruments()
      .filter((i) => i.instrumentType === 'EQ')
      .map((i) => i.instrumentKey) as [string, string];
    const connected = await connectSocket(`${app.origin.replace('http', 'ws')}/api/v1/events?token=${app.token}`);
    if (connected.kind !== 'open') throw new Error(`the events socket was refused with ${connected.statusCode}`);
    const socket = connected.socket;

    const subscribed = await json(
      await app.call('/api/v1/feed/subscriptions', {
        method: 'POST',
        body: JSON.stringify({ instrumentKeys: [a, b], mode: 'full' }),
        headers: { 'content-type': 'application/json' },
      }),
    );
    expect(subscribed).toEqual({ status: 200, body: { subscribed: 2, rejected: [] } });
    expect((await json(await app.call('/api/v1/feed/subscriptions'))).body).toEqual([
      { instrumentKey: a, mode: 'full' },
      { instrumentKey: b, mode: 'full' },
    ]);

    const ticks = await waitFor(async () => {
      const { body } = await json(await app.call(`/api/v1/feed/latest-ticks?keys=${encodeURIComponent(`${a},${b}`)}`));
      return Object.keys(body).length === 2 ? body : null;
    }, 'latest ticks of both instruments');
    const tick = ticks[a];
    expect(tick.ltp).toBeGreaterThan(0);
    expect(tick.bid).toBeLessThanOrEqual(tick.ltp);
    expect(tick.ask).toBeGreaterThanOrEqual(tick.ltp);
    expect(tick.depth).toHaveLength(5);
    expect(tick.receivedAt).toMatch(/^\d{4}-\d\d-\d\dT/);

    const status = (await json(await app.call('/api/v1/feed/status'))).body;
    expect(status).toMatchObject({ state: 'connected', source: 'upstox', subscriptions: { full: 2 }, decodeErrors: 0 });
    expect(status.marketStatus.NSE_EQ).toBe('NORMAL_OPEN');

    // The simulator moves every instrument every 50 ms: the next market_ticks event carrying `a` comes soon.
    const marketTicks = await nextMessage<Loose>(
      socket,
      (e) => e.event === 'market_ticks' && !!e.payload.ticks[a],
      10_000,
    );
    expect(marketTicks.version).toBe('1.0');
    expect(marketTicks.payload.ticks[a].ltp).toBeGreaterThan(0);

    const candles = await waitFor(async () => {
      const { body } = await json(
        await app.call(`/api/v1/candles?instrumentKey=${encodeURIComponent(a)}&timeframe=1m`),
      );
      return body.length > 0 ? body : null;
    }, '1-minute candles built from ticks');
    expect(candles[0].ts).toMatch(/\+05:30$/);
    expect(candles[0].high).toBeGreaterThanOrEqual(candles[0].low);

    const removed = await json(
      await app.call('/api/v1/feed/subscriptions', {
        method: 'DELETE',
        body: JSON.stringify({ instrumentKeys: [a] }),
        headers: { 'content-type': 'application/json' },
      }),
    );
    expect(removed.body).toEqual({ unsubscribed: 1 });
    await waitFor(() => sim.stats().subscriptions.full === 1, 'the simulator sees the unsubscribe');
  });

  it('refuses a malformed key naming the field, and changes nothing', async () => {
    const { app } = await liveApi();
    const bad = await json(
      await app.call('/api/v1/feed/subscriptions', {
        method: 'POST',
        body: JSON.stringify({ instrumentKeys: ['NSE_EQ|A', 'reliance'], mode: 'full' }),
        headers: { 'content-type': 'application/json' },
      }),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect(bad.body.error.details[0].path).toEqual(['instrumentKeys', 1]);
    const mode = await json(
      await app.call('/api/v1/feed/subscriptions', {
        method: 'POST',
        body: JSON.stringify({ instrumentKeys: ['NSE_EQ|A'], mode: 'tick' }),
        headers: { 'content-type': 'application/json' },
      }),
    );
    expect(mode.body.error.details[0].path).toEqual(['mode']);
    expect((await json(await app.call('/api/v1/feed/subscriptions'))).body).toEqual([]);
  });

  it('reports keys past a mode limit as rejected with a reason', async () => {
    const { app } = await liveApi();
    const limit = SUBSCRIPTION_LIMITS.full.individual;
    const keys = Array.from({ length: limit + 2 }, (_, i) => `NSE_FO|${100000 + i}`);
    const answer = await json(
      await app.call('/api/v1/feed/subscriptions', {
        method: 'POST',
        body: JSON.stringify({ instrumentKeys: keys, mode: 'full' }),
        headers: { 'content-type': 'application/json' },
      }),
    );
    expect(answer.body.subscribed).toBe(limit);
    expect(answer.body.rejected).toEqual([
      { instrumentKey: keys[limit], reason: `full limit of ${limit} keys (individual) reached` },
      { instrumentKey: keys[limit + 1], reason: `full limit of ${limit} keys (individual) reached` },
    ]);
  });

  it('imports the instrument master and searches it', async () => {
    const { app } = await liveApi();
    const started = await json(
      await app.call('/api/v1/instruments/import', {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      }),
    );
    expect(started.status).toBe(202);
    await waitFor(
      async () => (await json(await app.call(`/api/v1/jobs/${started.body.jobId}`))).body.status === 'SUCCEEDED',
      'the import job',
    );
    const found = (await json(await app.call('/api/v1/instruments/search?q=reli'))).body;
    expect(found[0]).toMatchObject({ tradingSymbol: 'RELIANCE', segment: 'NSE_EQ' });
    const byKey = (
      await json(
        await app.call(
          `/api/v1/instruments?keys=${encodeURIComponent(`${found[0].instrumentKey},NSE_INDEX|Nifty 50`)}`,
        ),
      )
    ).body;
    expect(byKey.map((i: { tradingSymbol: string }) => i.tradingSymbol)).toEqual(['RELIANCE', 'NIFTY']);
    // The morning schedule imports the master of whichever source is open when it runs.
    const scheduled = await json(await app.call('/api/v1/schedules/instrument-master-refresh/run', { method: 'POST' }));
    expect(scheduled.status).toBe(202);
    await waitFor(
      async () => (await json(await app.call(`/api/v1/jobs/${scheduled.body.jobId}`))).body.status === 'SUCCEEDED',
      'the scheduled import',
    );
    const outside = await json(
      await app.call('/api/v1/instruments/import', {
        method: 'POST',
        body: JSON.stringify({ source: '/etc/passwd' }),
        headers: { 'content-type': 'application/json' },
      }),
    );
    expect(outside.status).toBe(400);
    expect(outside.body.error.details[0].path).toEqual(['source']);
    const empty = await json(await app.call('/api/v1/instruments/search?q='));
    expect(empty.status).toBe(400);
    expect(empty.body.error.details[0].path).toEqual(['q']);
  });
});
