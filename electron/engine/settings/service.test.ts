import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../../shared/contract';
import { SETTINGS_DEFAULTS } from '../../../shared/domain/settings';
import { WorkstationError } from '../../../shared/errors';
import { startEngine, stopAll, stopEngine } from '../../../tests/helpers/engine';
import { removeTempDirs } from '../../../tests/helpers/temp-dir';
import { DB_FILE_NAME } from '../store/open';

/** Not JWT-shaped on purpose: the logger's text redaction would not catch it, so only not logging it keeps it out. */
const UPSTOX_TOKEN = 'upstox-live-ACCESS-0123456789-abcdefWXYZ';
const ENV_TOKEN = 'env-supplied-token-abcdefghij-9876';

afterEach(async () => {
  await stopAll();
  removeTempDirs();
});

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

describe('settings service (through the engine)', () => {
  it('starts a new install with the defaults, in demo mode, with no token', async () => {
    const { engine, dataDir } = startEngine();
    const view = await engine.router.call('settings.get', {});
    expect(view).toEqual({
      values: SETTINGS_DEFAULTS,
      upstoxToken: { present: false, hint: null, source: 'none', storage: 'none', updatedAt: null },
      mode: 'demo',
      dataDir: path.resolve(dataDir),
    });
  });

  it('keeps an update across an engine restart, and a later partial update keeps the other values', async () => {
    const first = startEngine();
    const updated = await first.engine.router.call('settings.update', { theme: 'light', tickRetentionDays: 7 });
    expect(updated.values).toEqual({ ...SETTINGS_DEFAULTS, theme: 'light', tickRetentionDays: 7 });
    await stopEngine(first.engine);

    const second = startEngine({ dataDir: first.dataDir });
    expect((await second.engine.router.call('settings.get', {})).values).toEqual({
      ...SETTINGS_DEFAULTS,
      theme: 'light',
      tickRetentionDays: 7,
    });
    await second.engine.router.call('settings.update', { confirmOrders: false });
    await stopEngine(second.engine);

    const third = startEngine({ dataDir: first.dataDir });
    expect((await third.engine.router.call('settings.get', {})).values).toEqual({
      ...SETTINGS_DEFAULTS,
      theme: 'light',
      tickRetentionDays: 7,
      confirmOrders: false,
    });
  });

  it('an update changes only the settings it names', async () => {
    const { engine } = startEngine();
    await engine.router.call('settings.update', { theme: 'light', tickRetentionDays: 7 });
    const view = await engine.router.call('settings.update', { confirmOrders: false });
    expect(view.values).toEqual({ ...SETTINGS_DEFAULTS, theme: 'light', tickRetentionDays: 7, confirmOrders: false });
    expect((await engine.router.call('settings.get', {})).values).toEqual(view.values);
  });

  it('changing the same setting twice keeps the last value across a restart', async () => {
    const first = startEngine();
    await first.engine.router.call('settings.update', { tickRetentionDays: 7 });
    await first.engine.router.call('settings.update', { tickRetentionDays: 9 });
    await stopEngine(first.engine);

    const second = startEngine({ dataDir: first.dataDir });
    expect((await second.engine.router.call('settings.get', {})).values.tickRetentionDays).toBe(9);
  });

  it('emits settings_changed with the new values', async () => {
    const { engine } = startEngine();
    const seen: EventEnvelope[] = [];
    engine.events.subscribe((envelope) => seen.push(envelope));

    await engine.router.call('settings.update', { feedSubscribeBatchSize: 50 });

    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      event: 'settings_changed',
      source: 'engine',
      version: '1.0',
      payload: { ...SETTINGS_DEFAULTS, feedSubscribeBatchSize: 50 },
    });
    expect(Number.isNaN(Date.parse(seen[0]!.timestamp))).toBe(false);
  });

  it('a refused update emits nothing and stores nothing', async () => {
    const { engine, dataDir } = startEngine();
    const seen: EventEnvelope[] = [];
    engine.events.subscribe((envelope) => seen.push(envelope));

    await expect(
      engine.router.dispatch('settings.update', { theme: 'light', jobRetentionDays: 9999 }),
    ).rejects.toBeInstanceOf(WorkstationError);
    expect(seen).toEqual([]);
    await stopEngine(engine);
    const again = startEngine({ dataDir });
    expect((await again.engine.router.call('settings.get', {})).values).toEqual(SETTINGS_DEFAULTS);
  });

  it('stores the Upstox token without ever sending it back: present, a 4-character hint, live mode', async () => {
    const { engine, dataDir } = startEngine();
    const view = await engine.router.call('settings.setUpstoxToken', { token: `  ${UPSTOX_TOKEN}\n` });

    expect(view.mode).toBe('live');
    expect(view.upstoxToken).toMatchObject({ present: true, source: 'settings', storage: 'file-0600' });
    expect(view.upstoxToken.hint).toMatch(/WXYZ$/);
    expect(view.upstoxToken.hint!.replace(/^[^A-Za-z0-9]+/, '')).toBe('WXYZ');
    expect(Number.isNaN(Date.parse(view.upstoxToken.updatedAt ?? ''))).toBe(false);
    expect(JSON.stringify(view)).not.toContain(UPSTOX_TOKEN);

    const fetched = await engine.router.call('settings.get', {});
    expect(fetched).toEqual(view);
    expect(JSON.stringify(fetched)).not.toContain(UPSTOX_TOKEN.slice(0, -4));
    expect((await engine.router.call('system.status', {})).mode).toBe('live');

    const secrets = path.join(dataDir, 'secrets.json');
    expect(fs.statSync(secrets).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(secrets, 'utf8')).toContain(UPSTOX_TOKEN);
  });

  it('keeps the token out of the database, the log file and every other file but the vault', async () => {
    const { engine, dataDir } = startEngine({ fileLogger: true });
    await engine.router.call('settings.setUpstoxToken', { token: UPSTOX_TOKEN });
    await engine.router.call('settings.update', { theme: 'light' });
    await engine.router.call('settings.get', {});
    await stopEngine(engine);

    const logFile = path.join(dataDir, 'logs', 'tickdesk.log');
    expect(fs.readFileSync(logFile, 'utf8')).toContain('upstox token stored');
    const leaking = filesUnder(dataDir).filter(
      (file) => path.basename(file) !== 'secrets.json' && fs.readFileSync(file).includes(UPSTOX_TOKEN),
    );
    expect(leaking).toEqual([]);
    expect(fs.existsSync(path.join(dataDir, DB_FILE_NAME))).toBe(true);
  });

  it('never logs the token to the injected logger', async () => {
    const { engine, logEntries } = startEngine();
    await engine.router.call('settings.setUpstoxToken', { token: UPSTOX_TOKEN });
    await engine.router.call('settings.clearUpstoxToken', {});
    expect(logEntries.length).toBeGreaterThan(0);
    expect(JSON.stringify(logEntries)).not.toContain(UPSTOX_TOKEN);
  });

  it('refuses a token that is too short or has spaces, and keeps the previous one', async () => {
    const { engine } = startEngine();
    await engine.router.call('settings.setUpstoxToken', { token: UPSTOX_TOKEN });
    await expect(engine.router.dispatch('settings.setUpstoxToken', { token: 'short' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(
      engine.router.dispatch('settings.setUpstoxToken', { token: 'has a space in the middle of it' }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect((await engine.router.call('settings.get', {})).upstoxToken.hint).toMatch(/WXYZ$/);
  });

  it('clearing the token returns to demo mode and removes it from disk, also after a restart', async () => {
    const { engine, dataDir } = startEngine();
    await engine.router.call('settings.setUpstoxToken', { token: UPSTOX_TOKEN });
    const cleared = await engine.router.call('settings.clearUpstoxToken', {});

    expect(cleared.mode).toBe('demo');
    expect(cleared.upstoxToken).toEqual({
      present: false,
      hint: null,
      source: 'none',
      storage: 'none',
      updatedAt: null,
    });
    expect(fs.readFileSync(path.join(dataDir, 'secrets.json'), 'utf8')).not.toContain(UPSTOX_TOKEN);

    await stopEngine(engine);
    const again = startEngine({ dataDir });
    expect((await again.engine.router.call('settings.get', {})).mode).toBe('demo');
  });

  it('a stored token survives a restart', async () => {
    const { engine, dataDir } = startEngine();
    await engine.router.call('settings.setUpstoxToken', { token: UPSTOX_TOKEN });
    await stopEngine(engine);
    const again = startEngine({ dataDir });
    const view = await again.engine.router.call('settings.get', {});
    expect(view.mode).toBe('live');
    expect(view.upstoxToken).toMatchObject({ present: true, source: 'settings' });
  });

  it('an UPSTOX_ACCESS_TOKEN from the environment wins over a stored one and shows source environment', async () => {
    const stored = startEngine();
    await stored.engine.router.call('settings.setUpstoxToken', { token: UPSTOX_TOKEN });
    await stopEngine(stored.engine);

    const { engine } = startEngine({ dataDir: stored.dataDir, env: { UPSTOX_ACCESS_TOKEN: ENV_TOKEN } });
    const view = await engine.router.call('settings.get', {});
    expect(view.mode).toBe('live');
    expect(view.upstoxToken).toMatchObject({ present: true, source: 'environment', storage: 'environment' });
    expect(view.upstoxToken.hint).toMatch(/9876$/);
    expect(JSON.stringify(view)).not.toContain(ENV_TOKEN);

    // Clearing the stored token cannot switch off a token the environment supplies.
    const cleared = await engine.router.call('settings.clearUpstoxToken', {});
    expect(cleared.mode).toBe('live');
    expect(cleared.upstoxToken.source).toBe('environment');
  });

  it('a stored value that no longer validates falls back to its default without resetting the others', async () => {
    const first = startEngine();
    await first.engine.router.call('settings.update', { theme: 'light', jobRetentionDays: 60 });
    const write = first.engine.homeDb.prepare(
      'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    );
    write.run('tickRetentionDays', JSON.stringify('forever'), 1);
    write.run('feedSubscribeBatchSize', '{not json', 1);
    write.run('retiredSetting', JSON.stringify(true), 1);
    await stopEngine(first.engine);

    const { engine, logEntries } = startEngine({ dataDir: first.dataDir });
    const view = await engine.router.call('settings.get', {});
    expect(view.values).toEqual({ ...SETTINGS_DEFAULTS, theme: 'light', jobRetentionDays: 60 });
    expect(logEntries.some((e) => e.level === 'warn' && e.fields?.key === 'tickRetentionDays')).toBe(true);
  });
});
