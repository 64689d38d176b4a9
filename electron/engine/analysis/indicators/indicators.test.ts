import { describe, expect, it } from 'vitest';
import {
  adx,
  atr,
  beta,
  bollinger,
  ema,
  last,
  macd,
  maxDrawdown,
  obv,
  realisedVolatility,
  roc,
  rsi,
  sma,
  vwap,
  type Bar,
} from '.';

const range = <T = number>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));
const bar = (close: number, spread = 1, volume = 100): Bar => ({
  high: close + spread,
  low: close - spread,
  close,
  volume,
});
const defined = (series: (number | null)[]) => series.filter((v): v is number => v !== null);

describe('moving averages', () => {
  it('SMA: null until a full period, then the mean of the last period', () => {
    expect(sma([1, 2, 3, 4, 5], 3)).toEqual([null, null, 2, 3, 4]);
  });

  it('EMA is seeded with the SMA of its first period, and lags a straight line by (period - 1) / 2 exactly', () => {
    const line = range(60, (i) => 100 + i);
    const e = ema(line, 20);
    expect(e.slice(0, 19).every((v) => v === null)).toBe(true);
    expect(e[19]).toBe(sma(line, 20)[19]);
    for (let i = 19; i < 60; i++) expect(e[i]).toBeCloseTo(line[i]! - 9.5, 9);
  });
});

describe('oscillators', () => {
  // The 14-day RSI worked example of StockCharts' ChartSchool ("Relative Strength Index"), to two decimals.
  const CHARTSCHOOL_CLOSES = [
    44.3389, 44.0902, 44.1497, 43.6124, 44.3278, 44.8264, 45.0955, 45.4245, 45.8433, 46.0826, 45.8931, 46.0328, 45.614,
    46.282, 46.282, 46.0028, 46.0328, 46.4116, 46.2222, 45.6439, 46.2122, 46.2521, 45.7137, 46.4515, 45.7835, 45.3548,
    44.0288, 44.1783, 44.2181, 44.5672, 43.4205, 42.6628, 43.1314,
  ];
  const CHARTSCHOOL_RSI = [
    70.53, 66.32, 66.55, 69.41, 66.36, 57.97, 62.93, 63.26, 56.06, 62.38, 54.71, 50.42, 39.99, 41.46, 41.87, 45.46,
    37.3, 33.08, 37.77,
  ];

  it('RSI (Wilder) matches the textbook worked example, its first value on the 15th close', () => {
    const values = rsi(CHARTSCHOOL_CLOSES, 14);
    expect(values.slice(0, 14).every((v) => v === null)).toBe(true);
    expect(defined(values).map((v) => Math.round(v * 100) / 100)).toEqual(CHARTSCHOOL_RSI);
  });

  it('RSI is 100 with gains only, 0 with losses only, 50 when nothing moves', () => {
    expect(last(rsi(range(20, (i) => 10 + i)))).toBe(100);
    expect(last(rsi(range(20, (i) => 30 - i)))).toBe(0);
    expect(last(rsi(range(20, () => 10)))).toBe(50);
  });

  it('ATR (Wilder): true range from the second bar, the first ATR the mean of the first 14 true ranges', () => {
    const bars = range(30, () => bar(100, 1));
    bars[20] = { high: 110, low: 100, close: 105, volume: 100 };
    const values = atr(bars, 14);
    expect(values.slice(0, 14).every((v) => v === null)).toBe(true);
    expect(values[14]).toBe(2);
    // Bar 20's true range is 10 (high 110 against the previous close 100); bar 21's gap from 105 down to 99-101 is 6.
    expect(values[20]).toBeCloseTo(2 + (10 - 2) / 14, 12);
    expect(values[21]).toBeCloseTo(values[20]! + (6 - values[20]!) / 14, 12);
  });

  it('MACD (12, 26, 9) of a straight line is the difference of the two lags, its signal the same, its histogram 0', () => {
    const { macd: line, signal, histogram } = macd(range(80, (i) => 50 + 0.5 * i));
    expect(line[24]).toBeNull();
    expect(line[25]).toBeCloseTo(0.5 * (12.5 - 5.5), 9);
    expect(signal[32]).toBeNull();
    expect(signal[33]).toBeCloseTo(3.5, 9);
    expect(histogram[79]).toBeCloseTo(0, 9);
  });

  it('Bollinger (20, 2) uses the population standard deviation', () => {
    const { upper, middle, lower } = bollinger(range(20, (i) => i + 1));
    const sd = Math.sqrt((20 * 20 - 1) / 12);
    expect(middle[19]).toBe(10.5);
    expect(upper[19]).toBeCloseTo(10.5 + 2 * sd, 12);
    expect(lower[19]).toBeCloseTo(10.5 - 2 * sd, 12);
    expect(upper[18]).toBeNull();
  });

  it('ROC in percent over 10 bars', () => {
    const closes = range(12, (i) => 100 + i * 2);
    expect(roc(closes, 10)[10]).toBeCloseTo(20, 12);
    expect(roc(closes, 10)[9]).toBeNull();
  });

  it('ADX (Wilder) of a steady advance is 100, first on bar 2 x period - 1', () => {
    const bars = range(40, (i) => bar(100 + i, 0.5));
    const values = adx(bars, 14);
    expect(values[26]).toBeNull();
    expect(values[27]).toBeCloseTo(100, 9);
    // A market that goes nowhere has no directional movement left to measure after the trend.
    const chop = [...bars, ...range(60, (i) => bar(140 + (i % 2 === 0 ? 0.5 : -0.5), 0.5))];
    expect(last(adx(chop, 14))!).toBeLessThan(values[39]!);
  });
});

describe('risk', () => {
  it('realised volatility: the sample standard deviation of 20 daily log returns times sqrt(252)', () => {
    const r = 0.01;
    // Returns alternate +r and -r: mean 0, sample variance 20 r^2 / 19.
    const closes = range(21, (i) => 100 * Math.exp(i % 2 === 0 ? 0 : r));
    expect(realisedVolatility(closes, 20)[20]).toBeCloseTo(Math.sqrt((20 * r * r) / 19) * Math.sqrt(252), 12);
    expect(
      last(
        realisedVolatility(
          range(30, (i) => 100 * 1.01 ** i),
          20,
        ),
      ),
    ).toBeCloseTo(0, 12);
  });

  it('maximum drawdown: the largest fall from a running peak', () => {
    expect(maxDrawdown([100, 120, 90, 130, 65, 80])).toEqual({ drawdown: 0.5, peakIndex: 3, troughIndex: 4 });
    expect(maxDrawdown([1, 2, 3]).drawdown).toBe(0);
  });

  it('OBV adds volume on up closes and takes it away on down closes; VWAP weighs the typical price', () => {
    const bars = [bar(10, 1, 100), bar(11, 1, 200), bar(10.5, 1, 50), bar(10.5, 1, 70)];
    expect(obv(bars)).toEqual([0, 200, 150, 150]);
    expect(vwap(bars)[1]).toBeCloseTo((10 * 100 + 11 * 200) / 300, 12);
  });

  it("beta: a stock whose log returns are twice the index's has beta 2", () => {
    const returns = range(120, (i) => 0.01 * Math.sin(i * 1.3));
    const index = [100];
    const stock = [50];
    for (const r of returns) {
      index.push(index.at(-1)! * Math.exp(r));
      stock.push(stock.at(-1)! * Math.exp(2 * r));
    }
    expect(beta(stock, index, 100)).toBeCloseTo(2, 9);
    expect(beta([1, 2], [1, 2])).toBeNull();
  });
});
