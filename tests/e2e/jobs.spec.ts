import { expect, shot, test } from './fixtures';

test.describe('Jobs view', () => {
  test("a running demo job's progress bar moves and shows its ETA; cancel stops it", async ({
    page,
    jobs,
    shell,
    api,
  }) => {
    await jobs.open();
    const started = await api.send('POST', '/jobs/demo', { items: 80, itemMs: 150 });
    expect(started.status()).toBe(202);
    const { jobId } = (await started.json()) as { jobId: number };

    const row = jobs.row(jobId);
    await expect(row).toHaveAttribute('data-status', 'RUNNING');
    await expect.poll(() => jobs.progressOf(jobId)).toBeGreaterThan(5);
    const first = await jobs.progressOf(jobId);
    await expect.poll(() => jobs.progressOf(jobId)).toBeGreaterThan(first);
    await expect(jobs.eta(jobId)).toContainText(/in \d+ (s|min)/);
    await expect(shell.jobsStatus).toContainText('1 running');
    await page.screenshot({ path: shot('jobs') });

    // The count before cancelling, then exactly one more (other jobs of the session may have been cancelled already).
    const cancelledBefore = await jobs.stat('cancelled');
    await jobs.action(jobId, 'Cancel').click();
    await expect(row).toHaveAttribute('data-status', 'CANCELLED');
    await expect.poll(() => jobs.stat('cancelled')).toBe(cancelledBefore + 1);
    await jobs.action(jobId, 'Retry').click();
    await expect(row).toHaveAttribute('data-status', /QUEUED|RUNNING/);
  });
});
