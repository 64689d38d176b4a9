import { describe, expect, it } from 'vitest';
import {
  barStart,
  candlesToBars,
  describeSource,
  foldTick,
  IST_SHIFT_S,
  toChartTime,
  type LiveBarState,
} from './live-bar';

const tick = (ltt: string, ltp: number, volume: number | null = null) => ({ ltp, ltt, receivedAt: ltt, volume });

describe('live bar', () => {
  it('shows IST on a UTC axis: 09:15 IST reads as 09:15', () => {
    const t = toChartTime('2025-06-02T09:15:00+05:30');
    expect(new Date(t * 1000).toISOString()).toBe('2025-06-02T09:15:00.000Z');
    expect(t - Date.parse('2025-06-02T03:45:00Z') / 1000).toBe(IST_SHIFT_S);
  });

  it('opens a bar on the first tick of a minute, then moves high, low and close; volume from the cumulative total', () => {
    const state: LiveBarState = { last: null, cumulativeVolume: null };
    expect(foldTick(state, tick('2025-06-02T09:15:05+05:30', 100, 1_000), '1m')).toMatchObject({
      isNew: true,
      bar: { open: 100, close: 100, volume: 0 },
    });
    foldTick(state, tick('2025-06-02T09:15:20+05:30', 103, 1_400), '1m');
    const third = foldTick(state, tick('2025-06-02T09:15:40+05:30', 98, 1_500), '1m');
    expect(third).toMatchObject({ isNew: false, bar: { open: 100, high: 103, low: 98, close: 98, volume: 500 } });
    const next = foldTick(state, tick('2025-06-02T09:16:01+05:30', 99, 1_600), '1m');
    expect(next?.isNew).toBe(true);
    expect(next?.bar).toMatchObject({ time: toChartTime('2025-06-02T09:16:00+05:30'), open: 99, volume: 100 });
  });

  it('continues the last loaded bar and ignores ticks older than it', () => {
    const [last] = candlesToBars([
      { ts: '2025-06-02T09:15:00+05:30', open: 10, high: 12, low: 9, close: 11, volume: 50, oi: 0 },
    ]);
    const state: LiveBarState = { last: last!, cumulativeVolume: null };
    expect(foldTick(state, tick('2025-06-02T09:15:30+05:30', 13), '1m')).toMatchObject({
      isNew: false,
      bar: { open: 10, high: 13, close: 13, volume: 50 },
    });
    expect(foldTick(state, tick('2025-06-02T09:14:59+05:30', 8), '1m')).toBeNull();
  });

  it('keeps hourly bars on the 09:15 grid and takes the day volume whole on daily bars', () => {
    const [hour] = candlesToBars([
      { ts: '2025-06-02T09:15:00+05:30', open: 1, high: 1, low: 1, close: 1, volume: 0, oi: 0 },
    ]);
    const hourly: LiveBarState = { last: hour!, cumulativeVolume: null };
    expect(foldTick(hourly, tick('2025-06-02T10:20:00+05:30', 2), '1h')?.bar.time).toBe(
      toChartTime('2025-06-02T10:15:00+05:30'),
    );
    const fresh: LiveBarState = { last: null, cumulativeVolume: null };
    expect(foldTick(fresh, tick('2025-06-02T10:05:00+05:30', 2), '1h')?.bar.time).toBe(
      toChartTime('2025-06-02T09:15:00+05:30'),
    );

    const daily: LiveBarState = { last: null, cumulativeVolume: null };
    const bar = foldTick(daily, tick('2025-06-02T14:00:00+05:30', 5, 123_456), '1d')?.bar;
    expect(bar).toMatchObject({ time: toChartTime('2025-06-02T00:00:00+05:30'), volume: 123_456 });
  });

  it('drops duplicate and out-of-order candles', () => {
    const c = (ts: string, close: number) => ({ ts, open: close, high: close, low: close, close, volume: 1, oi: 0 });
    const bars = candlesToBars([
      c('2025-06-02T09:15:00+05:30', 1),
      c('2025-06-02T09:15:00+05:30', 2),
      c('2025-06-02T09:14:00+05:30', 3),
      c('2025-06-02T09:16:00+05:30', 4),
    ]);
    expect(bars.map((b) => b.close)).toEqual([2, 4]);
  });

  it('puts weekly bars on Mondays and monthly bars on the first, in IST', () => {
    // Thursday 4 December 2025, 10:00 IST.
    const t = toChartTime('2025-12-04T10:00:00+05:30');
    expect(barStart(t, '1w')).toBe(toChartTime('2025-12-01T00:00:00+05:30'));
    expect(barStart(t, '1M')).toBe(toChartTime('2025-12-01T00:00:00+05:30'));
    // 00:30 IST on the 1st is still the new month, though it is the previous day in UTC.
    expect(barStart(toChartTime('2026-01-01T00:30:00+05:30'), '1M')).toBe(toChartTime('2026-01-01T00:00:00+05:30'));
    expect(barStart(toChartTime('2025-12-07T23:59:00+05:30'), '1w')).toBe(toChartTime('2025-12-01T00:00:00+05:30'));
    expect(barStart(toChartTime('2025-12-08T00:00:00+05:30'), '1w')).toBe(toChartTime('2025-12-08T00:00:00+05:30'));
  });

  it('marks an imported bar completed by ticks as live, as the engine names it, and a bar ticks opened as live', () => {
    const [week] = candlesToBars([
      { ts: '2025-12-01T00:00:00+05:30', open: 10, high: 12, low: 9, close: 11, volume: 50, oi: 0, source: 'demo' },
    ]);
    const state: LiveBarState = { last: week!, cumulativeVolume: null };
    expect(foldTick(state, tick('2025-12-04T10:00:00+05:30', 13), '1w')).toMatchObject({
      isNew: false,
      bar: { open: 10, high: 13, source: 'demo+live' },
    });
    expect(foldTick(state, tick('2025-12-08T09:15:00+05:30', 14), '1w')).toMatchObject({
      isNew: true,
      bar: { open: 14, source: 'live' },
    });
    expect(describeSource('demo')).toBe('imported (demo)');
    expect(describeSource('upstox+live')).toBe('imported (upstox) + live');
    expect(describeSource('live')).toBe('live');
  });
});
