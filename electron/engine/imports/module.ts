import type { importsCommands } from '../../../shared/contract/imports';
import type { WorldName } from '../../../shared/domain/system';
import { JOB_KINDS } from '../../../shared/job-kinds';
import type { Clock } from '../common/clock';
import { loadUniverseFiles } from '../common/universe-files';
import type { DomainHandlers } from '../common/commands';
import type { Emit } from '../common/events';
import type { Logger } from '../common/logger';
import type { FeedModule } from '../feed/module';
import type { JobService } from '../jobs/service';
import type { Stores } from '../store';
import type { RateLimiter } from '../upstox/rate-limit';
import type { UpstoxRest } from '../upstox/rest';
import { createProviderChain } from './chain';
import { ohlcvImportKind } from './ohlcv.job';
import { createHistoryRefresher } from './refresh';
import type { OhlcvProvider } from './providers/provider';
import { cachedProvider, createFormingBarCache } from './providers/ttl-cache';
import { createUpstoxProvider } from './providers/upstox';
import { createImportService } from './service';
import { createUniverseService } from './universes/service';

export interface ImportsModuleDeps {
  world: WorldName;
  stores: Pick<Stores, 'db' | 'history' | 'importRuns' | 'universes' | 'instruments'>;
  clock: Clock;
  logger: Logger;
  emit: Emit;
  jobs: JobService;
  /** Shared with every other Upstox client of this user. */
  limiter: RateLimiter;
  resourcesDir: string;
  /** The market source decides where candles come from: Upstox, or the simulator in demo mode. */
  market: Pick<FeedModule, 'source'>;
  /** Providers tried after Upstox in the live world (files in a folder, Yahoo Finance). */
  fallbacks?: readonly OhlcvProvider[];
  /** Symbols imported at once (the benchmark and tests tune it). */
  concurrency?: number;
}

/**
 * OHLCV imports: universes (predefined and the user's), import runs as durable jobs with one item per symbol, the
 * provider chain with its circuit breakers, and the daily import after the close.
 */
export function createImportsModule(deps: ImportsModuleDeps) {
  const { stores, clock, jobs } = deps;
  const logger = deps.logger.child('imports');
  const universes = createUniverseService({
    store: stores.universes,
    instruments: stores.instruments,
    predefined: loadUniverseFiles(deps.resourcesDir),
    clock,
  });

  // A scan or a second import within a minute reuses the still-forming bar instead of asking again.
  const formingBars = createFormingBarCache(clock);
  // Providers follow the open source (its REST client carries the token and the host); made once per source.
  let builtFor: UpstoxRest | null = null;
  let providers: readonly OhlcvProvider[] = [];
  const currentProviders = (): readonly OhlcvProvider[] => {
    const rest = deps.market.source()?.rest ?? null;
    if (rest !== builtFor) {
      builtFor = rest;
      providers = [
        ...(rest ? [createUpstoxProvider(rest, deps.world === 'demo' ? 'demo' : 'upstox')] : []),
        // Demo candles never mix with real ones: the simulator is the demo world's only source.
        ...(deps.world === 'live' ? (deps.fallbacks ?? []) : []),
      ].map((provider) => cachedProvider(provider, formingBars));
    }
    return providers;
  };
  const chain = createProviderChain({ providers: currentProviders, clock, logger });
  const service = createImportService({
    db: stores.db,
    jobs,
    universes,
    runs: stores.importRuns,
    history: stores.history,
    instruments: stores.instruments,
    chain,
    limiter: deps.limiter,
    clock,
  });

  const handlers: DomainHandlers<typeof importsCommands> = {
    'imports.start': (request) => service.start(request),
    'imports.plan': (request) => service.plan(request),
    'imports.list': ({ limit }) => service.list(limit),
    'imports.get': ({ runId }) => service.get(runId),
    'imports.symbols': ({ runId, status, limit }) => service.symbols(runId, status, limit),
    'imports.retry': ({ runId, symbols }) => service.retry(runId, symbols),
    'universes.list': () => universes.list(),
    'universes.get': ({ id }) => universes.get(id),
    'universes.create': (input) => universes.create(input),
    'universes.delete': ({ id }) => universes.delete(id),
  };

  return {
    name: 'imports',
    handlers,
    service,
    universes,
    chain,
    refreshHistory: createHistoryRefresher({ db: stores.db, history: stores.history, chain, clock }),
    jobKinds: [
      ohlcvImportKind({
        history: stores.history,
        runs: stores.importRuns,
        chain: () => chain,
        limiter: deps.limiter,
        resolve: service.resolve,
        symbolOf: service.symbolOf,
        itemsFor: service.itemsFor,
        emit: deps.emit,
        concurrency: deps.concurrency,
      }),
    ],
    schedules: [
      {
        name: 'ohlcv-daily-import',
        description: 'Daily OHLCV import of the NIFTY 50, after the close on trading days',
        jobKind: JOB_KINDS.ohlcvImport,
        cron: '30 16 * * 1-5',
        enabled: true,
        tradingDaysOnly: true,
        payload: { universes: ['nifty50'], timeframes: ['1d'], lookbackDays: { '1d': 3650 } },
      },
    ],
  };
}
export type ImportsModule = ReturnType<typeof createImportsModule>;
