import type { Instrument } from '../../../../shared/domain/instruments';
import type { LatestTick } from '../../../../shared/domain/feed';

/** Two decimals: prices, and volumes in lakh or crore. */
const PRICE = new Intl.NumberFormat('en-IN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
/** Whole numbers with Indian grouping: quantities, lot sizes, strikes. */
export const INTEGER = new Intl.NumberFormat('en-IN', { maximumFractionDigits: 0 });

export function formatPrice(value: number | null | undefined): string {
  return value === null || value === undefined ? '' : PRICE.format(value);
}

export function formatSigned(value: number | null | undefined, suffix = ''): string {
  if (value === null || value === undefined) return '';
  const sign = value > 0 ? '+' : value < 0 ? '−' : '';
  return `${sign}${PRICE.format(Math.abs(value))}${suffix}`;
}

/** Volumes and OI in the units Indian traders read: lakh (L) and crore (Cr). */
export function formatQuantity(value: number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const abs = Math.abs(value);
  if (abs >= 1e7) return `${PRICE.format(value / 1e7)} Cr`;
  if (abs >= 1e5) return `${PRICE.format(value / 1e5)} L`;
  return INTEGER.format(value);
}

export function toneOf(value: number | null | undefined): 'up' | 'down' | '' {
  if (!value) return '';
  return value > 0 ? 'up' : 'down';
}

/** Futures and options segments, where an OI of 0 is a real value; elsewhere 0 is only the proto3 default. */
export function isDerivativeSegment(segment: string): boolean {
  return /_FO$|_COM$|^MCX/.test(segment);
}

/**
 * Whether the row is an option, so that IV and delta mean something. Equities in `full` mode carry IV 0 and
 * zero Greeks (proto3 defaults), which must show blank rather than a misleading 0.
 */
export function isOption(tick: LatestTick | undefined, instrument: Instrument | undefined): boolean {
  if (instrument) return instrument.instrumentType === 'CE' || instrument.instrumentType === 'PE';
  const g = tick?.greeks;
  return !!g && (g.delta !== 0 || g.gamma !== 0 || g.vega !== 0);
}

/**
 * IV as a percentage. Upstox sends some IVs as fractions (0.336) and others as percentages (50.78); an IV
 * above 500 % as a fraction, or below 5 % as a percentage, is implausible, so 5 separates the two.
 */
export function formatIv(iv: number | null | undefined): string {
  if (iv === null || iv === undefined || iv === 0) return '';
  return `${(iv <= 5 ? iv * 100 : iv).toFixed(2)}%`;
}

export function formatGreek(value: number | null | undefined, digits = 3): string {
  return value === null || value === undefined ? '' : value.toFixed(digits);
}

/** "NIFTY 26 JUN 24500 CE" details for a derivative; the segment and type for anything else. */
export function describeInstrument(instrument: Instrument): string {
  const parts = [instrument.segment, instrument.instrumentType];
  if (instrument.expiry) parts.push(formatExpiry(instrument.expiry));
  if (instrument.strike !== null && instrument.strike > 0) parts.push(INTEGER.format(instrument.strike));
  return parts.join(' · ');
}

export function formatExpiry(isoDate: string): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return isoDate;
  return date
    .toLocaleDateString('en-IN', { day: '2-digit', month: 'short', year: '2-digit', timeZone: 'UTC' })
    .toUpperCase();
}

/** "3 s", "2 min", "1 h 5 min" since the last tick. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}
