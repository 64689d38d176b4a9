import fs from 'node:fs';
import { z } from 'zod';
import { ISO_DATE, istDate, istWeekday } from '../../../shared/time';
import type { HolidayRow, HolidayStore } from '../store/holidays';

export const HolidayFileSchema = z.object({
  exchange: z.literal('NSE'),
  holidays: z.array(z.object({ date: z.string().regex(ISO_DATE), description: z.string().min(1) })),
});

export type Holiday = HolidayRow;

/**
 * The NSE trading calendar: weekends and the exchange's holiday list. The bundled list (resources/calendar)
 * is loaded at every start, so an updated app brings new years; holidays the user adds are kept beside it.
 */
export function createTradingCalendar(store: HolidayStore) {
  let holidays = new Set<string>();
  const reload = () => {
    holidays = new Set(store.list().map((h) => h.date));
  };
  reload();

  return {
    loadBundled(file: string): number {
      const parsed = HolidayFileSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
      const added = store.addBundled(parsed.holidays);
      reload();
      return added;
    },
    list: (): Holiday[] => store.list(),
    add(date: string, description: string): void {
      store.addUser(date, description);
      reload();
    },
    remove(date: string): boolean {
      const removed = store.removeUser(date);
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
