import { afterEach, describe, expect, it } from 'vitest';
import { TECHNICAL_INDICATORS } from '../../shared/domain/analysis';
import type { EventEnvelope } from '../../shared/contract';
import { ReportSchema } from '../../shared/domain/analysis';
import {
  adx,
  atr,
  bollinger,
  ema,
  last,
  macd,
  realisedVolatility,
  roc,
  rsi,
  sma,
} from '../../electron/engine/analysis/indicators';
import { startApi, stopAll, type TestApi } from '../helpers/engine';
import { removeTempDirs } from '../helpers/temp-dir';
import { waitFor } from '../helpers/wait';

afterEach(async () => {
  await stopAll();
  removeTempDirs();
});

// Answers are checked against the contract's schemas or compared whole; read loosely here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

async function get(app: TestApi, route: string): Promise<Loose> {
  const response = await app.call(route);
  expect(response.status, route).toBe(200);
  return response.json();
}

async function send(app: TestApi, method: string, route: string, body?: unknown) {
  const response = await app.call(route, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Loose };
}

async function demoApp(dataDir?: string): Promise<TestApi> {
  const app = await startApi({ feed: true, ...(dataDir ? { dataDir } : {}) });
  app.engine.start();
  await waitFor(
    async () => (await get(app, '/api/v1/instruments/search?q=RELIANCE')).length > 0,
    'the demo instrument master',
    20_000,
  );
  return app;
}

const scanDone = (app: TestApi, id: number) =>
  waitFor(
    async () => {
      const scan = await get(app, `/api/v1/scans/${id}`);
      return scan.status === 'PROCESSING' ? undefined : scan;
    },
    `scan ${id}`,
    60_000,
  );

const deepDiveDone = (app: TestApi, id: number) =>
  waitFor(
    async () => {
      const status = await get(app, `/api/v1/deep-dive/${id}/status`);
      return status.status === 'PROCESSING' ? undefined : status;
    },
    `deep-dive ${id}`,
    60_000,
  );

function recordEvents(app: TestApi) {
  const seen: EventEnvelope[] = [];
  const off = app.engine.events.subscribe((envelope) => seen.push(envelope));
  return { seen, off };
}

