import { describe, expect, it } from 'vitest';
import type { Factor, SnapshotBar } from '../../../../shared/domain/analysis';
import { factorBars, movingAverage, priceSeries, smileInPercent, strikeWindow } from './chart-data';
import { sparklinePath } from './Sparkline';

const bar = (day: number, close: number): SnapshotBar => ({
  ts: `2026-01-${String(day).padStart(2, '0')}T00:00:00.000+05:30`,
  open: close,
  high: close,
  low: close,
  close,
  volume: 1000,
  oi: null,
});

describe('report chart data', () => {
  it('averages the closes over the period ending at each point, null until there are enough', () => {
    expect(movingAverage([10, 20, 30, 40, 50], 3)).toEqual([null, null, 20, 30, 40]);
    expect(movingAverage([10, 20], 3)).toEqual([null, null]);
  });

  it('gives the price chart its closes with 50- and 200-day averages', () => {
    const candles = Array.from({ length: 60 }, (_, i) => bar((i % 28) + 1, 100 + i));
    const series = priceSeries(candles);
    expect(series).toHaveLength(60);
    expect(series[48]?.sma50).toBeNull();
    // The closes 100..149 average 124.5; the next window 101..150 averages 125.5.
    expect(series[49]?.sma50).toBe(124.5);
    expect(series[50]?.sma50).toBe(125.5);
    expect(series.every((p) => p.sma200 === null)).toBe(true);
  });

  it('shows the last sessions only, their averages read from the older candles', () => {
    const candles = Array.from({ length: 60 }, (_, i) => bar((i % 28) + 1, 100 + i));
    const series = priceSeries(candles, 10);
    expect(series.map((p) => p.close)).toEqual([150, 151, 152, 153, 154, 155, 156, 157, 158, 159]);
    // 110..159 average 134.5 at the last session.
    expect(series.at(-1)?.sma50).toBe(134.5);
    expect(series[0]?.sma50).toBe(125.5);
  });

  it('keeps the strikes either side of the one nearest the centre', () => {
    const strikes = [2300, 2350, 2400, 2450, 2500, 2550, 2600].map((strike) => ({ strike }));
    expect(strikeWindow(strikes, 2440, 1).map((s) => s.strike)).toEqual([2400, 2450, 2500]);
    expect(strikeWindow(strikes, 2290, 2).map((s) => s.strike)).toEqual([2300, 2350, 2400]);
    expect(strikeWindow(strikes, null, 1).map((s) => s.strike)).toEqual([2300, 2350, 2400]);
  });

  it('draws implied volatility in percent, keeping the gaps', () => {
    expect(smileInPercent([{ strike: 2400, callIv: 0.1834, putIv: null }])).toEqual([
      { strike: 2400, callIv: 18.34, putIv: null },
    ]);
  });

  it('orders the factors by contribution with their weight in percent', () => {
    const factors: Factor[] = [
      { name: 'risk', score: 40, weight: 0.2, contribution: 8, detail: 'Volatile.' },
      { name: 'technical', score: 80, weight: 0.3, contribution: 24, detail: 'Trending up.' },
      { name: 'valuation', score: null, weight: 0, contribution: 0, detail: 'No fundamentals.' },
    ];
    expect(factorBars(factors).map((f) => [f.label, f.contribution, f.weightPct, f.score])).toEqual([
      ['Technical', 24, 30, 80],
      ['Risk', 8, 20, 40],
      ['Valuation', 0, 0, null],
    ]);
  });

  it('scales a sparkline into its box, the highest close at the top', () => {
    expect(sparklinePath([1, 3, 2], 10, 10, 0)).toBe('M0.0,10.0 L5.0,0.0 L10.0,5.0');
    expect(sparklinePath([5], 10, 10)).toBe('');
  });
});
