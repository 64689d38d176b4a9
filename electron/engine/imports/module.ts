import { JOB_KINDS } from '../../../shared/job-kinds';

/**
 * OHLCV imports of a universe. Today it brings the daily import's schedule, seeded disabled: its job kind is not
 * registered yet, so the Jobs view shows the schedule as not available and refuses to enable or run it.
 */
export function createImportsModule() {
  return {
    name: 'imports',
    handlers: {},
    schedules: [
      {
        name: 'ohlcv-daily-import',
        description: 'Daily OHLCV import of the NIFTY 50, after the close on trading days',
        jobKind: JOB_KINDS.ohlcvImport,
        cron: '30 16 * * 1-5',
        enabled: false,
        tradingDaysOnly: true,
        payload: { universes: ['nifty50'], timeframes: ['1d'] },
      },
    ],
  };
}
