import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startUpstoxSimulator, type UpstoxSimulator } from '../../electron/engine/sim';
import { MarketPage } from './pages/market';
import { SettingsPage } from './pages/settings';
import { Shell } from './pages/shell';
import { expect, shot, startServe, stopServe, test, type ServedApp } from './fixtures';

const RESOURCES = path.resolve(import.meta.dirname, '..', '..', 'resources');

// "Upstox" is a simulator reached by URL, as the real one is; the app starts with yesterday's login, long dead.
let upstox: UpstoxSimulator;
let app: ServedApp;

test.beforeAll(async () => {
  upstox = await startUpstoxSimulator({ resourcesDir: RESOURCES, port: 0, seed: 41, tickIntervalMs: 100 });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tickdesk-e2e-login-'));
  const yesterday = Date.now() - 86_400_000;
  const expired = upstox.login.issueAccessToken(yesterday - 86_400_000);
  fs.writeFileSync(
    path.join(dataDir, 'secrets.json'),
    JSON.stringify({ 'upstox-access-token': { value: expired, updatedAt: yesterday } }),
    { mode: 0o600 },
  );
  app = await startServe(
    { UPSTOX_API_URL: upstox.apiUrl, UPSTOX_ORDER_URL: upstox.apiUrl, UPSTOX_ASSETS_URL: upstox.apiUrl },
    { dataDir },
  );
});

test.afterAll(async () => {
  await stopServe(app);
  await upstox.close();
});

test('a cancelled login says so clearly and changes nothing', async ({ page, context }) => {
  const shell = new Shell(page, app);
  const settings = new SettingsPage(shell);
  await shell.open();
  await settings.open();
  await expect(settings.loginStatus).toContainText(/expired/i);
  await settings.saveUpstoxApp('tickdesk-e2e-app', 'e2e-api-secret-4242');
  await expect(settings.redirectUri).toHaveText(`${app.origin}/oauth/upstox/callback`);

  const dialogOpened = context.waitForEvent('page');
  await settings.loginButton.click();
  const dialog = await dialogOpened;
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog.getByRole('heading')).toHaveText('Login cancelled');
  await dialog.close();

  await expect(settings.loginError).toContainText('cancelled');
  await expect(settings.loginStatus).toContainText(/expired/i);
  await page.screenshot({ path: shot('login-cancelled') });
});

test('an expired login: the banner, the dialog, and the feed live again with the new expiry', async ({
  page,
  context,
}) => {
  const shell = new Shell(page, app);
  const market = new MarketPage(shell);
  const settings = new SettingsPage(shell);
  await shell.open();
  await market.open();
  const banner = page.getByTestId('feed-auth-failed');
  await expect(banner).toContainText('expire daily at 03:30 IST', { timeout: 20_000 });
  await expect(page.getByTestId('login-chip')).toContainText('login expired');
  await page.screenshot({ path: shot('login-expired-banner') });

  const dialogOpened = context.waitForEvent('page');
  await banner.getByRole('button', { name: 'Log in', exact: true }).click();
  const dialog = await dialogOpened;
  await expect(dialog.getByRole('heading')).toHaveText('Upstox login (demo market)');
  await dialog.screenshot({ path: shot('login-dialog') });
  await dialog.getByRole('button', { name: 'Authorize' }).click();
  await expect(dialog.getByRole('heading')).toHaveText('Logged in to Upstox as Demo Trader');
  await dialog.close();

  await expect(banner).toHaveCount(0, { timeout: 20_000 });
  await expect(market.feedStatus).toHaveAttribute('data-state', 'connected', { timeout: 20_000 });
  await expect(page.getByTestId('login-chip')).toContainText(/Upstox: expires in (\d+ h )?\d+ min/);
  await settings.open();
  await expect(settings.loginStatus).toContainText('Logged in as Demo Trader');
  await expect(settings.loginStatus).toContainText(/expires in .*03:30 IST/);
  await page.screenshot({ path: shot('login-done') });
});
