import { expect, shot, test } from './fixtures';

test.describe('Market view', () => {
  test('live watchlist ticks, the chart draws bars, and the feed says connected', async ({ page, market }) => {
    await market.open();
    await expect(market.feedStatus).toHaveAttribute('data-state', 'connected', { timeout: 20_000 });
    await expect(market.feedStatus).toContainText(/Demo simulator/);

    if ((await market.rows.count()) === 0) await market.addFromSearch('NIFTY');
    await expect.poll(() => market.rows.count()).toBeGreaterThan(0);

    const row = market.rows.first();
    await market.expectTicking(row);
    await expect(market.feedStatus).toContainText(/\d+(\.\d)? ticks\/s/);

    await row.click();
    await expect(row).toHaveAttribute('aria-selected', 'true');
    const key = await market.keyOf(row);
    await market.expectChartOf(key);
    await expect(market.chart.locator('canvas').first()).toBeVisible();

    // Keyboard: ↓ moves the selection, Enter charts it. The demo watchlist holds indices, equities, futures and options.
    await expect.poll(() => market.rows.count()).toBeGreaterThan(1);
    await market.watchlist.focus();
    await page.keyboard.press('ArrowDown');
    const second = market.rows.nth(1);
    await expect(second).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('Enter');
    await expect(market.chart).toHaveAttribute('data-instrument', await market.keyOf(second));
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await market.expectChartOf(key);

    // An equity shows every part of the screen: volume bars under the candles, and the order book.
    const equityRow = market.firstRowOf('NSE_EQ');
    await expect(equityRow).toBeVisible();
    await equityRow.click();
    await expect.poll(market.chartBars, { timeout: 20_000 }).toBeGreaterThan(0);
    await expect(market.depth.getByRole('table')).toBeVisible();
    // A tick more lands on the equity, so the screenshot shows a live screen.
    await market.expectTicking(equityRow);
    await page.screenshot({ path: shot('market') });
  });

  test('adds an instrument through the search box, removes it with Delete, undoes, and removes it with its button', async ({
    page,
    market,
    api,
  }) => {
    await market.open();
    const keys = async () => (await api.subscriptions()).map((s) => s.instrumentKey);
    // The demo watchlist already holds RELIANCE: TATA finds Tata stocks that are not in it yet.
    const key = await market.addFromSearch('TATA');
    expect(await keys()).toContain(key);
    const row = market.row(key);
    await expect(row.getByText('FULL')).toBeVisible();
    await expect(market.chart).toHaveAttribute('data-instrument', key);

    await row.click();
    await page.keyboard.press('Delete');
    await expect(row).toHaveCount(0);
    await expect.poll(keys).not.toContain(key);

    await page.getByRole('button', { name: 'Undo' }).click();
    await expect(row).toBeVisible();
    await expect.poll(async () => (await api.subscriptions()).find((s) => s.instrumentKey === key)?.mode).toBe('full');

    await row.hover();
    await row.getByRole('button', { name: /^Remove / }).click();
    await expect(row).toHaveCount(0);
    await expect.poll(keys).not.toContain(key);
  });

  test('subscribes an option in Option Greeks mode and shows its IV and delta', async ({ page, market, api }) => {
    await market.open();
    await page.getByLabel('Subscription mode').selectOption('option_greeks');
    const key = await market.addFromSearch('NIFTY PE');
    const row = market.row(key);
    await expect(row.getByText('GREEKS')).toBeVisible();
    expect((await api.subscriptions()).find((s) => s.instrumentKey === key)?.mode).toBe('option_greeks');
    // IV and delta are the 9th and 10th cells. A put's delta lies in [-1, 0]; the first put the search offers may
    // be far out of the money as the demo market drifts, where it shows as 0.00.
    await expect(row.getByRole('gridcell').nth(8)).toHaveText(/\d+\.\d{2}%/, { timeout: 15_000 });
    const delta = row.getByRole('gridcell').nth(9);
    await expect(delta).toHaveText(/^-?\d\.\d{2}$/);
    const value = Number(((await delta.textContent()) ?? '').replace('−', '-'));
    expect(value).toBeGreaterThanOrEqual(-1);
    expect(value).toBeLessThanOrEqual(0);
    await api.unsubscribe([key]);
    await expect(row).toHaveCount(0);
  });

  test('a search that matches nothing says so', async ({ market }) => {
    await market.open();
    await market.search.fill('ZZQQXXNOTHING');
    await expect(market.page.getByRole('listbox')).toContainText('No instrument matches');
  });

  test('shows a clear empty state with the search box when nothing is subscribed', async ({ page, market, api }) => {
    const before = await api.subscriptions();
    try {
      if (before.length > 0) await api.unsubscribe(before.map((s) => s.instrumentKey));
      await market.open();
      await expect(market.emptyState).toContainText('Your watchlist is empty');
      await expect(market.chart).toHaveCount(0);
      await page.getByRole('button', { name: 'Search instruments' }).click();
      await expect(market.search).toBeFocused();
      await page.screenshot({ path: shot('market-empty') });

      const key = await market.addFromSearch('NIFTY');
      await expect(market.emptyState).toHaveCount(0);
      await expect(market.rows).toHaveCount(1);
      await api.unsubscribe([key]);
    } finally {
      // The engine is shared by every spec of the worker: put the watchlist back as it was.
      await api.restoreSubscriptions(before);
    }
  });
});
