import path from 'node:path';
import type { WorldName } from '../../../shared/domain/system';
import type { Clock } from '../common/clock';
import type { Emit } from '../common/events';
import type { Logger } from '../common/logger';
import type { TradingDays } from '../jobs/scheduler';
import { createAnalysisModule } from '../analysis/module';
import { createFeedModule } from '../feed/module';
import { createImportsModule } from '../imports/module';
import { createCsvFolderProvider } from '../imports/providers/csv-folder';
import type { OhlcvProvider } from '../imports/providers/provider';
import { createYahooProvider } from '../imports/providers/yahoo';
import { ensureOwnerOnlyDir } from '../common/owner-only';
import { createInstrumentsModule } from '../instruments/module';
import type { EngineModule } from '../jobs/engine-module';
import { createJobsModule } from '../jobs/module';
import type { AnyJobKind } from '../jobs/registry';
import type { RunnerOptions } from '../jobs/runner';
import type { SettingsService } from '../settings/service';
import { createStores, type Stores } from '../store';
import { openDatabase, worldDatabaseFile } from '../store/open';
import type { Db } from '../store/types';
import { createDatabaseMaintenanceModule } from '../system/maintenance';
import { createTradingModule } from '../trading/module';
import type { UpstoxAuth } from '../feed/sources';
import type { FeedSocketOptions } from '../upstox/feed-socket';
import type { RateLimiter } from '../upstox/rate-limit';

/** What every world is built from: the engine's shared infrastructure and its global services. */
export interface WorldDeps {
  dataDir: string;
  resourcesDir: string;
  clock: Clock;
  logger: Logger;
  http: typeof fetch;
  limiter: RateLimiter;
  settings: SettingsService;
  calendar: TradingDays;
  upstox: { apiUrl: string; orderUrl: string; assetsUrl: string };
  /** The login's choice of token for each Upstox call. */
  auth: UpstoxAuth;
  /** The home database (settings, holidays), which is also the live world's: it is not opened twice. */
  homeDb: Db;
  extraJobKinds?: readonly AnyJobKind[];
  runner?: Partial<RunnerOptions>;
  random?: () => number;
  connectFeed?: boolean;
  feedSocket?: Partial<FeedSocketOptions>;
}

/**
 * A market world: the demo market on the simulator, or the live one on Upstox. Each has its own database file
 * (`demo.db`, or `tickdesk.db` for live), and on it its own stores, caches, job queue and runner, feed,
 * instrument master and imports, so nothing made in one is ever read or run in the other.
 */
export function openWorld(name: WorldName, deps: WorldDeps, emit: Emit) {
  const logger = deps.logger.child(`world:${name}`);
  const ownsDb = name !== 'live';
  const db = ownsDb
    ? openDatabase(worldDatabaseFile(deps.dataDir, name), { logger: logger.child('store') })
    : deps.homeDb;
  const stores: Stores = createStores(db);
  const { clock, http, settings, random } = deps;

  const jobs = createJobsModule({
    stores,
    clock,
    logger,
    emit,
    calendar: deps.calendar,
    settings: settings.values,
    random,
    runner: deps.runner,
  });
  const feed = createFeedModule({
    world: name,
    stores,
    clock,
    logger,
    emit,
    http,
    limiter: deps.limiter,
    jobs: jobs.service,
    settings,
    upstox: deps.upstox,
    auth: deps.auth,
    resourcesDir: deps.resourcesDir,
    connect: deps.connectFeed,
    socket: deps.feedSocket,
    random,
  });
  const instruments = createInstrumentsModule({
    stores,
    http,
    logger,
    jobs: jobs.service,
    market: feed,
    assetsUrl: name === 'live' ? deps.upstox.assetsUrl : null,
  });
  const imports = createImportsModule({
    world: name,
    fallbacks: name === 'live' ? liveFallbacks(deps, logger) : [],
    stores,
    clock,
    logger,
    emit,
    jobs: jobs.service,
    limiter: deps.limiter,
    resourcesDir: deps.resourcesDir,
    market: feed,
  });
  const analysis = createAnalysisModule({ stores, clock, emit, jobs: jobs.service, imports, market: feed });
  const trading = createTradingModule({ stores, clock, logger, emit, jobs: jobs.service, settings, market: feed });
  const maintenance = createDatabaseMaintenanceModule({ db });

  // Trading starts before the runner: its reconcile of orders a crash left SUBMITTING is under way before any job runs.
  const modules: readonly EngineModule[] = [maintenance, trading, jobs, instruments, imports, analysis, feed];
  for (const module of modules) jobs.register(module);
  jobs.register({ jobKinds: deps.extraJobKinds ?? [] });

  let stopped: Promise<void> | undefined;
  return {
    name,
    db,
    stores,
    jobs,
    feed,
    instruments,
    imports,
    analysis,
    trading,
    handlers: {
      ...jobs.handlers,
      ...instruments.handlers,
      ...imports.handlers,
      ...analysis.handlers,
      ...trading.handlers,
      ...feed.handlers,
    },
    start(): void {
      logger.info('world opened', { file: path.basename(db.name) });
      for (const module of modules) module.start?.();
    },
    /** In reverse: the feed writes its last buffered ticks, running jobs reach a safe point, then its file closes. */
    stop(): Promise<void> {
      stopped ??= (async () => {
        for (const module of [...modules].reverse()) await module.stop?.();
        if (ownsDb) db.close();
        logger.info('world closed');
      })();
      return stopped;
    },
  };
}
export type World = ReturnType<typeof openWorld>;

/** The folder where a user drops candle files (`RELIANCE.csv`, `RELIANCE_1w.csv`) for the CSV provider. */
export const CANDLE_FILES_DIR = 'candle-files';

/**
 * Where live imports turn when Upstox cannot serve a symbol: files the user dropped in the data folder, then Yahoo
 * Finance's end-of-day history (daily and weekly), so a user without an Upstox login still gets real history.
 */
function liveFallbacks(deps: WorldDeps, logger: Logger): OhlcvProvider[] {
  const folder = path.join(deps.dataDir, CANDLE_FILES_DIR);
  ensureOwnerOnlyDir(folder);
  return [
    createCsvFolderProvider({ folder }),
    createYahooProvider({ fetch: deps.http, clock: deps.clock, logger: logger.child('imports') }),
  ];
}
