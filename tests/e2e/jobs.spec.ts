import { expect, SCREENSHOT_DIR, test } from './fixtures';

test.describe('Jobs view', () => {
  test("a running demo job's progress bar moves and shows its ETA; cancel stops it", async ({ page, app, request }) => {
    await page.goto(app.openUrl);
    await page.getByRole('button', { name: /^Jobs/ }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Jobs' })).toBeVisible();

    const started = await request.post(`${app.origin}/api/v1/jobs/demo`, {
      headers: { Authorization: `Bearer ${app.token}` },
      data: { items: 80, itemMs: 150 },
    });
    expect(started.status()).toBe(202);
    const { jobId } = await started.json();

    const row = page.getByTestId(`job-${jobId}`);
    await expect(row).toHaveAttribute('data-status', 'RUNNING');
    const bar = row.getByRole('progressbar');
    const value = async () => Number(await bar.getAttribute('aria-valuenow'));
    await expect.poll(value).toBeGreaterThan(5);
    const first = await value();
    await expect.poll(value).toBeGreaterThan(first);
    await expect(row.getByTestId('job-eta')).toContainText(/in \d+ (s|min)/);
    await expect(page.getByTestId('status-jobs')).toContainText('1 running');
    await page.screenshot({ path: `${SCREENSHOT_DIR}/jobs.png` });

    // The count before cancelling, then exactly one more (other jobs of the session may have been cancelled already).
    const cancelledValue = page.getByTestId('stat-cancelled').locator('.stat-value');
    await expect(cancelledValue).toHaveText(/^\d+$/);
    const cancelledCount = async () => Number(await cancelledValue.textContent());
    const cancelledBefore = await cancelledCount();
    await row.getByRole('button', { name: 'Cancel' }).click();
    await expect(row).toHaveAttribute('data-status', 'CANCELLED');
    await expect.poll(cancelledCount).toBe(cancelledBefore + 1);
    await row.getByRole('button', { name: 'Retry' }).click();
    await expect(row).toHaveAttribute('data-status', /QUEUED|RUNNING/);
  });
});
