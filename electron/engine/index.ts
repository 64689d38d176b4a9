import path from 'node:path';
import { UPSTOX_CALLBACK_PATH } from '../../shared/constants';
import type { WorldName } from '../../shared/domain/system';
import type { CommandHandlers } from './common/commands';
import { createSystemClock, type Clock } from './common/clock';
import { createEventHub, type EventHub } from './common/events';
import { createLogger, type Logger } from './common/logger';
import { makeOwnerOnly } from './common/owner-only';
import { DEFAULT_API_PORT, type EngineConfig } from './config';
import { createCalendarModule } from './calendar/module';
import type { FeedService } from './feed/service';
import type { EngineModule } from './jobs/engine-module';
import type { AnyJobKind } from './jobs/registry';
import type { RunnerOptions } from './jobs/runner';
import type { JobService } from './jobs/service';
import { createRouter, type Router } from './router';
import { createLoginModule } from './login/module';
import { createSettingsModule } from './settings/module';
import { createFileVault, type SecretVault } from './settings/vault';
import { createStores } from './store';
import { DB_FILE_NAME, openDatabase, worldDatabaseFile } from './store/open';
import type { Db } from './store/types';
import { createSystemModule } from './system/module';
import type { FeedSocketOptions } from './upstox/feed-socket';
import { applyRateSettings, createRateLimiter } from './upstox/rate-limit';
import { moveLegacyMarketData } from './world/legacy-market-data';
import { createActiveWorld } from './world/active';

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
  /** The active world's database: its market data and jobs (the home database in the live world). */
  readonly db: Db;
  /** The home database: settings and holidays, whatever the world. */
  readonly homeDb: Db;
  /** The world the engine is in: demo on the simulator, or live on Upstox. */
  readonly world: WorldName;
  readonly jobs: JobService;
  readonly feed: FeedService;
  /** Resolves once the active world follows the token (a switch in progress is over). */
  settled(): Promise<void>;
  /** The Local API listens here: the default redirect URI of the Upstox login is its callback. */
  localApiListening(origin: string): void;
  /** Starts background work: the job runner (resuming what a crash interrupted), the scheduler and the feed. */
  start(): void;
  /** Closes everything in order: stop taking work, let running work reach a safe point, then the store. */
  shutdown(): Promise<void>;
}

/**
 * The one place where the engine is built: shared infrastructure, the global modules (system, settings, calendar)
 * on the home database, then the active world with its own modules on its own file.
 */
export function createEngine(config: EngineConfig, deps: EngineDeps = {}): Engine {
  const clock = deps.clock ?? createSystemClock();
  const tightened = makeOwnerOnly(config.dataDir);
  const ownLogger = deps.logger
    ? undefined
    : createLogger({ dir: path.join(config.dataDir, 'logs'), level: config.logLevel, console: config.logToConsole });
  const logger = deps.logger ?? ownLogger!;
  if (tightened > 0)
    logger.warn('data folder was readable by other users: made it owner-only (0700 folders, 0600 files)', {
      dataDir: config.dataDir,
      tightened,
    });
  const homeDb = openDatabase(path.join(config.dataDir, DB_FILE_NAME), { logger: logger.child('store') });
  moveLegacyMarketData(homeDb, worldDatabaseFile(config.dataDir, 'demo'), clock.now(), logger.child('world'));
  const stores = createStores(homeDb);
  const events = createEventHub({ clock, logger: logger.child('events'), validate: config.validateEvents });
  const emit = events.emit;
  const http = deps.fetch ?? globalThis.fetch.bind(globalThis);

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

  const calendar = createCalendarModule({ stores, resourcesDir: config.resourcesDir });
  // Headless, the Local API's own address once it listens; the desktop app intercepts the redirect, wherever it points.
  let localApiOrigin = `http://127.0.0.1:${config.apiPort || DEFAULT_API_PORT}`;
  const login = createLoginModule({
    credentials: settings.credentials,
    tokenChanged: () => settings.service.tokenChanged(),
    rerunWaitingOnLogin: () => world.rerunWaitingOnLogin(clock.now()),
    calendar: calendar.calendar,
    clock,
    logger,
    emit,
    http,
    apiUrl: config.upstoxApiUrl,
    defaultRedirectUri: () => `${localApiOrigin}${UPSTOX_CALLBACK_PATH}`,
  });
  const world = createActiveWorld({
    dataDir: config.dataDir,
    resourcesDir: config.resourcesDir,
    clock,
    logger,
    http,
    limiter,
    settings: settings.service,
    calendar: calendar.calendar,
    upstox: { apiUrl: config.upstoxApiUrl, orderUrl: config.upstoxOrderUrl, assetsUrl: config.upstoxAssetsUrl },
    auth: {
      token: (call) => login.service.tokenFor(call),
      noTokenReason: () => login.service.noTokenReason(),
      onAnalyticsRefused: (call) => login.service.analyticsRefused(call),
    },
    homeDb,
    extraJobKinds: deps.extraJobKinds,
    runner: deps.runner,
    random: deps.random,
    connectFeed: deps.startFeed,
    feedSocket: deps.feedSocket,
    events,
    wanted: settings.service.mode,
  });
  settings.service.onUpstoxTokenChange(() => world.tokenChanged());
  const system = createSystemModule({ stores, clock, dataDir: config.dataDir, mode: world.name });

  const modules: readonly EngineModule[] = [
    system,
    settings,
    calendar,
    login,
    { name: 'world', handlers: {}, start: world.start, stop: world.stop },
  ];
  const handlers: CommandHandlers = {
    ...system.handlers,
    ...settings.handlers,
    ...calendar.handlers,
    ...login.handlers,
    ...world.handlers,
  };
  const router = createRouter(handlers, logger.child('router'));

  let closed: Promise<void> | undefined;
  const shutdown = () => {
    closed ??= (async () => {
      logger.info('engine shutting down');
      for (const module of [...modules].reverse()) await module.stop?.();
      homeDb.close();
      ownLogger?.close();
    })();
    return closed;
  };

  logger.info('engine started', { dataDir: config.dataDir, mode: world.name() });
  return {
    config,
    router,
    events,
    logger,
    homeDb,
    get db() {
      return world.current().db;
    },
    get world() {
      return world.name();
    },
    get jobs() {
      return world.current().jobs.service;
    },
    get feed() {
      return world.current().feed.service;
    },
    settled: () => world.follow(),
    localApiListening(origin) {
      localApiOrigin = origin;
    },
    start: () => {
      for (const module of modules) module.start?.();
    },
    shutdown,
  };
}
