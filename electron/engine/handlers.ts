import type { Scheduler } from './jobs/scheduler';
import type { JobService } from './jobs/service';
import type { TradingCalendar } from './market/calendar';
import { WorkstationError } from '../../shared/errors';
import type { CommandHandlers } from './router';
import type { SettingsService } from './settings/service';
import type { SystemService } from './system';

export interface Services {
  system: SystemService;
  settings: SettingsService;
  jobs: JobService;
  scheduler: Scheduler;
  calendar: TradingCalendar;
}

/** Binds every contract command to the service that answers it; nothing here decides anything. */
export function bindHandlers({ system, settings, jobs, scheduler, calendar }: Services): CommandHandlers {
  return {
    'system.health': () => system.health(),
    'system.status': (_input, context) => system.status(context),
    'settings.get': () => settings.get(),
    'settings.update': (patch) => settings.update(patch),
    'settings.setUpstoxToken': ({ token }) => settings.setUpstoxToken(token),
    'settings.clearUpstoxToken': () => settings.clearUpstoxToken(),
    'jobs.list': (query) => jobs.list(query),
    'jobs.stats': () => jobs.stats(),
    'jobs.get': ({ id }) => jobs.get(id),
    'jobs.items': ({ id, status, limit }) => jobs.items(id, status, limit),
    'jobs.cancel': ({ id }) => jobs.cancel(id),
    'jobs.retry': ({ id }) => jobs.retry(id),
    'jobs.startDemo': (payload) => {
      const { job } = jobs.enqueue('demo.work', payload);
      return { jobId: job.id, status: job.status };
    },
    'schedules.list': () => scheduler.list(),
    'schedules.update': ({ name, ...changes }) => scheduler.update(name, changes),
    'schedules.runNow': ({ name }) => scheduler.runNow(name),
    'calendar.holidays': () => calendar.list(),
    'calendar.addHoliday': ({ date, description }) => {
      calendar.add(date, description);
      return calendar.list();
    },
    'calendar.removeHoliday': ({ date }) => {
      if (!calendar.remove(date)) throw new WorkstationError('NOT_FOUND', `no holiday you added on ${date} (bundled holidays stay)`);
      return calendar.list();
    },
  };
}
