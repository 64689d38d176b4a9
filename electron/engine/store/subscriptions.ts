import type { FeedMode } from '../../../shared/domain/feed';
import type { Db } from './types';

interface SubscriptionRow {
  instrument_key: string;
  mode: FeedMode;
}

/** The desired feed subscriptions, restored at start; one mode per instrument, as Upstox keeps them. */
export function createSubscriptionStore(db: Db) {
  const all = db.prepare<[], SubscriptionRow>(
    'SELECT instrument_key, mode FROM feed_subscriptions ORDER BY created_at, rowid',
  );
  const upsert = db.prepare<[string, string, number]>(
    'INSERT INTO feed_subscriptions (instrument_key, mode, created_at) VALUES (?, ?, ?) ON CONFLICT (instrument_key) DO UPDATE SET mode = excluded.mode',
  );
  const remove = db.prepare<[string]>('DELETE FROM feed_subscriptions WHERE instrument_key = ?');

  return {
    list(): { instrumentKey: string; mode: FeedMode }[] {
      return all.all().map((r) => ({ instrumentKey: r.instrument_key, mode: r.mode }));
    },
    save: db.transaction((keys: readonly string[], mode: FeedMode, now: number) => {
      for (const key of keys) upsert.run(key, mode, now);
    }),
    remove: db.transaction((keys: readonly string[]): number => {
      let removed = 0;
      for (const key of keys) removed += remove.run(key).changes;
      return removed;
    }),
  };
}

export type SubscriptionStore = ReturnType<typeof createSubscriptionStore>;
