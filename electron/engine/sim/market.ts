import type { PredefinedMember } from '../../../shared/domain/universes';
import { HistoryGenerator, roundBar, volumeWeights, type Bar } from './history';
import { blackScholes, futuresFair, roundToTick, smileIv, YEAR_MS, type OptionValue } from './pricing';
import { openInterest, optionSeries } from './options';
import { createRng, gaussian, hashString, rngFor, type Rng } from './rng';
import {
  dayStartMs,
  expiryCloseMs,
  istDayIndex,
  istMinuteMs,
  MINUTE_MS,
  previousTradingDay,
  SESSION_MINUTES,
  SESSION_OPEN_MINUTE,
} from './time';
import {
  derivativeEntries,
  MARKET_VOL,
  memberSpotEntries,
  NIFTY_KEY,
  spotEntries,
  typicalVolume,
  VIX_KEY,
  type DemoInstrument,
  type UniverseEntry,
} from './universe';

/**
 * The demo market runs this many times faster than a real one (in variance), so a few minutes of watching
 * show real movement. The session history generated at start uses the same pace, so charts join up.
 */
export const DEMO_SPEED = 4;
const TRADING_YEAR_MS = 252 * SESSION_MINUTES * MINUTE_MS;
/** Enough for two full demo days of 1-minute candles per instrument; older ones are dropped. */
const MAX_MINUTE_BARS = 3000;

export interface Quote {
  bidQ: number;
  bidP: number;
  askQ: number;
  askP: number;
}

export interface LiveState {
  ltp: number;
  /** Previous session's close. */
  cp: number;
  ltt: number;
  ltq: number;
  vtt: number;
  /** Sum of price x quantity today, for the average traded price. */
  turnover: number;
  oi: number;
  open: number;
  high: number;
  low: number;
  iv: number;
  greeks: OptionValue | null;
  tbq: number;
  tsq: number;
  /** Bumped on every change; seeds the depth so that an unchanged instrument shows an unchanged book. */
  version: number;
  /** Unrounded log price of a spot instrument, and the market factor when it last moved. */
  fairLog: number;
  marketAt: number;
  lastStep: number;
  minute: Bar;
  minutes: Bar[];
}

export interface MarketModelOptions {
  seed: number;
  /** Start instant: fixes the session date, the contracts listed and the history already traded today. */
  now: number;
  tickIntervalMs?: number;
  /** How many instruments change per step; `'all'` moves every instrument every step. */
  ticksPerInterval?: number | 'all';
  /** Members of the predefined universes: each one the built-in tables lack is listed too, as a spot instrument. */
  universeMembers?: readonly PredefinedMember[];
  /** The F&O stocks (members of the `fno` universe): each listed one gets a current- and a next-month future. */
  fnoMembers?: readonly PredefinedMember[];
}

const idioVol = (e: UniverseEntry) =>
  Math.sqrt(Math.max(e.params.vol ** 2 - (e.params.beta * MARKET_VOL) ** 2, 0.03 ** 2));

/**
 * The live demo market: a geometric random walk per spot instrument driven by one market factor, futures at
 * spot plus carry, options repriced by Black-Scholes from the underlying and India VIX. A step touches only
 * the instruments chosen to change, so its cost is O(changed instruments).
 */
export class MarketModel {
  readonly universe: UniverseEntry[];
  readonly history: HistoryGenerator;
  /** IST day index of the demo session. */
  readonly day: number;
  readonly sessionOpen: number;
  private readonly states: LiveState[] = [];
  private readonly byKey = new Map<string, number>();
  private readonly rng: Rng;
  private readonly perm: number[];
  private readonly changed: number[] = [];
  private readonly stepYears: number;
  private readonly perInterval: number;
  private readonly vix: number;
  private market = 0;
  private stepNo = 0;
  /** The built-in indices and equities, which sit before the ones the universe files add. */
  private readonly builtInSpots: number;

