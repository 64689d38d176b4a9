import type { ReportFactorName } from '../../../../../shared/domain/analysis';

/**
 * Number and time formatting for exported reports. Written out rather than taken from Intl, so a report exports to
 * the same bytes on every machine whatever locale data its Node or Electron was built with.
 */

export const MISSING = '—';

const IST_OFFSET_MS = 330 * 60_000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const usable = (value: number | null | undefined): value is number =>
  typeof value === 'number' && Number.isFinite(value);

/** Indian grouping of a run of digits: the last three together, then pairs (12,34,56,789). */
export function groupIndian(digits: string): string {
  if (digits.length <= 3) return digits;
  const head = digits.slice(0, -3);
  const pairs = head.replace(/\B(?=(\d{2})+$)/g, ',');
  return `${pairs},${digits.slice(-3)}`;
}

/** `value` to `decimals` places without a negative zero (-0.00 reads as 0.00). */
export function fixed(value: number | null | undefined, decimals = 2): string {
  if (!usable(value)) return MISSING;
  const text = value.toFixed(decimals);
  return /^-0(\.0+)?$/.test(text) ? text.slice(1) : text;
}

/** A number with Indian digit grouping: 1,23,45,678.90. */
export function indian(value: number | null | undefined, decimals = 0): string {
  if (!usable(value)) return MISSING;
  const text = fixed(value, decimals);
  const negative = text.startsWith('-');
  const [whole, fraction] = (negative ? text.slice(1) : text).split('.');
  return `${negative ? '-' : ''}${groupIndian(whole!)}${fraction === undefined ? '' : `.${fraction}`}`;
}

export function rupees(value: number | null | undefined, decimals = 2): string {
  if (!usable(value)) return MISSING;
  const text = indian(Math.abs(value), decimals);
  return `${value < 0 && text !== indian(0, decimals) ? '-' : ''}₹${text}`;
}

/** A market capitalisation, given in crore as screener exports write it. */
export const crore = (value: number | null | undefined): string => (usable(value) ? `${rupees(value, 0)} Cr` : MISSING);

/** A percent number (18.5 means 18.5%). */
export const percent = (value: number | null | undefined, decimals = 2): string =>
  usable(value) ? `${fixed(value, decimals)}%` : MISSING;

/** A change in percent, with its sign: +1.20%, -0.35%. */
export function signedPercent(value: number | null | undefined, decimals = 2): string {
  if (!usable(value)) return MISSING;
  const text = fixed(value, decimals);
  return `${text.startsWith('-') || /^0(\.0+)?$/.test(text) ? '' : '+'}${text}%`;
}

/** A fraction as a percent (0.25 means 25%). */
export const fractionPercent = (value: number | null | undefined, decimals = 2): string =>
  usable(value) ? percent(value * 100, decimals) : MISSING;

/** The instant of an ISO-8601 time in IST, as `2026-12-03 16:00 IST`. */
export function istDateTime(iso: string): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  const text = new Date(ms + IST_OFFSET_MS).toISOString();
  return `${text.slice(0, 10)} ${text.slice(11, 16)} IST`;
}

/** The IST calendar date of an ISO-8601 time, `2026-12-03`. */
export function istDate(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? new Date(ms + IST_OFFSET_MS).toISOString().slice(0, 10) : iso.slice(0, 10);
}

/** A short axis label for a session date: `3 Dec 26`. */
export function shortDate(iso: string): string {
  const [year, month, day] = istDate(iso).split('-');
  return `${Number(day)} ${MONTHS[Number(month) - 1] ?? month} ${year!.slice(2)}`;
}

/** A duration in the largest unit that fits: 45 s, 12 min, 3.5 h, 2.1 days. */
export function duration(ms: number | null | undefined): string {
  if (!usable(ms)) return MISSING;
  const seconds = ms / 1000;
  if (seconds < 60) return `${fixed(seconds, 0)} s`;
  if (seconds < 3600) return `${fixed(seconds / 60, 0)} min`;
  if (seconds < 86_400) return `${fixed(seconds / 3600, 1)} h`;
  return `${fixed(seconds / 86_400, 1)} days`;
}

/** An enum value as words: LONG_BUILD_UP reads "Long build up", VERY_HIGH "Very high". */
export function words(value: string | null | undefined): string {
  if (!value) return MISSING;
  const text = value.toLowerCase().replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const FACTOR_LABELS: Record<ReportFactorName, string> = {
  technical: 'Technical',
  momentum: 'Momentum',
  risk: 'Risk',
  derivatives: 'Derivatives',
  valuation: 'Valuation',
  institutional: 'Institutional holding',
};
export const factorLabel = (name: ReportFactorName): string => FACTOR_LABELS[name];
