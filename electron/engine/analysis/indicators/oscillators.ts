import { checkPeriod, defined, ema, placed, sma, wilder, type Series } from './averages';

export interface Bar {
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** Wilder's RSI: average gain over average loss of `period` changes, each smoothed by Wilder from a simple seed. */
export function rsi(closes: readonly number[], period = 14): Series {
  checkPeriod(period);
  const out: Series = new Array(closes.length).fill(null);
  if (closes.length <= period) return out;
  const gains: number[] = [];
  const losses: number[] = [];
  for (let i = 1; i < closes.length; i++) {
    const change = closes[i]! - closes[i - 1]!;
    gains.push(Math.max(0, change));
    losses.push(Math.max(0, -change));
  }
  const up = wilder(gains, period);
  const down = wilder(losses, period);
  for (let i = period - 1; i < gains.length; i++) {
    const g = up[i]!;
    const l = down[i]!;
    out[i + 1] = l === 0 ? (g === 0 ? 50 : 100) : 100 - 100 / (1 + g / l);
  }
  return out;
}

/** True range from the second bar on: the largest of high - low and the gaps from the previous close. */
export function trueRange(bars: readonly Bar[]): Series {
  return bars.map((bar, i) => {
    if (i === 0) return null;
    const prev = bars[i - 1]!.close;
    return Math.max(bar.high - bar.low, Math.abs(bar.high - prev), Math.abs(bar.low - prev));
  });
}

/** Wilder's average true range; its first value is the simple average of the first `period` true ranges. */
export function atr(bars: readonly Bar[], period = 14): Series {
  const tr = defined(trueRange(bars));
  return placed(wilder(tr.values, period), tr.start, bars.length);
}

export interface Macd {
  macd: Series;
  signal: Series;
  histogram: Series;
}

/** MACD (12, 26, 9): EMA(fast) - EMA(slow), its signal the EMA of that line from its first value, and the difference. */
export function macd(closes: readonly number[], fast = 12, slow = 26, signalPeriod = 9): Macd {
  const f = ema(closes, fast);
  const s = ema(closes, slow);
  const line: Series = closes.map((_, i) => (f[i] === null || s[i] === null ? null : f[i]! - s[i]!));
  const d = defined(line);
  const signal = placed(ema(d.values, signalPeriod), d.start, closes.length);
  const histogram = line.map((v, i) => (v === null || signal[i] === null ? null : v - signal[i]!));
  return { macd: line, signal, histogram };
}

export interface Bands {
  upper: Series;
  middle: Series;
  lower: Series;
}

/** Bollinger bands: the SMA of `period` closes plus and minus `width` population standard deviations of them. */
export function bollinger(closes: readonly number[], period = 20, width = 2): Bands {
  const middle = sma(closes, period);
  const upper: Series = new Array(closes.length).fill(null);
  const lower: Series = new Array(closes.length).fill(null);
  for (let i = period - 1; i < closes.length; i++) {
    const mean = middle[i]!;
    let squares = 0;
    for (let j = i - period + 1; j <= i; j++) squares += (closes[j]! - mean) ** 2;
    const sd = Math.sqrt(squares / period);
    upper[i] = mean + width * sd;
    lower[i] = mean - width * sd;
  }
  return { upper, middle, lower };
}

/** Rate of change in percent over `period` bars. */
export function roc(closes: readonly number[], period = 10): Series {
  checkPeriod(period);
  return closes.map((c, i) =>
    i < period || closes[i - period] === 0 ? null : ((c - closes[i - period]!) / closes[i - period]!) * 100,
  );
}

/** Wilder's ADX: the smoothed DX of the smoothed directional movements over true range. */
export function adx(bars: readonly Bar[], period = 14): Series {
  checkPeriod(period);
  const n = bars.length;
  const out: Series = new Array(n).fill(null);
  if (n < 2 * period) return out;
  const plusDm: number[] = [];
  const minusDm: number[] = [];
  const tr = trueRange(bars).slice(1) as number[];
  for (let i = 1; i < n; i++) {
    const up = bars[i]!.high - bars[i - 1]!.high;
    const down = bars[i - 1]!.low - bars[i]!.low;
    plusDm.push(up > down && up > 0 ? up : 0);
    minusDm.push(down > up && down > 0 ? down : 0);
  }
  // Wilder smooths sums rather than averages; the ratios, and so DX, come out the same.
  const sTr = wilder(tr, period);
  const sPlus = wilder(plusDm, period);
  const sMinus = wilder(minusDm, period);
  const dx: number[] = [];
  for (let i = period - 1; i < tr.length; i++) {
    const plusDi = sTr[i]! === 0 ? 0 : (100 * sPlus[i]!) / sTr[i]!;
    const minusDi = sTr[i]! === 0 ? 0 : (100 * sMinus[i]!) / sTr[i]!;
    const total = plusDi + minusDi;
    dx.push(total === 0 ? 0 : (100 * Math.abs(plusDi - minusDi)) / total);
  }
  // dx[0] belongs to bar `period`; the ADX's first value, the average of `period` DX, to bar 2 * period - 1.
  return placed(wilder(dx, period), period, n);
}
