import type { Migration } from '../types';
import settings from './0001-settings';
import jobs from './0002-jobs';
import schedules from './0003-schedules';
import marketData from './0004-market-data';
import instruments from './0005-instruments';
import jobsStatusIndex from './0006-jobs-status-index';
import instrumentsAlt from './0007-instruments-alt';
import legacyMarketData from './0008-legacy-market-data';
import candles from './0009-candles';
import universesImports from './0010-universes-imports';
import analysis from './0011-analysis';
import trading from './0012-trading';

/** Every migration, in order. Landed migrations are never edited: add a new one instead. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'settings', up: settings },
  { version: 2, name: 'jobs', up: jobs },
  { version: 3, name: 'schedules', up: schedules },
  { version: 4, name: 'market-data', up: marketData },
  { version: 5, name: 'instruments', up: instruments },
  { version: 6, name: 'jobs-status-index', up: jobsStatusIndex },
  { version: 7, name: 'instruments-alt', up: instrumentsAlt },
  { version: 8, name: 'legacy-market-data', up: legacyMarketData },
  { version: 9, name: 'candles', up: candles },
  { version: 10, name: 'universes-imports', up: universesImports },
  { version: 11, name: 'analysis', up: analysis },
  { version: 12, name: 'trading', up: trading },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;
