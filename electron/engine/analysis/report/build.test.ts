import { describe, expect, it } from 'vitest';
import { ReportSchema } from '../../../../shared/domain/analysis';
import { WorkstationError } from '../../../../shared/errors';
import { adx, atr, bollinger, ema, last, macd, realisedVolatility, roc, rsi, sma } from '../indicators';
import { buildReport, type ReportInput } from './build';
import { barsFrom, chainOf, fundamentalsOf, futuresFrom, hourlyFrom, line, range, snapshotOf } from './fixtures';

/** A year of a rising, wavy market: enough for every indicator, with swings for key levels. */
const closes = range(260, (i) => 1000 * (1 + 0.0015 * i) + 40 * Math.sin(i / 7));
const daily = barsFrom(closes, { spread: 12, volume: (i) => 2_000_000 + 500_000 * Math.cos(i / 5) });

const fullInput = (): ReportInput => ({
  analysisId: 42,
  symbol: 'RELIANCE',
  instrumentKey: 'NSE_EQ|INE002A01018',
  createdAt: Date.parse('2025-09-18T11:30:00+05:30'),
  level1: { verdict: 'PASS', compositeScore: 72.5, direction: 'LONG' },
  snapshot: snapshotOf({
    daily,
    hourly: hourlyFrom(line(40, closes[259]! - 20, 0.5)),
    index: { instrumentKey: 'NSE_INDEX|Nifty 50', candles: barsFrom(closes.map((c) => c * 20 + 3 * Math.cos(c))) },
    futures: {
      instrumentKey: 'NSE_FO|12345',
      candles: futuresFrom(line(10, closes[259]! - 10, 2), line(10, 8e6, 1e5)),
    },
    optionChain: chainOf(1360, [
      { strike: 1300, callOi: 2000, putOi: 9000, callIv: 0.24, putIv: 0.27 },
      { strike: 1350, callOi: 6000, putOi: 7000, callIv: 0.21, putIv: 0.23 },
      { strike: 1400, callOi: 9000, putOi: 3000, callIv: 0.2, putIv: 0.22 },
    ]),
    fundamentals: fundamentalsOf(),
    dataAge: { '1d': { asOf: '2025-09-17T00:00:00+05:30', refreshed: true, ageMs: 0 } },
  }),
  warnings: [],
});

describe('buildReport', () => {
  it('fills every field of the report schema', () => {
    const report = buildReport(fullInput());
    expect(() => ReportSchema.omit({ id: true }).parse(report)).not.toThrow();
    expect(report.factors.every((f) => f.score !== null)).toBe(true);
    expect(report.sections.derivatives.available).toBe(true);
    expect(report.sections.risk.beta).not.toBeNull();
    expect(report.agreesWithLevel1).toBe(report.direction === 'LONG');
  });

  it('is deterministic: the same input gives the same JSON, byte for byte', () => {
    expect(JSON.stringify(buildReport(fullInput()))).toBe(JSON.stringify(buildReport(fullInput())));
  });

  it('its technical indicators are the indicator library on the same closes', () => {
    const { indicators } = buildReport(fullInput()).sections.technical;
    const lines = macd(closes);
    const bands = bollinger(closes);
    expect(indicators).toEqual({
      sma20: last(sma(closes, 20)),
      sma50: last(sma(closes, 50)),
      sma200: last(sma(closes, 200)),
      ema20: last(ema(closes, 20)),
      ema50: last(ema(closes, 50)),
      rsi14: last(rsi(closes, 14)),
      atr14: last(atr(daily, 14)),
      macd: last(lines.macd),
      macdSignal: last(lines.signal),
      macdHistogram: last(lines.histogram),
      bbUpper: last(bands.upper),
      bbMiddle: last(bands.middle),
      bbLower: last(bands.lower),
      adx14: last(adx(daily, 14)),
      roc10: last(roc(closes, 10)),
      realisedVol20: last(realisedVolatility(closes, 20)),
    });
    expect(Object.values(indicators).every((v) => v !== null)).toBe(true);
  });

  it('dates the report in IST and reads as of the last daily candle', () => {
    const report = buildReport(fullInput());
    expect(report.createdAt).toBe('2025-09-18T11:30:00+05:30');
    expect(report.asOf).toBe(daily[259]!.ts);
    expect(report.snapshot).toEqual(fullInput().snapshot);
  });

  it('the conviction score is the sum of the factor contributions', () => {
    const report = buildReport(fullInput());
    const sum = report.factors.reduce((s, f) => s + f.contribution, 0);
    expect(report.convictionScore).toBeCloseTo(sum, 1);
    expect(report.factors.reduce((s, f) => s + f.weight, 0)).toBeCloseTo(1, 12);
    expect(report.riskGrade).toBe(report.sections.risk.grade);
  });

  it('keeps the refresh warnings and adds its own about short history', () => {
    const short = buildReport({
      ...fullInput(),
      snapshot: snapshotOf({ daily: barsFrom(line(20, 100, 1)) }),
      warnings: ['daily candles are 3 days old'],
    });
    expect(short.warnings).toEqual([
      'daily candles are 3 days old',
      'only 20 daily candles: figures that need more history are left empty',
    ]);
    expect(short.sections.technical.indicators.sma50).toBeNull();
    expect(short.sections.technical.indicators.sma20).toBe(109.5);
    expect(short.sections.derivatives.available).toBe(false);
    expect(() => ReportSchema.omit({ id: true }).parse(short)).not.toThrow();
  });

  it('a single daily candle still makes a report', () => {
    const one = buildReport({ ...fullInput(), snapshot: snapshotOf({ daily: barsFrom([250]) }) });
    expect(one.sections.technical.lastClose).toBe(250);
    expect(one.sections.risk.maxDrawdown1y).toBeNull();
    expect(one.warnings).toEqual(['only 1 daily candle: figures that need more history are left empty']);
    expect(() => ReportSchema.omit({ id: true }).parse(one)).not.toThrow();
  });

  it('refuses a snapshot without daily candles', () => {
    const thrown = (() => {
      try {
        buildReport({ ...fullInput(), snapshot: snapshotOf({ daily: [] }) });
      } catch (error) {
        return error;
      }
      return null;
    })();
    expect(thrown).toBeInstanceOf(WorkstationError);
    expect(thrown).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'RELIANCE has no daily candles to analyse',
      details: [{ path: ['snapshot', 'candles', '1d'] }],
    });
  });
});
