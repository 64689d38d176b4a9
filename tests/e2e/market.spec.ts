import type { APIRequestContext, Page } from '@playwright/test';
import { expect, SCREENSHOT_DIR, test, type ServedApp } from './fixtures';

interface Subscription {
  instrumentKey: string;
  mode: string;
}

const auth = (app: ServedApp) => ({ Authorization: `Bearer ${app.token}` });

async function subscriptions(request: APIRequestContext, app: ServedApp): Promise<Subscription[]> {
  const answer = await request.get(`${app.origin}/api/v1/feed/subscriptions`, { headers: auth(app) });
  expect(answer.ok()).toBe(true);
  return (await answer.json()) as Subscription[];
}

async function openMarket(page: Page, app: ServedApp): Promise<void> {
  await page.goto(app.openUrl);
  await page.keyboard.press('Alt+1');
  await expect(page.getByRole('heading', { level: 1, name: 'Market' })).toBeVisible();
}

/** Adds the first search result that is not in the watchlist yet and returns its instrument key. */
async function addFromSearch(page: Page, query: string): Promise<string> {
  await page.keyboard.press('/');
  const search = page.getByTestId('instrument-search');
  await expect(search).toBeFocused();
  await search.fill(query);
  const option = page.getByRole('listbox', { name: 'Instruments' }).getByRole('option').filter({ hasNot: page.locator('.picker-added') }).first();
  await expect(option).toBeVisible();
  const key = (await option.getAttribute('data-testid'))!.replace('instrument-option-', '');
  await option.click();
  await expect(page.getByTestId(`watch-row-${key}`)).toBeVisible();
  return key;
}

const rows = (page: Page) => page.getByTestId('watchlist').locator('[data-testid^="watch-row-"]');

