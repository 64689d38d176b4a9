import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../../electron/engine';
import { createMemoryLogger } from '../../electron/engine/common/logger';
import { loadConfig } from '../../electron/engine/config';
import type { Simulator } from '../../electron/engine/sim';
import { DEEP_DIVE_WORKER } from '../fixtures/deep-dive-worker';
import { killAllWorkers, spawnJobWorker } from '../fixtures/job-worker';
import { loopbackOnlyFetch } from '../fixtures/ohlcv-import-worker';
import { LIVE_TOKEN, liveApp, liveEnv, startUpstox, type Cleanups, type LiveApp } from '../helpers/live-app';
import { makeTempDir, removeTempDirs } from '../helpers/temp-dir';
import { waitFor } from '../helpers/wait';

const RELIANCE = 'NSE_EQ|INE002A01018';

const cleanups: Cleanups = [];

afterEach(async () => {
  await killAllWorkers();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  removeTempDirs();
});

// Answers are compared whole or by field; read loosely here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

const finished = (app: LiveApp, id: number) =>
  waitFor(
    async () => {
      const status = await app.get(`/api/v1/deep-dive/${id}/status`);
      return status.status === 'PROCESSING' ? undefined : status;
    },
    `deep-dive ${id}`,
    60_000,
    50,
  );

/** The screener export the simulator serves, as a user would download it and import it. */
async function screenerExport(sim: Simulator): Promise<string> {
  const response = await fetch(`${sim.apiUrl}/tickdesk-sim/fundamentals.csv`, {
    headers: { authorization: `Bearer ${LIVE_TOKEN}` },
  });
  expect(response.status).toBe(200);
  return response.text();
}

describe('deep-dive reliability (live world, the simulator as Upstox)', () => {
  it('goes on with stored data when the refresh fails, and says how old it is; fundamentals come from an imported screener file', async () => {
    const sim = await startUpstox(11, cleanups);
    const app = await liveApp(sim, cleanups, 'tickdesk-analysis-faults-');
    const imported = await app.send('POST', '/api/v1/fundamentals', { csv: await screenerExport(sim) });
    expect(imported).toMatchObject({ status: 200, body: { imported: expect.any(Number) } });
    expect(imported.body.imported).toBeGreaterThan(200);
    expect(await app.get('/api/v1/fundamentals/RELIANCE')).toMatchObject({ symbol: 'RELIANCE', source: 'csv' });

    const fresh = await finished(
      app,
      (await app.send('POST', '/api/v1/deep-dive', { symbol: 'RELIANCE' })).body.analysisId,
    );
    expect(fresh.status).toBe('COMPLETED');
    expect(fresh.report.warnings).toEqual([]);
    expect(fresh.report.sections.valuation.available).toBe(true);

    // Every candle request from now on gets an answer no client can use.
    sim.faults.restFaults({ shareMalformed: 1 });
    const stale = await finished(
      app,
      (await app.send('POST', '/api/v1/deep-dive', { symbol: 'RELIANCE' })).body.analysisId,
    );
    expect(stale.status).toBe('COMPLETED');
    expect(sim.faults.restReport().injected.malformed).toBeGreaterThanOrEqual(3);
    const warnings: string[] = stale.report.warnings;
    expect(warnings.find((w) => w.startsWith('Daily candles could not be refreshed'))).toMatch(
      /using stored data as of \d{4}-\d{2}-\d{2}T.*\+05:30 \(.+ old\)\.$/,
    );
    expect(warnings.some((w) => w.startsWith('Hourly candles could not be refreshed'))).toBe(true);
    expect(stale.report.snapshot.dataAge.candles1d.refreshed).toBe(false);
    expect(stale.report.snapshot.candles['1d']).toEqual(fresh.report.snapshot.candles['1d']);
    expect(stale.report.summary).toMatch(/stale|could not be refreshed|stored data/i);
  }, 120_000);

  it('ends FAILED with the error when there is nothing to analyse, and saves nothing', async () => {
    const sim = await startUpstox(12, cleanups);
    sim.faults.restFaults({ shareMalformed: 1 });
    const app = await liveApp(sim, cleanups, 'tickdesk-analysis-faults-');
    const started = await app.send('POST', '/api/v1/deep-dive', { symbol: 'TCS' });
    const failed = await finished(app, started.body.analysisId);
    expect(failed).toMatchObject({ status: 'FAILED', symbol: 'TCS', errorCode: 'ANALYSIS_FAILED' });
    expect(failed.error).toMatch(/daily/i);
    expect(failed.steps.map((s: Loose) => s.status)).toEqual(['DONE', 'FAILED', 'PENDING']);
    expect(await app.get('/api/v1/reports')).toEqual([]);
    expect(app.events.filter((e) => e.event === 'analysis_completed').map((e) => e.payload)).toEqual([
      expect.objectContaining({ kind: 'deep-dive', status: 'FAILED', reportId: null, error: failed.error }),
    ]);
  }, 60_000);

  it('kill -9 in the middle of the analysis step: the restart resumes at that step, without fetching again, and saves one report', async () => {
    const sim = await startUpstox(13, cleanups);
    sim.faults.restFaults({});
    const dataDir = makeTempDir('tickdesk-deep-dive-crash-');
    const env = { ...liveEnv(sim), TICKDESK_DEEP_DIVE_SYMBOL: 'RELIANCE' };
    const first = spawnJobWorker({
      dataDir,
      script: DEEP_DIVE_WORKER,
      env: { ...env, TICKDESK_PAUSE_AT_STEP: 'analyse' },
    });
    const ready = await first.waitForLine(/^READY \d+ started$/, 40_000);
    const analysisId = Number(ready.split(' ')[1]);
    await first.waitForLine(/^PAUSED analyse$/, 40_000);
    const candleRequests = () =>
      sim.faults.restReport().requests.filter((r) => r.instrumentKey === RELIANCE && !r.path.includes('/intraday/'))
        .length;
    const fetchedBeforeKill = candleRequests();
    expect(fetchedBeforeKill).toBeGreaterThan(0);
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');

    const second = spawnJobWorker({ dataDir, script: DEEP_DIVE_WORKER, env });
    await second.waitForLine(new RegExp(`^READY ${analysisId} resumed$`), 40_000);
    const done = await second.waitForLine(/^(DONE|FAILED) /, 60_000);
    expect(done, second.output()).toMatch(new RegExp(`^DONE ${analysisId} \\d+$`));
    expect((await second.exited).code).toBe(0);
    expect(candleRequests()).toBe(fetchedBeforeKill);

    const check = createEngine(loadConfig({ TICKDESK_DATA_DIR: dataDir, ...liveEnv(sim) }), {
      fetch: loopbackOnlyFetch().fetch,
      logger: createMemoryLogger(),
      startFeed: false,
    });
    cleanups.push(() => check.shutdown());
    const reports = await check.router.call('reports.list', { limit: 10 });
    expect(reports).toHaveLength(1);
    expect(reports[0]!.symbol).toBe('RELIANCE');
    const items = check.jobs.items(analysisId, undefined, 10);
    expect(items.map((i) => [i.key, i.status])).toEqual([
      ['step:refresh', 'SUCCEEDED'],
      ['step:analyse', 'SUCCEEDED'],
      ['step:save', 'SUCCEEDED'],
    ]);
    expect(items.find((i) => i.key === 'step:refresh')!.attempts).toBe(1);
  }, 150_000);
});
