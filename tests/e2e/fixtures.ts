import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base } from '@playwright/test';
import { EngineApi } from './pages/api';
import { ImportsPage } from './pages/imports';
import { JobsPage } from './pages/jobs';
import { MarketPage } from './pages/market';
import { OrdersPage } from './pages/orders';
import { SettingsPage } from './pages/settings';
import { Shell } from './pages/shell';

export interface ServedApp {
  /** The address `npm run serve` printed, with the token in its fragment. */
  openUrl: string;
  origin: string;
  token: string;
  dataDir: string;
  process: ChildProcess;
}

const ROOT = path.resolve(import.meta.dirname, '..', '..');

/** Starts the headless engine the way `npm run serve` does (renderer already built), on a free port and a temp data folder. */
export async function startServe(
  env: Record<string, string> = {},
  { dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tickdesk-e2e-')) }: { dataDir?: string } = {},
): Promise<ServedApp> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'electron/serve.ts'], {
    cwd: ROOT,
    env: { ...process.env, TICKDESK_DATA_DIR: dataDir, TICKDESK_API_PORT: '0', UPSTOX_ACCESS_TOKEN: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const openUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start in time:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Open:\s+(http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${output}`));
    });
  });
  const url = new URL(openUrl);
  const token = /token=([^&]+)/.exec(url.hash)![1]!;
  return { openUrl, origin: url.origin, token, dataDir, process: child };
}

/** Stops the server; its data folder goes too unless `keepData` (a restart on the same folder follows). */
export async function stopServe(app: ServedApp, { keepData = false }: { keepData?: boolean } = {}): Promise<void> {
  if (app.process.exitCode === null) {
    const exited = new Promise((resolve) => app.process.once('exit', resolve));
    app.process.kill('SIGTERM');
    await exited;
  }
  if (!keepData) fs.rmSync(app.dataDir, { recursive: true, force: true });
}

export interface Pages {
  api: EngineApi;
  shell: Shell;
  market: MarketPage;
  imports: ImportsPage;
  jobs: JobsPage;
  orders: OrdersPage;
  settings: SettingsPage;
}

/** One served app per worker, shared by its specs; page objects per test. */
export const test = base.extend<Pages, { app: ServedApp }>({
  app: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const app = await startServe();
      await use(app);
      await stopServe(app);
    },
    { scope: 'worker' },
  ],
  api: async ({ request, app }, use) => use(new EngineApi(request, app)),
  shell: async ({ page, app }, use) => use(new Shell(page, app)),
  market: async ({ shell }, use) => use(new MarketPage(shell)),
  imports: async ({ shell }, use) => use(new ImportsPage(shell)),
  jobs: async ({ shell }, use) => use(new JobsPage(shell)),
  orders: async ({ shell }, use) => use(new OrdersPage(shell)),
  settings: async ({ shell }, use) => use(new SettingsPage(shell)),
});

export { expect } from '@playwright/test';

export const SCREENSHOT_DIR = path.join(ROOT, 'test-results', 'screenshots');

/** Where a spec's screenshot goes: `test-results/screenshots/<name>.png`. */
export const shot = (name: string) => path.join(SCREENSHOT_DIR, `${name}.png`);
