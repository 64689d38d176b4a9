import type { OhlcvBar } from '../../../shared/domain/feed';
import { blackScholes, futuresFair, roundToTick, smileIv, YEAR_MS } from './pricing';
import { gaussian, hashString, mix, normalHash, rngFor, unitHash, valueNoise } from './rng';
import {
  dateToDay,
  dayStartMs,
  expiryCloseMs,
  istDayIndex,
  istMinuteMs,
  MINUTE_MS,
  previousTradingDay,
  SESSION_CLOSE_MINUTE,
  SESSION_MINUTES,
  SESSION_OPEN_MINUTE,
} from './time';
import { MARKET_VOL, typicalVolume, VIX_KEY, type UniverseEntry } from './universe';

/** One candle; `ts` is the bar's start (epoch ms). */
export type Bar = OhlcvBar;

/** The day at which the table's price levels roughly hold; drift makes earlier years lower. */
const ANCHOR_DAY = dateToDay('2026-01-01');
/** Scales (trading days) of the summed noise: short ones give daily moves, long ones multi-year trends. */
const SCALES = [1, 3, 10, 30, 100, 300, 1000];
/** India VIX mean-reverts, so only the short scales move it. */
const VIX_MAX_SCALE = 30;
/** How long before expiry a contract has history (weekly options are listed later than futures). */
const LISTED_DAYS = { future: 95, option: 60 } as const;
/** [scale in days, amplitude in log units] of the smooth part of a future's open interest. */
const FUTURES_OI_NOISE: ReadonlyArray<readonly [number, number]> = [
  [1, 0.025],
  [3, 0.04],
  [10, 0.07],
  [40, 0.12],
];
/** How long, roughly, longs or shorts stay the side that drives a future's open interest. */
const FUTURES_OI_REGIME_DAYS = 15;

export function volumeWeights(count: number): number[] {
  // The Indian intraday volume smile: busy open, quiet lunch, busier close.
  return Array.from(
    { length: count },
    (_, i) => 1 + 1.6 * Math.exp(-i / 25) + 1.1 * Math.exp(-(SESSION_MINUTES - 1 - i) / 25),
  );
}

/**
 * Deterministic past candles for every instrument, a pure function of (seed, instrument, date): any range
 * can be generated on its own, cheaply, and agrees with any other range.
 */
export class HistoryGenerator {
  private readonly streams = new Map<number, number>();
  private readonly anchorNoise = new Map<number, number>();
  private readonly marketStream: number;
  private readonly vixIndex: number;

  constructor(
    private readonly seed: number,
    private readonly universe: readonly UniverseEntry[],
  ) {
    this.marketStream = mix(seed, 0x6d6b74);
    this.vixIndex = universe.findIndex((e) => e.instrument.instrumentKey === VIX_KEY);
  }

  private stream(index: number): number {
    let s = this.streams.get(index);
    if (s === undefined) {
      s = mix(this.seed, hashString(this.universe[index]!.instrument.instrumentKey));
      this.streams.set(index, s);
    }
    return s;
  }

  private noise(stream: number, vol: number, day: number, maxScale: number): number {
    let sum = 0;
    for (let k = 0; k < SCALES.length; k++) {
      const scale = SCALES[k]!;
      if (scale > maxScale) break;
      sum += vol * Math.sqrt(scale / 252) * 0.75 * valueNoise(mix(stream, k), day / scale);
    }
    return sum;
  }

  /** The instrument's random part of the log level on a day: its beta to the market plus its own noise. */
  private logNoise(index: number, day: number): number {
    const { params } = this.universe[index]!;
    const maxScale = params.beta < 0 ? VIX_MAX_SCALE : Infinity;
    const idioVol = Math.sqrt(Math.max(params.vol ** 2 - (params.beta * MARKET_VOL) ** 2, 0.03 ** 2));
    return (
      params.beta * this.noise(this.marketStream, MARKET_VOL, day, maxScale) +
      this.noise(this.stream(index), idioVol, day, maxScale)
    );
  }

  /** Log closing level of a spot instrument (index or equity): the table's level at the anchor date, plus drift and noise. */
  private logClose(index: number, day: number): number {
    const { params } = this.universe[index]!;
    let anchor = this.anchorNoise.get(index);
    if (anchor === undefined) {
      anchor = this.logNoise(index, ANCHOR_DAY);
      this.anchorNoise.set(index, anchor);
    }
    return Math.log(params.base) + (params.drift * (day - ANCHOR_DAY)) / 365 + this.logNoise(index, day) - anchor;
  }

  spotClose(index: number, day: number): number {
    return Math.exp(this.logClose(index, day));
  }

  spotOpen(index: number, day: number): number {
    const dailyVol = this.universe[index]!.params.vol / Math.sqrt(252);
    return (
      this.spotClose(index, previousTradingDay(day)) *
      Math.exp(0.25 * dailyVol * normalHash(this.stream(index), day, 1))
    );
  }

