import {
  REPORT_FACTORS,
  type Direction,
  type Factor,
  type Level1Result,
  type ReportFactorName,
  type ReportSections,
} from '../../../../shared/domain/analysis';
import {
  BUILD_UP_LABELS,
  fixed,
  formatCrore,
  formatFraction,
  formatRupees,
  formatSigned,
  formatSignedPct,
} from './summary';

/**
 * How much each factor counts when every one has data. The price-based factors carry most of the weight because
 * every symbol has candles; the others refine the view where their data exists.
 */
export const FACTOR_WEIGHTS: Readonly<Record<ReportFactorName, number>> = {
  technical: 0.3,
  momentum: 0.2,
  risk: 0.15,
  derivatives: 0.15,
  valuation: 0.1,
  institutional: 0.1,
};

/** Momentum at or above this, with an up trend, makes a LONG; at or below its mirror, with a down trend, a SHORT. */
export const BULLISH_MOMENTUM = 55;
export const BEARISH_MOMENTUM = 100 - BULLISH_MOMENTUM;

/** A score on the 0-100 scale, to 0.1: scores are the only rounded figures of a report. */
export const roundScore = (score: number): number => Math.round(Math.min(100, Math.max(0, score)) * 10) / 10;

/**
 * How far `a` is above `b` in units of `scale` (an ATR), from -1 to 1: a close a hair above its average is a hair of
 * a bullish point, not a verdict. 0 when a figure is missing.
 */
export function lean(a: number | null, b: number | null, scale: number | null): number {
  if (a === null || b === null || scale === null || !(scale > 0)) return 0;
  return Math.max(-1, Math.min(1, (a - b) / scale));
}

/** 50 (no view either way) plus signed points, on the 0-100 scale. */
export const scoreFromPoints = (points: readonly number[]): number =>
  roundScore(50 + points.reduce((sum, p) => sum + p, 0));

/** A factor's weight with the factors that have no score left out and the rest scaled to sum to 1. */
export function renormalisedWeights(
  scores: Readonly<Record<ReportFactorName, number | null>>,
  weights: Readonly<Record<ReportFactorName, number>> = FACTOR_WEIGHTS,
): Record<ReportFactorName, number> {
  const total = REPORT_FACTORS.reduce((sum, name) => sum + (scores[name] === null ? 0 : weights[name]), 0);
  return Object.fromEntries(
    REPORT_FACTORS.map((name) => [name, scores[name] === null || total === 0 ? 0 : weights[name] / total]),
  ) as Record<ReportFactorName, number>;
}

/**
 * Factors whose section scores read bullish (100) to bearish (0): in a SHORT report they count for the short, as
 * 100 minus the section's score, so that the conviction score is the case for the report's own direction. Risk,
 * valuation and institutional holding weigh the same either way.
 */
const DIRECTIONAL: ReadonlySet<ReportFactorName> = new Set(['technical', 'momentum', 'derivatives']);

/**
 * The six factors in the contract's order, each with its renormalised weight, contribution and reason; scored for
 * the report's direction.
 */
export function factorsFrom(sections: ReportSections, direction: Direction): Factor[] {
  const scores: Record<ReportFactorName, number | null> = {
    technical: sections.technical.score,
    momentum: sections.momentum.score,
    risk: sections.risk.score,
    derivatives: sections.derivatives.score,
    valuation: sections.valuation.score,
    institutional: sections.institutional.score,
  };
  const weights = renormalisedWeights(scores);
  return REPORT_FACTORS.map((name) => {
    const mirrored = direction === 'SHORT' && DIRECTIONAL.has(name) && scores[name] !== null;
    const score = mirrored ? roundScore(100 - scores[name]!) : scores[name];
    const detail = DETAILS[name](sections);
    return {
      name,
      score,
      weight: weights[name],
      contribution: score === null ? 0 : score * weights[name],
      detail: mirrored
        ? `${detail} Scored for the short: 100 minus its bullish score of ${fixed(scores[name]!, 1)}.`
        : detail,
    };
  });
}

/** Σ score × weight over the factors with data: 0-100, to 0.1. */
export const convictionScore = (factors: readonly Factor[]): number =>
  roundScore(factors.reduce((sum, f) => sum + f.contribution, 0));

/** LONG when trend and momentum both lean up, SHORT when both lean down, otherwise no call. */
export function directionFrom(sections: Pick<ReportSections, 'technical' | 'momentum'>): Direction {
  const { trend } = sections.technical;
  const momentum = sections.momentum.score;
  if (trend === 'UP' && momentum >= BULLISH_MOMENTUM) return 'LONG';
  if (trend === 'DOWN' && momentum <= BEARISH_MOMENTUM) return 'SHORT';
  return 'NEUTRAL';
}

