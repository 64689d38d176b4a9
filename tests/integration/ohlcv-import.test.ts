import { afterEach, describe, expect, it } from 'vitest';
import { BAD_CSV, BANKS_CSV } from '../fixtures/universe-csv';
import { startApi, stopAll, type TestApi } from '../helpers/engine';
import { removeTempDirs } from '../helpers/temp-dir';
import { waitFor } from '../helpers/wait';

afterEach(async () => {
  await stopAll();
  removeTempDirs();
});

// Answers are compared whole below; read loosely here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

async function get(app: TestApi, route: string): Promise<Loose> {
  const response = await app.call(route);
  expect(response.status, route).toBe(200);
  return response.json();
}

async function send(
  app: TestApi,
  method: string,
  route: string,
  body?: unknown,
): Promise<{ status: number; body: Loose }> {
  const response = await app.call(route, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** The demo engine with its market running, once its instrument master is in. */
async function demoApp(): Promise<TestApi> {
  const app = await startApi({ feed: true });
  app.engine.start();
  await waitFor(
    async () => (await get(app, '/api/v1/instruments/search?q=HDFCBANK')).length > 0,
    'the demo instrument master',
  );
  return app;
}

const finished = (app: TestApi, runId: number) =>
  waitFor(
    async () => {
      const run = await get(app, `/api/v1/imports/${runId}`);
      return ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(run.status) ? run : undefined;
    },
    `import run ${runId} to finish`,
    60_000,
  );

describe('OHLCV import through the Local API (demo world, the simulator as the source)', () => {
  it('imports a CSV universe, lists the member it cannot resolve as failed, serves the bars, and a second run fetches only the latest days', async () => {
    const app = await demoApp();
    const created = await send(app, 'POST', '/api/v1/universes', { name: 'My banks', csv: BANKS_CSV });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ source: 'csv', memberCount: 6, unresolvedCount: 1 });
    const universeId = created.body.id as string;
    expect(created.body.members.find((m: Loose) => m.symbol === 'NOTABANK')).toMatchObject({ instrumentKey: null });

    const request = { universes: [universeId], timeframes: ['1d', '1w'], lookbackDays: { '1d': 400, '1w': 800 } };
    const plan = (await send(app, 'POST', '/api/v1/imports/plan', request)).body;
    expect(plan).toMatchObject({ totalSymbols: 6, requests: 10, unresolved: [{ symbol: 'NOTABANK', isin: null }] });

    const started = await send(app, 'POST', '/api/v1/imports', request);
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ status: 'QUEUED', totalSymbols: 6 });
    const run = await finished(app, started.body.runId);
    // 5 of 6 is above the 80% a run needs.
    expect(run).toMatchObject({
      status: 'SUCCEEDED',
      progress: { completed: 5, failed: 1, remaining: 0, total: 6, percentage: 100 },
      failedSymbols: ['NOTABANK'],
    });
    expect(run.recordsImported).toBeGreaterThan(5 * 250);

    const symbols: Loose[] = await get(app, `/api/v1/imports/${run.runId}/symbols`);
    expect(symbols).toHaveLength(6);
    for (const s of symbols.filter((s) => s.symbol !== 'NOTABANK'))
      expect(s).toMatchObject({ status: 'succeeded', provider: 'demo', providers: { '1d': 'demo', '1w': 'demo' } });
    expect(await get(app, `/api/v1/imports/${run.runId}/symbols?status=failed`)).toEqual([
      expect.objectContaining({ symbol: 'NOTABANK', errorCode: 'SYMBOL_NOT_FOUND', instrumentKey: null }),
    ]);

    const hdfc = symbols.find((s) => s.symbol === 'HDFCBANK');
    const daily: Loose[] = await get(
      app,
      `/api/v1/candles?instrumentKey=${encodeURIComponent(hdfc.instrumentKey)}&timeframe=1d&limit=5000`,
    );
    const imported = daily.filter((c) => c.source?.startsWith('demo'));
    // About 400 calendar days of trading days, and no two bars on one day.
    expect(imported.length).toBeGreaterThan(250);
    expect(new Set(daily.map((c) => c.ts)).size).toBe(daily.length);
    expect(hdfc.records).toBe(
      imported.length +
        (
          await get(
            app,
            `/api/v1/candles?instrumentKey=${encodeURIComponent(hdfc.instrumentKey)}&timeframe=1w&limit=5000`,
          )
        ).filter((c: Loose) => c.source?.startsWith('demo')).length,
    );

    // Everything is stored: one request per symbol and timeframe, for the latest days.
    expect((await send(app, 'POST', '/api/v1/imports/plan', request)).body.requests).toBe(10);

    const runs: Loose[] = await get(app, '/api/v1/imports');
    expect(runs[0]).toMatchObject({ runId: run.runId, status: 'SUCCEEDED', universes: [universeId] });
  });

  it('retries a chosen failed symbol as a new attempt of the same run, and refuses one that did not fail', async () => {
    const app = await demoApp();
    const { body: universe } = await send(app, 'POST', '/api/v1/universes', { name: 'Banks', csv: BANKS_CSV });
    const started = await send(app, 'POST', '/api/v1/imports', { universes: [universe.id], timeframes: ['1d'] });
    const runId = started.body.runId as number;
    await finished(app, runId);

    const refused = await send(app, 'POST', `/api/v1/imports/${runId}/retry`, { symbols: ['HDFCBANK'] });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details[0].path).toEqual(['symbols', 0]);

    const retried = await send(app, 'POST', `/api/v1/imports/${runId}/retry`, { symbols: ['notabank'] });
    expect(retried).toEqual({ status: 202, body: { runId, retryCount: 1, retried: 1 } });
    const run = await finished(app, runId);
    expect(run).toMatchObject({
      retryCount: 1,
      progress: { completed: 5, failed: 1, total: 6 },
      failedSymbols: ['NOTABANK'],
    });
    const [failed] = await get(app, `/api/v1/imports/${runId}/symbols?status=failed`);
    expect(failed).toMatchObject({ symbol: 'NOTABANK', attempts: 2, errorCode: 'SYMBOL_NOT_FOUND' });
    // One run in the history, not two.
    expect((await get(app, '/api/v1/imports')).filter((r: Loose) => r.runId === runId)).toHaveLength(1);
  });

  it('fails a symbol whose bars cannot be stored with STORAGE_FAILED, keeps none of its bars, and raises it once', async () => {
    const app = await demoApp();
    const SBIN = 'NSE_EQ|INE062A01020';
    const events: Loose[] = [];
    app.engine.events.subscribe((envelope) => events.push(envelope));
    // The disk refuses this one instrument's rows, as a full disk would refuse them all.
    app.engine.db.exec(`
      INSERT INTO market_keys (instrument_key) VALUES ('${SBIN}') ON CONFLICT DO NOTHING;
      CREATE TRIGGER refuse_sbin BEFORE INSERT ON candles
      WHEN NEW.instrument_id = (SELECT id FROM market_keys WHERE instrument_key = '${SBIN}')
      BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;`);
    const started = await send(app, 'POST', '/api/v1/imports', {
      symbols: ['NSE_EQ|INE040A01034', SBIN, 'NSE_EQ|INE090A01021'],
      timeframes: ['1d', '1w'],
      lookbackDays: { '1d': 200, '1w': 400 },
    });
    const run = await finished(app, started.body.runId);
    expect(run.progress).toMatchObject({ completed: 2, failed: 1 });
    const [failed] = await get(app, `/api/v1/imports/${run.runId}/symbols?status=failed`);
    expect(failed).toMatchObject({ symbol: 'SBIN', errorCode: 'STORAGE_FAILED', records: 0 });
    expect(failed.errorMessage).toMatch(/database or disk is full/);
    // The 1d bars were written before the 1w ones failed: the transaction took them back.
    const stored = app.engine.db
      .prepare(
        'SELECT COUNT(*) AS n FROM candles c JOIN market_keys k ON k.id = c.instrument_id WHERE k.instrument_key = ?',
      )
      .get(SBIN) as { n: number };
    expect(stored.n).toBe(0);
    const alarms = events.filter((e) => e.event === 'critical_error' && e.payload.errorCode === 'STORAGE_FAILED');
    expect(alarms).toHaveLength(1);
    expect(alarms[0].payload).toMatchObject({
      component: 'imports',
      recoveryAction: expect.stringMatching(/disk space/),
    });
    const completed = events
      .filter((e) => e.event === 'symbol_processing_complete')
      .map((e) => [e.payload.symbol, e.payload.status]);
    expect(completed).toEqual(
      expect.arrayContaining([
        ['SBIN', 'failed'],
        ['HDFCBANK', 'succeeded'],
        ['ICICIBANK', 'succeeded'],
      ]),
    );
    expect(events.find((e) => e.event === 'data_import_completed')?.payload).toMatchObject({
      runId: run.runId,
      status: 'FAILED',
      succeeded: 2,
      failed: 1,
      totalSymbols: 3,
    });
  });

  it('refuses bad requests with 400 naming the field, and queues nothing', async () => {
    const app = await demoApp();
    const before = (await get(app, '/api/v1/jobs?kind=ohlcv.import')).length;
    const cases: [unknown, (string | number)[]][] = [
      [{ universes: ['no-such-universe'], timeframes: ['1d'] }, ['universes', 0]],
      [{ universes: ['nifty50'], timeframes: ['5m'] }, ['timeframes', 0]],
      [{ universes: ['nifty50'], timeframes: ['1d'], lookbackDays: { '1d': 99_999 } }, ['lookbackDays', '1d']],
      [{ universes: ['nifty50'], timeframes: ['1d'], lookbackDays: { '1d': 0 } }, ['lookbackDays', '1d']],
      [{ universes: ['nifty50'], timeframes: [] }, ['timeframes']],
      [{ timeframes: ['1d'] }, ['universes']],
      [{ universes: ['nifty50'], timeframes: ['1d', '1d'] }, ['timeframes']],
      [{ universes: ['nifty50'], timeframes: ['1d'], extra: 1 }, []],
    ];
    for (const [body, path] of cases) {
      const answer = await send(app, 'POST', '/api/v1/imports', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error.code).toBe('VALIDATION_FAILED');
      if (path.length > 0)
        expect(
          answer.body.error.details.map((d: Loose) => d.path),
          JSON.stringify(body),
        ).toContainEqual(path);
    }
    expect((await get(app, '/api/v1/jobs?kind=ohlcv.import')).length).toBe(before);
    expect((await send(app, 'GET', '/api/v1/imports/999999')).status).toBe(404);
    expect((await send(app, 'POST', '/api/v1/imports/999999/retry', {})).status).toBe(404);
  });

  it('refuses a CSV universe with bad rows whole, naming each line, and saves nothing', async () => {
    const app = await demoApp();
    const csv = BAD_CSV;
    const answer = await send(app, 'POST', '/api/v1/universes', { name: 'Bad file', csv });
    expect(answer.status).toBe(400);
    expect(answer.body.error.details.map((d: Loose) => [d.line, d.reason])).toEqual([
      [3, expect.stringMatching(/formula/)],
      [4, expect.stringMatching(/check digit/)],
      [6, expect.stringMatching(/repeats the member of line 2/)],
    ]);
    const universes: Loose[] = await get(app, '/api/v1/universes');
    expect(universes.filter((u) => u.source !== 'predefined')).toEqual([]);
  });
});
