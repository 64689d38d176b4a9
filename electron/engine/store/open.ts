import path from 'node:path';
import Database from 'better-sqlite3';
import { WorkstationError } from '../../../shared/errors';
import type { Logger } from '../common/logger';
import { ensureOwnerOnlyFile } from '../common/owner-only';
import { MIGRATIONS } from './migrations';
import type { Db, Migration } from './types';

/** The home database: settings and holidays, and the live world's data and jobs. */
export const DB_FILE_NAME = 'tickdesk.db';
/** The demo world's database, beside the home one: nothing in it is ever read in live mode. */
export const DEMO_DB_FILE_NAME = 'demo.db';

export function worldDatabaseFile(dataDir: string, world: 'demo' | 'live'): string {
  return path.join(dataDir, world === 'live' ? DB_FILE_NAME : DEMO_DB_FILE_NAME);
}

export interface OpenDatabaseOptions {
  logger?: Logger;
  /** Migrate only up to this version (migration tests); default: all. */
  targetVersion?: number;
  migrations?: readonly Migration[];
  readonly?: boolean;
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Applies each pending migration in its own transaction, so a failed one leaves the previous version intact. */
export function migrate(
  db: Db,
  migrations: readonly Migration[] = MIGRATIONS,
  targetVersion = migrations.length,
  logger?: Logger,
): void {
  const current = schemaVersion(db);
  const latest = migrations.length;
  if (current > latest) {
    throw new WorkstationError(
      'CONFLICT',
      `database schema version ${current} is newer than this version of the app understands (${latest}); update the app`,
    );
  }
  for (const migration of migrations) {
    if (migration.version <= current || migration.version > targetVersion) continue;
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    })();
    logger?.info('migration applied', { version: migration.version, name: migration.name });
  }
}

/**
 * Opens (creating when needed) the SQLite store: WAL so readers never block the writer, synchronous=NORMAL
 * (durable across app crashes; the last transactions may be lost only on power loss), foreign keys on,
 * and a busy timeout so a second process waits instead of failing.
 */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Db {
  if (file !== ':memory:' && !options.readonly) ensureOwnerOnlyFile(file);
  const db = new Database(file, { readonly: options.readonly ?? false });
  try {
    db.pragma('busy_timeout = 5000');
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    if (!options.readonly) migrate(db, options.migrations, options.targetVersion, options.logger);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

export function checkDatabase(db: Db): 'ok' | 'error' {
  try {
    db.prepare('SELECT 1').get();
    return 'ok';
  } catch {
    return 'error';
  }
}
