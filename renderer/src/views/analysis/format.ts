import type { Direction, OiBuildUp, ReportFactorName, RiskGrade } from '../../../../shared/domain/analysis';

/** What a missing value shows as. */
export const DASH = '—';

const fixed = (digits: number) =>
  new Intl.NumberFormat('en-IN', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const FIXED = [fixed(0), fixed(1), fixed(2), fixed(3), fixed(4)];
const numberFormat = (digits: number) => FIXED[Math.max(0, Math.min(4, digits))]!;

const isNumber = (value: number | null | undefined): value is number =>
  value !== null && value !== undefined && Number.isFinite(value);

/** A number with Indian grouping (12,34,567.89); "—" when there is none. */
export function formatNumber(value: number | null | undefined, digits = 2): string {
  return isNumber(value) ? numberFormat(digits).format(value) : DASH;
}

/** Rupees: ₹2,450.50. */
export function formatRupees(value: number | null | undefined, digits = 2): string {
  if (!isNumber(value)) return DASH;
  const sign = value < 0 ? '−' : '';
  return `${sign}₹${numberFormat(digits).format(Math.abs(value))}`;
}

/** Large rupee amounts as Indian traders read them: ₹12.50 Cr, ₹3.20 L. */
export function formatRupeesCompact(value: number | null | undefined): string {
  if (!isNumber(value)) return DASH;
  const abs = Math.abs(value);
  const sign = value < 0 ? '−' : '';
  if (abs >= 1e7) return `${sign}₹${numberFormat(2).format(abs / 1e7)} Cr`;
  if (abs >= 1e5) return `${sign}₹${numberFormat(2).format(abs / 1e5)} L`;
  return `${sign}₹${numberFormat(0).format(abs)}`;
}

/** Rupee crores as the screener export gives market capitalisation: ₹17,25,000 Cr. */
export function formatCrores(value: number | null | undefined): string {
  return isNumber(value) ? `₹${numberFormat(0).format(value)} Cr` : DASH;
}

/** A percent number as a percentage: 18.5 → "18.5%". */
export function formatPercent(value: number | null | undefined, digits = 1): string {
  return isNumber(value) ? `${numberFormat(digits).format(value)}%` : DASH;
}

/** A signed percent number: +1.25%, −0.40%. */
export function formatSignedPercent(value: number | null | undefined, digits = 2): string {
  if (!isNumber(value)) return DASH;
  const sign = value > 0 ? '+' : value < 0 ? '−' : '';
  return `${sign}${numberFormat(digits).format(Math.abs(value))}%`;
}

/** A fraction as a percentage: 0.25 → "25.0%". */
export function formatFraction(value: number | null | undefined, digits = 1): string {
  return isNumber(value) ? formatPercent(value * 100, digits) : DASH;
}

/** A signed fraction as a percentage: 0.042 → "+4.20%". */
export function formatSignedFraction(value: number | null | undefined, digits = 2): string {
  return isNumber(value) ? formatSignedPercent(value * 100, digits) : DASH;
}

/** A 0-100 score, whole. */
export function formatScore(value: number | null | undefined): string {
  return isNumber(value) ? String(Math.round(value)) : DASH;
}

/** Up, down or neither, for colouring a signed number. */
export function toneOfNumber(value: number | null | undefined): 'good' | 'bad' | '' {
  if (!isNumber(value) || value === 0) return '';
  return value > 0 ? 'good' : 'bad';
}

const RISK_GRADE_LABEL: Record<RiskGrade, string> = {
  LOW: 'Low',
  MODERATE: 'Moderate',
  HIGH: 'High',
  VERY_HIGH: 'Very high',
};
export const riskGradeLabel = (grade: RiskGrade): string => RISK_GRADE_LABEL[grade];

const OI_BUILD_UP_LABEL: Record<OiBuildUp, string> = {
  LONG_BUILD_UP: 'Long build-up',
  SHORT_BUILD_UP: 'Short build-up',
  SHORT_COVERING: 'Short covering',
  LONG_UNWINDING: 'Long unwinding',
};
export const oiBuildUpLabel = (value: OiBuildUp | null): string => (value ? OI_BUILD_UP_LABEL[value] : DASH);

const FACTOR_LABEL: Record<ReportFactorName, string> = {
  technical: 'Technical',
  momentum: 'Momentum',
  risk: 'Risk',
  derivatives: 'Derivatives',
  valuation: 'Valuation',
  institutional: 'Institutional',
};
export const factorLabel = (name: ReportFactorName): string => FACTOR_LABEL[name];

/** The colour class of a direction: long up, short down. */
export function directionTone(direction: Direction): 'good' | 'bad' | 'muted' {
  return direction === 'LONG' ? 'good' : direction === 'SHORT' ? 'bad' : 'muted';
}

/** The session date a daily candle's `ts` names (IST 00:00), as "12 Mar". */
export function formatSessionDate(iso: string): string {
  return new Date(iso).toLocaleDateString('en-IN', { day: '2-digit', month: 'short', timeZone: 'Asia/Kolkata' });
}
