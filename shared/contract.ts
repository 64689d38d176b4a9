/**
 * The one contract between the engine and everything that talks to it (Electron IPC, the Local API,
 * the renderer's bridge). Every command and event name, with its schema, is written here and nowhere else.
 */
import { z } from 'zod';
import { CriticalErrorSchema, HealthSchema, SystemStatusSchema } from './domain/system';
import {
  SettingsPatchSchema,
  SettingsSchema,
  SettingsViewSchema,
  UpstoxTokenInputSchema,
} from './domain/settings';
import {
  CandleQuerySchema,
  CandleSchema,
  FeedStatusSchema,
  LatestTicksQuerySchema,
  LatestTicksSchema,
  MarketTicksEventSchema,
  SubscribeInputSchema,
  SubscribeResultSchema,
  SubscriptionSchema,
  UnsubscribeInputSchema,
  UnsubscribeResultSchema,
} from './domain/feed';
import { InstrumentImportInputSchema, InstrumentLookupSchema, InstrumentSchema, InstrumentSearchQuerySchema } from './domain/instruments';
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
  HolidayDateSchema,
  HolidayInputSchema,
  HolidaySchema,
  ScheduleNameSchema,
  ScheduleRunSchema,
  ScheduleSchema,
  ScheduleUpdateSchema,
} from './domain/jobs';
import type { EVENT_ENVELOPE_VERSION } from './constants';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** A REST route of the Local API that serves a command; path parameters (`:id`) become input fields. */
export interface HttpRoute {
  method: HttpMethod;
  /** Below the API prefix, e.g. `/jobs/:id`. */
  path: string;
  /** Status of a successful answer: 202 for commands that start durable work. */
  status?: 200 | 201 | 202;
}

export interface CommandSpec<I extends z.ZodType, O extends z.ZodType> {
  input: I;
  output: O;
  http?: HttpRoute;
}

function command<I extends z.ZodType, O extends z.ZodType>(input: I, output: O, http?: HttpRoute): CommandSpec<I, O> {
  return http ? { input, output, http } : { input, output };
}

const NoInput = z.object({}).strict();

export const commands = {
  'system.health': command(NoInput, HealthSchema, { method: 'GET', path: '/health' }),
  'system.status': command(NoInput, SystemStatusSchema, { method: 'GET', path: '/system/status' }),

  'settings.get': command(NoInput, SettingsViewSchema, { method: 'GET', path: '/settings' }),
  'settings.update': command(SettingsPatchSchema, SettingsViewSchema, { method: 'PUT', path: '/settings' }),
  'settings.setUpstoxToken': command(UpstoxTokenInputSchema.strict(), SettingsViewSchema, {
    method: 'PUT',
    path: '/settings/upstox-token',
  }),
  'settings.clearUpstoxToken': command(NoInput, SettingsViewSchema, { method: 'DELETE', path: '/settings/upstox-token' }),

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

  'feed.status': command(NoInput, FeedStatusSchema, { method: 'GET', path: '/feed/status' }),
  'feed.subscriptions': command(NoInput, z.array(SubscriptionSchema), { method: 'GET', path: '/feed/subscriptions' }),
  'feed.subscribe': command(SubscribeInputSchema, SubscribeResultSchema, { method: 'POST', path: '/feed/subscriptions' }),
  'feed.unsubscribe': command(UnsubscribeInputSchema, UnsubscribeResultSchema, { method: 'DELETE', path: '/feed/subscriptions' }),
  'feed.latestTicks': command(LatestTicksQuerySchema, LatestTicksSchema, { method: 'GET', path: '/feed/latest-ticks' }),
  /** Starts the feed again after `auth_failed` or `stopped` (e.g. once a fresh token is saved). */
  'feed.reconnect': command(NoInput, FeedStatusSchema, { method: 'POST', path: '/feed/reconnect' }),
  'candles.list': command(CandleQuerySchema, z.array(CandleSchema), { method: 'GET', path: '/candles' }),

  'instruments.search': command(InstrumentSearchQuerySchema, z.array(InstrumentSchema), { method: 'GET', path: '/instruments/search' }),
  'instruments.get': command(InstrumentLookupSchema, z.array(InstrumentSchema), { method: 'GET', path: '/instruments' }),
  'instruments.import': command(InstrumentImportInputSchema, JobStartedSchema, { method: 'POST', path: '/instruments/import', status: 202 }),

  'calendar.holidays': command(NoInput, z.array(HolidaySchema), { method: 'GET', path: '/calendar/holidays' }),
  'calendar.addHoliday': command(HolidayInputSchema, z.array(HolidaySchema), { method: 'POST', path: '/calendar/holidays' }),
  'calendar.removeHoliday': command(HolidayDateSchema, z.array(HolidaySchema), { method: 'DELETE', path: '/calendar/holidays/:date' }),
} as const;

export const events = {
  settings_changed: SettingsSchema,
  feed_status: FeedStatusSchema,
  market_ticks: MarketTicksEventSchema,
  critical_error: CriticalErrorSchema,
  job_progress_update: JobProgressEventSchema,
  job_completed: JobCompletedEventSchema,
  job_failed: JobFailedEventSchema,
} as const;

export type Commands = typeof commands;
export type CommandName = keyof Commands;
export type CommandInput<K extends CommandName> = z.input<Commands[K]['input']>;
export type CommandOutput<K extends CommandName> = z.output<Commands[K]['output']>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<K extends EventName> = z.output<Events[K]>;

/** What every pushed event looks like on the wire, over IPC and the Local API alike. */
export interface EventEnvelope<K extends EventName = EventName> {
  event: K;
  timestamp: string;
  source: string;
  version: typeof EVENT_ENVELOPE_VERSION;
  payload: EventPayload<K>;
}

export const COMMAND_NAMES = Object.keys(commands) as CommandName[];
export const EVENT_NAMES = Object.keys(events) as EventName[];

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(commands, name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name);
}

/** Electron IPC channels: one for commands, one for pushed events. */
export const IPC_CHANNELS = {
  invoke: 'workstation:invoke',
  event: 'workstation:event',
} as const;

/** Local API paths that are not commands. */
export const API_PATHS = {
  events: '/events',
  command: '/commands/:name',
} as const;

/** The renderer's only door to the engine, the same whether it is Electron IPC or the Local API. */
export interface WorkstationApi {
  invoke<K extends CommandName>(name: K, input: CommandInput<K>): Promise<CommandOutput<K>>;
  on<K extends EventName>(event: K, listener: (envelope: EventEnvelope<K>) => void): () => void;
}
