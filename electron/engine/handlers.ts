import type { FeedService } from './feed/service';
import type { CandleStore } from './store/candles';
import type { InstrumentService } from './instruments/service';
import type { Scheduler } from './jobs/scheduler';
import type { JobService } from './jobs/service';
import type { TradingCalendar } from './market/calendar';
import type { JobStatus } from '../../shared/domain/jobs';
import { WorkstationError } from '../../shared/errors';
import { INSTRUMENTS_IMPORT_KIND } from './jobs/kinds/instruments-import';
import type { CommandHandlers } from './router';
import type { SettingsService } from './settings/service';
import type { SystemService } from './system';

export interface Services {
  system: SystemService;
  settings: SettingsService;
  jobs: JobService;
  scheduler: Scheduler;
  calendar: TradingCalendar;
  feed: FeedService;
  candles: CandleStore;
  instruments: InstrumentService;
}

/** Binds every contract command to the service that answers it; nothing here decides anything. */
export function bindHandlers(services: Services): CommandHandlers {
  const { system, settings, jobs, scheduler, calendar, feed, candles, instruments } = services;
  const started = (job: { id: number; status: JobStatus }) => ({ jobId: job.id, status: job.status });
  return {
    'system.health': () => system.health(),
    'system.status': (_input, context) => system.status(context),
    'settings.get': () => settings.get(),
    'settings.update': (patch) => settings.update(patch),
    // A new token (or none) changes the market source: the feed starts again on the right one.
    'settings.setUpstoxToken': async ({ token }) => {
      const view = settings.setUpstoxToken(token);
      await feed.reconnect();
      return view;
    },
    'settings.clearUpstoxToken': async () => {
      const view = settings.clearUpstoxToken();
      await feed.reconnect();
      return view;
    },
    'jobs.list': (query) => jobs.list(query),
    'jobs.stats': () => jobs.stats(),
    'jobs.get': ({ id }) => jobs.get(id),
    'jobs.items': ({ id, status, limit }) => jobs.items(id, status, limit),
    'jobs.cancel': ({ id }) => jobs.cancel(id),
    'jobs.retry': ({ id }) => jobs.retry(id),
    'jobs.startDemo': (payload) => {
      const { job } = jobs.enqueue('demo.work', payload);
      return started(job);
    },
    'feed.status': () => feed.status(),
    'feed.subscriptions': () => feed.subscriptions(),
    'feed.subscribe': ({ instrumentKeys, mode }) => feed.subscribe(instrumentKeys, mode),
    'feed.unsubscribe': ({ instrumentKeys }) => feed.unsubscribe(instrumentKeys),
    'feed.latestTicks': ({ keys }) => feed.latestTicks(keys),
    'feed.reconnect': () => feed.reconnect(),
    'candles.list': (query) => candles.query(query),
    'instruments.search': (query) => instruments.search(query),
    'instruments.get': ({ keys }) => instruments.get(keys),
    'instruments.import': ({ source }) => {
      const { job } = jobs.enqueue(INSTRUMENTS_IMPORT_KIND, instruments.importPayload(source === undefined ? {} : { source }));
      return started(job);
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
