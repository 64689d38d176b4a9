import fs from 'node:fs';
import path from 'node:path';
import { startLocalApi, type LocalApi } from '../../electron/engine/api/server';
import { loadConfig } from '../../electron/engine/config';
import { createEngine, type Engine, type EngineDeps } from '../../electron/engine';
import { createMemoryLogger, type MemoryLogEntry } from '../../electron/engine/common/logger';
import { makeTempDir } from './temp-dir';

export const TEST_API_TOKEN = 'test-api-token-0123456789abcdefghijklmnop';

export interface TestEngine {
  engine: Engine;
  dataDir: string;
  logEntries: MemoryLogEntry[];
}

export interface StartEngineOptions {
  /** Reuse a data folder (restart tests); a new temp folder otherwise. */
  dataDir?: string;
  /** More environment variables for `loadConfig`. */
  env?: Record<string, string>;
  /** Use the engine's own file logger (`<dataDir>/logs/tickdesk.log`) instead of a memory logger. */
  fileLogger?: boolean;
  /** Start the market feed with the engine (off unless a test is about it). */
  feed?: boolean;
  feedSocket?: EngineDeps['feedSocket'];
}

const running = new Set<Engine>();

/** Builds the real engine on a temp data folder, with events checked against the contract. */
export function startEngine(options: StartEngineOptions = {}): TestEngine {
  const dataDir = options.dataDir ?? makeTempDir('tickdesk-engine-');
  const config = loadConfig({ TICKDESK_DATA_DIR: dataDir, ...options.env }, { validateEvents: true });
  const logger = createMemoryLogger();
  const feedDeps: EngineDeps = { startFeed: options.feed ?? false, feedSocket: options.feedSocket };
  const engine = createEngine(config, options.fileLogger ? feedDeps : { ...feedDeps, logger });
  running.add(engine);
  return { engine, dataDir, logEntries: logger.entries };
}

export async function stopEngine(engine: Engine): Promise<void> {
  running.delete(engine);
  await engine.shutdown();
}

export interface TestApi extends TestEngine {
  api: LocalApi;
  token: string;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  staticDir: string;
  /** fetch below the origin with the bearer token (unless `auth: false`). */
  call(pathAndQuery: string, init?: RequestInit & { auth?: boolean }): Promise<Response>;
}

const apis = new Set<LocalApi>();

export const INDEX_HTML =
  '<!doctype html><html><head><script type="module" src="/assets/app.js"></script></head><body>tickdesk-test-index</body></html>';
export const APP_JS = 'console.log("tickdesk-test-asset");';

/** Starts the engine and the real Local API on port 0, serving a small static folder written here. */
export async function startApi(options: StartEngineOptions = {}): Promise<TestApi> {
  const started = startEngine(options);
  // One level down, so that tests can put files next to the folder without leaving the temp dir.
  const staticDir = path.join(makeTempDir('tickdesk-static-'), 'renderer');
  fs.mkdirSync(staticDir);
  fs.writeFileSync(path.join(staticDir, 'index.html'), INDEX_HTML);
  fs.mkdirSync(path.join(staticDir, 'assets'));
  fs.writeFileSync(path.join(staticDir, 'assets', 'app.js'), APP_JS);
  const api = await startLocalApi({
    router: started.engine.router,
    events: started.engine.events,
    logger: started.engine.logger.child('api'),
    token: TEST_API_TOKEN,
    port: 0,
    staticDir,
  });
  apis.add(api);
  const call = (pathAndQuery: string, init: RequestInit & { auth?: boolean } = {}) => {
    const { auth = true, headers, ...rest } = init;
    const all = new Headers(headers);
    if (auth && !all.has('authorization')) all.set('authorization', `Bearer ${TEST_API_TOKEN}`);
    return fetch(api.origin + pathAndQuery, { ...rest, headers: all });
  };
  return { ...started, api, token: TEST_API_TOKEN, origin: api.origin, staticDir, call };
}

/** Closes every API and engine started by the helpers (afterEach). */
export async function stopAll(): Promise<void> {
  for (const api of [...apis]) {
    apis.delete(api);
    await api.close();
  }
  for (const engine of [...running]) await stopEngine(engine);
}
