import { describe, expect, it } from 'vitest';
import { sma } from '../indicators';
import { barsFrom, compounding, hourlyFrom, line, range, zigzag } from './fixtures';
import { hourlyVsSma20Pct, momentumSection, obvTrendOf, returnOver } from './momentum';
import { indicatorValues, lastCross, technicalSection, trendOf } from './technical';

describe('technical section', () => {
  it('a steady advance is an UP trend with the close above its averages, scored high', () => {
    const t = technicalSection(barsFrom(compounding(250, 100, 0.003)));
    expect(t.trend).toBe('UP');
    expect(t.priceVsSma200Pct).toBeGreaterThan(0);
    expect(t.signals).toContain('Close above the 200-day SMA');
    expect(t.signals).toContain('Close above the 50-day SMA');
    expect(t.score).toBeGreaterThan(80);
  });

  it('a steady decline is a DOWN trend scored low; a flat range SIDEWAYS near 50', () => {
    const down = technicalSection(barsFrom(compounding(250, 100, -0.003)));
    expect(down.trend).toBe('DOWN');
    expect(down.signals).toContain('Close below the 200-day SMA');
    expect(down.score).toBeLessThan(20);
    const flat = technicalSection(barsFrom(zigzag(250, 99, 101, 0.5)));
    expect(flat.trend).toBe('SIDEWAYS');
    expect(Math.abs(flat.score - 50)).toBeLessThan(15);
  });

  it('the trend needs the close above SMA50 above SMA200 by more than a tenth of an ATR', () => {
    const base = { sma20: null, sma200: 100, atr14: 2 };
    expect(trendOf(110, { ...base, sma50: 105 })).toBe('UP');
    expect(trendOf(110, { ...base, sma50: 100.1 })).toBe('SIDEWAYS');
    expect(trendOf(104, { ...base, sma50: 105 })).toBe('SIDEWAYS');
    expect(trendOf(90, { ...base, sma50: 95 })).toBe('DOWN');
    // Without a 200-day average the 20- and 50-day ones stand in.
    expect(trendOf(110, { sma20: 105, sma50: 100, sma200: null, atr14: 2 })).toBe('UP');
    expect(trendOf(110, { sma20: null, sma50: null, sma200: null, atr14: null })).toBe('SIDEWAYS');
  });

  it('names a golden cross and how many sessions ago it happened', () => {
    // 220 sessions falling from 150 to 100, then a sharp rally: the 50-day crosses the 200-day during the rally.
    const closes = [...line(220, 150, -50 / 219), ...line(60, 102, 2)];
    const fast = sma(closes, 50);
    const slow = sma(closes, 200);
    const crossedAt = closes.findIndex(
      (_, i) => slow[i - 1] != null && fast[i]! > slow[i]! && fast[i - 1]! <= slow[i - 1]!,
    );
    expect(crossedAt).toBeGreaterThan(220);
    const ago = closes.length - 1 - crossedAt;
    expect(lastCross(closes)).toEqual({ kind: 'golden', sessionsAgo: ago });
    expect(technicalSection(barsFrom(closes)).signals).toContain(`Golden cross ${ago} sessions ago`);
    // A steady decline never crossed within the lookback.
    expect(lastCross(compounding(300, 100, -0.003))).toBeNull();
  });

  it('flags an overbought RSI with its value', () => {
    const t = technicalSection(barsFrom(compounding(60, 100, 0.01)));
    expect(t.indicators.rsi14).toBe(100);
    expect(t.signals).toContain('RSI 100: overbought');
  });

  it('with too few candles every indicator is null and the trend SIDEWAYS', () => {
    const t = technicalSection(barsFrom([100, 101, 102]));
    expect(Object.values(t.indicators).every((v) => v === null)).toBe(true);
    expect(t.trend).toBe('SIDEWAYS');
    expect(t.priceVsSma200Pct).toBeNull();
    expect(t.score).toBe(50);
  });
});

describe('momentum section', () => {
  it('returns over 21, 63, 126 and 252 sessions as fractions', () => {
    const closes = line(300, 100, 1);
    // The last close is 399; 21 sessions before it 378, 63 before 336, 126 before 273, 252 before 147.
    expect(returnOver(closes, 21)).toBeCloseTo(399 / 378 - 1, 12);
    expect(returnOver(closes, 63)).toBeCloseTo(399 / 336 - 1, 12);
    expect(returnOver(closes, 126)).toBeCloseTo(399 / 273 - 1, 12);
    expect(returnOver(closes, 252)).toBeCloseTo(399 / 147 - 1, 12);
  });

  it('a year of about 248 sessions still gives a one-year return, from its first close; far less gives none', () => {
    const closes = line(249, 100, 1);
    expect(returnOver(closes, 252)).toBeCloseTo(348 / 100 - 1, 12);
    expect(returnOver(line(200, 100, 1), 252)).toBeNull();
  });

  it('OBV rises when the volume comes on up days and falls when it comes on down days', () => {
    const upHeavy = barsFrom(zigzag(40, 100, 102, 1), { volume: (i) => (i % 4 === 1 || i % 4 === 2 ? 3e6 : 1e6) });
    // zigzag 100, 101, 102, 101, 100 ...: sessions 1 and 2 of every four close up, on 3 million against 1 million.
    expect(obvTrendOf(upHeavy)).toBe('RISING');
    const downHeavy = barsFrom(zigzag(40, 100, 102, 1), { volume: (i) => (i % 4 === 1 || i % 4 === 2 ? 1e6 : 3e6) });
    expect(obvTrendOf(downHeavy)).toBe('FALLING');
    expect(obvTrendOf(barsFrom(range(40, () => 100)))).toBe('FLAT');
  });

  it('the hourly close against its 20-hour average, in percent', () => {
    // 20 hourly closes 100..119 average 109.5 and the last is 119.
    expect(hourlyVsSma20Pct(hourlyFrom(line(20, 100, 1)))).toBeCloseTo((119 / 109.5 - 1) * 100, 12);
    expect(hourlyVsSma20Pct(hourlyFrom(line(19, 100, 1)))).toBeNull();
    expect(hourlyVsSma20Pct([])).toBeNull();
  });

  it('scores an advance above 55 and a decline below 45', () => {
    const up = barsFrom(compounding(250, 100, 0.003));
    const down = barsFrom(compounding(250, 100, -0.003));
    expect(momentumSection(up, [], indicatorValues(up)).score).toBeGreaterThan(55);
    expect(momentumSection(down, [], indicatorValues(down)).score).toBeLessThan(45);
  });
});
