import { Cron } from 'croner';
import type { Schedule } from '../../../shared/domain/jobs';
import { IST_TIMEZONE } from '../../../shared/constants';
import { WorkstationError } from '../../../shared/errors';
import { parseOrThrow } from '../common/parse';
import type { Clock, TimerHandle } from '../common/clock';
import type { Logger } from '../common/logger';
import type { ScheduleRecord, ScheduleStore } from '../store/schedules';
import type { JobRegistry } from './registry';
import type { JobService } from './service';

export interface ScheduleDefinition {
  name: string;
  description: string;
  jobKind: string;
  cron: string;
  enabled: boolean;
  tradingDaysOnly: boolean;
  payload: unknown;
}

/** The trading calendar as the scheduler needs it. */
export interface TradingDays {
  /** Whether NSE trades on the IST date of this instant. */
  isTradingDay(ms: number): boolean;
}

export interface SchedulerDeps {
  store: ScheduleStore;
  jobs: JobService;
  registry: JobRegistry;
  calendar: TradingDays;
  clock: Clock;
  logger: Logger;
  /** The schedules a new install starts with; capabilities add theirs with `define` before `start`. */
  definitions?: readonly ScheduleDefinition[];
  /** A run missed while the app was closed is made up at start only if it is at most this old. */
  catchUpWindowMs?: number;
}

/** Re-check at least this often, so edits from another process and clock jumps (sleep, NTP) are seen. */
const MAX_TIMER_MS = 60_000;
const DEFAULT_CATCH_UP_WINDOW_MS = 3 * 24 * 60 * 60_000;
/** Guards the search for a trading-day occurrence against a calendar with no trading days at all. */
const MAX_OCCURRENCE_SCAN = 400;

export function parseCron(cron: string): Cron {
  try {
    return new Cron(cron, { timezone: IST_TIMEZONE, paused: true });
  } catch (error) {
    throw new WorkstationError('VALIDATION_FAILED', `invalid cron expression "${cron}": ${(error as Error).message}`, [
      { path: ['cron'], message: (error as Error).message },
    ]);
  }
}

/**
 * Cron schedules in Asia/Kolkata that enqueue jobs. Each occurrence enqueues with its own idempotency key,
 * so a restart or a second engine on the same file never runs one occurrence twice.
 */
