import { underlyingTypeOf } from './master-row';
import type { MarketModel } from './market';
import {
  isWeeklyExpiry,
  listedExpiryDays,
  liveAtmIv,
  openInterest,
  optionSeries,
  quoteOption,
  sessionVolume,
  strikeGrid,
  type OptionSeries,
  type OptionType,
} from './options';
import { roundToTick, YEAR_MS, type OptionValue } from './pricing';
import { hashString, mix, unitHash } from './rng';
import { dateToDay, dayToDate, expiryCloseMs, MINUTE_MS, SESSION_MINUTES, symbolDate } from './time';
import { VIX_KEY } from './universe';

/** Upstox's `/v2/option/chain` and `/v2/option/contract` answers, from the demo market's option series. */

export interface ChainSide {
  instrument_key: string;
  market_data: {
    ltp: number;
    volume: number;
    oi: number;
    close_price: number;
    bid_price: number;
    bid_qty: number;
    ask_price: number;
    ask_qty: number;
    prev_oi: number;
  };
  option_greeks: { vega: number; theta: number; gamma: number; delta: number; iv: number; pop: number };
}

export interface ChainRow {
  expiry: string;
  pcr: number;
  strike_price: number;
  underlying_key: string;
  underlying_spot_price: number;
  call_options: ChainSide;
  put_options: ChainSide;
}

export interface ContractRow {
  name: string;
  segment: 'NSE_FO';
  exchange: 'NSE';
  expiry: string;
  weekly: boolean;
  instrument_key: string;
  exchange_token: string;
  trading_symbol: string;
  /** In paise, as in the master file. */
  tick_size: number;
  lot_size: number;
  instrument_type: OptionType;
  freeze_quantity: number;
  underlying_key: string;
  underlying_type: 'INDEX' | 'EQUITY';
  underlying_symbol: string;
  strike_price: number;
  minimum_lot: number;
}

export interface OptionDesk {
  /** The chain's rows, ascending by strike ([] for an expiry not listed); null for a key the market does not know. */
  chain(underlyingKey: string, expiryDate: string, now: number): ChainRow[] | null;
  /** The option contracts of every listed expiry, or of one; null for a key the market does not know. */
  contracts(underlyingKey: string, expiryDate: string | null, now: number): ContractRow[] | null;
}

const OPTION_TICK = 0.05;
/** Upstox caps an order at this many lots of a contract (NSE's freeze quantity). */
const FREEZE_LOTS = 24;
/** Tokens of the contracts the master file does not list: above every token it uses. */
const UNLISTED_TOKEN_BASE = 1_000_000;
const UNLISTED_TOKEN_SPAN = 99_000_000;

const round = (value: number, places: number) => Number(value.toFixed(places));

interface Underlying {
  index: number;
  symbol: string;
  lotSize: number;
}

/**
 * Serves chains and contracts for every underlying with futures (the F&O underlyings), `strikesEachSide` strikes
 * either side of the previous close. Contracts the master file lists (the NIFTY weekly around the money) answer
 * with their live state, so the chain and the feed show the same prices; the others are priced here.
 */
