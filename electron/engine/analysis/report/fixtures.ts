import type { Fundamentals, OptionChain, OptionSide, Snapshot, SnapshotBar } from '../../../../shared/domain/analysis';
import type { OhlcvBar } from '../../../../shared/domain/feed';
import { istIso } from '../../store/candles';

/** Builders of hand-checkable market data for the analysis tests. */

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** 2025-01-01 00:00 IST as epoch ms: the first fixture session. */
export const FIRST_SESSION_MS = Date.parse('2025-01-01T00:00:00+05:30');

export const range = <T = number>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

/** Closes on a straight line. */
export const line = (n: number, start: number, step: number): number[] => range(n, (i) => start + step * i);

/** Closes compounding by `rate` a session. */
export const compounding = (n: number, start: number, rate: number): number[] =>
  range(n, (i) => start * (1 + rate) ** i);

/** Closes bouncing between `low` and `high` in steps of `step`, starting at `low` going up. */
export function zigzag(n: number, low: number, high: number, step: number): number[] {
  const out: number[] = [];
  let price = low;
  let up = true;
  for (let i = 0; i < n; i++) {
    out.push(price);
    if (up && price + step > high) up = false;
    else if (!up && price - step < low) up = true;
    price += up ? step : -step;
  }
  return out;
}

export interface BarOptions {
  /** high = close + spread and low = close - spread (open is the previous close, the range widened to hold it). */
  spread?: number;
  volume?: number | ((i: number) => number);
  /** The first bar's start, epoch ms; daily bars one day apart, hourly one hour. */
  startMs?: number;
  stepMs?: number;
}

/** Snapshot bars (ISO ts in IST) from closes. */
export function barsFrom(closes: readonly number[], options: BarOptions = {}): SnapshotBar[] {
  const { spread = 1, volume = 1_000_000, startMs = FIRST_SESSION_MS, stepMs = DAY_MS } = options;
  return closes.map((close, i) => {
    const open = i === 0 ? close : closes[i - 1]!;
    return {
      ts: istIso(startMs + i * stepMs),
      open,
      high: Math.max(open, close) + spread,
      low: Math.min(open, close) - spread,
      close,
      volume: typeof volume === 'function' ? volume(i) : volume,
      oi: null,
    };
  });
}

/** Hourly bars: the same builder an hour apart from 09:15 IST of the first session. */
export const hourlyFrom = (closes: readonly number[], options: BarOptions = {}): SnapshotBar[] =>
  barsFrom(closes, { startMs: FIRST_SESSION_MS + 9 * HOUR_MS + 15 * 60_000, stepMs: HOUR_MS, ...options });

/** Futures bars with open interest. */
export const futuresFrom = (closes: readonly number[], ois: readonly number[]): SnapshotBar[] =>
  barsFrom(closes).map((bar, i) => ({ ...bar, oi: ois[i]! }));

/** The scan's bars (epoch-ms ts, oi 0 for none) from snapshot bars. */
export const ohlcvFrom = (bars: readonly SnapshotBar[]): OhlcvBar[] =>
  bars.map((bar) => ({ ...bar, ts: Date.parse(bar.ts), oi: bar.oi ?? 0 }));

const side = (oi: number, iv: number | null, prevOi = oi): OptionSide => ({
  ltp: 10,
  oi,
  prevOi,
  volume: 1000,
  iv,
  delta: null,
});

/** A chain from rows of [strike, call OI, put OI], IVs optional; previous OI equal to OI unless given. */
export function chainOf(
  spot: number,
  rows: readonly { strike: number; callOi: number; putOi: number; callIv?: number; putIv?: number; prevOi?: number }[],
): OptionChain {
  return {
    underlyingKey: 'NSE_EQ|INE002A01018',
    expiry: '2025-12-25',
    spot,
    strikes: rows.map((r) => ({
      strike: r.strike,
      call: side(r.callOi, r.callIv ?? null, r.prevOi ?? r.callOi),
      put: side(r.putOi, r.putIv ?? null, r.prevOi ?? r.putOi),
    })),
  };
}

export function fundamentalsOf(overrides: Partial<Fundamentals> = {}): Fundamentals {
  return {
    symbol: 'RELIANCE',
    name: 'Reliance Industries',
    industry: 'Refineries',
    asOf: '2025-09-30',
    source: 'screener',
    marketCap: 1_900_000,
    pe: 24,
    industryPe: 28,
    pb: 2.2,
    roe: 18,
    roce: 16,
    debtToEquity: 0.4,
    salesGrowth3y: 14,
    profitGrowth3y: 16,
    dividendYield: 0.4,
    promoterHolding: 50.3,
    promoterHoldingChange: 0.2,
    fiiHolding: 22,
    fiiHoldingChange: -0.3,
    diiHolding: 17,
    diiHoldingChange: 0.6,
    pledgedPercentage: 0,
    ...overrides,
  };
}

export function snapshotOf(
  parts: Partial<Omit<Snapshot, 'candles'>> & { daily: SnapshotBar[]; hourly?: SnapshotBar[] },
): Snapshot {
  const { daily, hourly = [], ...rest } = parts;
  return {
    candles: { '1d': daily, '1h': hourly },
    index: null,
    futures: null,
    optionChain: null,
    fundamentals: null,
    dataAge: {},
    ...rest,
  };
}