  constructor(private readonly options: MarketModelOptions) {
    const { seed, now } = options;
    this.day = istDayIndex(now);
    const open = istMinuteMs(this.day, SESSION_OPEN_MINUTE);
    // Before 09:15 IST the demo market is open anyway; its session then starts at midnight.
    this.sessionOpen = now >= open ? open : dayStartMs(this.day);
    const builtIn = spotEntries();
    this.builtInSpots = builtIn.length;
    const spots = [...builtIn, ...memberSpotEntries(options.universeMembers ?? [], builtIn)];
    this.universe = spots;
    this.history = new HistoryGenerator(seed, this.universe);
    const spotBars = this.simulateSpots(now);
    const nifty = spots.findIndex((e) => e.instrument.instrumentKey === NIFTY_KEY);
    const niftyBars = spotBars[nifty]!;
    const niftyLevel = niftyBars.length
      ? niftyBars[niftyBars.length - 1]!.close
      : this.history.spotOpen(nifty, this.day);
    this.universe.push(...derivativeEntries(spots, now, niftyLevel, options.fnoMembers));
    this.vix = this.universe.findIndex((e) => e.instrument.instrumentKey === VIX_KEY);
    this.universe.forEach((e, i) => this.byKey.set(e.instrument.instrumentKey, i));
    this.initStates(now, spotBars);
    this.rng = createRng(seed);
    this.perm = this.universe.map((_, i) => i);
    this.stepYears = ((options.tickIntervalMs ?? 250) * DEMO_SPEED) / TRADING_YEAR_MS;
    const want = options.ticksPerInterval ?? Math.ceil(this.universe.length / 4);
    this.perInterval =
      want === 'all' ? this.universe.length : Math.max(0, Math.min(this.universe.length, Math.floor(want)));
  }

  get size(): number {
    return this.universe.length;
  }

  get seed(): number {
    return this.options.seed;
  }

  indexOf(key: string): number | undefined {
    return this.byKey.get(key);
  }

  instrument(index: number): DemoInstrument {
    return this.universe[index]!.instrument;
  }

  state(index: number): Readonly<LiveState> {
    return this.states[index]!;
  }

  /** Advances the market one interval; returns the indexes that changed (valid until the next step). */
  step(now: number): readonly number[] {
    this.stepNo++;
    this.market += MARKET_VOL * Math.sqrt(this.stepYears) * gaussian(this.rng);
    const n = this.universe.length;
    const changed = this.changed;
    changed.length = 0;
    if (this.perInterval >= n) for (let i = 0; i < n; i++) changed.push(i);
    else {
      // Partial Fisher-Yates: k distinct instruments in O(k).
      for (let j = 0; j < this.perInterval; j++) {
        const r = j + Math.floor(this.rng() * (n - j));
        const picked = this.perm[r]!;
        this.perm[r] = this.perm[j]!;
        this.perm[j] = picked;
        changed.push(picked);
      }
      // Spot instruments sit first in the universe: moving them first lets derivatives price off fresh spot.
      changed.sort((a, b) => a - b);
    }
    for (const index of changed) this.update(index, now);
    return changed;
  }

  /** Today's 1-minute candles, oldest first, the current (incomplete) minute last. */
  minuteBars(index: number): Bar[] {
    const s = this.states[index]!;
    return [...s.minutes, { ...s.minute }];
  }

  /** The previous and the current 1-minute candle (the feed's two `I1` entries), without copying the day. */
  lastMinutes(index: number): Bar[] {
    const s = this.states[index]!;
    const previous = s.minutes.at(-1);
    return previous ? [previous, s.minute] : [s.minute];
  }

  dayBar(index: number): Bar {
    const s = this.states[index]!;
    return { ts: dayStartMs(this.day), open: s.open, high: s.high, low: s.low, close: s.ltp, volume: s.vtt, oi: s.oi };
  }

