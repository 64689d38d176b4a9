import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../tests/helpers/fake-clock';
import { closeTestJobs, createTestJobs } from '../../../tests/helpers/jobs';
import { removeTempDirs } from '../../../tests/helpers/temp-dir';
import { createMemoryLogger } from '../common/logger';
import { createRateLimiter } from '../upstox/rate-limit';
import { createImportsModule } from './module';
import { OHLCV_IMPORT_KIND } from './ohlcv.job';

const RESOURCES = path.resolve(import.meta.dirname, '..', '..', '..', 'resources');

afterEach(async () => {
  await closeTestJobs();
  removeTempDirs();
});

/** The jobs harness with the imports module registered as the engine registers it; only the scheduler runs. */
function withImports(clock: FakeClock, dataDir?: string) {
  const h = createTestJobs({ clock, ...(dataDir ? { dataDir } : {}) });
  const imports = createImportsModule({
    world: 'demo',
    stores: h.stores,
    clock,
    logger: createMemoryLogger(),
    emit: () => {},
    jobs: h.jobs.service,
    limiter: createRateLimiter({ clock }),
    resourcesDir: RESOURCES,
    market: { source: () => null },
  });
  h.jobs.register(imports);
  h.jobs.scheduler.start();
  return h;
}

const importJobs = (h: ReturnType<typeof createTestJobs>) =>
  h.jobs.service.list({ kind: OHLCV_IMPORT_KIND, limit: 10 });

describe('daily OHLCV import schedule', () => {
  it('is on by default, after the close on trading days, and a run missed while closed is made up once at the next start', async () => {
    // Monday 5 January 2026, 10:30 IST.
    const first = withImports(new FakeClock('2026-01-05T05:00:00.000Z'));
    expect(first.jobs.scheduler.list().find((s) => s.name === 'ohlcv-daily-import')).toMatchObject({
      enabled: true,
      available: true,
      timezone: 'Asia/Kolkata',
      nextRunAt: '2026-01-05T11:00:00.000Z',
    });
    expect(importJobs(first)).toHaveLength(0);
    await first.close();

    // Closed over Monday's and Tuesday's runs; opened on Wednesday morning.
    const second = withImports(new FakeClock('2026-01-07T04:00:00.000Z'), first.dataDir);
    const made = importJobs(second);
    expect(made).toHaveLength(1);
    expect(made[0]!.payload).toMatchObject({ universes: ['nifty50'], timeframes: ['1d'] });
    expect(second.jobs.scheduler.list().find((s) => s.name === 'ohlcv-daily-import')!.nextRunAt).toBe(
      '2026-01-07T11:00:00.000Z',
    );
    await second.close();

    // Opened again the same morning: the missed run is not made up twice.
    const third = withImports(new FakeClock('2026-01-07T04:30:00.000Z'), first.dataDir);
    expect(importJobs(third)).toHaveLength(1);
  });
});
