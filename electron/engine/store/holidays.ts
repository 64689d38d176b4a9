import type { Db } from './types';

export interface HolidayRow {
  date: string;
  description: string;
  source: 'bundled' | 'user';
}

/** NSE holidays: the bundled list, loaded at every start, and the ones the user added. */
export function createHolidayStore(db: Db) {
  const insert = db.prepare<[string, string, string]>(
    "INSERT INTO market_holidays (date, exchange, description, source) VALUES (?, 'NSE', ?, ?) ON CONFLICT (exchange, date) DO NOTHING",
  );
  const all = db.prepare<[], HolidayRow>(
    "SELECT date, description, source FROM market_holidays WHERE exchange = 'NSE' ORDER BY date",
  );
  const remove = db.prepare<[string]>(
    "DELETE FROM market_holidays WHERE exchange = 'NSE' AND date = ? AND source = 'user'",
  );
  return {
    /** Adds the dates not there yet; a date already there (bundled or the user's) keeps its row. */
    addBundled: db.transaction((holidays: readonly { date: string; description: string }[]): number =>
      holidays.reduce((n, h) => n + insert.run(h.date, h.description, 'bundled').changes, 0),
    ),
    addUser(date: string, description: string): void {
      insert.run(date, description, 'user');
    },
    /** Only the user's own: bundled holidays stay. */
    removeUser: (date: string): boolean => remove.run(date).changes === 1,
    list: (): HolidayRow[] => all.all(),
  };
}
export type HolidayStore = ReturnType<typeof createHolidayStore>;
