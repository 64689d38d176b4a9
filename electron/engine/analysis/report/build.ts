import type { Level1Result, ReportBody, ReportSections, Snapshot } from '../../../../shared/domain/analysis';
import { WorkstationError } from '../../../../shared/errors';
import { istIso } from '../../store/candles';
import { agreesWithLevel1, convictionScore, directionFrom, factorsFrom } from './conviction';
import { derivativesSection } from './derivatives';
import { institutionalSection, valuationSection } from './fundamentals-sections';
import { keyLevels } from './levels';
import { momentumSection } from './momentum';
import { riskSection } from './risk';
import { writeSummary } from './summary';
import { technicalSection } from './technical';

/** Fewer daily candles than this leave the long averages and one-year figures empty: the report says so. */
export const FULL_HISTORY_CANDLES = 200;

export interface ReportInput {
  analysisId: number;
  symbol: string;
  instrumentKey: string;
  /** Epoch ms; the report shows it in IST. */
  createdAt: number;
  level1: Level1Result | null;
  /** Candles oldest first. */
  snapshot: Snapshot;
  /** From the data refresh (stale data); the builder adds its own about short history. */
  warnings: readonly string[];
}

/**
 * The Level-2 report computed from a snapshot alone. Pure and deterministic: the same input gives the same JSON,
 * byte for byte, so a stored report can be recomputed and compared.
 */
export function buildReport(input: ReportInput): ReportBody {
  const { snapshot } = input;
  const daily = snapshot.candles['1d'];
  const lastDaily = daily[daily.length - 1];
  if (lastDaily === undefined) {
    throw new WorkstationError('VALIDATION_FAILED', `${input.symbol} has no daily candles to analyse`, [
      { path: ['snapshot', 'candles', '1d'], message: 'no daily candles: import daily history first' },
    ]);
  }
  const warnings = [...input.warnings];
  if (daily.length < FULL_HISTORY_CANDLES) {
    const candles = `${daily.length} daily candle${daily.length === 1 ? '' : 's'}`;
    warnings.push(`only ${candles}: figures that need more history are left empty`);
  }

  const technical = technicalSection(daily);
  const sections: ReportSections = {
    technical,
    momentum: momentumSection(daily, snapshot.candles['1h'], technical.indicators),
    risk: riskSection(daily, snapshot.index?.candles ?? null, technical.indicators),
    derivatives: derivativesSection(snapshot.optionChain, snapshot.futures?.candles ?? null),
    valuation: valuationSection(snapshot.fundamentals),
    institutional: institutionalSection(snapshot.fundamentals),
  };
  const direction = directionFrom(sections);
  const factors = factorsFrom(sections, direction);
  const score = convictionScore(factors);
  const agrees = agreesWithLevel1(input.level1, direction);
  const levels = keyLevels(daily, technical.indicators.atr14);
  const summary = writeSummary({
    symbol: input.symbol,
    convictionScore: score,
    direction,
    riskGrade: sections.risk.grade,
    sections,
    keyLevels: levels,
    level1: input.level1,
    agreesWithLevel1: agrees,
    warnings,
  });

  return {
    analysisId: input.analysisId,
    symbol: input.symbol,
    instrumentKey: input.instrumentKey,
    createdAt: istIso(input.createdAt),
    asOf: lastDaily.ts,
    convictionScore: score,
    riskGrade: sections.risk.grade,
    direction,
    level1: input.level1,
    agreesWithLevel1: agrees,
    factors,
    keyLevels: levels,
    summary,
    warnings,
    sections,
    snapshot,
  };
}