  /** Unrounded OHLC of a spot instrument. */
  private spotBar(index: number, day: number): Bar {
    const { params } = this.universe[index]!;
    const stream = this.stream(index);
    const dailyVol = params.vol / Math.sqrt(252);
    const open = this.spotOpen(index, day);
    const close = this.spotClose(index, day);
    const high = Math.max(open, close) * Math.exp(0.6 * dailyVol * Math.abs(normalHash(stream, day, 2)));
    const low = Math.min(open, close) * Math.exp(-0.6 * dailyVol * Math.abs(normalHash(stream, day, 3)));
    const volume =
      params.dailyVolume === 0 ? 0 : Math.round(params.dailyVolume * Math.exp(0.3 * normalHash(stream, day, 4)));
    return { ts: dayStartMs(day), open, high, low, close, volume, oi: 0 };
  }

  /** The price map of a derivative on a day: monotone in the underlying (decreasing for puts). */
  private derivativePricer(index: number, day: number): ((spot: number) => number) | null {
    const entry = this.universe[index]!;
    if (
      entry.expiryDay === null ||
      day > entry.expiryDay ||
      day < entry.expiryDay - LISTED_DAYS[entry.kind === 'future' ? 'future' : 'option']
    )
      return null;
    const years = (expiryCloseMs(entry.expiryDay) - istMinuteMs(day, SESSION_CLOSE_MINUTE)) / YEAR_MS;
    if (entry.kind === 'future') return (spot) => futuresFair(spot, years);
    const { strike, instrumentType, tickSize } = entry.instrument;
    const atmIv = (this.spotClose(this.vixIndex, day) / 100) * 0.95;
    const kind = instrumentType === 'PE' ? 'PE' : 'CE';
    return (spot) =>
      Math.max(2 * tickSize, blackScholes(kind, spot, strike!, years, smileIv(atmIv, spot, strike!, years)).price);
  }

  private derivativeVolume(index: number, day: number): { volume: number; oi: number } {
    const entry = this.universe[index]!;
    const stream = this.stream(index);
    const lot = entry.instrument.lotSize;
    const typical = typicalVolume(entry, this.spotClose(entry.underlying, day));
    const volume = Math.round((typical * Math.exp(0.3 * normalHash(stream, day, 4))) / lot) * lot;
    const oi =
      entry.kind === 'future'
        ? this.futuresOi(index, day)
        : Math.round((typical * (1.2 + unitHash(stream, day, 5))) / lot) * lot;
    return { volume, oi };
  }

  /**
   * A future's open interest at a day's close, in whole lots. Positions build up over the contract's life and roll
   * out in its last week; on top, a smooth wander of their own, and a pull towards the last week's price move whose
   * sign changes slowly (`FUTURES_OI_REGIME_DAYS`): while longs drive the market OI rises with price and falls with
   * it (long build-up, long unwinding), while shorts drive it the other way round (short build-up, short covering).
   */
  futuresOi(index: number, day: number): number {
    const entry = this.universe[index]!;
    const stream = mix(this.stream(index), 0x0e1);
    const lot = entry.instrument.lotSize;
    const daysLeft = Math.max(0, entry.expiryDay! - day);
    const life = Math.min(1, Math.max(0, (LISTED_DAYS.future - daysLeft) / (LISTED_DAYS.future - 10)));
    const lifecycle = Math.log(0.7 + 0.3 * life) + Math.log(0.4 + 0.6 * Math.min(1, daysLeft / 6));
    let wander = 0;
    FUTURES_OI_NOISE.forEach(
      ([scale, amplitude], k) => (wander += amplitude * valueNoise(mix(stream, k), day / scale)),
    );
    const regime = 2.5 * valueNoise(mix(stream, 0x9e), day / FUTURES_OI_REGIME_DAYS);
    const weekMove = this.logClose(entry.underlying, day) - this.logClose(entry.underlying, day - 7);
    const oi = 3 * entry.params.dailyVolume * Math.exp(lifecycle + wander + regime * weekMove);
    return Math.max(1, Math.round(oi / lot)) * lot;
  }

  private mapBar(index: number, bar: Bar, price: (spot: number) => number): Bar {
    const entry = this.universe[index]!;
    const put = entry.instrument.instrumentType === 'PE';
    return {
      ts: bar.ts,
      open: price(bar.open),
      high: price(put ? bar.low : bar.high),
      low: price(put ? bar.high : bar.low),
      close: price(bar.close),
      volume: bar.volume,
      oi: bar.oi,
    };
  }

  /** The daily candle of a past day, or null when the instrument did not trade that day. */
  dailyBar(index: number, day: number): Bar | null {
    const entry = this.universe[index]!;
    const tick = entry.instrument.tickSize;
    if (entry.kind === 'spot') return roundBar(this.spotBar(index, day), tick);
    const price = this.derivativePricer(index, day);
    if (!price) return null;
    return roundBar(
      { ...this.mapBar(index, this.spotBar(entry.underlying, day), price), ...this.derivativeVolume(index, day) },
      tick,
    );
  }

