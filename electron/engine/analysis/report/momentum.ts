import type { IndicatorValues, ReportSections, SnapshotBar } from '../../../../shared/domain/analysis';
import { last, obv, sma } from '../indicators';
import { lean, scoreFromPoints } from './conviction';
import { finite } from './technical';

export type MomentumSection = ReportSections['momentum'];
export type ObvTrend = MomentumSection['obvTrend'];

export const RETURN_SESSIONS = { return1m: 21, return3m: 63, return6m: 126, return1y: 252 } as const;
const OBV_SESSIONS = 20;
/**
 * OBV's least-squares slope per session, over the window's mean volume, beyond which OBV is RISING or FALLING.
 * A window of only up closes scores 1; one of alternating up and down closes of equal volume scores about 0.
 */
const OBV_SLOPE_THRESHOLD = 0.2;

/**
 * The return over `sessions` sessions as a fraction. A year of daily candles holds about 248 sessions, not 252, so
 * when 90% of the span is there the first close stands in for the one `sessions` back: returns are "about" a span.
 */
export function returnOver(closes: readonly number[], sessions: number): number | null {
  const end = closes.length - 1;
  if (end < Math.ceil(sessions * 0.9)) return null;
  const start = Math.max(0, end - sessions);
  return finite(closes[end]! / closes[start]! - 1);
}

/** The least-squares slope of `values` against their position. */
function slope(values: readonly number[]): number {
  const n = values.length;
  const meanX = (n - 1) / 2;
  const meanY = values.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  values.forEach((y, x) => {
    num += (x - meanX) * (y - meanY);
    den += (x - meanX) ** 2;
  });
  return den === 0 ? 0 : num / den;
}

/** Whether on-balance volume has been climbing over the last 20 sessions, judged by its slope against volume. */
export function obvTrendOf(daily: readonly SnapshotBar[]): ObvTrend {
  const window = daily.slice(-(OBV_SESSIONS + 1));
  if (window.length < 3) return 'FLAT';
  const values = obv(window).slice(1);
  const meanVolume = window.slice(1).reduce((sum, bar) => sum + bar.volume, 0) / values.length;
  if (meanVolume <= 0) return 'FLAT';
  const normalised = slope(values) / meanVolume;
  return normalised > OBV_SLOPE_THRESHOLD ? 'RISING' : normalised < -OBV_SLOPE_THRESHOLD ? 'FALLING' : 'FLAT';
}

/** The last hourly close against the 20-hour SMA, in percent; null with fewer than 20 hourly candles. */
export function hourlyVsSma20Pct(hourly: readonly SnapshotBar[]): number | null {
  const closes = hourly.map((bar) => bar.close);
  const average = last(sma(closes, 20));
  return average === null || closes.length === 0 ? null : finite((closes[closes.length - 1]! / average - 1) * 100);
}

const capped = (value: number | null, perUnit: number, cap: number): number =>
  value === null ? 0 : Math.max(-cap, Math.min(cap, value * perUnit));

/**
 * 50 plus signed points, each 0 when its input is missing:
 *   RSI (rsi - 50) × 0.75, at most ±15 (RSI 70 earns the full 15);
 *   10-day ROC 2 per percent, at most ±10; MACD histogram ±5 at a quarter ATR or more;
 *   3-month return 0.5 per percent, at most ±10; 6-month return 0.25 per percent, at most ±5;
 *   OBV RISING +5, FALLING -5; hourly close vs its 20-hour SMA 2 per percent, at most ±5.
 */
export function momentumScore(m: Omit<MomentumSection, 'score'>, atr14: number | null): number {
  return scoreFromPoints([
    m.rsi14 === null ? 0 : capped(m.rsi14 - 50, 0.75, 15),
    capped(m.roc10, 2, 10),
    5 * lean(m.macdHistogram, 0, atr14 === null ? null : atr14 / 4),
    capped(m.return3m === null ? null : m.return3m * 100, 0.5, 10),
    capped(m.return6m === null ? null : m.return6m * 100, 0.25, 5),
    m.obvTrend === 'RISING' ? 5 : m.obvTrend === 'FALLING' ? -5 : 0,
    capped(m.hourlyVsSma20Pct, 2, 5),
  ]);
}

export function momentumSection(
  daily: readonly SnapshotBar[],
  hourly: readonly SnapshotBar[],
  indicators: IndicatorValues,
): MomentumSection {
  const closes = daily.map((bar) => bar.close);
  const figures = {
    rsi14: indicators.rsi14,
    roc10: indicators.roc10,
    macdHistogram: indicators.macdHistogram,
    return1m: returnOver(closes, RETURN_SESSIONS.return1m),
    return3m: returnOver(closes, RETURN_SESSIONS.return3m),
    return6m: returnOver(closes, RETURN_SESSIONS.return6m),
    return1y: returnOver(closes, RETURN_SESSIONS.return1y),
    obvTrend: obvTrendOf(daily),
    hourlyVsSma20Pct: hourlyVsSma20Pct(hourly),
  };
  return { ...figures, score: momentumScore(figures, indicators.atr14) };
}
