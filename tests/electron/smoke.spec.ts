/**
 * Smoke test of the real desktop shell: the built main process, the sandboxed preload and the renderer, talking to
 * the engine over IPC. Hermetic: a temp data folder, demo mode, and shell.openExternal stubbed so no browser opens.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import type { WorkstationApi } from '../../shared/contract';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const MAIN = path.join(ROOT, 'out', 'main', 'index.js');

/** What the page sees; written out because this file is type-checked without the DOM library. */
interface PageGlobals {
  workstation?: WorkstationApi;
  open(url: string): unknown;
}

/** Where the stubbed shell.openExternal records its calls, in the main process. */
interface MainGlobals {
  openedExternally: string[];
}

// eslint-disable-next-line no-empty-pattern
test('the desktop shell boots sandboxed and serves the engine over IPC', async ({}, testInfo) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tickdesk-electron-'));
  const app = await electron.launch({
    // Chromium refuses to start as root with its sandbox on (containers, CI); the renderer stays sandboxed by Electron.
    args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), MAIN],
    cwd: ROOT,
    env: { ...process.env, TICKDESK_DATA_DIR: dataDir, UPSTOX_ACCESS_TOKEN: '', ELECTRON_RENDERER_URL: '' },
  });
  let closed = false;
  await app.context().tracing.start({ screenshots: true, snapshots: true });
  try {
    await app.evaluate(({ shell }) => {
      const opened: string[] = [];
      (globalThis as unknown as MainGlobals).openedExternally = opened;
      shell.openExternal = async (url: string) => {
        opened.push(url);
      };
    });

    const page = await app.firstWindow();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));

    await expect(page).toHaveTitle(/Tickdesk/);
    await expect
      .poll(() => page.evaluate(() => typeof (globalThis as unknown as PageGlobals).workstation))
      .toBe('object');
    expect(await page.evaluate(() => Object.keys((globalThis as unknown as PageGlobals).workstation!).sort())).toEqual([
      'invoke',
      'on',
      'printReportToPdf',
    ]);
    expect(await page.evaluate(() => [typeof require, typeof process])).toEqual(['undefined', 'undefined']);

    const health = await page.evaluate(() =>
      (globalThis as unknown as PageGlobals).workstation!.invoke('system.health', {}),
    );
    expect(health.status).toBe('ok');
    const status = await page.evaluate(() =>
      (globalThis as unknown as PageGlobals).workstation!.invoke('system.status', {}),
    );
    expect(status).toMatchObject({ mode: 'demo', dataDir: path.resolve(dataDir) });

    const rejection = await page.evaluate(async () => {
      try {
        await (globalThis as unknown as PageGlobals).workstation!.invoke('settings.update', { tickRetentionDays: 0 });
        return null;
      } catch (reason) {
        const { name, code, message } = reason as { name?: unknown; code?: unknown; message?: unknown };
        return { name, code, message };
      }
    });
    expect(rejection).toMatchObject({ name: 'WorkstationError', code: 'VALIDATION_FAILED' });

    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).open('https://example.com'))).toBeNull();
    await expect
      .poll(() => app.evaluate(() => (globalThis as unknown as MainGlobals).openedExternally))
      .toEqual(['https://example.com/']);

    // The market feed runs in the main process against the built-in simulator and reaches the window over IPC.
    await expect(page.getByTestId('feed-status')).toHaveAttribute('data-state', 'connected', { timeout: 15_000 });
    await expect
      .poll(
        () =>
          page.evaluate(
            () =>
              new Promise<number>((resolve) => {
                const off = (globalThis as unknown as PageGlobals).workstation!.on('market_ticks', (envelope) => {
                  off();
                  resolve(Object.keys(envelope.payload.ticks).length);
                });
              }),
          ),
        { timeout: 15_000 },
      )
      .toBeGreaterThan(0);

    await expect(page.locator('#root > *').first()).toBeVisible();
    await page.screenshot({ path: path.join(ROOT, 'test-results', 'electron-smoke.png') });
    expect(pageErrors).toEqual([]);

    await app.context().tracing.stop();
    await app.close();
    closed = true;
    expect(app.process().exitCode).toBe(0);
  } catch (error) {
    if (!closed)
      await app
        .context()
        .tracing.stop({ path: testInfo.outputPath('trace.zip') })
        .catch(() => undefined);
    throw error;
  } finally {
    if (!closed) await app.close().catch(() => undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
