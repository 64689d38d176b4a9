import type { Direction, ScanFactors, ScanResult } from '../../../../shared/domain/analysis';
import type { OhlcvBar } from '../../../../shared/domain/feed';
import { atr, last, macd, realisedVolatility, roc, rsi, sma, type Series } from '../indicators';
import { lean, roundScore } from '../report/conviction';
import { futuresPositioning } from '../report/derivatives';
import { finite } from '../report/technical';

export interface ScanInput {
  symbol: string;
  instrumentKey: string;
  /** Oldest first, about a year. */
  daily: readonly OhlcvBar[];
  /** The near-month future's daily bars (their OI), or null when not F&O or not stored. */
  futuresDaily: readonly OhlcvBar[] | null;
  /** PASS when compositeScore >= threshold. */
  threshold: number;
}

/** Fewer daily candles than this cannot support the 50-day figures: the symbol is scored but never passes. */
export const MIN_SCAN_BARS = 50;
const SPARKLINE_CLOSES = 30;
const SLOPE_SESSIONS = 10;
const VOLUME_RECENT = 5;
const VOLUME_BASE = 50;
const UP_DOWN_SESSIONS = 20;

/**
 * Weights of the composite, a weighted mean of the factors with data (open interest has none without futures).
 * Trend and momentum lead; volume and volatility qualify the move; futures positioning confirms it for F&O names.
 */
export const SCAN_WEIGHTS: Readonly<Record<keyof ScanFactors, number>> = {
  trend: 0.3,
  momentum: 0.25,
  volume: 0.15,
  volatility: 0.1,
  openInterest: 0.2,
};

const clamp = (value: number, min: number, max: number): number => Math.max(min, Math.min(max, value));
const at = (series: Series, back: number): number | null => series[series.length - 1 - back] ?? null;

/**
 * 50 plus: the close against SMA20, SMA50 and SMA200 ±10 each, SMA20 vs SMA50 and SMA50 vs SMA200 ±5 each (full
 * points at one ATR apart, fewer when closer), and the SMA50's rise over 10 sessions (SMA20's without 50 candles)
 * at 5 points per percent, at most ±10. 0 with fewer than 20 candles.
 */
function trendFactor(close: number, atr14: number | null, sma20: Series, sma50: Series, sma200: Series): number {
  const [s20, s50, s200] = [last(sma20), last(sma50), last(sma200)];
  if (s20 === null) return 0;
  const line = s50 !== null ? sma50 : sma20;
  const then = at(line, SLOPE_SESSIONS);
  const now = last(line)!;
  const slopePct = then === null || then === 0 ? 0 : (now / then - 1) * 100;
  return roundScore(
    50 +
      10 * lean(close, s20, atr14) +
      10 * lean(close, s50, atr14) +
      10 * lean(close, s200, atr14) +
      5 * lean(s20, s50, atr14) +
      5 * lean(s50, s200, atr14) +
      clamp(slopePct * 5, -10, 10),
  );
}

interface MomentumInputs {
  rsi14: number | null;
  roc10: number | null;
  macd: number | null;
  histogram: number | null;
  atr14: number | null;
}

/**
 * 50 plus: RSI14 (rsi - 50) × 0.8, at most ±20; ROC10 2 per percent, at most ±15; the MACD histogram ±10 (full at a
 * quarter ATR) and the MACD line ±5 (full at one ATR). 0 with too few candles for an RSI.
 */
function momentumFactor(m: MomentumInputs): number {
  if (m.rsi14 === null) return 0;
  return roundScore(
    50 +
      clamp((m.rsi14 - 50) * 0.8, -20, 20) +
      (m.roc10 === null ? 0 : clamp(m.roc10 * 2, -15, 15)) +
      10 * lean(m.histogram, 0, m.atr14 === null ? null : m.atr14 / 4) +
      5 * lean(m.macd, 0, m.atr14),
  );
}

/**
 * 50 plus: the share of the last 20 sessions' volume traded on up closes (0.5 = as much as on down closes),
 * (share - 0.5) × 60; and the last 5 sessions' average volume against the 50-session average, 20 per unit of the
 * ratio above 1, from -10 to +20 (interest picking up). 0 with fewer than 6 candles.
 */
function volumeFactor(daily: readonly OhlcvBar[]): { bullish: number; bearish: number } {
  const n = daily.length;
  if (n <= VOLUME_RECENT) return { bullish: 0, bearish: 0 };
  const mean = (from: number) => {
    let sum = 0;
    for (let i = from; i < n; i++) sum += daily[i]!.volume;
    return sum / (n - from);
  };
  const base = mean(Math.max(0, n - VOLUME_BASE));
  const ratio = base > 0 ? mean(n - VOLUME_RECENT) / base : 1;
  let up = 0;
  let down = 0;
  for (let i = Math.max(1, n - UP_DOWN_SESSIONS); i < n; i++) {
    const change = daily[i]!.close - daily[i - 1]!.close;
    if (change > 0) up += daily[i]!.volume;
    else if (change < 0) down += daily[i]!.volume;
  }
  const upShare = up + down > 0 ? up / (up + down) : 0.5;
  // Volume picking up confirms a move either way; volume on up closes only a rise.
  const interest = clamp((ratio - 1) * 20, -10, 20);
  return {
    bullish: roundScore(50 + (upShare - 0.5) * 60 + interest),
    bearish: roundScore(50 + (0.5 - upShare) * 60 + interest),
  };
}

