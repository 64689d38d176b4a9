import { expect } from '@playwright/test';
import type { Shell } from './shell';

/** The Settings view: the engine settings form and the Upstox connection. */
export class SettingsPage {
  constructor(private readonly shell: Shell) {}

  async open(): Promise<void> {
    await this.shell.goTo('settings');
  }

  field(label: string) {
    return this.shell.page.getByLabel(label);
  }

  async save(): Promise<void> {
    await this.shell.page.getByRole('button', { name: 'Save settings' }).click();
  }

  get saved() {
    return this.shell.page.getByText('Saved', { exact: true });
  }

  get modeBanner() {
    return this.shell.page.getByTestId('mode-banner');
  }

  /** Stores an Upstox access token through the form, as a trader pastes it. */
  async setUpstoxToken(token: string): Promise<void> {
    await this.shell.page.getByLabel('Access token', { exact: true }).fill(token);
    await this.shell.page.getByRole('button', { name: 'Save token' }).click();
    await expect(this.shell.page.getByLabel('Access token', { exact: true })).toHaveValue('');
  }

  async clearUpstoxToken(): Promise<void> {
    await this.shell.page.getByRole('button', { name: 'Remove token' }).click();
  }
}
