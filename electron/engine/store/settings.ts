import type { Db } from './types';

interface SettingRow {
  key: string;
  value: string;
  updated_at: number;
}

/** Settings rows: JSON values under a key. */
export function createSettingsStore(db: Db) {
  const selectAll = db.prepare<[], SettingRow>('SELECT key, value, updated_at FROM settings');
  const upsert = db.prepare<[string, string, number]>(
    'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
  );
  return {
    readAll(): Record<string, unknown> {
      const out: Record<string, unknown> = {};
      for (const row of selectAll.all()) {
        try {
          out[row.key] = JSON.parse(row.value);
        } catch {
          // A value that no longer parses falls back to its default rather than blocking start-up.
        }
      }
      return out;
    },
    writeMany(values: Record<string, unknown>, now: number): void {
      db.transaction(() => {
        for (const [key, value] of Object.entries(values)) upsert.run(key, JSON.stringify(value), now);
      })();
    },
  };
}
export type SettingsStore = ReturnType<typeof createSettingsStore>;
