import type { IndicatorValues, ReportSections, SnapshotBar } from '../../../../shared/domain/analysis';
import { adx, atr, bollinger, ema, last, macd, realisedVolatility, roc, rsi, sma, type Series } from '../indicators';
import { lean, scoreFromPoints } from './conviction';

export type TechnicalSection = ReportSections['technical'];
export type Trend = TechnicalSection['trend'];

/** How far back a golden or death cross still counts as news. */
const CROSS_LOOKBACK_SESSIONS = 60;

/** A figure the report can show: a division by a zero close gives none rather than NaN or Infinity. */
export const finite = (value: number | null): number | null =>
  value !== null && Number.isFinite(value) ? value : null;

const lastFinite = (series: Series): number | null => finite(last(series));

/** LOCAL-API.md's indicator definitions on the last daily candle; null where there are too few candles. */
export function indicatorValues(daily: readonly SnapshotBar[]): IndicatorValues {
  const closes = daily.map((bar) => bar.close);
  const lines = macd(closes);
  const bands = bollinger(closes);
  return {
    sma20: lastFinite(sma(closes, 20)),
    sma50: lastFinite(sma(closes, 50)),
    sma200: lastFinite(sma(closes, 200)),
    ema20: lastFinite(ema(closes, 20)),
    ema50: lastFinite(ema(closes, 50)),
    rsi14: lastFinite(rsi(closes, 14)),
    atr14: lastFinite(atr(daily, 14)),
    macd: lastFinite(lines.macd),
    macdSignal: lastFinite(lines.signal),
    macdHistogram: lastFinite(lines.histogram),
    bbUpper: lastFinite(bands.upper),
    bbMiddle: lastFinite(bands.middle),
    bbLower: lastFinite(bands.lower),
    adx14: lastFinite(adx(daily, 14)),
    roc10: lastFinite(roc(closes, 10)),
    // Only the last value is wanted: the window of 21 closes gives exactly it.
    realisedVol20: lastFinite(realisedVolatility(closes.slice(-21), 20)),
  };
}

/** Gaps smaller than this many ATRs between the close and an average, or two averages, are no gap for the trend. */
const TREND_DEAD_BAND_ATRS = 0.1;

/**
 * UP when the close is above a rising stack of averages (close > SMA50 > SMA200), DOWN when below a falling one,
 * SIDEWAYS otherwise or when the gaps are within a tenth of an ATR (a flat market's averages all but coincide).
 * Without 200 candles the 20- and 50-day averages stand in for the pair.
 */
export function trendOf(close: number, i: Pick<IndicatorValues, 'sma20' | 'sma50' | 'sma200' | 'atr14'>): Trend {
  const [fast, slow] = i.sma200 !== null ? [i.sma50, i.sma200] : [i.sma20, i.sma50];
  if (fast === null || slow === null || i.atr14 === null) return 'SIDEWAYS';
  const band = TREND_DEAD_BAND_ATRS * i.atr14;
  if (close - fast > band && fast - slow > band) return 'UP';
  if (fast - close > band && slow - fast > band) return 'DOWN';
  return 'SIDEWAYS';
}

/** The latest crossing of the 50-day SMA over the 200-day within the lookback, and how many sessions ago. */
export function lastCross(closes: readonly number[]): { kind: 'golden' | 'death'; sessionsAgo: number } | null {
  const fast = sma(closes, 50);
  const slow = sma(closes, 200);
  const stop = Math.max(1, closes.length - 1 - CROSS_LOOKBACK_SESSIONS);
  for (let i = closes.length - 1; i >= stop; i--) {
    const [f, s, pf, ps] = [fast[i], slow[i], fast[i - 1], slow[i - 1]];
    if (f == null || s == null || pf == null || ps == null) return null;
    if (f > s && pf <= ps) return { kind: 'golden', sessionsAgo: closes.length - 1 - i };
    if (f < s && pf >= ps) return { kind: 'death', sessionsAgo: closes.length - 1 - i };
  }
  return null;
}

