import { describe, expect, it } from 'vitest';
import { atr, last } from '../indicators';
import { barsFrom, line, zigzag } from './fixtures';
import { clusterSwings, keyLevels, swingPoints } from './levels';

/** Closes walking in steps of 1 through the given turning points. */
function legs(...turns: number[]): number[] {
  const out = [turns[0]!];
  for (const turn of turns.slice(1)) {
    const from = out[out.length - 1]!;
    const step = turn > from ? 1 : -1;
    for (let p = from + step; step > 0 ? p <= turn : p >= turn; p += step) out.push(p);
  }
  return out;
}

const levelsOf = (bars: ReturnType<typeof barsFrom>) => keyLevels(bars, last(atr(bars, 14)));

describe('key levels', () => {
  it('a range traded between 100 and 120 has its support at the lows and its resistance at the highs', () => {
    // Steps of 2 from 100 to 120 and back, period 20: peaks at bars 10, 30, 50, 70, 90 and troughs at 20, 40, 60,
    // 80 (bar 0 has no five bars before it). Each bar's range is open-close ± 0.5, so the peaks' highs are 120.5
    // and the troughs' lows 99.5. The last close, bar 95, is 110. Volume is the same every session, spread evenly
    // over the range: no volume node stands out.
    const bars = barsFrom(zigzag(96, 100, 120, 2), { spread: 0.5 });
    expect(bars[95]!.close).toBe(110);
    expect(levelsOf(bars)).toEqual({
      support: [{ price: 99.5, source: 'swing', strength: 4 }],
      resistance: [{ price: 120.5, source: 'swing', strength: 5 }],
    });
  });

  it('at most three levels a side, nearest the close first', () => {
    // Peaks at 130, 125, 120, 115, 110 and troughs at 70, 75, 80, 85, 90; the close ends at 100. No volume, so
    // swing points only. Bar ranges are ± 0.5 around open and close.
    const bars = barsFrom(legs(100, 130, 70, 125, 75, 120, 80, 115, 85, 110, 90, 100), { spread: 0.5, volume: 0 });
    const { support, resistance } = levelsOf(bars);
    expect(resistance).toEqual([
      { price: 110.5, source: 'swing', strength: 1 },
      { price: 115.5, source: 'swing', strength: 1 },
      { price: 120.5, source: 'swing', strength: 1 },
    ]);
    expect(support).toEqual([
      { price: 89.5, source: 'swing', strength: 1 },
      { price: 84.5, source: 'swing', strength: 1 },
      { price: 79.5, source: 'swing', strength: 1 },
    ]);
  });

  it('a heavily traded base below the close is a volume support', () => {
    // 60 sessions drifting from 148 to 152 on 5 million shares a day, a rally to 170 and a pull-back to 165 on
    // 1 million: almost nine tenths of the volume traded in the base, and none of it made a swing low.
    const closes = [...line(60, 148, 4 / 59), ...line(30, 152.6, 0.6).slice(0, 30), ...line(10, 169.5, -0.5)];
    const bars = barsFrom(closes, { spread: 0.5, volume: (i) => (i < 60 ? 5_000_000 : 1_000_000) });
    const { support, resistance } = levelsOf(bars);
    expect(support.length).toBeGreaterThan(0);
    const base = support.find((level) => level.source === 'volume');
    expect(base).toBeDefined();
    expect(base!.price).toBeGreaterThan(147.5);
    expect(base!.price).toBeLessThan(152.5);
    expect(base!.strength).toBeGreaterThan(0.25);
    // The rally's top, five sessions confirmed, is the resistance.
    expect(resistance[0]).toMatchObject({ source: 'swing', strength: 1 });
    expect(resistance[0]!.price).toBeCloseTo(Math.max(...bars.map((b) => b.high)), 9);
  });

  it('swing points need five bars either side, and a flat top counts once', () => {
    const bars = barsFrom([1, 2, 3, 4, 5, 9, 9, 5, 4, 3, 2, 1], { spread: 0 });
    // Bar 5 (close 9, high 9) beats the five before it and is not beaten by the five after; bar 6 ties bar 5.
    expect(swingPoints(bars)).toEqual([9]);
    expect(swingPoints(bars.slice(0, 10))).toEqual([]);
  });

  it('swing prices within the tolerance of a cluster are one level, their mean, counted as touches', () => {
    expect(clusterSwings([100, 101, 99.5, 110, 111], 2)).toEqual([
      { price: (99.5 + 100 + 101) / 3, source: 'swing', strength: 3 },
      { price: 110.5, source: 'swing', strength: 2 },
    ]);
  });

  it('a single candle has no levels', () => {
    expect(keyLevels(barsFrom([100]), null)).toEqual({ support: [], resistance: [] });
  });
});