  /** The order book, derived from (seed, instrument, version): cheap, and stable while nothing trades. */
  depth(index: number, levels: number): Quote[] {
    const s = this.states[index]!;
    const { tickSize: tick, lotSize: lot, instrumentType } = this.universe[index]!.instrument;
    const rng = rngFor(this.options.seed, index, s.version);
    const unit =
      instrumentType === 'EQ' ? Math.max(1, Math.round(this.universe[index]!.params.dailyVolume / 50_000)) : lot;
    const out: Quote[] = [];
    let bid = s.ltp - tick * (1 + Math.floor(rng() * 2));
    let ask = s.ltp + tick * (1 + Math.floor(rng() * 2));
    for (let l = 0; l < levels; l++) {
      const bidP = roundToTick(bid, tick);
      out.push({
        bidQ: bidP > 0 ? unit * (1 + Math.floor(rng() * 40)) : 0,
        bidP: bidP > 0 ? bidP : 0,
        askQ: unit * (1 + Math.floor(rng() * 40)),
        askP: roundToTick(ask, tick),
      });
      bid -= tick * (1 + Math.floor(rng() * 3));
      ask += tick * (1 + Math.floor(rng() * 3));
    }
    return out;
  }

  private update(index: number, now: number): void {
    const entry = this.universe[index]!;
    const s = this.states[index]!;
    const { tickSize: tick } = entry.instrument;
    let price: number;
    if (entry.kind === 'spot') {
      const years = (this.stepNo - s.lastStep) * this.stepYears;
      s.fairLog +=
        entry.params.beta * (this.market - s.marketAt) +
        idioVol(entry) * Math.sqrt(years) * gaussian(this.rng) +
        entry.params.drift * years;
      s.marketAt = this.market;
      price = roundToTick(Math.exp(s.fairLog), tick);
    } else {
      const spot = this.states[entry.underlying]!.ltp;
      const years = (expiryCloseMs(entry.expiryDay!) - now) / YEAR_MS;
      if (entry.kind === 'future')
        price = roundToTick(futuresFair(spot, years) * Math.exp(0.0002 * gaussian(this.rng)), tick);
      else {
        s.iv =
          smileIv((this.states[this.vix]!.ltp / 100) * 0.95, spot, entry.instrument.strike!, years) *
          Math.exp(0.01 * gaussian(this.rng));
        s.greeks = blackScholes(
          entry.instrument.instrumentType === 'PE' ? 'PE' : 'CE',
          spot,
          entry.instrument.strike!,
          years,
          s.iv,
        );
        price = Math.max(2 * tick, roundToTick(s.greeks.price * Math.exp(0.003 * gaussian(this.rng)), tick));
      }
    }
    s.lastStep = this.stepNo;
    this.trade(index, price, now);
  }

  private tradeQuantity(entry: UniverseEntry): number {
    const { instrumentType, lotSize } = entry.instrument;
    if (instrumentType === 'INDEX') return 0;
    if (instrumentType === 'EQ')
      return Math.max(
        1,
        Math.round(Math.max(1, Math.round(entry.params.dailyVolume / 25_000)) * Math.exp(0.9 * gaussian(this.rng))),
      );
    return lotSize * (1 + Math.floor(-Math.log(1 - this.rng()) * 2));
  }

  private trade(index: number, price: number, now: number): void {
    const entry = this.universe[index]!;
    const s = this.states[index]!;
    const qty = this.tradeQuantity(entry);
    s.ltp = price;
    s.ltt = now;
    s.ltq = qty;
    s.vtt += qty;
    s.turnover += price * qty;
    s.high = Math.max(s.high, price);
    s.low = Math.min(s.low, price);
    s.version++;
    if (entry.kind !== 'spot') {
      const lot = entry.instrument.lotSize;
      s.oi = Math.max(lot * 10, s.oi + lot * (Math.floor(this.rng() * 7) - 3));
    }
    if (qty > 0) {
      s.tbq = Math.max(qty, Math.round(s.tbq * Math.exp(0.03 * gaussian(this.rng))));
      s.tsq = Math.max(qty, Math.round(s.tsq * Math.exp(0.03 * gaussian(this.rng))));
    }
    const minuteTs = Math.floor(now / MINUTE_MS) * MINUTE_MS;
    const bar = s.minute;
    if (minuteTs > bar.ts) {
      s.minutes.push(bar);
      if (s.minutes.length > MAX_MINUTE_BARS) s.minutes.splice(0, s.minutes.length - MAX_MINUTE_BARS);
      s.minute = { ts: minuteTs, open: price, high: price, low: price, close: price, volume: qty, oi: s.oi };
    } else {
      bar.high = Math.max(bar.high, price);
      bar.low = Math.min(bar.low, price);
      bar.close = price;
      bar.volume += qty;
      bar.oi = s.oi;
    }
  }

