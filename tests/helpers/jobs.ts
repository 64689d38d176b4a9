import path from 'node:path';
import type { EventEnvelope } from '../../shared/contract';
import type { Job, JobStatus } from '../../shared/domain/jobs';
import { createEventHub } from '../../electron/engine/common/events';
import { createMemoryLogger, type MemoryLogEntry } from '../../electron/engine/common/logger';
import type { AnyJobKind } from '../../electron/engine/jobs/registry';
import { createJobsModule, type JobsModule } from '../../electron/engine/jobs/module';
import type { RunnerOptions } from '../../electron/engine/jobs/runner';
import type { ScheduleDefinition, TradingDays } from '../../electron/engine/jobs/scheduler';
import { createStores, type Stores } from '../../electron/engine/store';
import { DB_FILE_NAME, openDatabase } from '../../electron/engine/store/open';
import { FakeClock } from './fake-clock';
import { makeTempDir } from './temp-dir';
import { waitFor } from './wait';

export interface TestJobsOptions {
  kinds?: readonly AnyJobKind[];
  schedules?: readonly ScheduleDefinition[];
  /** Every day trades unless a test says otherwise. */
  calendar?: TradingDays;
  clock?: FakeClock;
  /** Reuse a data folder (restart tests); a new temp folder otherwise. */
  dataDir?: string;
  runner?: Partial<RunnerOptions>;
}

export interface TestJobs {
  jobs: JobsModule;
  stores: Stores;
  clock: FakeClock;
  dataDir: string;
  /** Every event emitted, in order. */
  events: EventEnvelope[];
  logs: MemoryLogEntry[];
  /** Resolves once the job reaches one of these states (the runner runs on real turns of the event loop). */
  waitForStatus(id: number, statuses: readonly JobStatus[]): Promise<Job>;
  /** Stops the runner and the scheduler, then closes the database. */
  close(): Promise<void>;
}

const open = new Set<TestJobs>();

/**
 * The job runner and scheduler on a real SQLite file in a temp folder, with a `FakeClock` and no engine around
 * them: for job kinds and scheduling, without a feed, an API or the other capabilities. Not started: call
 * `jobs.start()` after registering.
 */
export function createTestJobs(options: TestJobsOptions = {}): TestJobs {
  const dataDir = options.dataDir ?? makeTempDir('tickdesk-jobs-');
  const clock = options.clock ?? new FakeClock();
  const logger = createMemoryLogger();
  const hub = createEventHub({ clock, logger, validate: true });
  const events: EventEnvelope[] = [];
  hub.subscribe((envelope) => events.push(envelope));
  const stores = createStores(openDatabase(path.join(dataDir, DB_FILE_NAME)));
  const jobs = createJobsModule({
    stores,
    clock,
    logger,
    emit: hub.emit,
    calendar: options.calendar ?? { isTradingDay: () => true },
    settings: () => ({ jobRetentionDays: 30 }),
    runner: options.runner,
  });
  jobs.register({ jobKinds: options.kinds ?? [], schedules: options.schedules ?? [] });
  let closed = false;
  const harness: TestJobs = {
    jobs,
    stores,
    clock,
    dataDir,
    events,
    logs: logger.entries,
    waitForStatus: (id, statuses) =>
      waitFor(
        () => {
          const job = jobs.service.get(id);
          return statuses.includes(job.status) ? job : undefined;
        },
        `job ${id} to be ${statuses.join(' or ')}`,
      ),
    async close() {
      if (closed) return;
      closed = true;
      open.delete(harness);
      await jobs.stop();
      stores.db.close();
    },
  };
  open.add(harness);
  return harness;
}

/** For afterEach: closes every harness a test left open. */
export async function closeTestJobs(): Promise<void> {
  await Promise.all([...open].map((h) => h.close()));
}