export const agreesWithLevel1 = (level1: Level1Result | null, direction: Direction): boolean | null =>
  level1 === null ? null : level1.direction === direction;

const sentence = (parts: readonly (string | null)[]): string => {
  const text = parts.filter((p): p is string => p !== null).join(', ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
};

const DETAILS: Readonly<Record<ReportFactorName, (s: ReportSections) => string>> = {
  technical: ({ technical: t }) =>
    sentence([
      `trend ${t.trend}`,
      t.priceVsSma200Pct === null ? null : `close ${formatSignedPct(t.priceVsSma200Pct)} against the 200-day SMA`,
      t.indicators.macd === null || t.indicators.macdSignal === null
        ? null
        : `MACD ${t.indicators.macd >= t.indicators.macdSignal ? 'above' : 'below'} its signal`,
      t.indicators.rsi14 === null ? null : `RSI ${fixed(t.indicators.rsi14, 0)}`,
      t.indicators.adx14 === null ? null : `ADX ${fixed(t.indicators.adx14, 0)}`,
    ]),
  momentum: ({ momentum: m }) =>
    sentence([
      m.rsi14 === null ? null : `RSI ${fixed(m.rsi14, 0)}`,
      m.roc10 === null ? null : `10-day ROC ${formatSignedPct(m.roc10)}`,
      m.return1m === null ? null : `1-month return ${formatSignedPct(m.return1m * 100)}`,
      m.return3m === null ? null : `3-month return ${formatSignedPct(m.return3m * 100)}`,
      `OBV ${m.obvTrend.toLowerCase()}`,
    ]),
  risk: ({ risk: r }) =>
    sentence([
      `grade ${r.grade}`,
      r.realisedVol60 === null ? null : `60-day volatility ${formatFraction(r.realisedVol60)}`,
      r.realisedVol60 === null && r.realisedVol20 !== null
        ? `20-day volatility ${formatFraction(r.realisedVol20)}`
        : null,
      r.atrPct === null ? null : `ATR ${fixed(r.atrPct, 1)}% of the close`,
      r.maxDrawdown1y === null ? null : `1-year drawdown ${formatFraction(r.maxDrawdown1y)}`,
      r.beta === null ? null : `beta ${fixed(r.beta, 2)}`,
      `liquidity ${r.liquidity}${r.medianTurnover20 === null ? '' : ` (${formatCrore(r.medianTurnover20)} a day)`}`,
    ]),
  derivatives: ({ derivatives: d }) =>
    !d.available
      ? (d.note ?? 'No derivatives data: not scored.')
      : sentence([
          d.pcr === null ? null : `PCR ${fixed(d.pcr, 2)}`,
          d.maxPain === null ? null : `max pain ${formatRupees(d.maxPain)}`,
          d.spot === null ? null : `spot ${formatRupees(d.spot)}`,
          d.oiBuildUp === null ? null : `futures ${BUILD_UP_LABELS[d.oiBuildUp]}`,
          d.futuresOiChangePct === null ? null : `futures OI ${formatSignedPct(d.futuresOiChangePct)} over 5 sessions`,
        ]),
  valuation: ({ valuation: v }) =>
    !v.available
      ? (v.note ?? 'No fundamentals: not scored.')
      : sentence([
          v.pe === null
            ? null
            : `P/E ${fixed(v.pe, 1)}${v.industryPe === null ? '' : ` against the industry's ${fixed(v.industryPe, 1)}`}`,
          v.pb === null ? null : `P/B ${fixed(v.pb, 1)}`,
          v.roe === null ? null : `ROE ${fixed(v.roe, 1)}%`,
          v.roce === null ? null : `ROCE ${fixed(v.roce, 1)}%`,
          v.debtToEquity === null ? null : `debt to equity ${fixed(v.debtToEquity, 2)}`,
          v.profitGrowth3y === null ? null : `3-year profit growth ${fixed(v.profitGrowth3y, 1)}%`,
          v.salesGrowth3y === null ? null : `3-year sales growth ${fixed(v.salesGrowth3y, 1)}%`,
        ]),
  institutional: ({ institutional: i }) =>
    !i.available
      ? (i.note ?? 'No shareholding data: not scored.')
      : sentence([
          i.promoterHolding === null
            ? null
            : `promoters hold ${fixed(i.promoterHolding, 1)}%${
                i.promoterHoldingChange === null ? '' : ` (${formatSigned(i.promoterHoldingChange, 2)} points)`
              }`,
          i.fiiHoldingChange === null ? null : `FII holding ${formatSigned(i.fiiHoldingChange, 2)} points`,
          i.diiHoldingChange === null ? null : `DII holding ${formatSigned(i.diiHoldingChange, 2)} points`,
          i.pledgedPercentage === null ? null : `${fixed(i.pledgedPercentage, 1)}% of promoter shares pledged`,
        ]),
};
