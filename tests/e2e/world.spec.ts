import path from 'node:path';
import { startUpstoxSimulator, type UpstoxSimulator } from '../../electron/engine/sim';
import { EngineApi, type Subscription } from './pages/api';
import { MarketPage } from './pages/market';
import { SettingsPage } from './pages/settings';
import { Shell } from './pages/shell';
import { expect, shot, startServe, stopServe, test, type ServedApp } from './fixtures';

const RESOURCES = path.resolve(import.meta.dirname, '..', '..', 'resources');
const LIVE_TOKEN = 'simulated-upstox-access-token-0123456789';

// "Upstox" is a second simulator with another seed, reached as the real one is: by URL and token. This spec has an
// engine of its own, so that switching worlds does not disturb the specs sharing the worker's.
let upstox: UpstoxSimulator;
let app: ServedApp;

test.beforeAll(async () => {
  upstox = await startUpstoxSimulator({ resourcesDir: RESOURCES, port: 0, seed: 99, tickIntervalMs: 100 });
  app = await startServe({ UPSTOX_API_URL: upstox.apiUrl, UPSTOX_ASSETS_URL: upstox.apiUrl });
});

test.afterAll(async () => {
  await stopServe(app);
  await upstox.close();
});

test('demo prices, then a token: live prices only, with the world on screen; and back to demo', async ({
  page,
  request,
}) => {
  const shell = new Shell(page, app);
  const market = new MarketPage(shell);
  const settings = new SettingsPage(shell);
  const api = new EngineApi(request, app);

  // Demo: the starter watchlist ticks under a DEMO badge, in the view, beside the chart and in the status bar.
  await market.open();
  await expect(shell.worldBadge()).toHaveText(/DEMO · simulated prices/);
  await expect(shell.modeStatus).toHaveText('DEMO');
  await expect(market.feedStatus).toContainText('Demo simulator', { timeout: 20_000 });
  await expect.poll(() => market.rows.count(), { timeout: 20_000 }).toBeGreaterThan(0);
  const demoWatchlist: Subscription[] = await api.subscriptions();
  const equity = market.firstRowOf('NSE_EQ');
  await market.expectTicking(equity);
  await equity.click();
  await expect(shell.worldBadge('small').first()).toHaveText('DEMO');
  await page.screenshot({ path: shot('world-demo') });

  // A token: the world switches, and nothing of the demo world stays on screen.
  await settings.open();
  await settings.setUpstoxToken(LIVE_TOKEN);
  await expect(settings.modeBanner).toContainText('Live mode');
  await shell.goTo('market');
  await expect(shell.worldBadge()).toHaveText('LIVE · Upstox');
  await expect(shell.modeStatus).toHaveText('LIVE');
  await expect(market.feedStatus).toContainText('Upstox V3');
  await expect(market.feedStatus).toHaveAttribute('data-state', 'connected', { timeout: 20_000 });
  await expect(market.emptyState).toBeVisible();
  for (const { instrumentKey } of demoWatchlist) await expect(market.row(instrumentKey)).toHaveCount(0);
  expect(await api.subscriptions()).toEqual([]);

  // Live: an instrument from "Upstox"'s own master ticks with "Upstox"'s prices, and its chart draws.
  const key = await market.expectSearchable('RELIANCE');
  const row = market.row(key);
  await market.expectTicking(row);
  await market.expectChartOf(key);
  await expect(shell.worldBadge('small').first()).toHaveText('LIVE');
  const live = await api.get<Record<string, { ltp: number }>>(`/feed/latest-ticks?keys=${encodeURIComponent(key)}`);
  expect(Object.keys(live)).toEqual([key]);
  await page.screenshot({ path: shot('world-live') });

  // Back to demo: its own watchlist returns, and the live one is gone from screen.
  await settings.open();
  await settings.clearUpstoxToken();
  await expect(settings.modeBanner).toContainText('Demo mode');
  await shell.goTo('market');
  await expect(shell.worldBadge()).toHaveText(/DEMO/);
  await expect
    .poll(async () => (await api.subscriptions()).map((s) => s.instrumentKey).sort())
    .toEqual(demoWatchlist.map((s) => s.instrumentKey).sort());
  // The watchlist is virtualised: it renders the rows in view, and counts all of them in aria-rowcount (with its header).
  await expect(market.watchlist).toHaveAttribute('aria-rowcount', String(demoWatchlist.length + 1));
  if (!demoWatchlist.some((s) => s.instrumentKey === key)) await expect(market.row(key)).toHaveCount(0);
});
