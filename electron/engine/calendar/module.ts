import path from 'node:path';
import type { calendarCommands } from '../../../shared/contract/calendar';
import { WorkstationError } from '../../../shared/errors';
import type { DomainHandlers } from '../common/commands';
import type { Stores } from '../store';
import { createTradingCalendar } from './calendar';

export interface CalendarModuleDeps {
  stores: Pick<Stores, 'holidays'>;
  /** The product's data files: `calendar/nse-holidays.json` below it. */
  resourcesDir: string;
}

/** The NSE trading calendar that schedules run by: bundled holidays, refreshed at every start, and the user's. */
export function createCalendarModule({ stores, resourcesDir }: CalendarModuleDeps) {
  const calendar = createTradingCalendar(stores.holidays);
  // At construction, not start: the scheduler computes its first runs from it.
  calendar.loadBundled(path.join(resourcesDir, 'calendar', 'nse-holidays.json'));

  const handlers: DomainHandlers<typeof calendarCommands> = {
    'calendar.holidays': () => calendar.list(),
    'calendar.addHoliday': ({ date, description }) => {
      calendar.add(date, description);
      return calendar.list();
    },
    'calendar.removeHoliday': ({ date }) => {
      if (!calendar.remove(date))
        throw new WorkstationError('NOT_FOUND', `no holiday you added on ${date} (bundled holidays stay)`);
      return calendar.list();
    },
  };
  return { name: 'calendar', handlers, calendar };
}
