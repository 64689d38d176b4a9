import { expect } from '@playwright/test';
import type { Shell } from './shell';

/** The Jobs view: the job table with progress bars, ETAs and actions, and the queue counters. */
export class JobsPage {
  constructor(private readonly shell: Shell) {}

  async open(): Promise<void> {
    await this.shell.open();
    await this.shell.navButton('Jobs').click();
    await expect(this.shell.heading('Jobs')).toBeVisible();
  }

  row(jobId: number) {
    return this.shell.page.getByTestId(`job-${jobId}`);
  }

  progressOf = async (jobId: number): Promise<number> =>
    Number(await this.row(jobId).getByRole('progressbar').getAttribute('aria-valuenow'));

  eta(jobId: number) {
    return this.row(jobId).getByTestId('job-eta');
  }

  action(jobId: number, name: 'Cancel' | 'Retry') {
    return this.row(jobId).getByRole('button', { name });
  }

  /** A queue counter (`cancelled`, `running`...) as a number, once it shows one. */
  async stat(name: string): Promise<number> {
    const value = this.shell.page.getByTestId(`stat-${name}`).locator('.stat-value');
    await expect(value).toHaveText(/^\d+$/);
    return Number(await value.textContent());
  }
}
