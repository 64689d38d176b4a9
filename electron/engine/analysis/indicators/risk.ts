import { checkPeriod, type Series } from './averages';
import type { Bar } from './oscillators';

const TRADING_DAYS = 252;

/** Natural log returns from the second close on (null first). */
export function logReturns(closes: readonly number[]): Series {
  return closes.map((c, i) => (i === 0 ? null : Math.log(c / closes[i - 1]!)));
}

/** Sample standard deviation of the last `period` daily log returns times sqrt(252), as a fraction (0.25 = 25%). */
export function realisedVolatility(closes: readonly number[], period = 20): Series {
  checkPeriod(period);
  if (period < 2) throw new RangeError('a sample standard deviation needs a period of at least 2');
  const r = logReturns(closes);
  return closes.map((_, i) => {
    if (i < period) return null;
    const window = r.slice(i - period + 1, i + 1) as number[];
    const mean = window.reduce((a, b) => a + b, 0) / period;
    const variance = window.reduce((a, b) => a + (b - mean) ** 2, 0) / (period - 1);
    return Math.sqrt(variance) * Math.sqrt(TRADING_DAYS);
  });
}

/** The largest fall from a running peak, as a fraction of the peak (0.2 = 20%), with where it started and ended. */
export function maxDrawdown(closes: readonly number[]): { drawdown: number; peakIndex: number; troughIndex: number } {
  let peak = 0;
  let best = { drawdown: 0, peakIndex: 0, troughIndex: 0 };
  for (let i = 1; i < closes.length; i++) {
    if (closes[i]! > closes[peak]!) peak = i;
    const fall = (closes[peak]! - closes[i]!) / closes[peak]!;
    if (fall > best.drawdown) best = { drawdown: fall, peakIndex: peak, troughIndex: i };
  }
  return best;
}

/** On-balance volume: volume added on an up close, taken away on a down close, from 0 on the first bar. */
export function obv(bars: readonly Bar[]): number[] {
  const out: number[] = [];
  let total = 0;
  bars.forEach((bar, i) => {
    if (i > 0) {
      const prev = bars[i - 1]!.close;
      if (bar.close > prev) total += bar.volume;
      else if (bar.close < prev) total -= bar.volume;
    }
    out.push(total);
  });
  return out;
}

/** Volume-weighted average of the typical price (high + low + close) / 3 over the bars given (a session's). */
export function vwap(bars: readonly Bar[]): Series {
  let pv = 0;
  let volume = 0;
  return bars.map((bar) => {
    pv += ((bar.high + bar.low + bar.close) / 3) * bar.volume;
    volume += bar.volume;
    return volume === 0 ? null : pv / volume;
  });
}

/**
 * Beta against an index: covariance of the two series' log returns over the variance of the index's, on the last
 * `period` returns both have (the series are aligned by position: same sessions). Null with fewer.
 */
export function beta(closes: readonly number[], index: readonly number[], period = 250): number | null {
  const n = Math.min(closes.length, index.length) - 1;
  const take = Math.min(period, n);
  if (take < 2) return null;
  const a = logReturns(closes.slice(-take - 1)).slice(1) as number[];
  const b = logReturns(index.slice(-take - 1)).slice(1) as number[];
  const meanA = a.reduce((x, y) => x + y, 0) / take;
  const meanB = b.reduce((x, y) => x + y, 0) / take;
  let cov = 0;
  let varB = 0;
  for (let i = 0; i < take; i++) {
    cov += (a[i]! - meanA) * (b[i]! - meanB);
    varB += (b[i]! - meanB) ** 2;
  }
  return varB === 0 ? null : cov / varB;
}