test.describe('Market view', () => {
  test('live watchlist ticks, the chart draws bars, and the feed says connected', async ({ page, app }) => {
    await openMarket(page, app);
    const status = page.getByTestId('feed-status');
    await expect(status).toHaveAttribute('data-state', 'connected', { timeout: 20_000 });
    await expect(status).toContainText(/Demo simulator/);

    if ((await rows(page).count()) === 0) await addFromSearch(page, 'NIFTY');
    await expect.poll(() => rows(page).count()).toBeGreaterThan(0);

    const row = rows(page).first();
    await expect(row).not.toHaveAttribute('data-ltp', '', { timeout: 15_000 });
    const firstLtp = await row.getAttribute('data-ltp');
    await expect.poll(() => row.getAttribute('data-ltp'), { timeout: 20_000 }).not.toBe(firstLtp);
    await expect(status).toContainText(/\d+(\.\d)? ticks\/s/);

    await row.click();
    await expect(row).toHaveAttribute('aria-selected', 'true');
    const key = (await row.getAttribute('data-testid'))!.replace('watch-row-', '');
    const chart = page.getByTestId('price-chart');
    await expect(chart).toHaveAttribute('data-instrument', key);
    await expect.poll(async () => Number(await chart.getAttribute('data-bars')), { timeout: 20_000 }).toBeGreaterThan(0);
    await expect(chart.locator('canvas').first()).toBeVisible();

    // Keyboard: ↓ moves the selection, Enter charts it. The demo watchlist holds indices, equities, futures and options.
    await expect.poll(() => rows(page).count()).toBeGreaterThan(1);
    await page.getByTestId('watchlist').focus();
    await page.keyboard.press('ArrowDown');
    const second = rows(page).nth(1);
    await expect(second).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('Enter');
    const secondKey = (await second.getAttribute('data-testid'))!.replace('watch-row-', '');
    await expect(chart).toHaveAttribute('data-instrument', secondKey);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await expect(chart).toHaveAttribute('data-instrument', key);
    await expect.poll(async () => Number(await chart.getAttribute('data-bars')), { timeout: 20_000 }).toBeGreaterThan(0);

    // An equity shows every part of the screen: volume bars under the candles, and the order book.
    const equityRow = page.locator('[data-testid^="watch-row-NSE_EQ|"]').first();
    await expect(equityRow).toBeVisible();
    await equityRow.click();
    await expect.poll(async () => Number(await chart.getAttribute('data-bars')), { timeout: 20_000 }).toBeGreaterThan(0);
    await expect(page.getByRole('complementary', { name: 'Market depth' }).getByRole('table')).toBeVisible();
    // A tick more lands on the equity, so the screenshot shows a live screen.
    await expect(equityRow).not.toHaveAttribute('data-ltp', '', { timeout: 15_000 });
    const equityLtp = await equityRow.getAttribute('data-ltp');
    await expect.poll(() => equityRow.getAttribute('data-ltp'), { timeout: 20_000 }).not.toBe(equityLtp);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/market.png` });
  });

  test('adds an instrument through the search box, removes it with Delete, undoes, and removes it with its button', async ({ page, app, request }) => {
    await openMarket(page, app);
    // The demo watchlist already holds RELIANCE: TATA finds Tata stocks that are not in it yet.
    const key = await addFromSearch(page, 'TATA');
    expect((await subscriptions(request, app)).map((s) => s.instrumentKey)).toContain(key);
    const row = page.getByTestId(`watch-row-${key}`);
    await expect(row.getByText('FULL')).toBeVisible();
    await expect(page.getByTestId('price-chart')).toHaveAttribute('data-instrument', key);

    await row.click();
    await page.keyboard.press('Delete');
    await expect(row).toHaveCount(0);
    await expect.poll(async () => (await subscriptions(request, app)).map((s) => s.instrumentKey)).not.toContain(key);

    await page.getByRole('button', { name: 'Undo' }).click();
    await expect(row).toBeVisible();
    await expect.poll(async () => (await subscriptions(request, app)).find((s) => s.instrumentKey === key)?.mode).toBe('full');

    await row.hover();
    await row.getByRole('button', { name: /^Remove / }).click();
    await expect(row).toHaveCount(0);
    await expect.poll(async () => (await subscriptions(request, app)).map((s) => s.instrumentKey)).not.toContain(key);
  });

  test('subscribes an option in Option Greeks mode and shows its IV and delta', async ({ page, app, request }) => {
    await openMarket(page, app);
    await page.getByLabel('Subscription mode').selectOption('option_greeks');
    const key = await addFromSearch(page, 'NIFTY PE');
    const row = page.getByTestId(`watch-row-${key}`);
    await expect(row.getByText('GREEKS')).toBeVisible();
    expect((await subscriptions(request, app)).find((s) => s.instrumentKey === key)?.mode).toBe('option_greeks');
    // IV and delta are the 9th and 10th cells. A put's delta lies in [-1, 0]; the first put the search offers may
    // be far out of the money as the demo market drifts, where it shows as 0.00.
    await expect(row.getByRole('gridcell').nth(8)).toHaveText(/\d+\.\d{2}%/, { timeout: 15_000 });
    const delta = row.getByRole('gridcell').nth(9);
    await expect(delta).toHaveText(/^-?\d\.\d{2}$/);
    const value = Number(((await delta.textContent()) ?? '').replace('−', '-'));
    expect(value).toBeGreaterThanOrEqual(-1);
    expect(value).toBeLessThanOrEqual(0);
    await request.delete(`${app.origin}/api/v1/feed/subscriptions`, { headers: auth(app), data: { instrumentKeys: [key] } });
    await expect(row).toHaveCount(0);
  });

  test('a search that matches nothing says so', async ({ page, app }) => {
    await openMarket(page, app);
    await page.getByTestId('instrument-search').fill('ZZQQXXNOTHING');
    await expect(page.getByRole('listbox')).toContainText('No instrument matches');
  });

  test('shows a clear empty state with the search box when nothing is subscribed', async ({ page, app, request }) => {
    const before = await subscriptions(request, app);
    try {
      if (before.length > 0) {
        const removed = await request.delete(`${app.origin}/api/v1/feed/subscriptions`, {
          headers: auth(app),
          data: { instrumentKeys: before.map((s) => s.instrumentKey) },
        });
        expect(removed.ok()).toBe(true);
      }
      await openMarket(page, app);
      await expect(page.getByTestId('watchlist-empty')).toContainText('Your watchlist is empty');
      await expect(page.getByTestId('price-chart')).toHaveCount(0);
      await page.getByRole('button', { name: 'Search instruments' }).click();
      await expect(page.getByTestId('instrument-search')).toBeFocused();
      await page.screenshot({ path: `${SCREENSHOT_DIR}/market-empty.png` });

      const key = await addFromSearch(page, 'NIFTY');
      await expect(page.getByTestId('watchlist-empty')).toHaveCount(0);
      await expect(rows(page)).toHaveCount(1);
      await request.delete(`${app.origin}/api/v1/feed/subscriptions`, { headers: auth(app), data: { instrumentKeys: [key] } });
    } finally {
      // The engine is shared by every spec of the worker: put the watchlist back as it was.
      const modes = new Map<string, string[]>();
      for (const s of before) modes.set(s.mode, [...(modes.get(s.mode) ?? []), s.instrumentKey]);
      for (const [mode, instrumentKeys] of modes) {
        await request.post(`${app.origin}/api/v1/feed/subscriptions`, { headers: auth(app), data: { instrumentKeys, mode } });
      }
    }
  });
});
