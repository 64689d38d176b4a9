import { expect } from '@playwright/test';
import type { Shell } from './shell';

/** The Settings view: the engine settings form, the Upstox login and the pasted access token. */
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

  /** Saves the Upstox app the login runs as; the secret field empties once the engine has stored it. */
  async saveUpstoxApp(clientId: string, secret: string): Promise<void> {
    const page = this.shell.page;
    await page.getByLabel('API key', { exact: true }).fill(clientId);
    await page.getByLabel('API secret', { exact: true }).fill(secret);
    await page.getByRole('button', { name: 'Save app' }).click();
    await expect(page.getByLabel('API secret', { exact: true })).toHaveValue('');
    await expect(page.getByLabel('API secret', { exact: true })).toHaveAttribute('placeholder', /^set \(/);
  }

  /** "Logged in as …", "Login expired: …" or "Not logged in to Upstox". */
  get loginStatus() {
    return this.shell.page.getByTestId('login-status');
  }

  get loginButton() {
    return this.shell.page.getByRole('button', { name: 'Log in to Upstox', exact: true });
  }

  /** How the last login failed or was cancelled, until the next one. */
  get loginError() {
    return this.shell.page.getByTestId('login-error');
  }

  /** The redirect URI to register with Upstox, as the login sends it. */
  get redirectUri() {
    return this.shell.page.getByTestId('redirect-uri');
  }
}