export function createOptionDesk(model: MarketModel, strikesEachSide: number): OptionDesk {
  const underlyings = new Map<number, Underlying>();
  const listed = new Map<string, number>();
  const contractKey = (underlying: number, expiryDay: number, strike: number, type: OptionType) =>
    `${underlying} ${expiryDay} ${strike} ${type}`;
  model.universe.forEach((entry, i) => {
    const { instrumentType, lotSize, expiry, strike, underlyingSymbol } = entry.instrument;
    if (entry.kind === 'future' && !underlyings.has(entry.underlying))
      underlyings.set(entry.underlying, { index: entry.underlying, symbol: underlyingSymbol!, lotSize });
    if (entry.kind === 'option' && expiry !== null && strike !== null)
      listed.set(contractKey(entry.underlying, entry.expiryDay!, strike, instrumentType as OptionType), i);
  });
  const vix = model.indexOf(VIX_KEY)!;

  /** The underlying and expiry of a request: undefined for an unknown key, null when nothing is listed for it. */
  function resolve(key: string): Underlying | null | undefined {
    const index = model.indexOf(key);
    if (index === undefined) return undefined;
    return underlyings.get(index) ?? null;
  }

  function unlistedToken(key: string, expiryDay: number, strike: number, type: OptionType): string {
    const h = mix(hashString(key), expiryDay, Math.round(strike * 100), type === 'CE' ? 1 : 2);
    return String(UNLISTED_TOKEN_BASE + (h % UNLISTED_TOKEN_SPAN));
  }

  function side(
    u: Underlying,
    series: OptionSeries,
    strike: number,
    type: OptionType,
    now: number,
    sessionShare: number,
  ): ChainSide {
    const spot = model.state(u.index).ltp;
    const years = (expiryCloseMs(series.expiryDay) - now) / YEAR_MS;
    const quote = quoteOption(type, spot, strike, years, liveAtmIv(model, u.index, model.state(vix).ltp));
    const { oi, prevOi } = openInterest(series, strike, type);
    const live = listed.get(contractKey(u.index, series.expiryDay, strike, type));
    const greeks = (value: OptionValue, iv: number) => ({
      vega: round(value.vega, 4),
      theta: round(value.theta, 4),
      gamma: round(value.gamma, 6),
      delta: round(value.delta, 4),
      iv: round(iv * 100, 2),
      pop: round(quote.pop * 100, 2),
    });
    if (live !== undefined) {
      const s = model.state(live);
      const [top] = model.depth(live, 1);
      return {
        instrument_key: model.instrument(live).instrumentKey,
        market_data: {
          ltp: s.ltp,
          volume: s.vtt,
          oi: s.oi,
          close_price: s.cp,
          bid_price: top!.bidP,
          bid_qty: top!.bidQ,
          ask_price: top!.askP,
          ask_qty: top!.askQ,
          prev_oi: prevOi,
        },
        option_greeks: greeks(s.greeks ?? quote, s.greeks ? s.iv : quote.iv),
      };
    }
    const ltp = Math.max(OPTION_TICK, roundToTick(quote.price, OPTION_TICK));
    const close = quoteOption(type, series.reference, strike, series.previousYears, series.previousAtmIv).price;
    const spread = Math.max(OPTION_TICK, roundToTick(ltp * 0.002, OPTION_TICK));
    const depth = (salt: number) =>
      series.lotSize *
      (1 + Math.floor(40 * unitHash(series.seed, hashString(u.symbol), series.day, Math.round(strike * 100), salt)));
    return {
      instrument_key: `NSE_FO|${unlistedToken(series.underlyingKey, series.expiryDay, strike, type)}`,
      market_data: {
        ltp,
        volume: sessionVolume(series, strike, type, sessionShare),
        oi,
        close_price: Math.max(OPTION_TICK, roundToTick(close, OPTION_TICK)),
        bid_price: roundToTick(Math.max(0, ltp - spread), OPTION_TICK),
        bid_qty: depth(type === 'CE' ? 1 : 3),
        ask_price: roundToTick(ltp + spread, OPTION_TICK),
        ask_qty: depth(type === 'CE' ? 2 : 4),
        prev_oi: prevOi,
      },
      option_greeks: greeks(quote, quote.iv),
    };
  }

  function contract(u: Underlying, series: OptionSeries, strike: number, type: OptionType, now: number): ContractRow {
    const live = listed.get(contractKey(u.index, series.expiryDay, strike, type));
    const token =
      live !== undefined
        ? model.instrument(live).exchangeToken
        : unlistedToken(series.underlyingKey, series.expiryDay, strike, type);
    return {
      name: u.symbol,
      segment: 'NSE_FO',
      exchange: 'NSE',
      expiry: dayToDate(series.expiryDay),
      weekly: isWeeklyExpiry(series.expiryDay, now),
      instrument_key: `NSE_FO|${token}`,
      exchange_token: token,
      trading_symbol:
        live !== undefined
          ? model.instrument(live).tradingSymbol
          : `${u.symbol} ${strike} ${type} ${symbolDate(series.expiryDay)}`,
      tick_size: OPTION_TICK * 100,
      lot_size: u.lotSize,
      instrument_type: type,
      freeze_quantity: u.lotSize * FREEZE_LOTS,
      underlying_key: series.underlyingKey,
      underlying_type: underlyingTypeOf(series.underlyingKey),
      underlying_symbol: u.symbol,
      strike_price: strike,
      minimum_lot: u.lotSize,
    };
  }

  return {
    chain(key, expiryDate, now) {
      const u = resolve(key);
      if (u === undefined) return null;
      const expiryDay = dateToDay(expiryDate);
      if (u === null || !listedExpiryDays(key, now).includes(expiryDay)) return [];
      const series = optionSeries(model, u.index, expiryDay, u.lotSize);
      const spot = model.state(u.index).ltp;
      const sessionShare = Math.min(1, Math.max(0, (now - model.sessionOpen) / (SESSION_MINUTES * MINUTE_MS)));
      return strikeGrid(series, strikesEachSide).map((strike) => {
        const call = side(u, series, strike, 'CE', now, sessionShare);
        const put = side(u, series, strike, 'PE', now, sessionShare);
        return {
          expiry: expiryDate,
          pcr: call.market_data.oi > 0 ? round(put.market_data.oi / call.market_data.oi, 4) : 0,
          strike_price: strike,
          underlying_key: key,
          underlying_spot_price: spot,
          call_options: call,
          put_options: put,
        };
      });
    },

    contracts(key, expiryDate, now) {
      const u = resolve(key);
      if (u === undefined) return null;
      if (u === null) return [];
      const wanted = expiryDate === null ? null : dateToDay(expiryDate);
      return listedExpiryDays(key, now)
        .filter((day) => wanted === null || day === wanted)
        .flatMap((expiryDay) => {
          const series = optionSeries(model, u.index, expiryDay, u.lotSize);
          return strikeGrid(series, strikesEachSide).flatMap((strike) =>
            (['CE', 'PE'] as const).map((type) => contract(u, series, strike, type, now)),
          );
        });
    },
  };
}
