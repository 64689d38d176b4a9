import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { API_TOKEN_FILE } from '../../electron/engine/api/token';
import { makeTempDir, removeTempDirs } from '../helpers/temp-dir';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  removeTempDirs();
});

/** Runs the headless entry (`npm run serve` without the build) and answers its start banner. */
function banner(env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'electron/serve.ts'], {
    cwd: ROOT,
    env: { ...process.env, TICKDESK_API_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (out.includes('Data:')) resolve(out);
    });
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.on('exit', (code) => reject(new Error(`serve exited (${code}) before its banner: ${err}`)));
  });
}

describe('the start banner of npm run serve', () => {
  it('says the token came from the environment when TICKDESK_API_TOKEN is set, and writes no token file', async () => {
    const dataDir = makeTempDir('tickdesk-serve-');
    const token = 'token-from-the-environment-0123456789';
    const text = await banner({ TICKDESK_DATA_DIR: dataDir, TICKDESK_API_TOKEN: token });
    expect(text).toMatch(/bearer token from the TICKDESK_API_TOKEN environment variable/);
    expect(text).toContain(`#token=${token}`);
    expect(fs.existsSync(path.join(dataDir, API_TOKEN_FILE))).toBe(false);
  });

  it('names the token file when the token is its own, and the file is there', async () => {
    const dataDir = makeTempDir('tickdesk-serve-');
    const text = await banner({ TICKDESK_DATA_DIR: dataDir, TICKDESK_API_TOKEN: '' });
    const file = path.join(dataDir, API_TOKEN_FILE);
    expect(text).toContain(`bearer token in ${file}`);
    expect(text).toContain(`#token=${fs.readFileSync(file, 'utf8').trim()}`);
  });
});
