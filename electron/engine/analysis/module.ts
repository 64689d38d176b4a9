import type { analysisCommands } from '../../../shared/contract/analysis';
import type { Clock } from '../common/clock';
import type { DomainHandlers } from '../common/commands';
import type { Emit } from '../common/events';
import type { FeedModule } from '../feed/module';
import type { ImportsModule } from '../imports/module';
import type { JobService } from '../jobs/service';
import type { Stores } from '../store';
import { deepDiveKind } from './deep-dive.job';
import { createMarketData } from './market-data';
import { scanKind } from './scan.job';
import { createAnalysisService } from './service';

export interface AnalysisModuleDeps {
  stores: Pick<Stores, 'db' | 'history' | 'candles' | 'instruments' | 'marketSnapshots' | 'analyses' | 'reports'>;
  clock: Clock;
  emit: Emit;
  jobs: JobService;
  /** Candles come through the imports' providers; universes are the imports'. */
  imports: Pick<ImportsModule, 'refreshHistory' | 'universes'>;
  /** Option chains and (in demo mode) fundamentals come from the open market source. */
  market: Pick<FeedModule, 'source'>;
}

/** Level-1 scans, Level-2 deep-dives, the report library and fundamentals. */
export function createAnalysisModule(deps: AnalysisModuleDeps) {
  const { stores, clock, emit, jobs, imports } = deps;
  const marketData = createMarketData({
    stores,
    clock,
    refreshHistory: imports.refreshHistory,
    rest: () => deps.market.source()?.rest ?? null,
    fundamentalsSource: () => deps.market.source()?.fundamentalsCsv ?? null,
  });
  const service = createAnalysisService({ stores, jobs, universes: imports.universes, marketData, clock });

  const handlers: DomainHandlers<typeof analysisCommands> = {
    'scans.start': (request) => service.startScan(request),
    'scans.list': ({ limit }) => service.listScans(limit),
    'scans.get': ({ id }) => service.getScan(id),
    'deepDive.start': (request) => service.startDeepDive(request),
    'deepDive.status': ({ id }) => service.deepDiveStatus(id),
    'deepDive.list': ({ limit }) => service.listDeepDives(limit),
    'reports.list': (query) => service.listReports(query),
    'reports.get': ({ id }) => service.getReport(id),
    'reports.compare': ({ a, b }) => service.compareReports(a, b),
    'reports.export': ({ id, format }) => service.exportReport(id, format),
    'reports.delete': ({ id }) => service.deleteReport(id),
    'fundamentals.import': ({ csv, asOf }) => service.importFundamentals(csv, asOf),
    'fundamentals.get': ({ symbol }) => service.fundamentals(symbol),
  };

  return {
    name: 'analysis',
    handlers,
    service,
    marketData,
    jobKinds: [
      scanKind({
        stores,
        marketData,
        members: (universe) => imports.universes.members([universe]),
        emit,
      }),
      deepDiveKind({ stores, marketData, emit }),
    ],
  };
}
export type AnalysisModule = ReturnType<typeof createAnalysisModule>;
