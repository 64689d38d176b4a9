import { expect, SCREENSHOT_DIR, test } from './fixtures';

test.describe('app shell', () => {
  test('loads in demo mode with the engine connected and the token gone from the address bar', async ({ page, app }) => {
    await page.goto(app.openUrl);
    await expect(page.getByTestId('status-engine')).toContainText('connected (Local API)');
    await expect(page.getByTestId('status-mode')).toHaveText('Demo mode');
    await expect(page.getByRole('heading', { level: 1, name: 'Market' })).toBeVisible();
    expect(page.url()).not.toContain('token=');
  });

  test('navigates by click and by keyboard', async ({ page, app }) => {
    await page.goto(app.openUrl);
    for (const name of ['Imports', 'Scanner', 'Deep-dive', 'Reports', 'Orders']) {
      await page.getByRole('button', { name: new RegExp(`^${name}`) }).click();
      await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
      await expect(page.getByText('Not available yet')).toBeVisible();
    }
    await page.getByRole('button', { name: /^Jobs/ }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Jobs' })).toBeVisible();
    await page.keyboard.press('Alt+8');
    await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
    await page.keyboard.press('Alt+1');
    await expect(page.getByRole('heading', { level: 1, name: 'Market' })).toBeVisible();
    await expect(page.getByRole('button', { name: /^Market/ })).toHaveAttribute('aria-current', 'page');
  });

  test('a setting round-trips through the engine and survives a reload; a bad one is refused', async ({ page, app, request }) => {
    await page.goto(app.openUrl);
    await page.keyboard.press('Alt+8');
    const retention = page.getByLabel('Keep raw ticks for (days)');
    await retention.fill('45');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByText('Saved', { exact: true })).toBeVisible();

    const stored = await request.get(`${app.origin}/api/v1/settings`, { headers: { Authorization: `Bearer ${app.token}` } });
    expect((await stored.json()).values.tickRetentionDays).toBe(45);

    await page.reload();
    await page.keyboard.press('Alt+8');
    await expect(page.getByLabel('Keep raw ticks for (days)')).toHaveValue('45');

    await page.getByLabel('Keep raw ticks for (days)').fill('0');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByRole('alert')).toContainText(/>=\s*1|at least 1|too small/i);
    const after = await request.get(`${app.origin}/api/v1/settings`, { headers: { Authorization: `Bearer ${app.token}` } });
    expect((await after.json()).values.tickRetentionDays).toBe(45);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/settings.png` });
  });

  test('a wrong token gets 401 from the API and a clear message in the app', async ({ page, app, request }) => {
    const denied = await request.get(`${app.origin}/api/v1/health`, { headers: { Authorization: 'Bearer wrong-token-of-some-length' } });
    expect(denied.status()).toBe(401);
    expect((await denied.json()).error.code).toBe('UNAUTHORIZED');

    await page.goto(`${app.origin}/#token=wrong-token-of-some-length`);
    await expect(page.getByRole('heading', { level: 1, name: 'Not authorised' })).toBeVisible();
    await expect(page.getByTestId('status-engine')).toContainText('not authorised');
  });
});
