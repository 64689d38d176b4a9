import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { ScanResultSchema, type ScanResult } from '../../../../shared/domain/analysis';
import type { OhlcvBar } from '../../../../shared/domain/feed';
import { barsFrom, compounding, futuresFrom, line, ohlcvFrom, range, zigzag } from '../report/fixtures';
import { rankResults, SCAN_WEIGHTS, scoreSymbol, type ScanInput } from './score';

const daily = (closes: number[], volume?: (i: number) => number): OhlcvBar[] =>
  ohlcvFrom(barsFrom(closes, { spread: 1, ...(volume ? { volume } : {}) }));

const scan = (closes: number[], overrides: Partial<ScanInput> = {}): ScanResult =>
  scoreSymbol({
    symbol: 'TEST',
    instrumentKey: 'NSE_EQ|TEST',
    daily: daily(closes),
    futuresDaily: null,
    threshold: 60,
    ...overrides,
  });

/** Ten futures sessions whose last five move price and OI the given ways from session 4 to session 9. */
const futures = (priceStep: number, oiStep: number): OhlcvBar[] =>
  ohlcvFrom(futuresFrom(line(10, 1000, priceStep), line(10, 50_000, oiStep)));

describe('scoreSymbol', () => {
  it('a steady uptrend is a LONG with a strong trend factor and passes', () => {
    const result = scan(compounding(250, 100, 0.002));
    expect(result.direction).toBe('LONG');
    expect(result.factors.trend).toBeGreaterThan(70);
    expect(result.factors.momentum).toBeGreaterThan(55);
    // Every session closes up, so all the volume of the last 20 is up-volume: 50 + (1 - 0.5) × 60.
    expect(result.factors.volume).toBe(80);
    expect(result.verdict).toBe('PASS');
    expect(result.note).toBeNull();
    expect(() => ScanResultSchema.parse(result)).not.toThrow();
  });

  it('a steady downtrend is a SHORT with bearish factors, and passes as a strong short setup', () => {
    const result = scan(compounding(250, 100, -0.002));
    expect(result.direction).toBe('SHORT');
    expect(result.factors.trend).toBeLessThan(30);
    expect(result.factors.momentum).toBeLessThan(45);
    expect(result.factors.volume).toBe(20);
    // Scored for the short: the mirror of the uptrend's trend, momentum and volume, the same volatility.
    const rising = scan(compounding(250, 100, 0.002));
    expect(result.compositeScore).toBeGreaterThan(60);
    expect(Math.abs(result.compositeScore - rising.compositeScore)).toBeLessThan(10);
    expect(result.verdict).toBe('PASS');
  });

  it('a market going sideways is NEUTRAL with trend and momentum near 50', () => {
    const result = scan(zigzag(250, 99, 101, 0.5));
    expect(result.direction).toBe('NEUTRAL');
    expect(Math.abs(result.factors.trend - 50)).toBeLessThan(10);
    expect(Math.abs(result.factors.momentum - 50)).toBeLessThan(10);
  });

  it('violent swings score low on volatility, moderate ones high', () => {
    // ±1% a day against ±8% a day, both around 100.
    const calm = scan(range(250, (i) => (i % 2 === 0 ? 100 : 101)));
    const wild = scan(range(250, (i) => (i % 2 === 0 ? 100 : 108)));
    expect(calm.factors.volatility).toBeGreaterThan(80);
    expect(wild.factors.volatility).toBeLessThan(20);
  });

  it('a volume surge on up days raises the volume factor', () => {
    const closes = compounding(250, 100, 0.002);
    const quiet = scan(closes);
    const surge = scoreSymbol({
      symbol: 'TEST',
      instrumentKey: 'NSE_EQ|TEST',
      daily: daily(closes, (i) => (i >= 245 ? 3_000_000 : 1_000_000)),
      futuresDaily: null,
      threshold: 60,
    });
    expect(surge.factors.volume).toBeGreaterThan(quiet.factors.volume);
  });

  it.each([
    ['LONG_BUILD_UP', 5, 1000, 85],
    ['SHORT_BUILD_UP', -5, 1000, 15],
    ['SHORT_COVERING', 5, -1000, 65],
    ['LONG_UNWINDING', -5, -1000, 35],
  ] as const)('futures with price %s: %s', (buildUp, priceStep, oiStep, factor) => {
    const result = scan(compounding(250, 100, 0.002), { futuresDaily: futures(priceStep, oiStep) });
    expect(result.oiBuildUp).toBe(buildUp);
    expect(result.factors.openInterest).toBe(factor);
  });

  it('without futures the open-interest factor is null and the composite is the mean of the other four', () => {
    const result = scan(compounding(250, 100, 0.002));
    expect(result.factors.openInterest).toBeNull();
    expect(result.oiBuildUp).toBeNull();
    const { trend, momentum, volume, volatility } = result.factors;
    const w = SCAN_WEIGHTS;
    const mean =
      (trend * w.trend + momentum * w.momentum + volume * w.volume + volatility * w.volatility) /
      (w.trend + w.momentum + w.volume + w.volatility);
    expect(result.compositeScore).toBeCloseTo(mean, 1);
  });

  it('with futures the composite weighs the open-interest factor in', () => {
    const result = scan(compounding(250, 100, 0.002), { futuresDaily: futures(-5, 1000) });
    const f = result.factors;
    const w = SCAN_WEIGHTS;
    const mean =
      f.trend * w.trend +
      f.momentum * w.momentum +
      f.volume * w.volume +
      f.volatility * w.volatility +
      f.openInterest! * w.openInterest;
    expect(result.compositeScore).toBeCloseTo(mean, 1);
  });

  it('futures without recorded OI (0) give no open-interest factor', () => {
    const result = scan(compounding(250, 100, 0.002), { futuresDaily: ohlcvFrom(barsFrom(line(10, 1000, 5))) });
    expect(result.factors.openInterest).toBeNull();
  });

  it('the verdict is PASS exactly from the threshold up', () => {
    const closes = compounding(250, 100, 0.002);
    const score = scan(closes).compositeScore;
    expect(scan(closes, { threshold: score }).verdict).toBe('PASS');
    expect(scan(closes, { threshold: score + 0.1 }).verdict).toBe('FAIL');
  });

  it('reports the last close, its change in percent and the last 30 closes', () => {
    const closes = line(60, 100, 1);
    const result = scan(closes);
    expect(result.lastClose).toBe(159);
    expect(result.changePct).toBeCloseTo((159 / 158 - 1) * 100, 12);
    expect(result.sparkline).toEqual(closes.slice(-30));
    expect(result.bars).toBe(60);
  });

  it('with fewer than 50 candles the symbol fails with a note, scored from what exists', () => {
    const result = scan(compounding(30, 100, 0.01), { threshold: 0 });
    expect(result.verdict).toBe('FAIL');
    expect(result.note).toBe('only 30 daily candles: import more history');
    expect(result.bars).toBe(30);
    // Too short a history to call a direction.
    expect(result.direction).toBe('NEUTRAL');
    // 30 candles hold a 20-day SMA and an RSI, so trend and momentum are still scored.
    expect(result.factors.trend).toBeGreaterThan(50);
    expect(result.factors.momentum).toBeGreaterThan(50);
    expect(() => ScanResultSchema.parse(result)).not.toThrow();
  });

  it('with no candles at all every factor is 0 and nothing is quoted', () => {
    const result = scan([]);
    expect(result).toMatchObject({
      verdict: 'FAIL',
      compositeScore: 0,
      factors: { trend: 0, momentum: 0, volume: 0, volatility: 0, openInterest: null },
      lastClose: null,
      changePct: null,
      sparkline: [],
      bars: 0,
      note: 'only 0 daily candles: import more history',
    });
    expect(() => ScanResultSchema.parse(result)).not.toThrow();
  });

  it('scores 200 symbols of 250 candles in well under 100 ms', () => {
    const inputs: ScanInput[] = range(200, (s) => ({
      symbol: `S${s}`,
      instrumentKey: `NSE_EQ|S${s}`,
      daily: daily(range(250, (i) => 100 + 10 * Math.sin((i + s) / 9) + i * 0.05 * ((s % 3) - 1))),
      futuresDaily: s % 2 === 0 ? futures(5, 1000) : null,
      threshold: 60,
    }));
    inputs.slice(0, 5).forEach(scoreSymbol);
    const started = performance.now();
    const results = inputs.map(scoreSymbol);
    const elapsed = performance.now() - started;
    expect(results).toHaveLength(200);
    expect(elapsed).toBeLessThan(100);
  });
});

describe('rankResults', () => {
  it('puts the best composite first and orders equal scores by symbol, without touching its input', () => {
    const row = (symbol: string, compositeScore: number) => ({ ...scan(line(60, 100, 1)), symbol, compositeScore });
    const input = [row('TCS', 60), row('INFY', 75.5), row('HDFCBANK', 60), row('ITC', 20)];
    expect(rankResults(input).map((r) => r.symbol)).toEqual(['INFY', 'HDFCBANK', 'TCS', 'ITC']);
    expect(input.map((r) => r.symbol)).toEqual(['TCS', 'INFY', 'HDFCBANK', 'ITC']);
  });
});
