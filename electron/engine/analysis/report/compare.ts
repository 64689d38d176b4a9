import {
  REPORT_FACTORS,
  TECHNICAL_INDICATORS,
  type Factor,
  type Report,
  type ReportComparison,
  type ReportFactorName,
  type ReportSummary,
} from '../../../../shared/domain/analysis';
import { WorkstationError } from '../../../../shared/errors';
import { factorLabel, fixed, fractionPercent, istDate, percent, signedPercent, words } from './html/format';

/**
 * What changed between two reports of one symbol and why the conviction score moved: each factor's score and
 * contribution before and after, the technical indicators, and sentences a person can read, biggest mover first.
 */

/** A figure behind a factor's score, named as the report's reader knows it. */
interface Driver {
  label: string;
  read: (report: Report) => number | string | null;
  format: (value: never) => string;
}

const decimals = (places: number) => (value: number) => fixed(value, places);

const DRIVERS: Record<ReportFactorName, readonly Driver[]> = {
  technical: [
    { label: 'the trend', read: (r) => r.sections.technical.trend, format: (v: string) => words(v).toLowerCase() },
    {
      label: 'the close against SMA 200',
      read: (r) => r.sections.technical.priceVsSma200Pct,
      format: (v: number) => signedPercent(v, 1),
    },
    { label: 'ADX 14', read: (r) => r.sections.technical.indicators.adx14, format: decimals(1) },
    { label: 'the MACD histogram', read: (r) => r.sections.technical.indicators.macdHistogram, format: decimals(2) },
  ],
  momentum: [
    { label: 'RSI 14', read: (r) => r.sections.momentum.rsi14, format: decimals(1) },
    { label: 'ROC 10', read: (r) => r.sections.momentum.roc10, format: (v: number) => percent(v, 1) },
    {
      label: 'the 1-month return',
      read: (r) => r.sections.momentum.return1m,
      format: (v: number) => fractionPercent(v, 1),
    },
    { label: 'the MACD histogram', read: (r) => r.sections.momentum.macdHistogram, format: decimals(2) },
  ],
  risk: [
    {
      label: '20-day realised volatility',
      read: (r) => r.sections.risk.realisedVol20,
      format: (v: number) => fractionPercent(v, 1),
    },
    { label: 'ATR 14 of the close', read: (r) => r.sections.risk.atrPct, format: (v: number) => percent(v, 2) },
    {
      label: 'the 1-year drawdown',
      read: (r) => r.sections.risk.maxDrawdown1y,
      format: (v: number) => fractionPercent(v, 1),
    },
    { label: 'beta', read: (r) => r.sections.risk.beta, format: decimals(2) },
    { label: 'liquidity', read: (r) => r.sections.risk.liquidity, format: (v: string) => words(v).toLowerCase() },
  ],
  derivatives: [
    { label: 'the put-call ratio', read: (r) => r.sections.derivatives.pcr, format: decimals(2) },
    {
      label: 'the OI build-up',
      read: (r) => r.sections.derivatives.oiBuildUp,
      format: (v: string) => words(v).toLowerCase(),
    },
    { label: 'ATM IV', read: (r) => r.sections.derivatives.atmIv, format: (v: number) => fractionPercent(v, 1) },
    {
      label: 'the chain OI change',
      read: (r) => r.sections.derivatives.chainOiChangePct,
      format: (v: number) => signedPercent(v, 1),
    },
  ],
  valuation: [
    { label: 'P/E', read: (r) => r.sections.valuation.pe, format: decimals(1) },
    { label: 'ROE', read: (r) => r.sections.valuation.roe, format: (v: number) => percent(v, 1) },
    { label: 'price to book', read: (r) => r.sections.valuation.pb, format: decimals(2) },
    {
      label: '3-year profit growth',
      read: (r) => r.sections.valuation.profitGrowth3y,
      format: (v: number) => percent(v, 1),
    },
  ],
  institutional: [
    {
      label: 'promoter holding',
      read: (r) => r.sections.institutional.promoterHolding,
      format: (v: number) => percent(v, 2),
    },
    { label: 'FII holding', read: (r) => r.sections.institutional.fiiHolding, format: (v: number) => percent(v, 2) },
    { label: 'DII holding', read: (r) => r.sections.institutional.diiHolding, format: (v: number) => percent(v, 2) },
    {
      label: 'pledged shares',
      read: (r) => r.sections.institutional.pledgedPercentage,
      format: (v: number) => percent(v, 2),
    },
  ],
};

