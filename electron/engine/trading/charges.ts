import type { Charges } from '../../../shared/domain/trading';
import { WorkstationError } from '../../../shared/errors';

/**
 * A model of Indian retail charges on NSE (a discount broker's flat fee plus the statutory levies), used to book
 * paper fills and to estimate live ones. It is not any broker's contract note: real bills differ by broker, exchange
 * and date, and round per contract note rather than per fill.
 *
 * Every rate is an integer count per crore (10^7) of the traded value, so the arithmetic stays exact in integers.
 */
const PER_CRORE = 10_000_000n;

/** Brokerage: 0.05 % of the value ... */
const BROKERAGE_RATE = 5_000n;
/** ... capped at ₹20 per executed order, delivery included. */
const BROKERAGE_CAP_PAISE = 2_000n;

/** Securities transaction tax, by segment and product; `sides` says who pays it. */
const STT = {
  /** Equity delivery: 0.1 % on both sides. */
  EQ_D: { rate: 10_000n, sides: ['BUY', 'SELL'] },
  /** Equity intraday: 0.025 % on the sell side. */
  EQ_I: { rate: 2_500n, sides: ['SELL'] },
  /** Futures: 0.02 % on the sell side. */
  FUT: { rate: 2_000n, sides: ['SELL'] },
  /** Options: 0.1 % of the premium on the sell side. */
  OPT: { rate: 10_000n, sides: ['SELL'] },
} as const;

/** NSE transaction charges, of the value (of the premium for options). */
const EXCHANGE_RATE = {
  /** Equity: 0.00297 %. */
  EQ: 297n,
  /** Futures: 0.00173 %. */
  FUT: 173n,
  /** Options: 0.03503 %. */
  OPT: 3_503n,
} as const;

/** SEBI turnover fee: ₹10 per crore (0.0001 %). */
const SEBI_RATE = 10n;

/** GST: 18 % of brokerage, exchange charges and the SEBI fee. */
const GST_RATE = 1_800_000n;

/** Stamp duty, buy side only. */
const STAMP_DUTY_RATE = {
  /** Equity delivery: 0.015 %. */
  EQ_D: 1_500n,
  /** Equity intraday: 0.003 %. */
  EQ_I: 300n,
  /** Futures: 0.002 %. */
  FUT: 200n,
  /** Options: 0.003 % of the premium. */
  OPT: 300n,
} as const;

export type ChargeSegment = 'EQ' | 'FUT' | 'OPT';

export interface ChargeableFill {
  segment: ChargeSegment;
  product: 'I' | 'D';
  side: 'BUY' | 'SELL';
  /** One fill's traded value (premium for options), integer paise. */
  valuePaise: number;
}

/** Charges in integer paise: each part rounded half-up once, `total` their sum. */
export type ChargesPaise = Charges;

/** `value × rate / 1 crore`, rounded half-up (values are never negative). */
function ofValue(value: bigint, ratePerCrore: bigint): bigint {
  return (value * ratePerCrore + PER_CRORE / 2n) / PER_CRORE;
}

/** The segment's key in the tables above: equity splits by product, derivatives do not. */
function scheduleKey(segment: ChargeSegment, product: 'I' | 'D'): keyof typeof STT {
  if (segment === 'EQ') return product === 'D' ? 'EQ_D' : 'EQ_I';
  return segment;
}

/** What one executed order (one fill's value) costs beyond its value, by the model above. */
export function chargesFor(fill: ChargeableFill): ChargesPaise {
  const { segment, product, side, valuePaise } = fill;
  if (!Number.isSafeInteger(valuePaise) || valuePaise < 0) {
    throw new WorkstationError(
      'VALIDATION_FAILED',
      'the value to charge must be a whole, non-negative number of paise',
      [{ path: ['valuePaise'], message: `expected whole paise of at least 0, got ${valuePaise}` }],
    );
  }
  const value = BigInt(valuePaise);
  const key = scheduleKey(segment, product);
  const percentage = ofValue(value, BROKERAGE_RATE);
  const brokerage = percentage < BROKERAGE_CAP_PAISE ? percentage : BROKERAGE_CAP_PAISE;
  const stt = (STT[key].sides as readonly string[]).includes(side) ? ofValue(value, STT[key].rate) : 0n;
  const exchange = ofValue(value, EXCHANGE_RATE[segment]);
  const sebi = ofValue(value, SEBI_RATE);
  const gst = ofValue(brokerage + exchange + sebi, GST_RATE);
  const stampDuty = side === 'BUY' ? ofValue(value, STAMP_DUTY_RATE[key]) : 0n;
  const parts = { brokerage, stt, exchange, sebi, gst, stampDuty };
  const total = Object.values(parts).reduce((a, b) => a + b, 0n);
  return {
    brokerage: Number(brokerage),
    stt: Number(stt),
    exchange: Number(exchange),
    sebi: Number(sebi),
    gst: Number(gst),
    stampDuty: Number(stampDuty),
    total: Number(total),
  };
}

/** The charge schedule of an instrument master `instrument_type`; null for what cannot be traded (an index). */
export function segmentOf(instrumentType: string): ChargeSegment | null {
  switch (instrumentType) {
    case 'EQ':
      return 'EQ';
    case 'FUT':
      return 'FUT';
    case 'CE':
    case 'PE':
      return 'OPT';
    default:
      return null;
  }
}
