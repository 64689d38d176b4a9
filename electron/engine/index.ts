import path from 'node:path';
import type { CommandHandlers } from './common/commands';
import { createSystemClock, type Clock } from './common/clock';
import { createEventHub, type EventHub } from './common/events';
import { createLogger, type Logger } from './common/logger';
import type { EngineConfig } from './config';
import { createCalendarModule } from './calendar/module';
import { createFeedModule } from './feed/module';
import type { FeedService } from './feed/service';
import { createImportsModule } from './imports/module';
import { createInstrumentsModule } from './instruments/module';
import type { EngineModule } from './jobs/engine-module';
import { createJobsModule } from './jobs/module';
import type { AnyJobKind } from './jobs/registry';
import type { RunnerOptions } from './jobs/runner';
import type { JobService } from './jobs/service';
import { createRouter, type Router } from './router';
import { createSettingsModule } from './settings/module';
import { createFileVault, type SecretVault } from './settings/vault';
import { createStores } from './store';
import { DB_FILE_NAME, openDatabase } from './store/open';
import type { Db } from './store/types';
import { createSystemModule } from './system/module';
import type { FeedSocketOptions } from './upstox/feed-socket';
import { applyRateSettings, createRateLimiter } from './upstox/rate-limit';

export interface EngineDeps {
  clock?: Clock;
  logger?: Logger;
  vault?: SecretVault;
  /** Job kinds beyond the product's own (tests register kinds that count their side effects). */
  extraJobKinds?: readonly AnyJobKind[];
  runner?: Partial<RunnerOptions>;
  random?: () => number;
  /** HTTP for Upstox REST and the instrument master; the platform's fetch by default. */
  fetch?: typeof fetch;
  /** Whether `start()` starts the market feed (default true; tests about other things leave it off). */
  startFeed?: boolean;
  /** Feed socket timings (tests shorten backoff and watchdogs). */
  feedSocket?: Partial<FeedSocketOptions>;
}

export interface Engine {
  readonly config: EngineConfig;
  readonly router: Router;
  readonly events: EventHub;
  readonly logger: Logger;
  readonly db: Db;
  readonly jobs: JobService;
  readonly feed: FeedService;
  /** Starts background work: the job runner (resuming what a crash interrupted), the scheduler and the feed. */
  start(): void;
  /** Closes everything in order: stop taking work, let running work reach a safe point, then the store. */
  shutdown(): Promise<void>;
}

/** The one place where the engine is built: shared infrastructure, then one module per capability. */
export function createEngine(config: EngineConfig, deps: EngineDeps = {}): Engine {
  const clock = deps.clock ?? createSystemClock();
  const ownLogger = deps.logger ? undefined : createLogger({ dir: path.join(config.dataDir, 'logs'), level: config.logLevel, console: config.logToConsole });
  const logger = deps.logger ?? ownLogger!;
  const db = openDatabase(path.join(config.dataDir, DB_FILE_NAME), { logger: logger.child('store') });
  const stores = createStores(db);
  const events = createEventHub({ clock, logger: logger.child('events'), validate: config.validateEvents });
  const emit = events.emit;
  const http = deps.fetch ?? globalThis.fetch.bind(globalThis);
  const random = deps.random;

  const settings = createSettingsModule({
    stores,
    vault: deps.vault ?? createFileVault(config.dataDir),
    clock,
    logger,
    emit,
    dataDir: config.dataDir,
    environmentToken: config.upstoxAccessToken,
  });
  // One limiter for every Upstox client of this user: Upstox counts per user.
  const limiter = createRateLimiter({ clock });
  applyRateSettings(limiter, settings.service.values());
  settings.service.onChange((values) => applyRateSettings(limiter, values));

  const system = createSystemModule({ stores, clock, dataDir: config.dataDir, mode: settings.service.mode });
  const calendar = createCalendarModule({ stores, resourcesDir: config.resourcesDir });
  const jobs = createJobsModule({ stores, clock, logger, emit, calendar: calendar.calendar, settings: settings.service.values, random, runner: deps.runner });
  const feed = createFeedModule({
    stores,
    clock,
    logger,
    emit,
    http,
    limiter,
    jobs: jobs.service,
    settings: settings.service,
    upstox: { apiUrl: config.upstoxApiUrl, orderUrl: config.upstoxOrderUrl, assetsUrl: config.upstoxAssetsUrl },
    resourcesDir: config.resourcesDir,
    connect: deps.startFeed,
    socket: deps.feedSocket,
    random,
  });
  const instruments = createInstrumentsModule({ stores, http, logger, jobs: jobs.service, market: feed, assetsUrl: config.upstoxAssetsUrl });
  const imports = createImportsModule();

  const modules: readonly EngineModule[] = [system, settings, calendar, jobs, instruments, imports, feed];
  for (const module of modules) jobs.register(module);
  jobs.register({ jobKinds: deps.extraJobKinds ?? [] });

  const handlers: CommandHandlers = {
    ...system.handlers,
    ...settings.handlers,
    ...calendar.handlers,
    ...jobs.handlers,
    ...instruments.handlers,
    ...imports.handlers,
    ...feed.handlers,
  };
  const router = createRouter(handlers, logger.child('router'));

  let closed: Promise<void> | undefined;
  const shutdown = () => {
    closed ??= (async () => {
      logger.info('engine shutting down');
      // In reverse: the feed writes its last buffered ticks, running jobs reach a safe point, then the store closes.
      for (const module of [...modules].reverse()) await module.stop?.();
      db.close();
      ownLogger?.close();
    })();
    return closed;
  };

  logger.info('engine started', { dataDir: config.dataDir, mode: settings.service.mode() });
  return {
    config,
    router,
    events,
    logger,
    db,
    jobs: jobs.service,
    feed: feed.service,
    start: () => {
      for (const module of modules) module.start?.();
    },
    shutdown,
  };
}
