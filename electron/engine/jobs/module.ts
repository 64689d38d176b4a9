import type { jobsCommands } from '../../../shared/contract/jobs';
import type { Settings } from '../../../shared/domain/settings';
import type { Clock } from '../common/clock';
import type { DomainHandlers } from '../common/commands';
import type { Emit } from '../common/events';
import type { Logger } from '../common/logger';
import type { Stores } from '../store';
import { JOB_CLEANUP_KIND, jobCleanupKind } from './cleanup.job';
import { DEMO_JOB_KIND, demoJobKind } from './demo.job';
import type { EngineModule } from './engine-module';
import { createJobRegistry } from './registry';
import { createJobRunner, type RunnerOptions } from './runner';
import { createScheduler, type TradingDays } from './scheduler';
import { createJobService } from './service';

export interface JobsModuleDeps {
  stores: Pick<Stores, 'db' | 'jobs' | 'schedules'>;
  clock: Clock;
  logger: Logger;
  emit: Emit;
  /** Schedules marked "trading days only" fire on the days this calendar says NSE trades. */
  calendar: TradingDays;
  settings: () => Pick<Settings, 'jobRetentionDays'>;
  random?: () => number;
  runner?: Partial<RunnerOptions>;
}

/**
 * The durable job runner and the scheduler, shared by every capability: each registers its job kinds and default
 * schedules here before the engine starts, and enqueues through `service`.
 */
export function createJobsModule(deps: JobsModuleDeps) {
  const { stores, clock, emit } = deps;
  const logger = deps.logger.child('jobs');
  const registry = createJobRegistry();
  const runner = createJobRunner({
    db: stores.db,
    store: stores.jobs,
    registry,
    clock,
    logger,
    emit,
    random: deps.random,
    options: deps.runner,
  });
  const service = createJobService({ db: stores.db, store: stores.jobs, registry, runner, clock, logger, emit });
  const scheduler = createScheduler({
    store: stores.schedules,
    jobs: service,
    registry,
    calendar: deps.calendar,
    clock,
    logger: deps.logger.child('scheduler'),
  });

  const handlers: DomainHandlers<typeof jobsCommands> = {
    'jobs.list': (query) => service.list(query),
    'jobs.stats': () => service.stats(),
    'jobs.get': ({ id }) => service.get(id),
    'jobs.items': ({ id, status, limit }) => service.items(id, status, limit),
    'jobs.cancel': ({ id }) => service.cancel(id),
    'jobs.retry': ({ id }) => service.retry(id),
    'jobs.startDemo': (payload) => service.start(DEMO_JOB_KIND, payload),
    'schedules.list': () => scheduler.list(),
    'schedules.update': ({ name, ...changes }) => scheduler.update(name, changes),
    'schedules.runNow': ({ name }) => scheduler.runNow(name),
  };

  return {
    name: 'jobs',
    handlers,
    jobKinds: [
      demoJobKind,
      jobCleanupKind({
        deleteFinishedBefore: stores.jobs.deleteFinishedBefore,
        retentionDays: () => deps.settings().jobRetentionDays,
      }),
    ],
    schedules: [
      {
        name: 'job-cleanup',
        description: 'Daily removal of finished jobs older than the retention setting',
        jobKind: JOB_CLEANUP_KIND,
        cron: '30 2 * * *',
        enabled: true,
        tradingDaysOnly: false,
        payload: {},
      },
    ],
    service,
    scheduler,
    runner,
    registry,
    /** Takes each module's job kinds and schedules; before `start`. */
    register(module: Pick<EngineModule, 'jobKinds' | 'schedules'>): void {
      registry.register(module.jobKinds ?? []);
      scheduler.define(module.schedules ?? []);
    },
    /** Resumes what a crash interrupted, then fires what is due. */
    start(): void {
      runner.start();
      scheduler.start();
    },
    /** Stops firing, then lets running jobs reach a safe point. */
    async stop(): Promise<void> {
      scheduler.stop();
      await runner.stop();
    },
  };
}
export type JobsModule = ReturnType<typeof createJobsModule>;
