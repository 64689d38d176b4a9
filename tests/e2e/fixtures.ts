import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base } from '@playwright/test';

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
export async function startServe(env: Record<string, string> = {}): Promise<ServedApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tickdesk-e2e-'));
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

export async function stopServe(app: ServedApp): Promise<void> {
  if (app.process.exitCode === null) {
    const exited = new Promise((resolve) => app.process.once('exit', resolve));
    app.process.kill('SIGTERM');
    await exited;
  }
  fs.rmSync(app.dataDir, { recursive: true, force: true });
}

export const test = base.extend<object, { app: ServedApp }>({
  app: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const app = await startServe();
      await use(app);
      await stopServe(app);
    },
    { scope: 'worker' },
  ],
});

export { expect } from '@playwright/test';

export const SCREENSHOT_DIR = path.join(ROOT, 'test-results', 'screenshots');
