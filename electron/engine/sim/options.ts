import { blackScholes, normCdf, smileIv, YEAR_MS, type OptionValue } from './pricing';
import { hashString, mix, normalHash, unitHash } from './rng';
import { BANKNIFTY_KEY, NIFTY_KEY, OPTION_ATM_VOLUME, VIX_KEY, type UniverseEntry } from './universe';
import {
  expiryCloseMs,
  istMinuteMs,
  monthlyExpiries,
  nextWeeklyExpiry,
  previousTradingDay,
  SESSION_CLOSE_MINUTE,
} from './time';

/**
 * The option series of the demo market, as pure functions of (seed, underlying, expiry, day): which expiries and
 * strikes are listed, and each strike's open interest, volume and implied volatility. The live NIFTY contracts of
 * the instrument master take their open interest from here, so the chain and the feed agree.
 */

export type OptionType = 'CE' | 'PE';

/** What a series (an underlying's options of one expiry) is sized and priced from on a day. */
export interface OptionSeries {
  seed: number;
  day: number;
  underlyingKey: string;
  expiryDay: number;
  /** The previous session's close: the money the strikes and the open interest are centred on for the day. */
  reference: number;
  /** At-the-money implied volatility at the previous close, as a fraction. */
  previousAtmIv: number;
  /** Years from the previous close to the expiry bell. */
  previousYears: number;
  /** Units an at-the-money option of the series trades in a full session. */
  atmVolume: number;
  /** Open interest of a strike at the peak of the bell, before its own noise. */
  peakOi: number;
  lotSize: number;
  strikeStep: number;
}

/** The part of the market model a series is read from. */
export interface SeriesMarket {
  readonly seed: number;
  readonly day: number;
  readonly universe: readonly UniverseEntry[];
  readonly history: { spotClose(index: number, day: number): number };
}

/** Units an at-the-money option of the nearest expiry trades in a day, NIFTY's being the busiest contract there is. */
const INDEX_ATM_VOLUME: Readonly<Record<string, number>> = { [NIFTY_KEY]: OPTION_ATM_VOLUME, [BANKNIFTY_KEY]: 3e6 };
/** An index's at-the-money volatility against India VIX (which is NIFTY's 30-day implied volatility). */
const INDEX_IV_TO_VIX: Readonly<Record<string, number>> = { [NIFTY_KEY]: 0.95, [BANKNIFTY_KEY]: 1.15 };
const INDEX_STRIKE_STEP: Readonly<Record<string, number>> = { [NIFTY_KEY]: 50, [BANKNIFTY_KEY]: 100 };
/** Round strike intervals, smallest first; a stock's is the one nearest `STOCK_STEP_SHARE` of its price. */
const ROUND_STEPS = [0.5, 1, 2, 2.5, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000];
const STOCK_STEP_SHARE = 0.0125;
/** Stock options trade about this share of the stock's daily volume at the money, near month. */
const STOCK_OPTION_VOLUME_SHARE = 0.8;
/** Peak open interest as a multiple of a day's at-the-money volume in the near month. */
const OI_TO_VOLUME = 0.6;
/** NIFTY has weeklies; every other underlying has the three monthlies. */
const NIFTY_WEEKLIES = 4;
const MONTHLIES = 3;

export function strikeStepOf(underlyingKey: string, reference: number): number {
  const fixed = INDEX_STRIKE_STEP[underlyingKey];
  if (fixed !== undefined) return fixed;
  const target = Math.log(reference * STOCK_STEP_SHARE);
  return ROUND_STEPS.reduce((best, step) =>
    Math.abs(Math.log(step) - target) < Math.abs(Math.log(best) - target) ? step : best,
  );
}

/** The expiry days an underlying's options are listed for at `now`, nearest first. */
export function listedExpiryDays(underlyingKey: string, now: number): number[] {
  const days = new Set(monthlyExpiries(now, MONTHLIES));
  if (underlyingKey === NIFTY_KEY) {
    let weekly = nextWeeklyExpiry(now);
    for (let i = 0; i < NIFTY_WEEKLIES; i++, weekly += 7) days.add(weekly);
  }
  return [...days].sort((a, b) => a - b);
}

/** Whether the expiry is a weekly one (not the last expiry of its month). */
export function isWeeklyExpiry(expiryDay: number, now: number): boolean {
  return !monthlyExpiries(now, MONTHLIES + 1).includes(expiryDay);
}

/** The at-the-money volatility of an underlying on a day, as a fraction. */
function atmIvOn(market: SeriesMarket, underlying: number, day: number, vix: number): number {
  const entry = market.universe[underlying]!;
  const key = entry.instrument.instrumentKey;
  if (entry.instrument.instrumentType === 'INDEX') return (vix / 100) * (INDEX_IV_TO_VIX[key] ?? 1);
  // Stocks: their own volatility, with a premium that changes from day to day and moves with the market's fear.
  const premium = 0.9 + 0.3 * unitHash(market.seed, hashString(key), day, 0x1f);
  return entry.params.vol * premium * Math.sqrt(vix / 13);
}

function vixIndexOf(market: SeriesMarket): number {
  return market.universe.findIndex((e) => e.instrument.instrumentKey === VIX_KEY);
}

/** Today's at-the-money volatility of an underlying, with India VIX at `vixLevel`. */
export function liveAtmIv(market: SeriesMarket, underlying: number, vixLevel: number): number {
  return atmIvOn(market, underlying, market.day, vixLevel);
}

