import { z } from 'zod';
import { HolidayDateSchema, HolidayInputSchema, HolidaySchema } from '../domain/jobs';
import { command, NoInput } from './define';

/** The NSE trading calendar that schedules (and later square-offs and expiries) run by. */
export const calendarCommands = {
  'calendar.holidays': command(NoInput, z.array(HolidaySchema), { method: 'GET', path: '/calendar/holidays' }),
  'calendar.addHoliday': command(HolidayInputSchema, z.array(HolidaySchema), {
    method: 'POST',
    path: '/calendar/holidays',
  }),
  'calendar.removeHoliday': command(HolidayDateSchema, z.array(HolidaySchema), {
    method: 'DELETE',
    path: '/calendar/holidays/:date',
  }),
} as const;

export const calendarEvents = {} as const;
