import type { instrumentsCommands } from '../../../shared/contract/instruments';
import { WorkstationError } from '../../../shared/errors';
import type { DomainHandlers } from '../common/commands';
import type { Logger } from '../common/logger';
import type { FeedModule } from '../feed/module';
import type { JobService } from '../jobs/service';
import type { Stores } from '../store';
import { INSTRUMENTS_IMPORT_KIND } from './import.job';
import { originOf } from './master-source';
import { createInstrumentService } from './service';

/** Path of the instrument master below the assets host (Upstox's and the simulator's alike). */
export const INSTRUMENT_MASTER_PATH = '/market-quote/instruments/exchange/complete.json.gz';

export interface InstrumentsModuleDeps {
  stores: Pick<Stores, 'instruments'>;
  http: typeof fetch;
  logger: Logger;
  jobs: JobService;
  /** The market source decides whose master is imported: Upstox's, or the simulator's in demo mode. */
  market: Pick<FeedModule, 'source' | 'onSourceOpen'>;
  /** Assets host while no market source is open: Upstox's in the live world; none in demo, whose host is the simulator. */
  assetsUrl: string | null;
}

/** The instrument master: search and lookup for the watchlist, its import job, and its daily refresh. */
export function createInstrumentsModule(deps: InstrumentsModuleDeps) {
  const { jobs, market } = deps;
  const masterUrl = () => {
    const host = market.source()?.assetsUrl ?? deps.assetsUrl;
    if (host === null)
      throw new WorkstationError(
        'UNAVAILABLE',
        'the demo market is not running yet: its instrument master cannot be imported',
      );
    return `${host}${INSTRUMENT_MASTER_PATH}`;
  };
  // The hosts the user configured: Upstox's assets host in the live world, the simulator's in demo.
  const allowedOrigins = () =>
    [market.source()?.assetsUrl, deps.assetsUrl].flatMap((url) =>
      url ? [originOf(url)].filter((o) => o !== null) : [],
    );
  const service = createInstrumentService({
    store: deps.stores.instruments,
    fetch: deps.http,
    logger: deps.logger.child('instruments'),
    defaultSource: masterUrl,
    allowedOrigins,
  });

  const importPending = () =>
    (['QUEUED', 'RUNNING'] as const).some(
      (status) => jobs.list({ kind: INSTRUMENTS_IMPORT_KIND, status, limit: 1 }).length > 0,
    );

  // The search box needs the master: a first start imports the open source's own. Sources reopen on every token
  // change; one pending import is enough, as it takes the master of the source open when it runs.
  market.onSourceOpen(() => {
    if (service.count() === 0 && !importPending()) jobs.enqueue(INSTRUMENTS_IMPORT_KIND, {}, { priority: 'HIGH' });
  });

  const handlers: DomainHandlers<typeof instrumentsCommands> = {
    'instruments.search': (query) => service.search(query),
    'instruments.get': ({ keys }) => service.get(keys),
    'instruments.import': ({ source }) =>
      jobs.start(INSTRUMENTS_IMPORT_KIND, service.importPayload(source === undefined ? {} : { source })),
  };

  return {
    name: 'instruments',
    handlers,
    service,
    jobKinds: [service.importKind],
    schedules: [
      {
        name: 'instrument-master-refresh',
        description: 'Morning refresh of the Upstox instrument master (published around 06:00 IST) on trading days',
        jobKind: INSTRUMENTS_IMPORT_KIND,
        cron: '45 7 * * 1-5',
        enabled: true,
        tradingDaysOnly: true,
        payload: {},
      },
    ],
  };
}