export function optionSeries(
  market: SeriesMarket,
  underlying: number,
  expiryDay: number,
  lotSize: number,
): OptionSeries {
  const entry = market.universe[underlying]!;
  const key = entry.instrument.instrumentKey;
  const previousDay = previousTradingDay(market.day);
  const reference = market.history.spotClose(underlying, previousDay);
  const vixClose = market.history.spotClose(vixIndexOf(market), previousDay);
  const daysLeft = Math.max(1, expiryDay - market.day);
  // The nearest expiry trades most; volume thins with the time left.
  const nearness = Math.min(1, 7 / daysLeft) ** 0.7;
  const nearVolume = INDEX_ATM_VOLUME[key] ?? STOCK_OPTION_VOLUME_SHARE * entry.params.dailyVolume;
  return {
    seed: market.seed,
    day: market.day,
    underlyingKey: key,
    expiryDay,
    reference,
    previousAtmIv: atmIvOn(market, underlying, previousDay, vixClose),
    previousYears: (expiryCloseMs(expiryDay) - istMinuteMs(previousDay, SESSION_CLOSE_MINUTE)) / YEAR_MS,
    atmVolume: nearVolume * nearness,
    // Far months hold more open interest for what they trade.
    peakOi: OI_TO_VOLUME * nearVolume * Math.sqrt(nearness),
    lotSize,
    strikeStep: strikeStepOf(key, reference),
  };
}

/** `eachSide` strikes below and above the strike nearest the reference, ascending; none at or below zero. */
export function strikeGrid(series: OptionSeries, eachSide: number): number[] {
  const step = series.strikeStep;
  const atm = Math.round(series.reference / step);
  const out: number[] = [];
  for (let k = -eachSide; k <= eachSide; k++) {
    const strike = Number(((atm + k) * step).toFixed(2));
    if (strike > 0) out.push(strike);
  }
  return out;
}

function seriesStream(series: OptionSeries): number {
  return mix(series.seed, hashString(series.underlyingKey), series.expiryDay);
}

/** Round strikes gather more open interest: every second strike some more, every tenth much more. */
function roundness(series: OptionSeries, strike: number): number {
  const units = Math.round(strike / series.strikeStep);
  if (units % 10 === 0) return 1.6;
  return units % 2 === 0 ? 1.2 : 1;
}

function toLots(units: number, lot: number): number {
  return Math.max(0, Math.round(units / lot)) * lot;
}

/**
 * Open interest now and at the previous close: bell-shaped around the money, calls piled above it and puts below
 * (writers sell out-of-the-money), with a put-call balance of its own per series and day.
 */
export function openInterest(series: OptionSeries, strike: number, type: OptionType): { oi: number; prevOi: number } {
  const stream = seriesStream(series);
  const width =
    series.reference * Math.max(0.012, series.previousAtmIv * Math.sqrt(Math.max(series.previousYears, 3 / 365)));
  const centre = series.reference + (type === 'CE' ? 0.8 : -0.8) * width;
  const distance = (strike - centre) / (1.4 * width);
  const putTilt = type === 'PE' ? Math.exp(0.22 * normalHash(stream, series.day, 0x9c)) : 1;
  const shape = 0.02 + Math.exp(-0.5 * distance * distance);
  const noise = Math.exp(0.2 * normalHash(stream, series.day, Math.round(strike * 100), type === 'CE' ? 1 : 2));
  const oi = toLots(series.peakOi * shape * roundness(series, strike) * putTilt * noise, series.lotSize);
  // Positions added today: a drift per series and side, and a few percent either way per strike.
  const added =
    0.04 * normalHash(stream, series.day, type === 'CE' ? 3 : 4) +
    0.03 * normalHash(stream, series.day, Math.round(strike * 100), type === 'CE' ? 5 : 6);
  return { oi, prevOi: toLots(oi * Math.exp(-added), series.lotSize) };
}

/** Units traded so far today, `sessionShare` (0 to 1) of the way through the session. */
export function sessionVolume(series: OptionSeries, strike: number, type: OptionType, sessionShare: number): number {
  const noise = Math.exp(
    0.3 * normalHash(seriesStream(series), series.day, Math.round(strike * 100), type === 'CE' ? 7 : 8),
  );
  // Trading thins away from the money over about a standard deviation of the move left, and no faster than
  // the NIFTY weekly's does (`optionActivity`).
  const width = Math.max(0.01, 0.5 * series.previousAtmIv * Math.sqrt(series.previousYears));
  const activity = 0.005 + Math.exp(-Math.abs(strike - series.reference) / series.reference / width);
  return toLots(series.atmVolume * activity * sessionShare * noise, series.lotSize);
}

export interface OptionQuote extends OptionValue {
  iv: number;
  /** Probability that a buyer at `price` ends in profit at expiry, under the pricing volatility (0 to 1). */
  pop: number;
}

/** A strike's Black-Scholes value on the volatility smile, with the buyer's probability of profit. */
export function quoteOption(type: OptionType, spot: number, strike: number, years: number, atmIv: number): OptionQuote {
  const iv = smileIv(atmIv, spot, strike, years);
  const value = blackScholes(type, spot, strike, years, iv);
  const breakEven = type === 'CE' ? strike + value.price : strike - value.price;
  const t = Math.max(years, 60_000 / YEAR_MS);
  const d2 = breakEven > 0 ? (Math.log(spot / breakEven) - 0.5 * iv * iv * t) / (iv * Math.sqrt(t)) : Infinity;
  return { ...value, iv, pop: type === 'CE' ? normCdf(d2) : breakEven > 0 ? normCdf(-d2) : 0 };
}