/** Sections whose missing data comes with a note saying why. */
const NOTE_OF: Partial<Record<ReportFactorName, (report: Report) => string | null>> = {
  derivatives: (r) => r.sections.derivatives.note,
  valuation: (r) => r.sections.valuation.note,
  institutional: (r) => r.sections.institutional.note,
};

const MAX_DRIVERS = 2;

function summaryOf(report: Report): ReportSummary {
  const { id, symbol, instrumentKey, createdAt, convictionScore, riskGrade, direction } = report;
  return { id, symbol, instrumentKey, createdAt, convictionScore, riskGrade, direction };
}

/** Older first: by when each was made, then by id, so two reports made in the same instant still order one way. */
function isOlder(a: Report, b: Report): boolean {
  const at = Date.parse(a.createdAt);
  const bt = Date.parse(b.createdAt);
  return at !== bt ? at < bt : a.id <= b.id;
}

/** The figures behind a factor that moved, worded: "RSI 14 went from 64.2 to 41.8 and ROC 10 from 3.1% to -2.4%". */
function driversWording(name: ReportFactorName, older: Report, newer: Report): string {
  const moved = DRIVERS[name].flatMap((driver) => {
    const before = driver.read(older);
    const after = driver.read(newer);
    if (before === null || after === null) return [];
    const format = driver.format as (value: number | string) => string;
    const [from, to] = [format(before), format(after)];
    return from === to ? [] : [{ label: driver.label, from, to }];
  });
  const shown = moved.slice(0, MAX_DRIVERS);
  if (shown.length === 0) return '';
  const parts = shown.map((m, i) =>
    i === 0 ? `${m.label} went from ${m.from} to ${m.to}` : `${m.label} from ${m.from} to ${m.to}`,
  );
  return `: ${parts.join(' and ')}`;
}

const points = (change: number) =>
  `${fixed(Math.abs(change), 1)} point${fixed(Math.abs(change), 1) === '1.0' ? '' : 's'}`;

function impactWording(change: number): string {
  if (fixed(change, 1) === '0.0') return 'moved the score by less than 0.1 points';
  return change > 0 ? `added ${points(change)} to the score` : `took ${points(change)} off the score`;
}

interface FactorPair {
  name: ReportFactorName;
  before: Factor | null;
  after: Factor | null;
  contributionChange: number;
}

/** One sentence on a factor, or null when it did not move the score or its own score visibly. */
function factorSentence(pair: FactorPair, older: Report, newer: Report): string | null {
  const label = factorLabel(pair.name);
  const before = pair.before?.score ?? null;
  const after = pair.after?.score ?? null;
  const change = pair.contributionChange;
  if (before === null && after === null) return null;
  if (before === null)
    return `${label} had no data before and now scores ${fixed(after, 0)}, which ${impactWording(change)}.`;
  if (after === null) {
    const note = NOTE_OF[pair.name]?.(newer);
    return `${label} has no data now (it scored ${fixed(before, 0)} before), which ${impactWording(change)}${note ? `: ${note.replace(/\.$/, '')}` : ''}.`;
  }
  const [from, to] = [fixed(before, 0), fixed(after, 0)];
  const weightBefore = fixed((pair.before?.weight ?? 0) * 100, 0);
  const weightAfter = fixed((pair.after?.weight ?? 0) * 100, 0);
  if (from === to && fixed(change, 1) === '0.0') return null;
  const movement =
    from === to ? `${label} stayed at ${to}` : `${label} ${after > before ? 'rose' : 'fell'} from ${from} to ${to}`;
  const agrees = from === to || fixed(change, 1) === '0.0' || after > before === change > 0;
  const weight = weightBefore === weightAfter ? '' : `, its weight going from ${weightBefore}% to ${weightAfter}%`;
  return `${movement} ${agrees ? 'and' : 'but'} ${impactWording(change)}${weight}${driversWording(pair.name, older, newer)}.`;
}

