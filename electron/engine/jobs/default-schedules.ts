import { JOB_KINDS } from '../../../shared/job-kinds';
import type { ScheduleDefinition } from './scheduler';

/** The schedules a new install starts with; users edit them in the Jobs view. */
export const DEFAULT_SCHEDULES: readonly ScheduleDefinition[] = [
  {
    name: 'ohlcv-daily-import',
    description: 'Daily OHLCV import of the NIFTY 50, after the close on trading days',
    jobKind: JOB_KINDS.ohlcvImport,
    cron: '30 16 * * 1-5',
    enabled: false,
    tradingDaysOnly: true,
    payload: { universes: ['nifty50'], timeframes: ['1d'] },
  },
  {
    name: 'instrument-master-refresh',
    description: 'Morning refresh of the Upstox instrument master (published around 06:00 IST) on trading days',
    jobKind: JOB_KINDS.instrumentsImport,
    cron: '45 7 * * 1-5',
    enabled: true,
    tradingDaysOnly: true,
    payload: {},
  },
  {
    name: 'database-maintenance',
    description: 'Weekly database maintenance: ANALYZE, and VACUUM when worth it',
    jobKind: JOB_KINDS.databaseMaintenance,
    cron: '0 3 * * 0',
    enabled: true,
    tradingDaysOnly: false,
    payload: {},
  },
  {
    name: 'tick-retention',
    description: 'Daily cleanup of raw ticks older than the retention setting',
    jobKind: JOB_KINDS.tickRetention,
    cron: '15 2 * * *',
    enabled: true,
    tradingDaysOnly: false,
    payload: {},
  },
  {
    name: 'job-cleanup',
    description: 'Daily removal of finished jobs older than the retention setting',
    jobKind: JOB_KINDS.jobCleanup,
    cron: '30 2 * * *',
    enabled: true,
    tradingDaysOnly: false,
    payload: {},
  },
];
