import path from 'node:path';
import { expect } from 'vitest';
import type { EventEnvelope } from '../../shared/contract';
import { createEngine, type Engine } from '../../electron/engine';
import { startLocalApi } from '../../electron/engine/api/server';
import { createMemoryLogger } from '../../electron/engine/common/logger';
import { loadConfig } from '../../electron/engine/config';
import { startUpstoxSimulator, type Simulator } from '../../electron/engine/sim';
import { loopbackOnlyFetch } from '../fixtures/ohlcv-import-worker';
import { TEST_API_TOKEN } from './engine';
import { makeTempDir } from './temp-dir';
import { waitFor } from './wait';

export const RESOURCES = path.resolve(import.meta.dirname, '..', '..', 'resources');
/** Any token puts the engine in the live world; the simulator accepts it. */
export const LIVE_TOKEN = 'simulated-access-token-0123456789';

// Answers are compared whole or by field in the tests; read loosely here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

/** What a test tears down after itself, last first: pass `cleanups` to the helpers and run it in afterEach. */
export type Cleanups = (() => Promise<void> | void)[];

/** "Upstox": a simulator reached the way the real one is, by URL and token, so the test holds its fault controls. */
export async function startUpstox(seed: number, cleanups: Cleanups): Promise<Simulator> {
  const sim = await startUpstoxSimulator({ resourcesDir: RESOURCES, port: 0, seed });
  cleanups.push(() => sim.close());
  return sim;
}

export const liveEnv = (sim: Simulator) => ({
  UPSTOX_API_URL: sim.apiUrl,
  UPSTOX_ORDER_URL: sim.apiUrl,
  UPSTOX_ASSETS_URL: sim.apiUrl,
  UPSTOX_ACCESS_TOKEN: LIVE_TOKEN,
});

export interface LiveApp {
  engine: Engine;
  dataDir: string;
  /** Every event the engine emitted, in order. */
  events: EventEnvelope[];
  /** Origins the engine tried to reach off loopback (Yahoo, the live world's last fallback). */
  refused: string[];
  get(route: string): Promise<Loose>;
  send(method: string, route: string, body?: unknown): Promise<{ status: number; body: Loose }>;
}

/**
 * The live engine on the simulator with the real Local API, its daily import schedule off (only the test's work
 * runs), once the simulator's instrument master is in.
 */
export async function liveApp(sim: Simulator, cleanups: Cleanups, prefix = 'tickdesk-live-'): Promise<LiveApp> {
  const dataDir = makeTempDir(prefix);
  const network = loopbackOnlyFetch();
  const engine = createEngine(loadConfig({ TICKDESK_DATA_DIR: dataDir, ...liveEnv(sim) }, { validateEvents: true }), {
    fetch: network.fetch,
    logger: createMemoryLogger(),
    startFeed: true,
  });
  cleanups.push(() => engine.shutdown());
  const api = await startLocalApi({
    router: engine.router,
    events: engine.events,
    logger: engine.logger.child('api'),
    token: TEST_API_TOKEN,
    port: 0,
  });
  cleanups.push(() => api.close());
  const events: EventEnvelope[] = [];
  engine.events.subscribe((e) => events.push(e));
  const call = (route: string, init: RequestInit = {}) =>
    fetch(api.origin + route, {
      ...init,
      headers: { authorization: `Bearer ${TEST_API_TOKEN}`, 'content-type': 'application/json' },
    });
  const app: LiveApp = {
    engine,
    dataDir,
    events,
    refused: network.refused,
    async get(route) {
      const response = await call(route);
      expect(response.status, route).toBe(200);
      return response.json();
    },
    async send(method, route, body) {
      const response = await call(route, { method, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: response.status, body: await response.json() };
    },
  };
  expect(engine.world).toBe('live');
  engine.start();
  const unscheduled = await app.send('PUT', '/api/v1/schedules/ohlcv-daily-import', { enabled: false });
  expect(unscheduled).toMatchObject({ status: 200, body: { enabled: false } });
  await waitFor(
    async () => (await app.get('/api/v1/instruments/search?q=RELIANCE')).length > 0,
    "the simulator's instrument master",
    20_000,
  );
  return app;
}
