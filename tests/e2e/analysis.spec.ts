import fs from 'node:fs';
import { test as base, expect } from '@playwright/test';
import { shot, startServe, stopServe, type ServedApp } from './fixtures';
import { AnalysisPages } from './pages/analysis';
import { Shell } from './pages/shell';

// This spec restarts its server on the same data folder, so it runs its own rather than the shared one.
const test = base;

test.describe('Scanner, Deep-dive and Reports views', () => {
  let app: ServedApp;

  test.afterEach(async () => {
    if (app) await stopServe(app);
  });

  test('scans a demo universe, deep-dives a row through its steps to a report with charts, finds it in the library after a restart, compares two and exports HTML that opens offline', async ({
    page,
    browser,
  }) => {
    test.setTimeout(240_000);
    app = await startServe();
    let views = new AnalysisPages(new Shell(page, app));
    await views.openScanner();
    await expect(views.id('scan-empty')).toBeVisible();

    await views.id('scan-universe').selectOption('nifty50');
    await views.id('scan-run').click();
    await expect(views.id('scan-status')).toHaveAttribute('data-status', 'COMPLETED', { timeout: 90_000 });
    await expect(views.id('scan-filter-all')).toHaveAttribute('data-count', '50');
    await page.screenshot({ path: shot('scanner') });

    const row = await views.scanRow('RELIANCE');
    await expect(row).toBeVisible();
    // A deep-dive of local data takes about a second: every state its steps show is recorded as it is drawn.
    await views.recordStepStates();
    await row.getByTestId('scan-deep-dive').click();
    await expect(page.getByRole('heading', { level: 1, name: 'Deep-dive' })).toBeVisible();
    await expect(views.report).toBeVisible({ timeout: 60_000 });
    const firstId = (await views.report.getAttribute('data-report-id'))!;
    const states = await views.stepStates();
    expect(states[0]).toMatch(/^refresh:(PENDING|RUNNING) analyse:PENDING save:PENDING$/);
    // Each render shows the steps further on, one running at a time (renders may batch two events into one).
    expect(states.some((line) => /:RUNNING/.test(line))).toBe(true);
    const rank = { PENDING: 0, RUNNING: 1, DONE: 2 } as Record<string, number>;
    const progress = states.map((line) => line.split(' ').map((part) => rank[part.split(':')[1]!]!));
    for (let i = 1; i < progress.length; i++)
      for (let step = 0; step < 3; step++) expect(progress[i]![step]).toBeGreaterThanOrEqual(progress[i - 1]![step]!);
    await expect(views.id('report-symbol')).toContainText('RELIANCE');
    for (const chart of ['factors', 'price', 'oi', 'iv'])
      await expect(views.id(`chart-${chart}`).locator('svg').first()).toBeVisible();
    await expect(views.id('report-summary')).toContainText('RELIANCE');
    await page.screenshot({ path: shot('deep-dive-report'), fullPage: true });

    // A second report of the same symbol, to compare with after the restart.
    const secondId = await views.deepDive('RELIANCE');
    expect(secondId).not.toBe(firstId);

    const dataDir = app.dataDir;
    await stopServe(app, { keepData: true });
    app = await startServe({}, { dataDir });
    views = new AnalysisPages(new Shell(page, app));
    await views.openScanner();
    await views.goTo('reports');
    await expect(views.reportRow(firstId)).toBeVisible();
    await expect(views.reportRow(secondId)).toBeVisible();

    // Fundamentals from a screener export: a file with a bad row is refused with its line, a good one imported.
    const header = 'Name,BSE Code,NSE Code,Price to Earning,Return on equity,Promoter holding';
    await views.id('fundamentals-file').setInputFiles({
      name: 'screen.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`${header}\nReliance,500325,RELIANCE,24.6,9.4,50.3\nTCS,532540,TCS,=1+1,45,72\n`),
    });
    await expect(views.id('fundamentals-errors')).toContainText('=1+1');
    await views.id('fundamentals-file').setInputFiles({
      name: 'screen.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`${header}\nReliance,500325,RELIANCE,24.6,9.4,50.3\nAn SME,543210,,12,11,60\n`),
    });
    await expect(views.id('fundamentals-imported')).toContainText(/1 compan(y|ies) imported .*1 BSE-only row/);
    await page.screenshot({ path: shot('reports-library') });

    await views.reportRow(firstId).getByTestId('report-compare-tick').check();
    await views.reportRow(secondId).getByTestId('report-compare-tick').check();
    await views.id('reports-compare').click();
    await expect(views.id('comparison')).toBeVisible();
    await expect(views.id('compare-explanation').locator('li').first()).toBeVisible();
    await expect(views.id('compare-factors')).toContainText(/technical/i);
    await page.screenshot({ path: shot('reports-compare'), fullPage: true });
    await views.id('comparison-close').click();

    await views.reportRow(firstId).getByTestId('report-open').click();
    await expect(views.report).toHaveAttribute('data-report-id', firstId);
    const downloading = page.waitForEvent('download');
    await views.id('report-export-html').click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^RELIANCE-\d{4}-\d{2}-\d{2}-report-\d+\.html$/);
    const html = fs.readFileSync((await download.path())!, 'utf8');

    // Opened with every request refused and the context offline: nothing in it may need the network.
    const offline = await browser.newContext({ offline: true });
    const requested: string[] = [];
    await offline.route('**/*', (route) => {
      requested.push(route.request().url());
      return route.abort();
    });
    const exported = await offline.newPage();
    await exported.setContent(html, { waitUntil: 'load' });
    await expect(exported.locator('h1')).toContainText('RELIANCE');
    expect(await exported.locator('svg').count()).toBeGreaterThanOrEqual(4);
    await exported.screenshot({ path: shot('report-export'), fullPage: true });
    expect(requested).toEqual([]);
    await offline.close();
  });
});
