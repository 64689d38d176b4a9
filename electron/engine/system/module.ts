import type { systemCommands } from '../../../shared/contract/system';
import type { Clock } from '../common/clock';
import type { DomainHandlers } from '../common/commands';
import type { Stores } from '../store';
import { DATABASE_MAINTENANCE_KIND, databaseMaintenanceKind } from './database-maintenance.job';
import { createSystemService } from './service';

export interface SystemModuleDeps {
  stores: Pick<Stores, 'db'>;
  clock: Clock;
  dataDir: string;
  mode: () => 'demo' | 'live';
}

/** Health and status of the engine, and the weekly care of its database file. */
export function createSystemModule({ stores, clock, dataDir, mode }: SystemModuleDeps) {
  const service = createSystemService({ db: stores.db, clock, dataDir, mode });
  const handlers: DomainHandlers<typeof systemCommands> = {
    'system.health': () => service.health(),
    'system.status': (_input, context) => service.status(context),
  };
  return {
    name: 'system',
    handlers,
    service,
    jobKinds: [databaseMaintenanceKind({ db: stores.db })],
    schedules: [
      {
        name: 'database-maintenance',
        description: 'Weekly database maintenance: ANALYZE, and VACUUM when worth it',
        jobKind: DATABASE_MAINTENANCE_KIND,
        cron: '0 3 * * 0',
        enabled: true,
        tradingDaysOnly: false,
        payload: {},
      },
    ],
  };
}
