import { expect, type Locator, type Page } from '@playwright/test';
import type { Shell } from './shell';

/** The Market view: instrument search, watchlist, price chart, depth and feed status. */
export class MarketPage {
  readonly page: Page;

  constructor(private readonly shell: Shell) {
    this.page = shell.page;
  }

  async open(): Promise<void> {
    await this.shell.open();
    await this.shell.goTo('market');
  }

  get search() {
    return this.page.getByTestId('instrument-search');
  }

  get searchResults() {
    return this.page.getByRole('listbox', { name: 'Instruments' });
  }

  get watchlist() {
    return this.page.getByTestId('watchlist');
  }

  get rows() {
    return this.watchlist.locator('[data-testid^="watch-row-"]');
  }

  row(key: string) {
    return this.page.getByTestId(`watch-row-${key}`);
  }

  /** The first watchlist row of a segment (`NSE_EQ`, `NSE_FO`...). */
  firstRowOf(segment: string) {
    return this.page.locator(`[data-testid^="watch-row-${segment}|"]`).first();
  }

  get emptyState() {
    return this.page.getByTestId('watchlist-empty');
  }

  get feedStatus() {
    return this.page.getByTestId('feed-status');
  }

  get chart() {
    return this.page.getByTestId('price-chart');
  }

  get depth() {
    return this.page.getByRole('complementary', { name: 'Market depth' });
  }

  keyOf = async (row: Locator): Promise<string> => (await row.getAttribute('data-testid'))!.replace('watch-row-', '');

  chartBars = async (): Promise<number> => Number(await this.chart.getAttribute('data-bars'));

  /** Waits for the chart of `key` to draw at least one bar. */
  async expectChartOf(key: string): Promise<void> {
    await expect(this.chart).toHaveAttribute('data-instrument', key);
    await expect.poll(this.chartBars, { timeout: 20_000 }).toBeGreaterThan(0);
  }

  /** Waits for a row to show a price, then for that price to move: the row is live. */
  async expectTicking(row: Locator): Promise<void> {
    await expect(row).not.toHaveAttribute('data-ltp', '', { timeout: 15_000 });
    const first = await row.getAttribute('data-ltp');
    await expect.poll(() => row.getAttribute('data-ltp'), { timeout: 20_000 }).not.toBe(first);
  }

  /**
   * Adds the first search result for `query` (waiting for the instrument master of a world just entered to be
   * imported) and returns its instrument key.
   */
  async expectSearchable(query: string): Promise<string> {
    await expect(async () => {
      await this.search.fill('');
      await this.search.fill(query);
      await expect(this.searchResults.getByRole('option').first()).toBeVisible({ timeout: 2_000 });
    }).toPass({ timeout: 30_000 });
    await this.search.fill('');
    return this.addFromSearch(query);
  }

  /** Adds the first search result that is not in the watchlist yet (via `/`) and returns its instrument key. */
  async addFromSearch(query: string): Promise<string> {
    await this.page.keyboard.press('/');
    await expect(this.search).toBeFocused();
    await this.search.fill(query);
    const option = this.searchResults
      .getByRole('option')
      .filter({ hasNot: this.page.locator('.picker-added') })
      .first();
    await expect(option).toBeVisible();
    const key = (await option.getAttribute('data-testid'))!.replace('instrument-option-', '');
    await option.click();
    await expect(this.row(key)).toBeVisible();
    return key;
  }
}