describe('Level-1 scan and Level-2 deep-dive through the Local API (demo world)', () => {
  it('scans the NIFTY 50 best first, then a deep-dive of a row follows its named steps to a report filled in every section', async () => {
    const app = await demoApp();
    const events = recordEvents(app);

    const started = await send(app, 'POST', '/api/v1/scans', { universe: 'nifty50', threshold: 55 });
    expect(started.status).toBe(202);
    expect(started.body.scanId).toBe(started.body.jobId);
    const scan = await scanDone(app, started.body.scanId);
    expect(scan).toMatchObject({ status: 'COMPLETED', universe: 'nifty50', universeName: 'NIFTY 50', threshold: 55 });
    expect(scan.results).toHaveLength(50);
    const scores = scan.results.map((r: Loose) => r.compositeScore);
    expect(scores).toEqual([...scores].sort((a: number, b: number) => b - a));
    for (const r of scan.results) {
      expect(r.verdict).toBe(r.compositeScore >= 55 ? 'PASS' : 'FAIL');
      expect(r.bars).toBeGreaterThan(200);
      expect(r.sparkline).toHaveLength(30);
      expect(r.note).toBeNull();
    }
    // The simulator lists futures of the F&O stocks: their open interest is scored and classified.
    const withOi = scan.results.filter((r: Loose) => r.oiBuildUp !== null);
    expect(withOi.length).toBeGreaterThan(40);
    expect(new Set(withOi.map((r: Loose) => r.oiBuildUp)).size).toBeGreaterThan(1);
    expect(events.seen.filter((e) => e.event === 'analysis_completed').map((e) => e.payload)).toEqual([
      expect.objectContaining({
        kind: 'scan',
        id: started.body.scanId,
        status: 'COMPLETED',
        passed: expect.any(Number),
      }),
    ]);
    expect((await get(app, '/api/v1/scans'))[0]).toMatchObject({ scanId: started.body.scanId, total: 50 });

    const row = scan.results.find((r: Loose) => r.symbol === 'RELIANCE');
    const level1 = { verdict: row.verdict, compositeScore: row.compositeScore, direction: row.direction };
    const dive = await send(app, 'POST', '/api/v1/deep-dive', { symbol: row.instrumentKey, level1Results: level1 });
    expect(dive.status).toBe(202);
    expect(dive.body).toEqual({
      analysisId: expect.any(Number),
      status: 'PROCESSING',
      pollUrl: `/api/v1/deep-dive/${dive.body.analysisId}/status`,
    });
    const done = await deepDiveDone(app, dive.body.analysisId);
    expect(done).toMatchObject({ status: 'COMPLETED', symbol: 'RELIANCE', reportId: expect.any(Number) });
    const report = ReportSchema.parse(done.report);
    expect(done.convictionScore).toBe(report.convictionScore);
    expect(report).toMatchObject({ analysisId: dive.body.analysisId, level1, symbol: 'RELIANCE', warnings: [] });
    expect(report.agreesWithLevel1).toBe(report.direction === level1.direction);

    // Every section is filled in demo mode: the simulator serves the chain and the fundamentals.
    expect(report.sections.derivatives).toMatchObject({ available: true, pcr: expect.any(Number) });
    expect(report.sections.derivatives.oiByStrike.length).toBeGreaterThan(20);
    expect(report.sections.valuation).toMatchObject({ available: true, pe: expect.any(Number) });
    expect(report.sections.institutional).toMatchObject({ available: true });
    expect(report.snapshot.candles['1d'].length).toBeGreaterThan(1_200);
    expect(report.snapshot.candles['1h'].length).toBeGreaterThan(1_000);
    expect(report.snapshot.index?.instrumentKey).toBe('NSE_INDEX|Nifty 50');
    const weights = report.factors.reduce((sum, f) => sum + f.weight, 0);
    expect(weights).toBeCloseTo(1, 9);
    expect(report.convictionScore).toBeCloseTo(
      report.factors.reduce((sum, f) => sum + f.contribution, 0),
      1,
    );

    // The report's indicators are the contract's definitions on the snapshot's own candles.
    const bars = report.snapshot.candles['1d'];
    const closes = bars.map((b) => b.close);
    const ohlc = bars.map((b) => ({ high: b.high, low: b.low, close: b.close, open: b.open, volume: b.volume }));
    const lines = macd(closes);
    const bands = bollinger(closes);
    const expected: Record<string, number | null> = {
      sma20: last(sma(closes, 20)),
      sma50: last(sma(closes, 50)),
      sma200: last(sma(closes, 200)),
      ema20: last(ema(closes, 20)),
      ema50: last(ema(closes, 50)),
      rsi14: last(rsi(closes, 14)),
      atr14: last(atr(ohlc, 14)),
      macd: last(lines.macd),
      macdSignal: last(lines.signal),
      macdHistogram: last(lines.histogram),
      bbUpper: last(bands.upper),
      bbMiddle: last(bands.middle),
      bbLower: last(bands.lower),
      adx14: last(adx(ohlc, 14)),
      roc10: last(roc(closes, 10)),
      realisedVol20: last(realisedVolatility(closes, 20)),
    };
    for (const name of TECHNICAL_INDICATORS) {
      const value = report.sections.technical.indicators[name];
      expect(value, name).not.toBeNull();
      expect(Math.abs(value! - expected[name]!) / Math.max(1e-12, Math.abs(expected[name]!)), name).toBeLessThan(1e-9);
    }

    const progress = events.seen
      .filter((e) => e.event === 'analysis_progress')
      .map((e) => e.payload as Loose)
      .filter((p) => p.kind === 'deep-dive');
    expect(progress.map((p) => p.progress)).toEqual([0, 33, 33, 66, 66, 100]);
    expect(progress.map((p) => p.steps.map((s: Loose) => s.status).join(' '))).toEqual([
      'RUNNING PENDING PENDING',
      'DONE PENDING PENDING',
      'DONE RUNNING PENDING',
      'DONE DONE PENDING',
      'DONE DONE RUNNING',
      'DONE DONE DONE',
    ]);
    events.off();
  }, 120_000);

  it('keeps reports in a library that reads back byte for byte after a restart, searches, compares, exports and deletes', async () => {
    let app = await demoApp();
    const first = await send(app, 'POST', '/api/v1/deep-dive', { symbol: 'RELIANCE' });
    const one = await deepDiveDone(app, first.body.analysisId);
    const second = await send(app, 'POST', '/api/v1/deep-dive', { symbol: 'reliance' });
    const two = await deepDiveDone(app, second.body.analysisId);
    const other = await send(app, 'POST', '/api/v1/deep-dive', { symbol: 'TCS' });
    const three = await deepDiveDone(app, other.body.analysisId);
    expect([one.status, two.status, three.status]).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);

    const text = async (route: string) => {
      const response = await app.call(route);
      expect(response.status, route).toBe(200);
      return response.text();
    };
    const before = await text(`/api/v1/reports/${one.reportId}`);
    const dataDir = app.dataDir;
    await stopAll();
    app = await demoApp(dataDir);
    expect(await text(`/api/v1/reports/${one.reportId}`)).toBe(before);

    const list = await get(app, '/api/v1/reports');
    expect(list.map((r: Loose) => r.id)).toEqual([three.reportId, two.reportId, one.reportId]);
    expect(Object.keys(list[0]).sort()).toEqual(
      ['convictionScore', 'createdAt', 'direction', 'id', 'instrumentKey', 'riskGrade', 'symbol'].sort(),
    );
    expect((await get(app, '/api/v1/reports?symbol=RELIANCE')).map((r: Loose) => r.id)).toEqual([
      two.reportId,
      one.reportId,
    ]);
    expect((await get(app, '/api/v1/reports?q=TCS')).map((r: Loose) => r.id)).toEqual([three.reportId]);
    const grade = three.report.riskGrade as string;
    expect((await get(app, `/api/v1/reports?grade=${grade}`)).map((r: Loose) => r.id)).toContain(three.reportId);
    expect(await get(app, '/api/v1/reports?from=2000-01-01&to=2000-12-31')).toEqual([]);

    const comparison = await get(app, `/api/v1/reports/compare?a=${two.reportId}&b=${one.reportId}`);
    expect(comparison).toMatchObject({ symbol: 'RELIANCE', older: { id: one.reportId }, newer: { id: two.reportId } });
    expect(comparison.scoreChange).toBeCloseTo(two.convictionScore - one.convictionScore, 9);
    expect(comparison.explanation.length).toBeGreaterThan(0);
    const mismatch = await send(app, 'GET', `/api/v1/reports/compare?a=${one.reportId}&b=${three.reportId}`);
    expect(mismatch.status).toBe(400);

    const html = await app.call(`/api/v1/reports/${one.reportId}/export?format=html`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html.headers.get('content-disposition')).toMatch(/^attachment; filename="RELIANCE-.*\.html"$/);
    const page = await html.text();
    expect(page).toContain('<svg');
    expect(page).not.toMatch(/<script|https?:\/\//i);
    const json = await app.call(`/api/v1/reports/${one.reportId}/export?format=json`);
    expect(JSON.parse(await json.text())).toEqual(JSON.parse(before));

    const removed = await send(app, 'DELETE', `/api/v1/reports/${one.reportId}`);
    expect(removed).toMatchObject({ status: 200, body: { id: one.reportId, symbol: 'RELIANCE' } });
    expect((await send(app, 'GET', `/api/v1/reports/${one.reportId}`)).status).toBe(404);
    expect((await get(app, `/api/v1/deep-dive/${first.body.analysisId}/status`)).errorCode).toBe('REPORT_DELETED');
  }, 180_000);

  it('refuses an unknown symbol or universe and a malformed request with the field named, and queues nothing', async () => {
    const app = await demoApp();
    const analysisJobs = async () =>
      (await get(app, '/api/v1/jobs?kind=analysis.deep-dive&limit=200')).length +
      (await get(app, '/api/v1/jobs?kind=analysis.scan&limit=200')).length;
    const unknown = await send(app, 'POST', '/api/v1/deep-dive', { symbol: 'NOSUCHCO' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 'NOT_FOUND', details: [{ path: ['symbol'] }] });
    const noUniverse = await send(app, 'POST', '/api/v1/scans', { universe: 'u-999' });
    expect(noUniverse.status).toBe(404);
    expect(noUniverse.body.error.details[0].path).toEqual(['universe']);
    for (const [body, field] of [
      [{ symbol: '' }, 'symbol'],
      [{ symbol: 'RELIANCE', expiryDate: 'next thursday' }, 'expiryDate'],
      [
        { symbol: 'RELIANCE', level1Results: { verdict: 'MAYBE', compositeScore: 50, direction: 'LONG' } },
        'level1Results',
      ],
      [{ symbol: 'RELIANCE', extra: 1 }, ''],
    ] as const) {
      const refused = await send(app, 'POST', '/api/v1/deep-dive', body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.body.error.code).toBe('VALIDATION_FAILED');
      if (field) expect(refused.body.error.details[0].path[0]).toBe(field);
    }
    const badScan = await send(app, 'POST', '/api/v1/scans', { universe: 'nifty50', threshold: 140 });
    expect(badScan.status).toBe(400);
    expect(badScan.body.error.details[0].path).toEqual(['threshold']);
    expect((await send(app, 'GET', '/api/v1/reports/abc')).status).toBe(400);
    expect((await send(app, 'GET', '/api/v1/reports/77')).status).toBe(404);
    expect((await send(app, 'GET', '/api/v1/reports/77/export?format=pdf')).status).toBe(400);
    expect(await analysisJobs()).toBe(0);
  }, 60_000);
});
