/**
 * Moving averages as LOCAL-API.md defines them. Every function answers one value per input (null until enough
 * inputs for the first value), so a series lines up with the candles it came from.
 */
export type Series = (number | null)[];

/** Simple moving average of `period` values. */
export function sma(values: readonly number[], period: number): Series {
  checkPeriod(period);
  const out: Series = new Array(values.length).fill(null);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i]!;
    if (i >= period) sum -= values[i - period]!;
    if (i >= period - 1) out[i] = sum / period;
  }
  return out;
}

/** Exponential moving average (k = 2 / (period + 1)), seeded with the simple average of its first period. */
export function ema(values: readonly number[], period: number): Series {
  return smoothed(values, period, 2 / (period + 1));
}

/** Wilder's smoothing (k = 1 / period), seeded with the simple average of its first period: RSI, ATR, ADX. */
export function wilder(values: readonly number[], period: number): Series {
  return smoothed(values, period, 1 / period);
}

function smoothed(values: readonly number[], period: number, k: number): Series {
  checkPeriod(period);
  const out: Series = new Array(values.length).fill(null);
  if (values.length < period) return out;
  let average = 0;
  for (let i = 0; i < period; i++) average += values[i]!;
  average /= period;
  out[period - 1] = average;
  for (let i = period; i < values.length; i++) {
    average += k * (values[i]! - average);
    out[i] = average;
  }
  return out;
}

/** The same series without its leading nulls, and where it started: EMAs of an indicator (MACD's signal) start there. */
export function defined(series: Series): { start: number; values: number[] } {
  const start = series.findIndex((v) => v !== null);
  return start < 0 ? { start: series.length, values: [] } : { start, values: series.slice(start) as number[] };
}

/** `series` shifted right by `start` places, nulls in front: the inverse of `defined`. */
export function placed(series: Series, start: number, length: number): Series {
  const out: Series = new Array(length).fill(null);
  series.forEach((v, i) => (out[start + i] = v));
  return out;
}

export function checkPeriod(period: number): void {
  if (!Number.isInteger(period) || period < 1)
    throw new RangeError(`an indicator period must be a positive integer, got ${period}`);
}

/** The last value of a series, null when it has none yet: the figure a report shows. */
export const last = (series: Series): number | null => (series.length === 0 ? null : series[series.length - 1]!);
