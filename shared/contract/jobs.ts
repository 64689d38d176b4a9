import { z } from 'zod';
import {
  DemoJobPayloadSchema,
  HolidayDateSchema,
  HolidayInputSchema,
  HolidaySchema,
  JobCompletedEventSchema,
  JobFailedEventSchema,
  JobIdInputSchema,
  JobItemSchema,
  JobItemsQuerySchema,
  JobListQuerySchema,
  JobProgressEventSchema,
  JobSchema,
  JobStartedSchema,
  JobStatsSchema,
  ScheduleNameSchema,
  ScheduleRunSchema,
  ScheduleSchema,
  ScheduleUpdateSchema,
} from '../domain/jobs';
import { command, NoInput, snapshot, stream } from './define';

/** The job runner, the scheduler and the trading calendar the scheduler runs by. */
export const jobsCommands = {
  'jobs.list': command(JobListQuerySchema, z.array(JobSchema), { method: 'GET', path: '/jobs' }),
  'jobs.stats': command(NoInput, JobStatsSchema, { method: 'GET', path: '/jobs/stats' }),
  'jobs.get': command(JobIdInputSchema, JobSchema, { method: 'GET', path: '/jobs/:id' }),
  'jobs.items': command(JobItemsQuerySchema, z.array(JobItemSchema), { method: 'GET', path: '/jobs/:id/items' }),
  'jobs.cancel': command(JobIdInputSchema, JobSchema, { method: 'POST', path: '/jobs/:id/cancel' }),
  'jobs.retry': command(JobIdInputSchema, JobSchema, { method: 'POST', path: '/jobs/:id/retry' }),
  'jobs.startDemo': command(DemoJobPayloadSchema, JobStartedSchema, { method: 'POST', path: '/jobs/demo', status: 202 }),

  'schedules.list': command(NoInput, z.array(ScheduleSchema), { method: 'GET', path: '/schedules' }),
  'schedules.update': command(ScheduleUpdateSchema, ScheduleSchema, { method: 'PUT', path: '/schedules/:name' }),
  'schedules.runNow': command(ScheduleNameSchema, ScheduleRunSchema, { method: 'POST', path: '/schedules/:name/run', status: 202 }),

  'calendar.holidays': command(NoInput, z.array(HolidaySchema), { method: 'GET', path: '/calendar/holidays' }),
  'calendar.addHoliday': command(HolidayInputSchema, z.array(HolidaySchema), { method: 'POST', path: '/calendar/holidays' }),
  'calendar.removeHoliday': command(HolidayDateSchema, z.array(HolidaySchema), { method: 'DELETE', path: '/calendar/holidays/:date' }),
} as const;

export const jobsEvents = {
  // Each carries the job's whole progress: a newer one for the job supersedes it. The outcome events are streams.
  job_progress_update: snapshot(JobProgressEventSchema),
  job_completed: stream(JobCompletedEventSchema),
  job_failed: stream(JobFailedEventSchema),
} as const;
