import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOrCreateApiToken } from '../../electron/engine/api/token';
import { startApi, stopAll } from '../helpers/engine';
import { makeTempDir, removeTempDirs } from '../helpers/temp-dir';

const modeOf = (file: string) => fs.statSync(file).mode & 0o777;
let umask: number;

beforeEach(() => {
  // The usual desktop umask: files 0644 and folders 0755 unless the engine says otherwise.
  umask = process.umask(0o022);
});

afterEach(async () => {
  await stopAll();
  process.umask(umask);
  removeTempDirs();
});

/** Every folder and file below `dir` (not following links) with its mode, as `relative path: mode`. */
function modesBelow(dir: string): Record<string, string> {
  const modes: Record<string, string> = {};
  const visit = (entry: string) => {
    modes[path.relative(dir, entry) || '.'] = modeOf(entry).toString(8);
    if (fs.statSync(entry).isDirectory()) for (const name of fs.readdirSync(entry)) visit(path.join(entry, name));
  };
  visit(dir);
  return modes;
}

describe.skipIf(process.platform === 'win32')('the data folder is owner-only whatever the umask', () => {
  it('a new data folder, its logs, databases with their -wal and -shm, and the API token are 0700 and 0600', async () => {
    const dataDir = path.join(makeTempDir('tickdesk-perms-'), 'data');
    loadOrCreateApiToken(dataDir);
    const app = await startApi({ dataDir, fileLogger: true });
    app.engine.start();
    // A write, so that the write-ahead log and its index exist in both world files.
    expect(
      (
        await app.call('/api/v1/settings', {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ theme: 'dark' }),
        })
      ).status,
    ).toBe(200);
    for (const file of [
      'tickdesk.db',
      'tickdesk.db-wal',
      'tickdesk.db-shm',
      'demo.db',
      'demo.db-wal',
      'demo.db-shm',
      'logs/tickdesk.log',
      'api-token',
    ]) {
      expect(fs.existsSync(path.join(dataDir, file)), file).toBe(true);
    }
    const modes = modesBelow(dataDir);
    const open = Object.entries(modes).filter(
      ([entry, mode]) => mode !== (fs.statSync(path.join(dataDir, entry)).isDirectory() ? '700' : '600'),
    );
    expect(open).toEqual([]);
  });

  it('tightens an existing folder left readable by others at start, and says so in the log', async () => {
    const dataDir = path.join(makeTempDir('tickdesk-perms-'), 'data');
    fs.mkdirSync(path.join(dataDir, 'logs'), { recursive: true, mode: 0o755 });
    fs.writeFileSync(path.join(dataDir, 'logs', 'tickdesk.log'), '', { mode: 0o644 });
    fs.writeFileSync(path.join(dataDir, 'notes.txt'), 'mine', { mode: 0o664 });
    fs.chmodSync(dataDir, 0o755);
    const app = await startApi({ dataDir, fileLogger: true });
    expect(modesBelow(dataDir)).toMatchObject({
      '.': '700',
      logs: '700',
      'logs/tickdesk.log': '600',
      'notes.txt': '600',
      'tickdesk.db': '600',
    });
    await stopAll();
    const log = fs
      .readFileSync(path.join(app.dataDir, 'logs', 'tickdesk.log'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    expect(log).toContainEqual(
      expect.objectContaining({ level: 'warn', message: expect.stringMatching(/made it owner-only/), tightened: 4 }),
    );
  });
});