function dataSentences(older: Report, newer: Report): string[] {
  const out: string[] = [];
  const [candlesBefore, candlesAfter] = [istDate(older.asOf), istDate(newer.asOf)];
  if (candlesBefore !== candlesAfter)
    out.push(`The newer report reads daily candles to ${candlesAfter}, the older one to ${candlesBefore}.`);
  const fundamentalsBefore = older.snapshot.fundamentals?.asOf ?? null;
  const fundamentalsAfter = newer.snapshot.fundamentals?.asOf ?? null;
  if (fundamentalsBefore !== fundamentalsAfter) {
    if (fundamentalsBefore === null)
      out.push(`The newer report has fundamentals as of ${fundamentalsAfter}; the older one had none.`);
    else if (fundamentalsAfter === null)
      out.push(`The newer report has no fundamentals; the older one had them as of ${fundamentalsBefore}.`);
    else
      out.push(
        `The fundamentals are as of ${fundamentalsAfter} in the newer report and ${fundamentalsBefore} in the older one.`,
      );
  }
  return out;
}

export function compareReports(a: Report, b: Report): ReportComparison {
  if (a.symbol !== b.symbol)
    throw new WorkstationError(
      'VALIDATION_FAILED',
      `report ${b.id} is of ${b.symbol}, not ${a.symbol}: only reports of one symbol compare`,
      [{ path: ['b'], message: `report ${b.id} is of ${b.symbol}; report ${a.id} is of ${a.symbol}` }],
    );
  const [older, newer] = isOlder(a, b) ? [a, b] : [b, a];
  const factorOf = (report: Report, name: ReportFactorName) => report.factors.find((f) => f.name === name) ?? null;
  const pairs: FactorPair[] = REPORT_FACTORS.flatMap((name) => {
    const before = factorOf(older, name);
    const after = factorOf(newer, name);
    if (!before && !after) return [];
    return [{ name, before, after, contributionChange: (after?.contribution ?? 0) - (before?.contribution ?? 0) }];
  });

  const ranked = pairs
    .map((pair, order) => ({ pair, order }))
    .sort((x, y) => Math.abs(y.pair.contributionChange) - Math.abs(x.pair.contributionChange) || x.order - y.order);
  const explanation = ranked.flatMap(({ pair }) => factorSentence(pair, older, newer) ?? []);
  const scoreChange = newer.convictionScore - older.convictionScore;
  const [scoreBefore, scoreAfter] = [fixed(older.convictionScore, 1), fixed(newer.convictionScore, 1)];
  if (explanation.length === 0) explanation.push('No factor moved the score by 0.1 points or more.');
  explanation.push(
    scoreBefore === scoreAfter
      ? `The conviction score stayed at ${scoreAfter}.`
      : `In all the conviction score ${scoreChange > 0 ? 'rose' : 'fell'}${fixed(scoreChange, 1) === '0.0' ? '' : ` by ${points(scoreChange)},`} from ${scoreBefore} to ${scoreAfter}.`,
  );
  if (older.riskGrade !== newer.riskGrade)
    explanation.push(
      `The risk grade went from ${words(older.riskGrade).toLowerCase()} to ${words(newer.riskGrade).toLowerCase()}.`,
    );
  if (older.direction !== newer.direction)
    explanation.push(
      `The direction changed from ${words(older.direction).toLowerCase()} to ${words(newer.direction).toLowerCase()}.`,
    );
  explanation.push(...dataSentences(older, newer));

  return {
    symbol: newer.symbol,
    older: summaryOf(older),
    newer: summaryOf(newer),
    scoreChange,
    gradeChanged: older.riskGrade !== newer.riskGrade,
    directionChanged: older.direction !== newer.direction,
    factors: pairs.map(({ name, before, after, contributionChange }) => ({
      name,
      before: before?.score ?? null,
      after: after?.score ?? null,
      contributionChange,
    })),
    indicators: TECHNICAL_INDICATORS.map((name) => ({
      name,
      before: older.sections.technical.indicators[name],
      after: newer.sections.technical.indicators[name],
    })),
    explanation,
  };
}
