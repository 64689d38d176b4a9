import { expect, type Page } from '@playwright/test';
import type { Shell } from './shell';

type SymbolFilter = 'all' | 'succeeded' | 'failed' | 'pending';

/** The Imports view: the new-import form and its plan, the selected run, its symbols, the history and universes. */
export class ImportsPage {
  readonly page: Page;

  constructor(private readonly shell: Shell) {
    this.page = shell.page;
  }

  async open(): Promise<void> {
    await this.shell.open();
    await this.shell.goTo('imports');
  }

  /** The checkbox of a universe in the new-import form, by its name. */
  universe(name: string) {
    return this.page
      .locator('.universe-option')
      .filter({ has: this.page.locator('.universe-name', { hasText: new RegExp(`^${name}$`) }) })
      .getByRole('checkbox');
  }

  timeframe(tf: string) {
    return this.page.locator(`input[name="timeframe"][value="${tf}"]`);
  }

  get form() {
    return this.page.getByRole('form', { name: 'New import' });
  }

  get plan() {
    return this.page.getByTestId('import-plan');
  }

  get importButton() {
    return this.page.getByRole('button', { name: 'Import', exact: true });
  }

  get emptyState() {
    return this.page.getByTestId('imports-empty');
  }

  get run() {
    return this.page.getByTestId('import-run');
  }

  get percentage() {
    return this.page.getByTestId('import-percentage');
  }

  get eta() {
    return this.page.getByTestId('import-eta');
  }

  get retries() {
    return this.page.getByTestId('import-retries');
  }

  /** The run panel's progress bar value, 0-100. */
  progress = async (): Promise<number> => Number(await this.run.getByRole('progressbar').getAttribute('aria-valuenow'));

  filter(name: SymbolFilter) {
    return this.page.getByTestId(`filter-${name}`);
  }

  /** The count a status filter shows, as a number. */
  count = async (name: SymbolFilter): Promise<number> => Number(await this.filter(name).getAttribute('data-count'));

  symbolRow(symbol: string) {
    return this.page.getByTestId(`import-symbol-${symbol}`);
  }

  get symbolRows() {
    return this.page.locator('[data-testid^="import-symbol-"]');
  }

  get retryFailed() {
    return this.page.getByRole('button', { name: 'Retry failed' });
  }

  historyRow(runId: number) {
    return this.page.getByTestId(`import-run-${runId}`);
  }

  /** The run the panel shows, by the id it carries. */
  runId = async (): Promise<number> => Number(await this.run.getAttribute('data-run-id'));

  get lineErrors() {
    return this.page.getByTestId('universe-line-errors');
  }

  /** Creates a universe from a CSV file chosen in the file input, as a trader uploads NSE's download. */
  async uploadUniverse(name: string, csv: string): Promise<void> {
    const editor = this.page.getByRole('form', { name: 'New universe' });
    await editor.getByRole('group', { name: 'Members from' }).getByRole('button', { name: 'CSV file' }).click();
    await editor.locator('input[type="file"]').setInputFiles({
      name: `${name}.csv`,
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    });
    await editor.getByLabel('Name', { exact: true }).fill(name);
    await editor.getByRole('button', { name: 'Create universe' }).click();
  }

  userUniverse(name: string) {
    return this.page.getByRole('table', { name: 'Your universes' }).getByRole('row').filter({ hasText: name });
  }

  /** Waits for the run panel to show a finished run. */
  async expectFinished(timeout = 90_000): Promise<void> {
    await expect(this.run).toHaveAttribute('data-status', /SUCCEEDED|FAILED|CANCELLED/, { timeout });
  }
}
