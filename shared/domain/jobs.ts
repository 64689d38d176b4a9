import { z } from 'zod';
import { CalendarDateSchema, decimalInt, printableText } from './inputs';

export const JOB_STATUSES = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const FINISHED_JOB_STATUSES: readonly JobStatus[] = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

export const JOB_PRIORITIES = ['URGENT', 'HIGH', 'NORMAL', 'LOW'] as const;
export type JobPriority = (typeof JOB_PRIORITIES)[number];

export const JOB_ITEM_STATUSES = ['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const;
export type JobItemStatus = (typeof JOB_ITEM_STATUSES)[number];

export const JobErrorSchema = z.object({ code: z.string(), message: z.string() });
export type JobError = z.infer<typeof JobErrorSchema>;

export const JobProgressSchema = z.object({
  percentage: z.number().min(0).max(100),
  message: z.string(),
  phase: z.string(),
  completed: z.number().int(),
  failed: z.number().int(),
  total: z.number().int(),
  currentItem: z.string().nullable(),
  /** ISO time the job is expected to finish, from the moving average of item durations; null until known. */
  estimatedCompletion: z.string().nullable(),
  avgItemMs: z.number().nullable(),
});
export type JobProgress = z.infer<typeof JobProgressSchema>;

export const JobSchema = z.object({
  id: z.number().int(),
  kind: z.string(),
  status: z.enum(JOB_STATUSES),
  priority: z.enum(JOB_PRIORITIES),
  attempts: z.number().int(),
  maxAttempts: z.number().int(),
  progress: JobProgressSchema,
  result: z.unknown().nullable(),
  error: JobErrorSchema.nullable(),
  payload: z.unknown(),
  idempotencyKey: z.string().nullable(),
  runAt: z.string(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  cancelRequested: z.boolean(),
});
export type Job = z.infer<typeof JobSchema>;

export const JobItemSchema = z.object({
  key: z.string(),
  status: z.enum(JOB_ITEM_STATUSES),
  attempts: z.number().int(),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  records: z.number().int(),
  processingTimeMs: z.number().nullable(),
  /** What the item's handler recorded of its outcome (an import: the providers that served the symbol). */
  result: z.unknown(),
});
export type JobItem = z.infer<typeof JobItemSchema>;

export const JobStatsSchema = z.object({
  queued: z.number().int(),
  running: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  cancelled: z.number().int(),
});
export type JobStats = z.infer<typeof JobStatsSchema>;

const JobIdSchema = decimalInt().pipe(z.number().positive());

export const JobListQuerySchema = z
  .object({
    status: z.enum(JOB_STATUSES).optional(),
    kind: z.string().min(1).max(100).optional(),
    limit: decimalInt().pipe(z.number().min(1).max(1000)).default(100),
  })
  .strict();

export const JobIdInputSchema = z.object({ id: JobIdSchema }).strict();
export const JobItemsQuerySchema = z
  .object({
    id: JobIdSchema,
    status: z.enum(JOB_ITEM_STATUSES).optional(),
    limit: decimalInt().pipe(z.number().min(1).max(10000)).default(1000),
  })
  .strict();

/** A job of simulated work, for trying the runner and its views. */
export const DemoJobPayloadSchema = z
  .object({
    items: z.number().int().min(1).max(100_000).default(40),
    itemMs: z.number().int().min(0).max(60_000).default(250),
    /** Every n-th item fails with a transient error on its first try (0: none). */
    failEvery: z.number().int().min(0).max(1000).default(0),
  })
  .strict();
export type DemoJobPayload = z.infer<typeof DemoJobPayloadSchema>;

export const JobStartedSchema = z.object({ jobId: z.number().int(), status: z.enum(JOB_STATUSES) });

export const JobProgressEventSchema = z.object({
  jobId: z.number().int(),
  kind: z.string(),
  status: z.enum(JOB_STATUSES),
  attempts: z.number().int(),
  progress: JobProgressSchema,
});
export const JobCompletedEventSchema = z.object({
  jobId: z.number().int(),
  kind: z.string(),
  result: z.unknown().nullable(),
  durationMs: z.number(),
});
export const JobFailedEventSchema = z.object({
  jobId: z.number().int(),
  kind: z.string(),
  error: JobErrorSchema,
  attempts: z.number().int(),
  willRetry: z.boolean(),
  nextRunAt: z.string().nullable(),
});

export const ScheduleSchema = z.object({
  name: z.string(),
  description: z.string(),
  jobKind: z.string(),
  cron: z.string(),
  timezone: z.literal('Asia/Kolkata'),
  enabled: z.boolean(),
  tradingDaysOnly: z.boolean(),
  payload: z.unknown(),
  available: z.boolean(),
  lastRunAt: z.string().nullable(),
  lastJobId: z.number().int().nullable(),
  nextRunAt: z.string().nullable(),
});
export type Schedule = z.infer<typeof ScheduleSchema>;

const MAX_SCHEDULE_PAYLOAD_CHARS = 16_384;

export const ScheduleUpdateSchema = z
  .object({
    name: z.string().min(1).max(100),
    cron: z.string().min(1).max(200).optional(),
    enabled: z.boolean().optional(),
    // A schedule payload names what to run (a universe, timeframes); anything this large is not one.
    payload: z
      .unknown()
      .refine(
        (payload) => payload === undefined || JSON.stringify(payload).length <= MAX_SCHEDULE_PAYLOAD_CHARS,
        `must be at most ${MAX_SCHEDULE_PAYLOAD_CHARS} characters of JSON`,
      )
      .optional(),
  })
  .strict();
export const ScheduleNameSchema = z.object({ name: z.string().min(1).max(100) }).strict();

export const ScheduleRunSchema = z.object({ schedule: ScheduleSchema, jobId: z.number().int() });

export const HolidaySchema = z.object({
  date: z.string(),
  description: z.string(),
  source: z.enum(['bundled', 'user']),
});
export const HolidayInputSchema = z
  .object({
    date: CalendarDateSchema,
    description: printableText(200),
  })
  .strict();
export const HolidayDateSchema = z.object({ date: CalendarDateSchema }).strict();