  /**
   * Today's session up to `now`, minute by minute, with the live model's dynamics. The stream is keyed by
   * (seed, date) and consumes the same draws per minute, so a restart later in the day replays the morning.
   */
  private simulateSpots(now: number): Bar[][] {
    const rng = rngFor(this.options.seed, this.day, 0x5e55);
    // The added instruments draw from their own stream: the built-in ones replay the same morning with or without them.
    const memberRng = rngFor(this.options.seed, this.day, 0x5e56);
    const minutes = Math.max(0, Math.floor(now / MINUTE_MS) - Math.floor(this.sessionOpen / MINUTE_MS));
    const years = (MINUTE_MS * DEMO_SPEED) / TRADING_YEAR_MS;
    const weights = volumeWeights(SESSION_MINUTES);
    const meanWeight = weights.reduce((a, b) => a + b, 0) / weights.length;
    const logs = this.universe.map((_, i) => Math.log(this.history.spotOpen(i, this.day)));
    const bars: Bar[][] = this.universe.map(() => []);
    for (let m = 0; m < minutes; m++) {
      const dMarket = MARKET_VOL * Math.sqrt(years) * gaussian(rng);
      const w = (weights[m] ?? meanWeight) / meanWeight;
      this.universe.forEach((e, i) => {
        const draw = i < this.builtInSpots ? rng : memberRng;
        const prev = logs[i]!;
        const next =
          prev + e.params.beta * dMarket + idioVol(e) * Math.sqrt(years) * gaussian(draw) + e.params.drift * years;
        const wick = Math.exp(0.3 * idioVol(e) * Math.sqrt(years) * Math.abs(gaussian(draw)));
        const noise = Math.exp(0.4 * gaussian(draw));
        logs[i] = next;
        const [o, c] = [Math.exp(prev), Math.exp(next)];
        const volume = Math.round(((e.params.dailyVolume * w) / SESSION_MINUTES) * noise);
        bars[i]!.push({
          ts: this.sessionOpen + m * MINUTE_MS,
          open: o,
          high: Math.max(o, c) * wick,
          low: Math.min(o, c) / wick,
          close: c,
          volume,
          oi: 0,
        });
      });
    }
    return bars;
  }

  private initStates(now: number, spotBars: Bar[][]): void {
    const prevDay = previousTradingDay(this.day);
    const currentMinute = Math.floor(now / MINUTE_MS) * MINUTE_MS;
    this.universe.forEach((entry, i) => {
      const { tickSize: tick, lotSize: lot, instrumentKey } = entry.instrument;
      // Per instrument, so that one contract's morning does not depend on which others are listed.
      const rng = rngFor(this.options.seed, this.day, hashString(instrumentKey));
      // Derivative activity follows moneyness at the previous close, a level fixed for the whole day.
      const typical =
        entry.kind === 'spot'
          ? entry.params.dailyVolume
          : typicalVolume(entry, this.history.spotClose(entry.underlying, prevDay));
      const session =
        entry.kind === 'spot'
          ? { bars: spotBars[i]!, open: this.history.spotOpen(i, this.day) }
          : this.derivativeSession(entry, spotBars[entry.underlying]!, typical, rng);
      const oi = this.openingOi(i);
      const bars = session.bars.map((b) => ({ ...roundBar(b, tick), oi }));
      const last = session.bars.at(-1);
      const open = roundToTick(session.open, tick);
      const ltp = Math.max(entry.kind === 'option' ? 2 * tick : 0, roundToTick(last ? last.close : session.open, tick));
      const cp =
        entry.kind === 'spot' ? this.history.spotClose(i, prevDay) : (this.history.dailyBar(i, prevDay)?.close ?? ltp);
      const bookSize = typical * (entry.kind === 'spot' ? 0.08 : 0.1);
      this.states.push({
        ltp,
        cp: roundToTick(cp, tick),
        ltt: now,
        ltq: entry.instrument.instrumentType === 'INDEX' ? 0 : Math.max(1, lot),
        vtt: bars.reduce((a, b) => a + b.volume, 0),
        turnover: bars.reduce((a, b) => a + b.close * b.volume, 0),
        oi,
        open,
        high: bars.reduce((h, b) => Math.max(h, b.high), Math.max(ltp, open)),
        low: bars.reduce((l, b) => Math.min(l, b.low), Math.min(ltp, open)),
        iv: 0,
        greeks: null,
        tbq: Math.round(bookSize * (0.8 + 0.4 * rng())),
        tsq: Math.round(bookSize * (0.8 + 0.4 * rng())),
        version: 0,
        fairLog: Math.log(last ? last.close : session.open),
        marketAt: 0,
        lastStep: 0,
        minute: { ts: currentMinute, open: ltp, high: ltp, low: ltp, close: ltp, volume: 0, oi },
        minutes: bars,
      });
    });
    // Options quote IV and greeks from the first frame on, not only after their first trade.
    this.universe.forEach((entry, i) => {
      if (entry.kind !== 'option') return;
      const s = this.states[i]!;
      const spot = this.states[entry.underlying]!.ltp;
      const years = (expiryCloseMs(entry.expiryDay!) - now) / YEAR_MS;
      s.iv = smileIv((this.states[this.vix]!.ltp / 100) * 0.95, spot, entry.instrument.strike!, years);
      s.greeks = blackScholes(
        entry.instrument.instrumentType === 'PE' ? 'PE' : 'CE',
        spot,
        entry.instrument.strike!,
        years,
        s.iv,
      );
    });
  }