export function createScheduler(deps: SchedulerDeps) {
  const { store, jobs, registry, calendar, clock, logger } = deps;
  const catchUpWindow = deps.catchUpWindowMs ?? DEFAULT_CATCH_UP_WINDOW_MS;
  const definitions: ScheduleDefinition[] = [];
  const descriptions = new Map<string, string>();
  const define = (added: readonly ScheduleDefinition[]) => {
    for (const definition of added) {
      if (descriptions.has(definition.name)) throw new Error(`schedule defined twice: ${definition.name}`);
      definitions.push(definition);
      descriptions.set(definition.name, definition.description);
    }
  };
  define(deps.definitions ?? []);
  let timer: TimerHandle | undefined;
  let running = false;

  const qualifies = (record: Pick<ScheduleRecord, 'tradingDaysOnly'>, at: number) =>
    !record.tradingDaysOnly || calendar.isTradingDay(at);

  function nextOccurrence(record: Pick<ScheduleRecord, 'cron' | 'tradingDaysOnly'>, after: number): number | null {
    const cron = parseCron(record.cron);
    let from = new Date(after);
    for (let i = 0; i < MAX_OCCURRENCE_SCAN; i++) {
      const next = cron.nextRun(from);
      if (!next) return null;
      if (qualifies(record, next.getTime())) return next.getTime();
      from = next;
    }
    return null;
  }

  function latestMissed(record: ScheduleRecord, now: number): number | null {
    const cron = parseCron(record.cron);
    for (const occurrence of cron.previousRuns(MAX_OCCURRENCE_SCAN, new Date(now))) {
      const at = occurrence.getTime();
      if (now - at > catchUpWindow || (record.lastRunAt !== null && at <= record.lastRunAt)) return null;
      if (qualifies(record, at)) return at;
    }
    return null;
  }

  function toDto(record: ScheduleRecord): Schedule {
    return {
      name: record.name,
      description: descriptions.get(record.name) ?? record.jobKind,
      jobKind: record.jobKind,
      cron: record.cron,
      timezone: IST_TIMEZONE,
      enabled: record.enabled,
      tradingDaysOnly: record.tradingDaysOnly,
      payload: record.payload,
      available: registry.get(record.jobKind) !== undefined,
      lastRunAt: record.lastRunAt === null ? null : new Date(record.lastRunAt).toISOString(),
      lastJobId: record.lastJobId,
      nextRunAt: record.enabled && record.nextRunAt !== null ? new Date(record.nextRunAt).toISOString() : null,
    };
  }

  function mustGet(name: string): ScheduleRecord {
    const record = store.get(name);
    if (!record) throw new WorkstationError('NOT_FOUND', `no schedule named ${name}`);
    return record;
  }

  function fire(record: ScheduleRecord, occurrence: number, reason: 'due' | 'catch-up' | 'manual'): number {
    const now = clock.now();
    const key = reason === 'manual' ? null : `schedule:${record.name}:${new Date(occurrence).toISOString()}`;
    const { job, created } = jobs.enqueue(record.jobKind, record.payload, {
      idempotencyKey: key,
      priority: reason === 'manual' ? 'HIGH' : 'NORMAL',
    });
    store.recordRun(record.name, now, job.id, record.enabled ? nextOccurrence(record, now) : null);
    if (created) logger.info('schedule fired', { schedule: record.name, jobId: job.id, reason });
    return job.id;
  }

  function tick(): void {
    timer = undefined;
    if (!running) return;
    const now = clock.now();
    for (const record of store.all()) {
      if (!record.enabled || record.nextRunAt === null || record.nextRunAt > now) continue;
      if (!registry.get(record.jobKind)) continue;
      try {
        fire(record, record.nextRunAt, 'due');
      } catch (error) {
        logger.error('schedule could not enqueue its job', { schedule: record.name, error });
        store.setNextRun(record.name, nextOccurrence(record, now), now);
      }
    }
    arm();
  }

  function arm(): void {
    clock.clearTimeout(timer);
    if (!running) return;
    const now = clock.now();
    const soonest = store
      .all()
      .filter((r) => r.enabled && r.nextRunAt !== null)
      .reduce((min, r) => Math.min(min, r.nextRunAt!), Infinity);
    timer = clock.setTimeout(tick, Math.max(0, Math.min(MAX_TIMER_MS, soonest - now)));
  }

  return {
    define,
    /** Seeds the default schedules, makes up runs missed while closed (once each), and starts the timer. */
    start(): void {
      const now = clock.now();
      store.seed(definitions, now);
      for (const record of store.all()) {
        if (!record.enabled || !registry.get(record.jobKind)) {
          store.setNextRun(record.name, record.enabled ? nextOccurrence(record, now) : null, now);
          continue;
        }
        const missed = record.nextRunAt !== null && record.nextRunAt <= now ? latestMissed(record, now) : null;
        if (missed !== null) fire(record, missed, 'catch-up');
        else store.setNextRun(record.name, nextOccurrence(record, now), now);
      }
      running = true;
      arm();
    },
    stop(): void {
      running = false;
      clock.clearTimeout(timer);
      timer = undefined;
    },
    list: (): Schedule[] => store.all().map(toDto),
    update(
      name: string,
      changes: { cron?: string | undefined; enabled?: boolean | undefined; payload?: unknown },
    ): Schedule {
      const record = mustGet(name);
      const next = {
        ...record,
        ...Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)),
      } as ScheduleRecord;
      parseCron(next.cron);
      if (next.enabled && !registry.get(next.jobKind)) {
        throw new WorkstationError(
          'CONFLICT',
          `schedule ${name} runs "${next.jobKind}" jobs, which this version of the app cannot run yet`,
        );
      }
      const kind = registry.get(next.jobKind);
      if (changes.payload !== undefined) {
        // Checked now, by the kind that will run it: a bad payload saved today would only fail at 07:45 tomorrow.
        if (!kind) {
          throw new WorkstationError(
            'VALIDATION_FAILED',
            `schedule ${name} runs "${next.jobKind}" jobs, which this version cannot run: it takes no payload`,
            [{ path: ['payload'], message: `no job kind ${next.jobKind} to check it against` }],
          );
        }
        parseOrThrow(kind.payload, next.payload, `invalid payload for ${next.jobKind}`, { at: ['payload'] });
      }
      const now = clock.now();
      store.update(
        name,
        {
          cron: next.cron,
          enabled: next.enabled,
          payload: next.payload,
          nextRunAt: next.enabled ? nextOccurrence(next, now) : null,
        },
        now,
      );
      logger.info('schedule changed', { schedule: name, cron: next.cron, enabled: next.enabled });
      arm();
      return toDto(mustGet(name));
    },
    runNow(name: string): { schedule: Schedule; jobId: number } {
      const record = mustGet(name);
      if (!registry.get(record.jobKind)) {
        throw new WorkstationError(
          'CONFLICT',
          `schedule ${name} runs "${record.jobKind}" jobs, which this version of the app cannot run yet`,
        );
      }
      const jobId = fire(record, clock.now(), 'manual');
      return { schedule: toDto(mustGet(name)), jobId };
    },
  };
}
export type Scheduler = ReturnType<typeof createScheduler>;
