import path from 'node:path';
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
import { createFeedService, type FeedService } from './feed/service';
import { createSubscriptionManager } from './feed/subscriptions';
import { createSubscriptionStore } from './store/subscriptions';
import { createTickPipeline } from './feed/tick-pipeline';
import { createCandleStore } from './store/candles';
import { createFeedDecoder } from './upstox/feed-decode';
import { loadFeedSchema } from './upstox/proto';
import { createRateLimiter } from './upstox/rate-limit';
import { openDemoSource, openUpstoxSource, type OpenedSource } from './feed/sources';
import { FEED_BACKFILL_KIND, feedBackfillKind } from './feed/backfill';
import type { FeedSocketOptions } from './upstox/feed-socket';
import { createInstrumentService } from './instruments/service';
import { seedDemoMarket } from './feed/demo-seed';
import { INSTRUMENTS_IMPORT_KIND } from './jobs/kinds/instruments-import';

/** Path of the instrument master below the assets host (Upstox and the simulator alike). */
const INSTRUMENT_MASTER_PATH = '/market-quote/instruments/exchange/complete.json.gz';

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
  const http = deps.fetch ?? globalThis.fetch.bind(globalThis);

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

  // Market data: one rate limiter for every Upstox client of this user (Upstox counts per user).
  const limiter = createRateLimiter({ clock });
  const applyRateSettings = () => {
    limiter.setLimits('standard', { perSecond: settings.values().upstoxRequestsPerSecond });
    limiter.setLimits('order', { perSecond: settings.values().upstoxOrdersPerSecond });
  };
  applyRateSettings();
  events.subscribe((envelope) => {
    if (envelope.event === 'settings_changed') applyRateSettings();
  });
  const candles = createCandleStore(db);
  let source: OpenedSource | null = null;
  const instrumentSource = () => `${source?.simulator ? source.simulator.apiUrl : config.upstoxAssetsUrl}${INSTRUMENT_MASTER_PATH}`;
  const instruments = createInstrumentService({ db, fetch: http, logger: logger.child('instruments'), defaultSource: instrumentSource });

  const jobStore = createJobStore(db);
  const registry = createJobRegistry([
    demoJobKind,
    databaseMaintenanceKind(db),
    jobCleanupKind(jobStore.deleteFinishedBefore, () => settings.values().jobRetentionDays),
    tickRetentionKind(db, () => settings.values().tickRetentionDays),
    feedBackfillKind({ rest: () => source?.rest ?? null, candles }),
    instruments.importKind,
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

  const feedLogger = logger.child('feed');
  const subscriptions = createSubscriptionManager({
    store: createSubscriptionStore(db),
    now: () => clock.now(),
    batchSize: () => settings.values().feedSubscribeBatchSize,
  });
  const pipeline = createTickPipeline({ db, clock, logger: logger.child('ticks'), emit: events.emit });
  const sourceDeps = { clock, logger: feedLogger, fetch: http, limiter };
  const feed = createFeedService({
    clock,
    logger: feedLogger,
    emit: events.emit,
    subscriptions,
    pipeline,
    decoder: createFeedDecoder(loadFeedSchema(config.resourcesDir)),
    async openSource() {
      const token = settings.upstoxToken();
      const opened = token
        ? openUpstoxSource({ ...sourceDeps, apiUrl: config.upstoxApiUrl, orderUrl: config.upstoxOrderUrl, token: () => settings.upstoxToken() ?? undefined })
        : await openDemoSource({ ...sourceDeps, resourcesDir: config.resourcesDir });
      source = opened;
      // The search box needs the instrument master: a first start fetches the open source's own.
      // Sources reopen on every token change: one pending import is enough, and it takes the source open when it runs.
      const importPending = (['QUEUED', 'RUNNING'] as const).some((status) => jobs.list({ kind: INSTRUMENTS_IMPORT_KIND, status, limit: 1 }).length > 0);
      if (instruments.count() === 0 && !importPending) jobs.enqueue(INSTRUMENTS_IMPORT_KIND, {}, { priority: 'HIGH' });
      if (opened.simulator) seedDemoMarket({ simulator: opened.simulator, subscriptions, hasMarketHistory: () => candles.hasAny(), logger: feedLogger });
      return {
        ...opened,
        close: async () => {
          if (source === opened) source = null;
          await opened.close();
        },
      };
    },
    requestBackfill({ since, keys, reason }) {
      // Drops within one minute share a backfill: the later one would fetch the same minutes.
      const idempotencyKey = reason === 'reconnect' ? `${FEED_BACKFILL_KIND}:${Math.floor(since / 60_000)}` : null;
      jobs.enqueue(FEED_BACKFILL_KIND, { since, instrumentKeys: keys }, { priority: reason === 'reconnect' ? 'HIGH' : 'NORMAL', idempotencyKey });
    },
    socketOptions: deps.feedSocket,
    random: deps.random,
  });

  const router = createRouter(
    bindHandlers({ system, settings, jobs, scheduler, calendar, feed, candles, instruments }),
    logger.child('router'),
  );

  let closed: Promise<void> | undefined;
  const shutdown = () => {
    closed ??= (async () => {
      logger.info('engine shutting down');
      scheduler.stop();
      // The feed first: its last buffered ticks are written before the store closes.
      await feed.stop();
      await runner.stop();
      db.close();
      ownLogger?.close();
    })();
    return closed;
  };

  logger.info('engine started', { dataDir: config.dataDir, mode: settings.mode() });
  return {
    config,
    router,
    events,
    logger,
    db,
    jobs,
    feed,
    start: () => {
      runner.start();
      scheduler.start();
      if (deps.startFeed !== false) feed.start();
    },
    shutdown,
  };
}