/** 100 inside the band that trades well; rising from 40 at 0 below it, falling to 0 at `zeroAt` above it. */
function bandScore(value: number, low: number, high: number, zeroAt: number): number {
  if (value < low) return 40 + (60 * value) / low;
  if (value <= high) return 100;
  return Math.max(0, 100 * (1 - (value - high) / (zeroAt - high)));
}

/**
 * Moderate volatility scores best: ATR14 of 1-3% of the close (0 at 8%) and 20-day realised volatility of 15-40%
 * (0 at 90%), the mean of the two that exist; 0 with neither.
 */
function volatilityFactor(atrPct: number | null, vol20: number | null): number {
  const parts = [
    atrPct === null ? null : bandScore(atrPct, 1, 3, 8),
    vol20 === null ? null : bandScore(vol20, 0.15, 0.4, 0.9),
  ].filter((p): p is number => p !== null);
  return parts.length === 0 ? 0 : roundScore(parts.reduce((a, b) => a + b, 0) / parts.length);
}

/** The futures' five-session build-up: new longs score highest, new shorts lowest; 50 with no clear change. */
const OI_SCORES = { LONG_BUILD_UP: 85, SHORT_COVERING: 65, LONG_UNWINDING: 35, SHORT_BUILD_UP: 15 } as const;

/** Bullish when trend and momentum both lean up, bearish when both lean down. */
function directionOf(trend: number, momentum: number): Direction {
  if (trend >= 60 && momentum >= 55) return 'LONG';
  if (trend <= 40 && momentum <= 45) return 'SHORT';
  return 'NEUTRAL';
}

/**
 * The weighted mean of the factors with data, for the setup's own direction: the factors read bullish (100) to
 * bearish (0), so a SHORT counts trend, momentum and open interest as 100 minus their score, and the volume on its
 * down closes (`bearishVolume`); volatility counts the same either way.
 */
export function compositeOf(factors: ScanFactors, direction: Direction, bearishVolume: number): number {
  const short = direction === 'SHORT';
  const forDirection = (name: keyof ScanFactors, value: number | null) => {
    if (value === null || !short) return value;
    if (name === 'volume') return bearishVolume;
    return name === 'volatility' ? value : 100 - value;
  };
  let sum = 0;
  let weights = 0;
  for (const name of ['trend', 'momentum', 'volume', 'volatility', 'openInterest'] as const) {
    const value = forDirection(name, factors[name]);
    if (value === null) continue;
    sum += value * SCAN_WEIGHTS[name];
    weights += SCAN_WEIGHTS[name];
  }
  return weights === 0 ? 0 : roundScore(sum / weights);
}

/** The Level-1 score of one symbol from its daily candles; a high score is a strong setup in its direction. */
export function scoreSymbol(input: ScanInput): ScanResult {
  const { daily } = input;
  const closes = daily.map((bar) => bar.close);
  const n = closes.length;
  const lastClose = n === 0 ? null : closes[n - 1]!;
  const lines = macd(closes);
  const atr14 = last(atr(daily, 14));
  const futures = input.futuresDaily && input.futuresDaily.length > 0 ? futuresPositioning(input.futuresDaily) : null;
  const hasOi = futures !== null && futures.oi !== null;
  const volume = lastClose === null ? { bullish: 0, bearish: 0 } : volumeFactor(daily);

  const factors: ScanFactors =
    lastClose === null
      ? { trend: 0, momentum: 0, volume: 0, volatility: 0, openInterest: null }
      : {
          trend: trendFactor(lastClose, atr14, sma(closes, 20), sma(closes, 50), sma(closes, 200)),
          momentum: momentumFactor({
            rsi14: last(rsi(closes, 14)),
            roc10: last(roc(closes, 10)),
            macd: last(lines.macd),
            histogram: last(lines.histogram),
            atr14,
          }),
          volume: volume.bullish,
          volatility: volatilityFactor(
            atr14 === null ? null : finite((atr14 / lastClose) * 100),
            finite(last(realisedVolatility(closes.slice(-21), 20))),
          ),
          openInterest: hasOi ? (futures.buildUp === null ? 50 : OI_SCORES[futures.buildUp]) : null,
        };
  const enough = n >= MIN_SCAN_BARS;
  const direction = enough ? directionOf(factors.trend, factors.momentum) : 'NEUTRAL';
  const compositeScore = compositeOf(factors, direction, volume.bearish);
  const previous = n >= 2 ? closes[n - 2]! : null;
  return {
    symbol: input.symbol,
    instrumentKey: input.instrumentKey,
    verdict: enough && compositeScore >= input.threshold ? 'PASS' : 'FAIL',
    compositeScore,
    direction,
    oiBuildUp: hasOi ? futures.buildUp : null,
    factors,
    lastClose,
    changePct: lastClose === null || previous === null || previous === 0 ? null : (lastClose / previous - 1) * 100,
    sparkline: closes.slice(-SPARKLINE_CLOSES),
    bars: n,
    note: enough ? null : `only ${n} daily candle${n === 1 ? '' : 's'}: import more history`,
  };
}

/** Best composite score first; equal scores by symbol, so the order never depends on the input's. */
export function rankResults(results: ScanResult[]): ScanResult[] {
  return [...results].sort(
    (a, b) => b.compositeScore - a.compositeScore || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0),
  );
}
