import { expect, shot, test } from './fixtures';

test.describe('app shell', () => {
  test('loads in demo mode with the engine connected and the token gone from the address bar', async ({
    page,
    shell,
  }) => {
    await shell.open();
    await expect(shell.engineStatus).toContainText('connected (Local API)');
    await expect(shell.modeStatus).toHaveText('DEMO');
    await expect(shell.heading('Market')).toBeVisible();
    await expect(shell.worldBadge()).toHaveText(/DEMO · simulated prices/);
    expect(page.url()).not.toContain('token=');
  });

  test('navigates by click and by keyboard', async ({ page, shell }) => {
    await shell.open();
    await shell.navButton('Imports').click();
    await expect(shell.heading('Imports')).toBeVisible();
    await expect(page.getByRole('form', { name: 'New import' })).toBeVisible();
    for (const name of ['Scanner', 'Deep-dive', 'Reports', 'Orders']) {
      await shell.navButton(name).click();
      await expect(shell.heading(name)).toBeVisible();
    }
    await shell.goTo('scanner');
    await shell.goTo('deep-dive');
    await shell.goTo('reports');
    await shell.goTo('orders');
    await shell.navButton('Jobs').click();
    await expect(shell.heading('Jobs')).toBeVisible();
    await shell.goTo('settings');
    await shell.goTo('imports');
    await shell.goTo('market');
    await expect(shell.navButton('Market')).toHaveAttribute('aria-current', 'page');
  });

  test('a setting round-trips through the engine and survives a reload; a bad one is refused', async ({
    page,
    shell,
    settings,
    api,
  }) => {
    await shell.open();
    await settings.open();
    await settings.field('Keep raw ticks for (days)').fill('45');
    await settings.save();
    await expect(settings.saved).toBeVisible();
    expect((await api.get<{ values: { tickRetentionDays: number } }>('/settings')).values.tickRetentionDays).toBe(45);

    await page.reload();
    await settings.open();
    await expect(settings.field('Keep raw ticks for (days)')).toHaveValue('45');

    await settings.field('Keep raw ticks for (days)').fill('0');
    await settings.save();
    await expect(page.getByRole('alert')).toContainText(/>=\s*1|at least 1|too small/i);
    expect((await api.get<{ values: { tickRetentionDays: number } }>('/settings')).values.tickRetentionDays).toBe(45);
    await page.screenshot({ path: shot('settings') });
  });

  test('a wrong token gets 401 from the API and a clear message in the app', async ({ page, app, request, shell }) => {
    const denied = await request.get(`${app.origin}/api/v1/health`, {
      headers: { Authorization: 'Bearer wrong-token-of-some-length' },
    });
    expect(denied.status()).toBe(401);
    expect((await denied.json()).error.code).toBe('UNAUTHORIZED');

    await page.goto(`${app.origin}/#token=wrong-token-of-some-length`);
    await expect(shell.heading('Not authorised')).toBeVisible();
    await expect(shell.engineStatus).toContainText('not authorised');
  });
});