const side = (close: number, level: number): string => (close >= level ? 'above' : 'below');
const sessionsAgo = (n: number): string => (n === 0 ? 'on the last session' : `${n} session${n === 1 ? '' : 's'} ago`);

function signalsOf(close: number, i: IndicatorValues, cross: ReturnType<typeof lastCross>): string[] {
  const signals: string[] = [];
  if (i.sma200 !== null) signals.push(`Close ${side(close, i.sma200)} the 200-day SMA`);
  if (cross) signals.push(`${cross.kind === 'golden' ? 'Golden' : 'Death'} cross ${sessionsAgo(cross.sessionsAgo)}`);
  if (i.sma50 !== null) signals.push(`Close ${side(close, i.sma50)} the 50-day SMA`);
  if (i.macd !== null && i.macdSignal !== null) signals.push(`MACD ${side(i.macd, i.macdSignal)} its signal`);
  if (i.rsi14 !== null && i.rsi14 >= 70) signals.push(`RSI ${i.rsi14.toFixed(0)}: overbought`);
  if (i.rsi14 !== null && i.rsi14 <= 30) signals.push(`RSI ${i.rsi14.toFixed(0)}: oversold`);
  if (i.bbUpper !== null && close > i.bbUpper) signals.push('Close above the upper Bollinger band');
  if (i.bbLower !== null && close < i.bbLower) signals.push('Close below the lower Bollinger band');
  if (i.adx14 !== null && i.adx14 >= 25) signals.push(`ADX ${i.adx14.toFixed(0)}: a strong trend`);
  if (i.adx14 !== null && i.adx14 < 20) signals.push(`ADX ${i.adx14.toFixed(0)}: no clear trend`);
  return signals;
}

/**
 * 50 plus points, each scaled by how far apart its two figures are in ATRs (full points at one ATR, a quarter ATR for
 * MACD against its signal) and 0 when a figure is missing:
 *   close vs SMA200 ±15, SMA50 vs SMA200 ±10, close vs SMA50 ±10, close vs SMA20 ±5, MACD vs its signal ±5,
 *   RSI 50-70 +5 and 30-50 -5 (beyond 70 or 30 the move is stretched and earns nothing),
 *   ADX ≥ 25 adds 5 in the trend's direction.
 */
export function technicalScore(close: number, i: IndicatorValues, trend: Trend): number {
  const rsiPoints = i.rsi14 === null || i.rsi14 >= 70 || i.rsi14 <= 30 ? 0 : i.rsi14 > 50 ? 5 : i.rsi14 < 50 ? -5 : 0;
  const adxPoints = i.adx14 !== null && i.adx14 >= 25 ? (trend === 'UP' ? 5 : trend === 'DOWN' ? -5 : 0) : 0;
  const atr14 = i.atr14;
  return scoreFromPoints([
    15 * lean(close, i.sma200, atr14),
    10 * lean(i.sma50, i.sma200, atr14),
    10 * lean(close, i.sma50, atr14),
    5 * lean(close, i.sma20, atr14),
    5 * lean(i.macd, i.macdSignal, atr14 === null ? null : atr14 / 4),
    rsiPoints,
    adxPoints,
  ]);
}

export function technicalSection(daily: readonly SnapshotBar[]): TechnicalSection {
  const lastClose = daily[daily.length - 1]!.close;
  const indicators = indicatorValues(daily);
  const trend = trendOf(lastClose, indicators);
  const cross = lastCross(daily.map((bar) => bar.close));
  return {
    indicators,
    lastClose,
    trend,
    priceVsSma200Pct: indicators.sma200 === null ? null : finite((lastClose / indicators.sma200 - 1) * 100),
    signals: signalsOf(lastClose, indicators, cross),
    score: technicalScore(lastClose, indicators, trend),
  };
}
