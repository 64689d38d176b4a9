import type {
  Direction,
  KeyLevel,
  Level1Result,
  OiBuildUp,
  ReportSections,
  RiskGrade,
} from '../../../../shared/domain/analysis';

/**
 * `value.toFixed(digits)` without a negative zero ("-0.0" reads as a loss that is not there). toFixed is specified
 * exactly by ECMAScript, so the text is the same on every machine, whatever its locale data.
 */
export function fixed(value: number, digits: number): string {
  const text = value.toFixed(digits);
  return /^-0(\.0+)?$/.test(text) ? text.slice(1) : text;
}

/** Digits grouped the Indian way: the last three, then pairs (1,23,45,678). */
function groupIndian(digits: string): string {
  if (digits.length <= 3) return digits;
  const head = digits.slice(0, -3);
  const pairs = head.replace(/\B(?=(\d{2})+$)/g, ',');
  return `${pairs},${digits.slice(-3)}`;
}

/** Rupees with Indian digit grouping: ₹2,945.10, ₹1,23,45,678.90; whole rupees without paise (₹2,900). */
export function formatRupees(value: number): string {
  const text = fixed(Math.abs(value), 2);
  const [whole = '0', paise = '00'] = text.split('.');
  const sign = value < 0 && text !== '0.00' ? '-' : '';
  return `${sign}₹${groupIndian(whole)}${paise === '00' ? '' : `.${paise}`}`;
}

/** A rupee amount in crore (1 crore = 10 million), as turnover is quoted: ₹512.3 crore. */
export function formatCrore(rupees: number): string {
  const [whole = '0', tenth = '0'] = fixed(Math.abs(rupees) / 1e7, 1).split('.');
  return `${rupees < 0 ? '-' : ''}₹${groupIndian(whole)}.${tenth} crore`;
}

/** A fraction as a percentage: 0.062 → "6.2%". */
export const formatFraction = (fraction: number, digits = 1): string => `${fixed(fraction * 100, digits)}%`;

/** A number with its sign: 0.2 → "+0.20" (two digits), -1.5 → "-1.50". */
export function formatSigned(value: number, digits = 1): string {
  const text = fixed(value, digits);
  return `${text.startsWith('-') || /^0(\.0+)?$/.test(text) ? '' : '+'}${text}`;
}

/** A percent number with its sign: 6.2 → "+6.2%", -1.5 → "-1.5%". */
export const formatSignedPct = (percent: number, digits = 1): string => `${formatSigned(percent, digits)}%`;

export const BUILD_UP_LABELS: Readonly<Record<OiBuildUp, string>> = {
  LONG_BUILD_UP: 'long build-up',
  SHORT_BUILD_UP: 'short build-up',
  SHORT_COVERING: 'short covering',
  LONG_UNWINDING: 'long unwinding',
};

export interface SummaryInput {
  symbol: string;
  convictionScore: number;
  direction: Direction;
  riskGrade: RiskGrade;
  sections: ReportSections;
  keyLevels: { support: readonly KeyLevel[]; resistance: readonly KeyLevel[] };
  level1: Level1Result | null;
  agreesWithLevel1: boolean | null;
  warnings: readonly string[];
}

/** The report's plain-language summary: three to six sentences written from the numbers, nothing else. */
export function writeSummary(input: SummaryInput): string {
  const sentences = [
    `${input.symbol} scores ${fixed(input.convictionScore, 0)} of 100 (${input.direction}, risk ${input.riskGrade}).`,
    trendSentence(input.sections),
    positioningSentence(input.sections.derivatives),
    levelsSentence(input.keyLevels),
    level1Sentence(input.level1, input.agreesWithLevel1),
    warningsSentence(input.warnings),
  ];
  return sentences.filter((s): s is string => s !== null).join(' ');
}

function trendSentence({ technical, momentum }: ReportSections): string {
  const close = formatRupees(technical.lastClose);
  const trend = technical.trend.toLowerCase();
  const vsAverage =
    technical.priceVsSma200Pct === null
      ? `the close is ${close}, with too few candles for a 200-day average`
      : `the close of ${close} is ${fixed(Math.abs(technical.priceVsSma200Pct), 1)}% ${
          technical.priceVsSma200Pct >= 0 ? 'above' : 'below'
        } its 200-day average`;
  const momentumParts = [
    momentum.rsi14 === null ? null : `RSI ${fixed(momentum.rsi14, 0)}`,
    momentum.return3m === null ? null : `a 3-month return of ${formatSignedPct(momentum.return3m * 100)}`,
  ].filter((p): p is string => p !== null);
  const withMomentum = momentumParts.length === 0 ? '' : `, with ${momentumParts.join(' and ')}`;
  return `The trend is ${trend}: ${vsAverage}${withMomentum}.`;
}

function positioningSentence(d: ReportSections['derivatives']): string | null {
  if (!d.available) return null;
  const buildUp = d.oiBuildUp === null ? null : BUILD_UP_LABELS[d.oiBuildUp];
  if (d.pcr !== null || d.maxPain !== null) {
    const parts = [
      d.pcr === null ? null : `PCR ${fixed(d.pcr, 2)}`,
      d.maxPain === null ? null : `max pain ${formatRupees(d.maxPain)}`,
      buildUp === null ? null : `futures show ${buildUp}`,
    ].filter((p): p is string => p !== null);
    return `Options positioning: ${parts.join(', ')}.`;
  }
  if (buildUp === null) return null;
  const change = d.futuresOiChangePct === null ? '' : `, open interest ${formatSignedPct(d.futuresOiChangePct)}`;
  return `Futures positioning: ${buildUp}${change} over 5 sessions.`;
}

function levelsSentence({ support, resistance }: SummaryInput['keyLevels']): string {
  const s = support[0];
  const r = resistance[0];
  if (s && r) return `Support ${formatRupees(s.price)}, resistance ${formatRupees(r.price)}.`;
  if (s) return `Support ${formatRupees(s.price)}; no resistance level above the close.`;
  if (r) return `Resistance ${formatRupees(r.price)}; no support level below the close.`;
  return 'No support or resistance level stands out near the close.';
}

function level1Sentence(level1: Level1Result | null, agrees: boolean | null): string | null {
  if (level1 === null) return null;
  return `Level 1 said ${level1.direction}: this analysis ${agrees ? 'agrees' : 'disagrees'}.`;
}

function warningsSentence(warnings: readonly string[]): string | null {
  if (warnings.length === 0) return null;
  const text = warnings.map((w) => w.trim().replace(/\.+$/, '')).join('; ');
  return `Some of the data is stale or short: ${text}.`;
}
