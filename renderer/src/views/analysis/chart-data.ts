import type { Factor, Report, SnapshotBar } from '../../../../shared/domain/analysis';
import { factorLabel, formatSessionDate } from './format';

/** The simple moving average of each point over the `period` points ending there; null until there are enough. */
export function movingAverage(values: readonly number[], period: number): (number | null)[] {
  const out: (number | null)[] = [];
  let sum = 0;
  values.forEach((value, i) => {
    sum += value;
    if (i >= period) sum -= values[i - period]!;
    out.push(i >= period - 1 ? sum / period : null);
  });
  return out;
}

export interface PricePoint {
  ts: string;
  label: string;
  close: number;
  sma50: number | null;
  sma200: number | null;
}

/** Sessions the price chart shows: about a year, the span the key levels are found in. */
export const PRICE_CHART_SESSIONS = 250;

/**
 * The last `sessions` daily closes with their 50- and 200-day averages, oldest first. The averages read the older
 * candles too, so the lines start at the chart's left edge when the snapshot holds them.
 */
export function priceSeries(candles: readonly SnapshotBar[], sessions = PRICE_CHART_SESSIONS): PricePoint[] {
  const closes = candles.map((c) => c.close);
  const sma50 = movingAverage(closes, 50);
  const sma200 = movingAverage(closes, 200);
  const from = Math.max(0, candles.length - sessions);
  return candles.slice(from).map((c, i) => ({
    ts: c.ts,
    label: formatSessionDate(c.ts),
    close: c.close,
    sma50: sma50[from + i]!,
    sma200: sma200[from + i]!,
  }));
}

/** Strikes shown either side of the centre: a full chain has too many to read as bars. */
export const STRIKES_EACH_SIDE = 12;

/**
 * The rows of the strikes nearest `centre` (the ATM strike, else spot): `each` strikes either side of the nearest
 * one, fewer at the ends of the chain. Rows are ascending by strike, as the chain lists them.
 */
export function strikeWindow<T extends { strike: number }>(
  rows: readonly T[],
  centre: number | null,
  each = STRIKES_EACH_SIDE,
): T[] {
  if (rows.length === 0 || centre === null) return rows.slice(0, 2 * each + 1);
  let nearest = 0;
  rows.forEach((row, i) => {
    if (Math.abs(row.strike - centre) < Math.abs(rows[nearest]!.strike - centre)) nearest = i;
  });
  return rows.slice(Math.max(0, nearest - each), nearest + each + 1);
}

export interface SmilePoint {
  strike: number;
  /** Percent (18 = 18%). */
  callIv: number | null;
  putIv: number | null;
}

/** The smile in percent, for a chart axis that reads 18%, not 0.18. */
export function smileInPercent(rows: Report['sections']['derivatives']['ivSmile']): SmilePoint[] {
  const pct = (iv: number | null) => (iv === null ? null : Math.round(iv * 10_000) / 100);
  return rows.map((r) => ({ strike: r.strike, callIv: pct(r.callIv), putIv: pct(r.putIv) }));
}

export interface FactorBar {
  name: Factor['name'];
  label: string;
  contribution: number;
  score: number | null;
  /** Percent of the conviction score this factor's weight gives it. */
  weightPct: number;
  detail: string;
}

/** The factors as contribution bars, largest contribution first; a factor without data shows at 0. */
export function factorBars(factors: readonly Factor[]): FactorBar[] {
  return [...factors]
    .sort((a, b) => b.contribution - a.contribution)
    .map((f) => ({
      name: f.name,
      label: factorLabel(f.name),
      contribution: Math.round(f.contribution * 100) / 100,
      score: f.score,
      weightPct: Math.round(f.weight * 1000) / 10,
      detail: f.detail,
    }));
}
