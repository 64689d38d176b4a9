import type { Db } from '../store/types';
import { DATABASE_MAINTENANCE_KIND, databaseMaintenanceKind } from './database-maintenance.job';

/** The weekly care of one database file; each world looks after its own. */
export function createDatabaseMaintenanceModule({ db }: { db: Db }) {
  return {
    name: 'database-maintenance',
    handlers: {},
    jobKinds: [databaseMaintenanceKind({ db })],
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
