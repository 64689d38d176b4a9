import { BAD_CSV, BANKS_CSV } from '../fixtures/universe-csv';
import { expect, shot, test } from './fixtures';

const UNIVERSE = 'E2E banks';

test.describe('Imports view', () => {
  test.describe.configure({ mode: 'serial' });

  test('refuses a CSV with bad rows line by line, and creates a universe from an uploaded CSV', async ({
    imports,
    api,
  }) => {
    // Members resolve through the instrument master, which the demo world imports at start.
    await expect
      .poll(async () => (await api.get<unknown[]>('/instruments/search?q=HDFCBANK')).length, { timeout: 30_000 })
      .toBeGreaterThan(0);
    await imports.open();
    if ((await api.get<unknown[]>('/imports')).length === 0) await expect(imports.emptyState).toBeVisible();

    await imports.uploadUniverse('Bad file', BAD_CSV);
    await expect(imports.lineErrors).toBeVisible();
    const refused = imports.lineErrors.locator('tbody tr');
    await expect(refused).toHaveCount(3);
    await expect(refused.nth(0)).toContainText('3');
    await expect(refused.nth(0)).toContainText('=SUM(A1)');
    await expect(refused.nth(0)).toContainText(/formula/);
    await expect(refused.nth(1)).toContainText(/check digit/);
    await expect(refused.nth(2)).toContainText(/repeats the member of line 2/);
    await expect(imports.userUniverse('Bad file')).toHaveCount(0);

    await imports.uploadUniverse(UNIVERSE, BANKS_CSV);
    await expect(imports.page.getByTestId('universe-created')).toContainText(
      '6 members, 1 not in the instrument master',
    );
    await expect(imports.lineErrors).toHaveCount(0);
    await expect(imports.userUniverse(UNIVERSE)).toContainText('6');
    await expect(imports.universe(UNIVERSE)).toBeVisible();
  });

  test('imports NIFTY 50 and the banks (1h, 1d, 1w) with a plan, a progress bar with its ETA, retries the unresolved symbol and charts an imported one', async ({
    page,
    imports,
    market,
    api,
  }) => {
    test.setTimeout(180_000);
    const watchlistBefore = await api.subscriptions();
    await imports.open();

    await imports.universe('NIFTY 50').check();
    await imports.universe(UNIVERSE).check();
    await expect(imports.timeframe('1d')).toBeChecked();
    await imports.timeframe('1w').check();
    // Hourly bars of a year make the run last long enough to watch its ETA count down.
    await imports.timeframe('1h').check();
    await expect(page.getByLabel('1d lookback (days)')).toHaveValue('3650');
    await expect(page.getByLabel('1w lookback (days)')).toHaveValue('7300');
    await expect(page.getByLabel('1h lookback (days)')).toHaveValue('365');
    // The banks other than NOTABANK are NIFTY 50 stocks too: 51 symbols, one request or more each per timeframe.
    await expect(imports.plan).toContainText(/51 symbols · \d+ requests · at least ~\d+ (s|min)/);
    await expect(imports.plan).toContainText('1 member not in the instrument master');
    await imports.plan.getByText(/not in the instrument master/).click();
    await expect(imports.plan.getByRole('listitem')).toHaveText(['NOTABANK']);

    await imports.timeframe('1w').focus();
    await page.keyboard.press('Control+Enter');
    await expect(imports.run).toHaveAttribute('data-status', /QUEUED|RUNNING/);
    const runId = await imports.runId();
    await expect(imports.run).toHaveAttribute('data-status', 'RUNNING', { timeout: 20_000 });
    await expect(imports.eta).toContainText(/in \d+ (s|min)/, { timeout: 30_000 });
    await expect(imports.eta).toContainText(/at \d\d:\d\d:\d\d/);
    await expect(imports.page.getByTestId('throughput-chart')).toBeVisible({ timeout: 30_000 });
    // A quarter in, the throughput chart has a shape and the ETA has settled.
    await expect.poll(imports.progress, { timeout: 60_000 }).toBeGreaterThan(25);
    await expect(imports.eta).toContainText(/in \d+ (s|min)|any moment/);
    await page.screenshot({ path: shot('imports-running') });

    await expect(imports.percentage).toHaveText('100%', { timeout: 120_000 });
    await imports.expectFinished();
    await expect(imports.run).toHaveAttribute('data-status', 'SUCCEEDED');
    await expect(imports.page.getByTestId('import-counts')).toHaveText('51/51 symbols');
    await expect.poll(() => imports.count('all')).toBe(51);
    await expect.poll(() => imports.count('succeeded')).toBe(50);
    expect(await imports.count('failed')).toBe(1);
    expect(await imports.count('pending')).toBe(0);

    await imports.filter('failed').click();
    await expect(imports.symbolRows).toHaveCount(1);
    const notABank = imports.symbolRow('NOTABANK');
    await expect(notABank).toHaveAttribute('data-status', 'failed');
    await expect(notABank.getByTestId('symbol-error-code')).toHaveText('SYMBOL_NOT_FOUND');
    await expect(notABank.getByTestId('symbol-attempts')).toHaveText('1');
    // The symbols and the run history, at the top of the scrolled view.
    await imports.page
      .getByRole('heading', { name: 'Symbols', exact: true })
      .evaluate((heading) => heading.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: shot('imports-done') });

    await imports.retryFailed.click();
    await expect(imports.retries).toHaveText('1 retry', { timeout: 20_000 });
    await imports.expectFinished();
    await expect(notABank.getByTestId('symbol-attempts')).toHaveText('2', { timeout: 20_000 });
    await expect(notABank).toHaveAttribute('data-status', 'failed');
    await expect(notABank.getByTestId('symbol-error-code')).toHaveText('SYMBOL_NOT_FOUND');
    await expect(imports.historyRow(runId).getByTestId('run-retries')).toHaveText('1');

    await imports.filter('succeeded').click();
    const hdfc = imports.symbolRow('HDFCBANK');
    await expect(hdfc).toHaveAttribute('data-status', 'succeeded');
    expect(Number((await hdfc.getByTestId('symbol-records').textContent())?.replace(/,/g, ''))).toBeGreaterThan(2000);
    const key = (
      await api.get<{ symbol: string; instrumentKey: string }[]>(`/imports/${runId}/symbols?status=succeeded`)
    ).find((s) => s.symbol === 'HDFCBANK')!.instrumentKey;
    await hdfc.getByRole('button', { name: 'HDFCBANK' }).click();

    try {
      await expect(market.page.getByRole('heading', { level: 1, name: 'Market' })).toBeVisible();
      await expect(market.chart).toHaveAttribute('data-instrument', key);
      await expect(market.chart).toHaveAttribute('data-timeframe', '1d');
      await expect(page.getByRole('group', { name: 'Timeframe' }).getByRole('button', { name: '1d' })).toHaveAttribute(
        'aria-pressed',
        'true',
      );
      // Ten years of imported daily bars, with today's bar completed (or opened) by live ticks at the end.
      await expect.poll(market.chartBars, { timeout: 20_000 }).toBeGreaterThan(200);
      await expect(market.chart).toHaveAttribute('data-last-source', /live/, { timeout: 20_000 });
      await expect(market.chart.getByTestId('chart-source')).toContainText('live');
      await expect(market.row(key)).toHaveAttribute('aria-selected', 'true');
      await page.screenshot({ path: shot('imports-chart') });
    } finally {
      // The engine is shared by every spec of the worker: put the watchlist back as it was.
      if (!watchlistBefore.some((s) => s.instrumentKey === key)) await api.unsubscribe([key]);
    }
  });

  test('deletes a universe of your own after a confirming second click', async ({ imports }) => {
    await imports.open();
    const row = imports.userUniverse(UNIVERSE);
    await row.getByRole('button', { name: 'Delete' }).click();
    await row.getByRole('button', { name: 'Confirm delete' }).click();
    await expect(row).toHaveCount(0);
    await expect(imports.universe(UNIVERSE)).toHaveCount(0);
  });
});
