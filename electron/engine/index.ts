import path from 'node:path';
import type { EventName } from '../../shared/contract';
import { createSystemClock, type Clock } from './clock';
import type { EngineConfig } from './config';
import { createEventHub, type EventHub } from './events';
import { bindHandlers } from './handlers';
import { createLogger, type Logger } from './logger';
import { createRouter, type Router } from './router';
import { createSettingsService } from './settings/service';
import { createFileVault, type SecretVault } from './settings/vault';
import { DB_FILE_NAME, openDatabase } from './store/open';
import { createSettingsStore } from './store/settings';
import type { Db } from './store/types';
import { createSystemService } from './system';
import { databaseMaintenanceKind, jobCleanupKind } from './jobs/kinds/maintenance';
import { demoJobKind } from './jobs/kinds/demo';
import { createJobRegistry, type AnyJobKind } from './jobs/registry';
import { createJobRunner, type RunnerOptions } from './jobs/runner';
import { createJobService, type JobService } from './jobs/service';
import { createJobStore } from './store/jobs';
import { createScheduleStore } from './store/schedules';
import { createScheduler } from './jobs/scheduler';
import { DEFAULT_SCHEDULES } from './jobs/default-schedules';
import { tickRetentionKind } from './jobs/kinds/tick-retention';
import { createTradingCalendar } from './market/calendar';

/** Events whose newest value replaces the previous one: a slow client may skip some without losing anything. */
export const SNAPSHOT_EVENTS: ReadonlySet<EventName> = new Set<EventName>(['feed_status', 'settings_changed', 'job_progress_update']);

export interface EngineDeps {
  clock?: Clock;
  logger?: Logger;
  vault?: SecretVault;
  /** Job kinds beyond the product's own (tests register kinds that count their side effects). */
  extraJobKinds?: readonly AnyJobKind[];
  runner?: Partial<RunnerOptions>;
  random?: () => number;
}

export interface Engine {
  readonly config: EngineConfig;
  readonly router: Router;
  readonly events: EventHub;
  readonly logger: Logger;
  readonly db: Db;
  readonly jobs: JobService;
  /** Starts background work: the job runner (resuming what a crash interrupted) and the scheduler. */
  start(): void;
  /** Closes everything in order: stop taking work, let running work reach a safe point, then the store. */
  shutdown(): Promise<void>;
}

/** The one place where the engine's services are built and wired together. */
export function createEngine(config: EngineConfig, deps: EngineDeps = {}): Engine {
  const clock = deps.clock ?? createSystemClock();
  const ownLogger = deps.logger ? undefined : createLogger({ dir: path.join(config.dataDir, 'logs'), level: config.logLevel, console: config.logToConsole });
  const logger = deps.logger ?? ownLogger!;
  const db = openDatabase(path.join(config.dataDir, DB_FILE_NAME), { logger: logger.child('store') });
  const events = createEventHub({ clock, logger: logger.child('events'), validate: config.validateEvents });

  const settings = createSettingsService({
    store: createSettingsStore(db),
    vault: deps.vault ?? createFileVault(config.dataDir),
    clock,
    logger: logger.child('settings'),
    emit: events.emit,
    dataDir: config.dataDir,
    environmentToken: config.upstoxAccessToken,
  });
  const system = createSystemService({ db, clock, dataDir: config.dataDir, mode: settings.mode });
  const jobStore = createJobStore(db);
  const registry = createJobRegistry([
    demoJobKind,
    databaseMaintenanceKind(db),
    jobCleanupKind(jobStore.deleteFinishedBefore, () => settings.values().jobRetentionDays),
    tickRetentionKind(db, () => settings.values().tickRetentionDays),
    ...(deps.extraJobKinds ?? []),
  ]);
  const runner = createJobRunner({ db, store: jobStore, registry, clock, logger: logger.child('jobs'), emit: events.emit, random: deps.random, options: deps.runner });
  const jobs = createJobService({ store: jobStore, registry, runner, clock, logger: logger.child('jobs'), emit: events.emit });
  const calendar = createTradingCalendar(db);
  calendar.loadBundled(path.join(config.resourcesDir, 'calendar', 'nse-holidays.json'));
  const scheduler = createScheduler({
    store: createScheduleStore(db),
    jobs,
    registry,
    calendar,
    clock,
    logger: logger.child('scheduler'),
    definitions: DEFAULT_SCHEDULES,
  });
  const router = createRouter(bindHandlers({ system, settings, jobs, scheduler, calendar }), logger.child('router'));

  let closed: Promise<void> | undefined;
  const shutdown = () => {
    closed ??= (async () => {
      logger.info('engine shutting down');
      scheduler.stop();
      await runner.stop();
      db.close();
      ownLogger?.close();
    })();
    return closed;
  };

  logger.info('engine started', { dataDir: config.dataDir, mode: settings.mode() });
  return { config, router, events, logger, db, jobs, start: () => {
      runner.start();
      scheduler.start();
    }, shutdown };
}
