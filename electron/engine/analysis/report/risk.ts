import type { IndicatorValues, ReportSections, RiskGrade, SnapshotBar } from '../../../../shared/domain/analysis';
import { beta, last, maxDrawdown, realisedVolatility } from '../indicators';
import { roundScore } from './conviction';
import { finite } from './technical';

export type RiskSection = ReportSections['risk'];
export type Liquidity = RiskSection['liquidity'];

const CRORE = 1e7;
/** Median daily turnover at or above which a stock is HIGH, or MEDIUM, liquidity. */
export const LIQUIDITY_THRESHOLDS = { HIGH: 50 * CRORE, MEDIUM: 5 * CRORE } as const;
const YEAR_SESSIONS = 252;
const TURNOVER_SESSIONS = 20;

/** Upper bounds (exclusive) of the 0, 1 and 2 point bands; at or above the last bound a figure scores 3 points. */
const POINT_BANDS = {
  /** Annualised realised volatility, as a fraction. */
  volatility: [0.2, 0.3, 0.45],
  /** ATR14 as a percentage of the close. */
  atrPct: [1.5, 2.5, 4],
  /** Largest fall from a peak over the last year, as a fraction. */
  drawdown: [0.15, 0.25, 0.4],
  beta: [0.8, 1.1, 1.5],
} as const;
/** A figure that cannot be computed (too few candles, no index) counts as ordinary risk, neither safe nor alarming. */
const UNKNOWN_POINTS = 1;
const LIQUIDITY_POINTS: Readonly<Record<Liquidity, number>> = { HIGH: 0, MEDIUM: 1, LOW: 3 };
/** Most points a stock can collect: 3 each for volatility, ATR%, drawdown, beta and liquidity. */
export const MAX_RISK_POINTS = 15;
/** The highest total of points each grade covers, in order. */
const GRADE_CEILINGS: readonly [RiskGrade, number][] = [
  ['LOW', 3],
  ['MODERATE', 6],
  ['HIGH', 10],
  ['VERY_HIGH', MAX_RISK_POINTS],
];

function bandPoints(value: number | null, bands: readonly number[]): number {
  if (value === null) return UNKNOWN_POINTS;
  const band = bands.findIndex((bound) => value < bound);
  return band === -1 ? bands.length : band;
}

export interface RiskFigures {
  /** The 60-day realised volatility, or the 20-day one when 60 days are not there. */
  volatility: number | null;
  atrPct: number | null;
  drawdown: number | null;
  beta: number | null;
  liquidity: Liquidity;
}

/**
 * Risk points, 0-15:
 *
 *   points              0        1          2          3
 *   realised vol        < 20%    20-30%     30-45%     ≥ 45%
 *   ATR % of close      < 1.5    1.5-2.5    2.5-4      ≥ 4
 *   1-year drawdown     < 15%    15-25%     25-40%     ≥ 40%
 *   beta                < 0.8    0.8-1.1    1.1-1.5    ≥ 1.5
 *   liquidity           HIGH     MEDIUM     -          LOW
 *
 * A figure that cannot be computed scores 1. Grades: 0-3 LOW, 4-6 MODERATE, 7-10 HIGH, 11-15 VERY_HIGH.
 */
export function riskPoints(f: RiskFigures): number {
  return (
    bandPoints(f.volatility, POINT_BANDS.volatility) +
    bandPoints(f.atrPct, POINT_BANDS.atrPct) +
    bandPoints(f.drawdown, POINT_BANDS.drawdown) +
    bandPoints(f.beta, POINT_BANDS.beta) +
    LIQUIDITY_POINTS[f.liquidity]
  );
}

export function gradeOf(points: number): RiskGrade {
  return GRADE_CEILINGS.find(([, ceiling]) => points <= ceiling)?.[0] ?? 'VERY_HIGH';
}

export function liquidityOf(medianTurnover: number | null): Liquidity {
  if (medianTurnover === null) return 'LOW';
  if (medianTurnover >= LIQUIDITY_THRESHOLDS.HIGH) return 'HIGH';
  if (medianTurnover >= LIQUIDITY_THRESHOLDS.MEDIUM) return 'MEDIUM';
  return 'LOW';
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median close × volume of the last 20 sessions, in rupees. */
export const medianTurnover = (daily: readonly SnapshotBar[]): number | null =>
  median(daily.slice(-TURNOVER_SESSIONS).map((bar) => bar.close * bar.volume));

/**
 * Beta of the stock's daily log returns against the index's over the last year, on the sessions both have: candles
 * are paired by their `ts` instant, so a session missing on one side drops out instead of shifting the rest.
 */
export function betaAgainst(daily: readonly SnapshotBar[], index: readonly SnapshotBar[] | null): number | null {
  if (index === null || index.length === 0) return null;
  const indexClose = new Map(index.map((bar) => [Date.parse(bar.ts), bar.close]));
  const stock: number[] = [];
  const benchmark: number[] = [];
  for (const bar of daily) {
    const other = indexClose.get(Date.parse(bar.ts));
    if (other === undefined) continue;
    stock.push(bar.close);
    benchmark.push(other);
  }
  // 252 closes give 251 returns.
  return finite(beta(stock, benchmark, YEAR_SESSIONS - 1));
}

export function riskSection(
  daily: readonly SnapshotBar[],
  index: readonly SnapshotBar[] | null,
  indicators: IndicatorValues,
): RiskSection {
  const closes = daily.map((bar) => bar.close);
  const lastClose = closes[closes.length - 1]!;
  const yearCloses = closes.slice(-YEAR_SESSIONS);
  const realisedVol60 = finite(last(realisedVolatility(closes.slice(-61), 60)));
  const turnover = medianTurnover(daily);
  const liquidity = liquidityOf(turnover);
  const figures: RiskFigures = {
    volatility: realisedVol60 ?? indicators.realisedVol20,
    atrPct: indicators.atr14 === null ? null : finite((indicators.atr14 / lastClose) * 100),
    drawdown: yearCloses.length < 2 ? null : finite(maxDrawdown(yearCloses).drawdown),
    beta: betaAgainst(daily, index),
    liquidity,
  };
  const points = riskPoints(figures);
  return {
    atrPct: figures.atrPct,
    realisedVol20: indicators.realisedVol20,
    realisedVol60,
    maxDrawdown1y: figures.drawdown,
    beta: figures.beta,
    medianTurnover20: turnover,
    liquidity,
    grade: gradeOf(points),
    score: roundScore(100 * (1 - points / MAX_RISK_POINTS)),
  };
}