  /** The 1-minute candles of a past full session, whose extremes and ends agree with `dailyBar`. */
  minuteBars(index: number, day: number): Bar[] {
    const entry = this.universe[index]!;
    const tick = entry.instrument.tickSize;
    if (entry.kind === 'spot') return this.spotMinutes(index, day).map((b) => roundBar(b, tick));
    const price = this.derivativePricer(index, day);
    if (!price) return [];
    const { volume, oi } = this.derivativeVolume(index, day);
    const bars = this.spotMinutes(entry.underlying, day);
    const volumes = splitVolume(volume, entry.instrument.lotSize, rngFor(this.stream(index), day, 9));
    return bars.map((b, i) => roundBar({ ...this.mapBar(index, b, price), volume: volumes[i]!, oi }, tick));
  }

  /**
   * A path that opens at the day's open, closes at its close and touches its high and low exactly once
   * each: Brownian bridges between those anchors, clamped to the day's range.
   */
  private spotMinutes(index: number, day: number): Bar[] {
    const day1 = this.spotBar(index, day);
    const rng = rngFor(this.stream(index), day, 7);
    const n = SESSION_MINUTES;
    const minuteVol = this.universe[index]!.params.vol / Math.sqrt(252 * n);
    const iHigh = 1 + Math.floor(rng() * (n - 2));
    let iLow = 1 + Math.floor(rng() * (n - 2));
    if (iLow === iHigh) iLow = iHigh === 1 ? 2 : iHigh - 1;
    const anchors = [
      { i: -1, v: Math.log(day1.open) },
      { i: iHigh, v: Math.log(day1.high) },
      { i: iLow, v: Math.log(day1.low) },
      { i: n - 1, v: Math.log(day1.close) },
    ].sort((a, b) => a.i - b.i);
    const logHigh = Math.log(day1.high);
    const logLow = Math.log(day1.low);
    const path = new Array<number>(n);
    for (let a = 0; a + 1 < anchors.length; a++) {
      const from = anchors[a]!;
      const to = anchors[a + 1]!;
      const steps = to.i - from.i;
      const walk = [0];
      for (let j = 1; j <= steps; j++) walk.push(walk[j - 1]! + minuteVol * gaussian(rng));
      for (let j = 1; j <= steps; j++) {
        const t = j / steps;
        const v = from.v + (to.v - from.v) * t + walk[j]! - t * walk[steps]!;
        path[from.i + j] = j === steps ? to.v : Math.min(logHigh, Math.max(logLow, v));
      }
    }
    const volumes = splitVolume(day1.volume, 1, rng);
    const bars: Bar[] = [];
    let prev = day1.open;
    for (let i = 0; i < n; i++) {
      const close = Math.exp(path[i]!);
      const wick = Math.exp(0.4 * minuteVol * Math.abs(gaussian(rng)));
      bars.push({
        ts: istMinuteMs(day, SESSION_OPEN_MINUTE + i),
        open: prev,
        high: Math.min(day1.high, Math.max(prev, close) * wick),
        low: Math.max(day1.low, Math.min(prev, close) / wick),
        close,
        volume: volumes[i]!,
        oi: 0,
      });
      prev = close;
    }
    return bars;
  }
}

/** Splits a day's volume over the session in whole lots, following the intraday volume smile. */
function splitVolume(total: number, lot: number, rng: () => number): number[] {
  const weights = volumeWeights(SESSION_MINUTES).map((w) => w * Math.exp(0.4 * gaussian(rng)));
  const sum = weights.reduce((a, b) => a + b, 0);
  const lots = Math.round(total / lot);
  const out = weights.map((w) => Math.floor((lots * w) / sum));
  out[out.length - 1]! += lots - out.reduce((a, b) => a + b, 0);
  return out.map((l) => l * lot);
}

export function roundBar(bar: Bar, tick: number): Bar {
  return {
    ...bar,
    open: roundToTick(bar.open, tick),
    high: roundToTick(bar.high, tick),
    low: roundToTick(bar.low, tick),
    close: roundToTick(bar.close, tick),
  };
}

/** Groups time-ordered bars by a bucket function (bars of one bucket must be contiguous). */
export function aggregate(bars: readonly Bar[], bucketOf: (ts: number) => number): Bar[] {
  const out: Bar[] = [];
  let cur: Bar | undefined;
  for (const b of bars) {
    const ts = bucketOf(b.ts);
    if (cur && cur.ts === ts) {
      cur.high = Math.max(cur.high, b.high);
      cur.low = Math.min(cur.low, b.low);
      cur.close = b.close;
      cur.volume += b.volume;
      cur.oi = b.oi;
    } else {
      cur = { ...b, ts };
      out.push(cur);
    }
  }
  return out;
}

/** Buckets of `minutes` aligned to the 09:15 open, as Upstox aligns intraday intervals. */
export function minuteBucket(minutes: number): (ts: number) => number {
  const size = minutes * MINUTE_MS;
  return (ts) => {
    const day = istDayIndex(ts);
    const open = istMinuteMs(day, SESSION_OPEN_MINUTE);
    const base = ts >= open ? open : dayStartMs(day);
    return base + Math.floor((ts - base) / size) * size;
  };
}
