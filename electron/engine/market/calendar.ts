import fs from 'node:fs';
import { z } from 'zod';
import { ISO_DATE, istDate, istWeekday } from '../../../shared/time';
import type { Db } from '../store/types';

export const HolidayFileSchema = z.object({
  exchange: z.literal('NSE'),
  holidays: z.array(z.object({ date: z.string().regex(ISO_DATE), description: z.string().min(1) })),
});

export interface Holiday {
  date: string;
  description: string;
  source: 'bundled' | 'user';
}

/**
 * The NSE trading calendar: weekends and the exchange's holiday list. The bundled list (resources/calendar)
 * is loaded at every start, so an updated app brings new years; holidays the user adds are kept beside it.
 */
export function createTradingCalendar(db: Db) {
  const insert = db.prepare<[string, string, string]>(
    "INSERT INTO market_holidays (date, exchange, description, source) VALUES (?, 'NSE', ?, ?) ON CONFLICT (exchange, date) DO NOTHING",
  );
  const all = db.prepare<[], Holiday>("SELECT date, description, source FROM market_holidays WHERE exchange = 'NSE' ORDER BY date");
  const remove = db.prepare<[string]>("DELETE FROM market_holidays WHERE exchange = 'NSE' AND date = ? AND source = 'user'");
  let holidays = new Set<string>();
  const reload = () => {
    holidays = new Set(all.all().map((h) => h.date));
  };
  reload();

  return {
    loadBundled(file: string): number {
      const parsed = HolidayFileSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
      const added = db.transaction(() => parsed.holidays.reduce((n, h) => n + insert.run(h.date, h.description, 'bundled').changes, 0))();
      reload();
      return added;
    },
    list: (): Holiday[] => all.all(),
    add(date: string, description: string): void {
      insert.run(date, description, 'user');
      reload();
    },
    remove(date: string): boolean {
      const removed = remove.run(date).changes === 1;
      reload();
      return removed;
    },
    isHoliday: (ms: number) => holidays.has(istDate(ms)),
    /** Whether NSE trades on the IST date of this instant. */
    isTradingDay(ms: number): boolean {
      const day = istWeekday(ms);
      return day !== 0 && day !== 6 && !holidays.has(istDate(ms));
    },
  };
}
export type TradingCalendar = ReturnType<typeof createTradingCalendar>;
