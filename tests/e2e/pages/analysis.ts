import { expect, type Page } from '@playwright/test';
import type { Shell } from './shell';

// Runs in the page (a string: the tests' tsconfig has no DOM types).
const STEP_RECORDER = `(() => {
  const seen = (window.stepStates = []);
  const record = () => {
    const states = [...document.querySelectorAll('[data-testid^="deep-dive-step-"]')]
      .map((el) => el.getAttribute('data-testid').slice('deep-dive-step-'.length) + ':' + el.getAttribute('data-status'))
      .join(' ');
    if (states && seen[seen.length - 1] !== states) seen.push(states);
  };
  new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true });
})()`;

/** The Scanner, Deep-dive and Reports views, and the report they share. */
export class AnalysisPages {
  readonly page: Page;

  constructor(private readonly shell: Shell) {
    this.page = shell.page;
  }

  async openScanner(): Promise<void> {
    await this.shell.open();
    await this.shell.goTo('scanner');
  }

  goTo(view: 'scanner' | 'deep-dive' | 'reports') {
    return this.shell.goTo(view);
  }

  id(testId: string) {
    return this.page.getByTestId(testId);
  }

  /** Runs a scan of a universe (its option's label) and waits for its results. */
  async runScan(universe: string): Promise<void> {
    await this.id('scan-universe').selectOption({ label: universe });
    await this.id('scan-run').click();
    await expect(this.id('scan-status')).toHaveAttribute('data-status', 'COMPLETED', { timeout: 60_000 });
  }

  /** A result row, found through the filter box (the table is virtualized: off-screen rows are not in the page). */
  async scanRow(symbol: string) {
    await this.id('scan-filter-text').fill(symbol);
    return this.id(`scan-row-${symbol}`);
  }

  get report() {
    return this.id('report');
  }

  /**
   * Records every combination of step states the page draws from now on (`refresh:DONE analyse:RUNNING ...`): a
   * deep-dive of local data takes about a second, too short to sample its steps from outside.
   */
  recordStepStates(): Promise<void> {
    return this.page.evaluate(STEP_RECORDER);
  }

  stepStates(): Promise<string[]> {
    return this.page.evaluate('window.stepStates') as Promise<string[]>;
  }

  step(name: 'refresh' | 'analyse' | 'save') {
    return this.id(`deep-dive-step-${name}`);
  }

  /** Starts a deep-dive of a typed symbol and waits for its report (a new one, where one was showing). */
  async deepDive(symbol: string): Promise<string> {
    const shown = (await this.report.count()) > 0 ? await this.report.getAttribute('data-report-id') : null;
    await this.id('deep-dive-symbol').fill(symbol);
    await this.id('deep-dive-symbol').press('Enter');
    await expect(this.report).toBeVisible({ timeout: 60_000 });
    if (shown !== null) await expect(this.report).not.toHaveAttribute('data-report-id', shown, { timeout: 60_000 });
    return (await this.report.getAttribute('data-report-id'))!;
  }

  reportRow(id: string) {
    return this.id(`report-row-${id}`);
  }
}