  /** Open interest as the session so far has left it: the series model's, which the option chain serves too. */
  private openingOi(index: number): number {
    const entry = this.universe[index]!;
    if (entry.kind === 'spot') return 0;
    if (entry.kind === 'future') return this.history.futuresOi(index, this.day);
    const { lotSize, strike, instrumentType } = entry.instrument;
    const series = optionSeries(this, entry.underlying, entry.expiryDay!, lotSize);
    return openInterest(series, strike!, instrumentType === 'PE' ? 'PE' : 'CE').oi;
  }

  /** A derivative's session so far, repriced minute by minute from its underlying's session. */
  private derivativeSession(
    entry: UniverseEntry,
    underlying: readonly Bar[],
    typical: number,
    rng: Rng,
  ): { bars: Bar[]; open: number } {
    const price = this.pricer(entry, rng);
    const lot = entry.instrument.lotSize;
    const perMinuteLots = typical / SESSION_MINUTES / lot;
    const bars = underlying.map((b) => {
      const mapped = [price(b.open, b.ts), price(b.high, b.ts), price(b.low, b.ts), price(b.close, b.ts)];
      const volume = lot * Math.round(perMinuteLots * (0.5 + rng()));
      return {
        ts: b.ts,
        open: mapped[0]!,
        high: Math.max(...mapped),
        low: Math.min(...mapped),
        close: mapped[3]!,
        volume,
        oi: 0,
      };
    });
    return { bars, open: price(this.history.spotOpen(entry.underlying, this.day), this.sessionOpen) };
  }

  /** Price of a derivative at an instant, given its underlying's level there. */
  private pricer(entry: UniverseEntry, rng: Rng): (spot: number, ts: number) => number {
    const expiry = expiryCloseMs(entry.expiryDay!);
    const vixOpen = this.history.spotOpen(this.vix, this.day);
    const basis = Math.exp(0.0002 * gaussian(rng));
    if (entry.kind === 'future') return (spot, ts) => futuresFair(spot, (expiry - ts - MINUTE_MS) / YEAR_MS) * basis;
    const kind = entry.instrument.instrumentType === 'PE' ? 'PE' : 'CE';
    const strike = entry.instrument.strike!;
    const floor = 2 * entry.instrument.tickSize;
    return (spot, ts) => {
      const years = (expiry - ts - MINUTE_MS) / YEAR_MS;
      return Math.max(
        floor,
        blackScholes(kind, spot, strike, years, smileIv((vixOpen / 100) * 0.95, spot, strike, years)).price,
      );
    };
  }
}
