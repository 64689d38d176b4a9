import type { Migration } from '../types';
import settings from './0001-settings';

/** Every migration, in order. Landed migrations are never edited: add a new one instead. */
export const MIGRATIONS: readonly Migration[] = [{ version: 1, name: 'settings', up: settings }];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;
