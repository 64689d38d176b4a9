import { createAnalysisStore } from './analyses';
import { createCandleStore } from './candles';
import { createHistoryStore } from './history';
import { createHolidayStore } from './holidays';
import { createImportRunStore } from './import-runs';
import { createInstrumentStore } from './instruments';
import { createJobStore } from './jobs';
import { createMarketKeys } from './market-keys';
import { createMarketSnapshotStore } from './market-snapshots';
import { createOrderStore } from './orders';
import { createPaperOrderStore } from './paper-orders';
import { createPortfolioStore } from './portfolio';
import { createReportStore } from './reports';
import { createScheduleStore } from './schedules';
import { createSettingsStore } from './settings';
import { createSubscriptionStore } from './subscriptions';
import { createTickStore } from './ticks';
import { createUniverseStore } from './universes';
import type { Db } from './types';

/** Every store of one database, each built once; the tick, candle and history stores share one instrument-key cache. */
export function createStores(db: Db) {
  const marketKeys = createMarketKeys(db);
  return {
    db,
    settings: createSettingsStore(db),
    jobs: createJobStore(db),
    schedules: createScheduleStore(db),
    holidays: createHolidayStore(db),
    subscriptions: createSubscriptionStore(db),
    marketKeys,
    ticks: createTickStore(db, marketKeys),
    candles: createCandleStore(db, marketKeys),
    history: createHistoryStore(db, marketKeys),
    instruments: createInstrumentStore(db),
    universes: createUniverseStore(db),
    importRuns: createImportRunStore(db),
    analyses: createAnalysisStore(db),
    reports: createReportStore(db),
    marketSnapshots: createMarketSnapshotStore(db),
    orders: createOrderStore(db),
    portfolio: createPortfolioStore(db),
    paperOrders: createPaperOrderStore(db),
  };
}
export type Stores = ReturnType<typeof createStores>;
