import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { WorkstationError } from '../../../shared/errors';
import { FakeClock } from '../../../tests/helpers/fake-clock';
import { closeTestJobs, createTestJobs } from '../../../tests/helpers/jobs';
import { removeTempDirs } from '../../../tests/helpers/temp-dir';
import { defineJobKind } from './registry';
import type { ScheduleDefinition } from './scheduler';

const reportKind = defineJobKind({
  kind: 'test.report',
  description: 'a scheduled report',
  payload: z.object({ universe: z.string().min(1) }).strict(),
  handler: async () => undefined,
});

/** 16:00 IST on weekdays. */
const AFTER_CLOSE: ScheduleDefinition = {
  name: 'after-close',
  description: 'Report after the close',
  jobKind: reportKind.kind,
  cron: '0 16 * * 1-5',
  enabled: true,
  tradingDaysOnly: false,
  payload: { universe: 'NIFTY50' },
};

const MINUTE = 60_000;

afterEach(async () => {
  await closeTestJobs();
  removeTempDirs();
});

function scheduledJobs(h: ReturnType<typeof createTestJobs>) {
  return h.jobs.service.list({ kind: reportKind.kind, limit: 100 });
}

describe('scheduler', () => {
  it('fires at the cron time in IST, once per occurrence, with the schedule payload', () => {
    // Monday 2026-01-05 09:30 IST.
    const h = createTestJobs({ kinds: [reportKind], schedules: [AFTER_CLOSE] });
    h.jobs.scheduler.start();
    const [schedule] = h.jobs.scheduler.list();
    expect(schedule!.nextRunAt).toBe('2026-01-05T10:30:00.000Z');

    h.clock.advance(6 * 60 * MINUTE + 29 * MINUTE);
    expect(scheduledJobs(h)).toHaveLength(0);
    h.clock.advance(MINUTE);
    const fired = scheduledJobs(h);
    expect(fired).toHaveLength(1);
    expect(fired[0]!.payload).toEqual({ universe: 'NIFTY50' });
    expect(h.jobs.scheduler.list()[0]).toMatchObject({
      lastJobId: fired[0]!.id,
      nextRunAt: '2026-01-06T10:30:00.000Z',
    });

    h.clock.advance(24 * 60 * MINUTE);
    expect(scheduledJobs(h)).toHaveLength(2);
  });

  it('skips days the calendar says do not trade when a schedule is for trading days only', () => {
    // Tuesday 2026-01-06 is declared a holiday.
    const holiday = Date.parse('2026-01-06T00:00:00+05:30');
    const calendar = { isTradingDay: (ms: number) => ms < holiday || ms >= holiday + 24 * 60 * MINUTE };
    const h = createTestJobs({
      kinds: [reportKind],
      schedules: [{ ...AFTER_CLOSE, tradingDaysOnly: true }],
      calendar,
      clock: new FakeClock('2026-01-05T11:00:00.000Z'),
    });
    h.jobs.scheduler.start();
    expect(h.jobs.scheduler.list()[0]!.nextRunAt).toBe('2026-01-07T10:30:00.000Z');
    h.clock.advance(30 * 60 * MINUTE);
    expect(scheduledJobs(h)).toHaveLength(0);
  });

  it('makes up a run missed while closed exactly once, even across restarts', async () => {
    const first = createTestJobs({ kinds: [reportKind], schedules: [AFTER_CLOSE] });
    first.jobs.scheduler.start();
    await first.close();

    // Opened again the next morning: Monday's 16:00 run was missed.
    const clock = new FakeClock('2026-01-06T03:00:00.000Z');
    const second = createTestJobs({ kinds: [reportKind], schedules: [AFTER_CLOSE], dataDir: first.dataDir, clock });
    second.jobs.scheduler.start();
    expect(scheduledJobs(second)).toHaveLength(1);
    expect(second.jobs.scheduler.list()[0]!.nextRunAt).toBe('2026-01-06T10:30:00.000Z');
    await second.close();

    const third = createTestJobs({
      kinds: [reportKind],
      schedules: [AFTER_CLOSE],
      dataDir: first.dataDir,
      clock: new FakeClock('2026-01-06T03:05:00.000Z'),
    });
    third.jobs.scheduler.start();
    expect(scheduledJobs(third)).toHaveLength(1);
  });

  it('does not make up a run older than the catch-up window', async () => {
    const monthly = { ...AFTER_CLOSE, cron: '0 16 5 * *' };
    const first = createTestJobs({ kinds: [reportKind], schedules: [monthly] });
    first.jobs.scheduler.start();
    await first.close();

    // Closed over the 5 January run; opened again 15 days later.
    const second = createTestJobs({
      kinds: [reportKind],
      schedules: [monthly],
      dataDir: first.dataDir,
      clock: new FakeClock('2026-01-20T03:00:00.000Z'),
    });
    second.jobs.scheduler.start();
    expect(scheduledJobs(second)).toHaveLength(0);
    expect(second.jobs.scheduler.list()[0]!.nextRunAt).toBe('2026-02-05T10:30:00.000Z');
  });

  it('refuses a bad cron or payload with a typed error naming the field, and changes nothing', () => {
    const h = createTestJobs({ kinds: [reportKind], schedules: [AFTER_CLOSE] });
    h.jobs.scheduler.start();
    const before = h.jobs.scheduler.list();

    const badCron = catchError(() => h.jobs.scheduler.update('after-close', { cron: '61 * * * *' }));
    expect(badCron).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(badCron.details?.[0]?.path).toEqual(['cron']);

    const badPayload = catchError(() => h.jobs.scheduler.update('after-close', { payload: { universe: '' } }));
    expect(badPayload).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(badPayload.details?.[0]?.path).toEqual(['payload', 'universe']);

    expect(h.jobs.scheduler.list()).toEqual(before);
  });

  it('disabling clears the next run and stops firing; enabling plans the next occurrence', () => {
    const h = createTestJobs({ kinds: [reportKind], schedules: [AFTER_CLOSE] });
    h.jobs.scheduler.start();
    expect(h.jobs.scheduler.update('after-close', { enabled: false }).nextRunAt).toBeNull();
    h.clock.advance(2 * 24 * 60 * MINUTE);
    expect(scheduledJobs(h)).toHaveLength(0);
    // Wednesday 09:30 IST now.
    expect(h.jobs.scheduler.update('after-close', { enabled: true }).nextRunAt).toBe('2026-01-07T10:30:00.000Z');
  });

  it('runs a schedule now at high priority, each press a new job', () => {
    const h = createTestJobs({ kinds: [reportKind], schedules: [AFTER_CLOSE] });
    h.jobs.scheduler.start();
    const a = h.jobs.scheduler.runNow('after-close');
    const b = h.jobs.scheduler.runNow('after-close');
    expect(a.jobId).not.toBe(b.jobId);
    expect(h.jobs.service.get(a.jobId)).toMatchObject({ priority: 'HIGH', payload: { universe: 'NIFTY50' } });
    expect(catchError(() => h.jobs.scheduler.runNow('nope'))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('never fires a schedule whose job kind this version cannot run, and refuses to enable it', () => {
    const h = createTestJobs({ kinds: [], schedules: [{ ...AFTER_CLOSE, enabled: false }] });
    h.jobs.scheduler.start();
    expect(h.jobs.scheduler.list()[0]!.available).toBe(false);
    expect(catchError(() => h.jobs.scheduler.update('after-close', { enabled: true }))).toMatchObject({
      code: 'CONFLICT',
    });
    expect(catchError(() => h.jobs.scheduler.runNow('after-close'))).toMatchObject({ code: 'CONFLICT' });
    h.clock.advance(2 * 24 * 60 * MINUTE);
    expect(h.jobs.service.list({ limit: 100 })).toHaveLength(0);
  });
});

function catchError(fn: () => unknown): WorkstationError {
  try {
    fn();
  } catch (error) {
    if (error instanceof WorkstationError) return error;
    throw error;
  }
  throw new Error('expected a WorkstationError');
}
