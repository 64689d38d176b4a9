import { z } from 'zod';
import {
  DemoJobPayloadSchema,
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

/** The job runner and the scheduler. */
export const jobsCommands = {
  'jobs.list': command(JobListQuerySchema, z.array(JobSchema), { method: 'GET', path: '/jobs' }),
  'jobs.stats': command(NoInput, JobStatsSchema, { method: 'GET', path: '/jobs/stats' }),
  'jobs.get': command(JobIdInputSchema, JobSchema, { method: 'GET', path: '/jobs/:id' }),
  'jobs.items': command(JobItemsQuerySchema, z.array(JobItemSchema), { method: 'GET', path: '/jobs/:id/items' }),
  'jobs.cancel': command(JobIdInputSchema, JobSchema, { method: 'POST', path: '/jobs/:id/cancel' }),
  'jobs.retry': command(JobIdInputSchema, JobSchema, { method: 'POST', path: '/jobs/:id/retry' }),
  'jobs.startDemo': command(DemoJobPayloadSchema, JobStartedSchema, {
    method: 'POST',
    path: '/jobs/demo',
    status: 202,
  }),

  'schedules.list': command(NoInput, z.array(ScheduleSchema), { method: 'GET', path: '/schedules' }),
  'schedules.update': command(ScheduleUpdateSchema, ScheduleSchema, { method: 'PUT', path: '/schedules/:name' }),
  'schedules.runNow': command(ScheduleNameSchema, ScheduleRunSchema, {
    method: 'POST',
    path: '/schedules/:name/run',
    status: 202,
  }),
} as const;

export const jobsEvents = {
  // Each carries the job's whole progress: a newer one for the job supersedes it. The outcome events are streams.
  job_progress_update: snapshot(JobProgressEventSchema),
  job_completed: stream(JobCompletedEventSchema),
  job_failed: stream(JobFailedEventSchema),
} as const;
