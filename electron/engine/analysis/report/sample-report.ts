import type {
  Factor,
  Fundamentals,
  OptionChain,
  OptionSide,
  Report,
  ReportFactorName,
  ReportSections,
  SnapshotBar,
} from '../../../../shared/domain/analysis';
import {
  adx,
  atr,
  beta,
  bollinger,
  ema,
  last,
  macd,
  maxDrawdown,
  obv,
  realisedVolatility,
  roc,
  rsi,
  sma,
} from '../indicators';

/**
 * A complete, realistic report of one NSE stock for tests: a year of daily candles, a 21-strike option chain and
 * screener fundamentals. Every number comes from a seeded generator, so two calls give the same report, and the
 * technical figures are computed from the candles the snapshot holds, as a real deep-dive's are.
 */

const IST = '+05:30';
const DAY_MS = 86_400_000;
const LAST_SESSION = '2026-12-03';
const STRIKE_STEP = 20;

/** mulberry32: a small seeded generator, so fixtures never depend on Math.random. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The `count` weekday sessions up to and including `lastDate`, oldest first. */
export function sampleSessionDates(lastDate: string, count: number): string[] {
  const dates: string[] = [];
  let ms = Date.parse(`${lastDate}T00:00:00Z`);
  while (dates.length < count) {
    const weekday = new Date(ms).getUTCDay();
    if (weekday !== 0 && weekday !== 6) dates.push(new Date(ms).toISOString().slice(0, 10));
    ms -= DAY_MS;
  }
  return dates.reverse();
}

const round2 = (value: number) => Math.round(value * 100) / 100;

export interface SampleBarsOptions {
  count?: number;
  lastDate?: string;
  start?: number;
  seed?: number;
  /** Average daily volume. */
  volume?: number;
  /** An index whose daily moves these bars follow, `beta` times over, on top of their own. */
  market?: { bars: readonly SnapshotBar[]; beta: number };
}

/** Daily candles with a gentle trend, two cycles and seeded noise; `ts` is the session date at 00:00 IST. */
export function sampleDailyBars(options: SampleBarsOptions = {}): SnapshotBar[] {
  const { count = 250, lastDate = LAST_SESSION, start = 1180, seed = 7, volume = 6_000_000 } = options;
  const marketCloses = options.market?.bars.slice(-count).map((b) => b.close) ?? [];
  const marketMove = (i: number) =>
    i === 0 || marketCloses.length <= i ? 0 : Math.log(marketCloses[i]! / marketCloses[i - 1]!);
  const random = seeded(seed);
  const dates = sampleSessionDates(lastDate, count);
  const bars: SnapshotBar[] = [];
  let close = start;
  dates.forEach((date, i) => {
    const cycle = 0.006 * Math.sin(i / 11) + 0.004 * Math.sin(i / 4.3);
    const own = (random() - 0.5) * (options.market ? 0.018 : 0.026);
    const change = 0.0009 + cycle * 0.35 + own + (options.market?.beta ?? 0) * marketMove(i);
    const open = close * (1 + (random() - 0.5) * 0.008);
    close = close * Math.exp(change);
    const high = Math.max(open, close) * (1 + random() * 0.009);
    const low = Math.min(open, close) * (1 - random() * 0.009);
    bars.push({
      ts: `${date}T00:00:00${IST}`,
      open: round2(open),
      high: round2(high),
      low: round2(low),
      close: round2(close),
      volume: Math.round(volume * (0.6 + random() * 0.8)),
      oi: null,
    });
  });
  return bars;
}

/** The near-month future of the last `sessions` daily bars: a small premium over the cash price, OI building up. */
function sampleFutureBars(daily: readonly SnapshotBar[], sessions: number, startOi: number): SnapshotBar[] {
  const random = seeded(5);
  let oi = startOi;
  return daily.slice(-sessions).map((bar) => {
    oi = Math.round(oi * (1 + (random() - 0.4) * 0.03));
    const premium = (price: number) => round2(price * 1.004);
    return {
      ...bar,
      open: premium(bar.open),
      high: premium(bar.high),
      low: premium(bar.low),
      close: premium(bar.close),
      volume: Math.round(bar.volume * 1.5),
      oi,
    };
  });
}

/** Hourly candles of the last sessions: 09:15 to 15:15 IST, drifting toward the last daily close. */
function sampleHourlyBars(daily: readonly SnapshotBar[], sessions: number): SnapshotBar[] {
  const random = seeded(11);
  const out: SnapshotBar[] = [];
  for (const day of daily.slice(-sessions)) {
    const date = day.ts.slice(0, 10);
    let price = day.open;
    for (let hour = 0; hour < 7; hour++) {
      const minutes = 9 * 60 + 15 + hour * 60;
      const time = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
      const target = day.open + ((day.close - day.open) * (hour + 1)) / 7;
      const open = price;
      price = target * (1 + (random() - 0.5) * 0.003);
      out.push({
        ts: `${date}T${time}:00${IST}`,
        open: round2(open),
        high: round2(Math.max(open, price) * (1 + random() * 0.002)),
        low: round2(Math.min(open, price) * (1 - random() * 0.002)),
        close: round2(price),
        volume: Math.round(day.volume / 7),
        oi: null,
      });
    }
  }
  return out;
}

function optionSide(kind: 'call' | 'put', strike: number, spot: number, oi: number, iv: number): OptionSide {
  const moneyness = (spot - strike) / spot;
  const intrinsic = kind === 'call' ? Math.max(0, spot - strike) : Math.max(0, strike - spot);
  const timeValue = spot * iv * 0.16 * Math.exp(-((moneyness * 12) ** 2) / 2);
  const d = 1 / (1 + Math.exp(-moneyness * 25));
  return {
    ltp: round2(intrinsic + timeValue),
    oi,
    prevOi: Math.round(oi * 0.91),
    volume: Math.round(oi * 1.7),
    iv: Math.round(iv * 10_000) / 10_000,
    delta: Math.round((kind === 'call' ? d : d - 1) * 1000) / 1000,
  };
}

/** 21 strikes around the spot: call OI heaped above it, put OI below, and a smile in the implied volatility. */
export function sampleOptionChain(spot: number, expiry = '2026-12-29'): OptionChain {
  const atm = Math.round(spot / STRIKE_STEP) * STRIKE_STEP;
  const lot = 500;
  const strikes = Array.from({ length: 21 }, (_, i) => {
    const strike = atm + (i - 10) * STRIKE_STEP;
    const distance = (strike - spot) / spot;
    const iv = 0.21 + 1.9 * distance ** 2 - 0.06 * distance;
    const callOi = lot * Math.round(2400 * Math.exp(-(((strike - atm - 60) / 90) ** 2)) + 150);
    const putOi = lot * Math.round(2100 * Math.exp(-(((strike - atm + 40) / 80) ** 2)) + 120);
    return {
      strike,
      call: optionSide('call', strike, spot, callOi, iv),
      put: optionSide('put', strike, spot, putOi, iv + 0.01),
    };
  });
  return { underlyingKey: 'NSE_EQ|INE002A01018', expiry, spot, strikes };
}

/** The strike at which option writers pay out least at expiry. */
function maxPain(chain: OptionChain): number | null {
  let best: { strike: number; pain: number } | null = null;
  for (const { strike: settle } of chain.strikes) {
    let pain = 0;
    for (const { strike, call, put } of chain.strikes) {
      pain += (call?.oi ?? 0) * Math.max(0, settle - strike) + (put?.oi ?? 0) * Math.max(0, strike - settle);
    }
    if (best === null || pain < best.pain) best = { strike: settle, pain };
  }
  return best?.strike ?? null;
}

export function sampleFundamentals(overrides: Partial<Fundamentals> = {}): Fundamentals {
  return {
    symbol: 'RELIANCE',
    name: 'Reliance Industries Ltd',
    industry: 'Refineries & Marketing',
    asOf: '2026-11-28',
    source: 'screener.in export',
    marketCap: 1_912_345.67,
    pe: 24.6,
    industryPe: 19.8,
    pb: 2.31,
    roe: 9.4,
    roce: 10.1,
    debtToEquity: 0.41,
    salesGrowth3y: 11.2,
    profitGrowth3y: 7.9,
    dividendYield: 0.38,
    promoterHolding: 50.1,
    promoterHoldingChange: -0.2,
    fiiHolding: 19.3,
    fiiHoldingChange: 0.6,
    diiHolding: 19.9,
    diiHoldingChange: 0.4,
    pledgedPercentage: 0,
    ...overrides,
  };
}

const WEIGHTS: Record<ReportFactorName, number> = {
  technical: 0.25,
  momentum: 0.2,
  risk: 0.15,
  derivatives: 0.15,
  valuation: 0.15,
  institutional: 0.1,
};

function sections(
  daily: readonly SnapshotBar[],
  hourly: readonly SnapshotBar[],
  index: readonly SnapshotBar[],
  futures: readonly SnapshotBar[],
  chain: OptionChain,
  fundamentals: Fundamentals,
): ReportSections {
  const closes = daily.map((b) => b.close);
  const lastClose = closes[closes.length - 1]!;
  const bands = bollinger(closes);
  const lines = macd(closes);
  const sma200 = last(sma(closes, 200));
  const returnOver = (sessions: number) => lastClose / closes[closes.length - 1 - sessions]! - 1;
  const onBalance = obv(daily);
  const hourlySma = last(
    sma(
      hourly.map((b) => b.close),
      20,
    ),
  );
  const hourlyClose = hourly[hourly.length - 1]!.close;
  const turnovers = daily
    .slice(-20)
    .map((b) => b.close * b.volume)
    .sort((a, b) => a - b);
  const totalCallOi = chain.strikes.reduce((sum, s) => sum + (s.call?.oi ?? 0), 0);
  const totalPutOi = chain.strikes.reduce((sum, s) => sum + (s.put?.oi ?? 0), 0);
  const prevOi = chain.strikes.reduce((sum, s) => sum + (s.call?.prevOi ?? 0) + (s.put?.prevOi ?? 0), 0);
  const atm = chain.strikes.reduce((best, s) =>
    Math.abs(s.strike - chain.spot) < Math.abs(best.strike - chain.spot) ? s : best,
  );
  const futuresOi = futures[futures.length - 1]!.oi!;
  const futuresOiBefore = futures[futures.length - 6]!.oi!;
  return {
    technical: {
      indicators: {
        sma20: last(sma(closes, 20)),
        sma50: last(sma(closes, 50)),
        sma200,
        ema20: last(ema(closes, 20)),
        ema50: last(ema(closes, 50)),
        rsi14: last(rsi(closes, 14)),
        atr14: last(atr(daily, 14)),
        macd: last(lines.macd),
        macdSignal: last(lines.signal),
        macdHistogram: last(lines.histogram),
        bbUpper: last(bands.upper),
        bbMiddle: last(bands.middle),
        bbLower: last(bands.lower),
        adx14: last(adx(daily, 14)),
        roc10: last(roc(closes, 10)),
        realisedVol20: last(realisedVolatility(closes, 20)),
      },
      lastClose,
      trend: 'UP',
      priceVsSma200Pct: sma200 === null ? null : (lastClose / sma200 - 1) * 100,
      signals: [
        lastClose > sma200! ? 'Close above the 200-day SMA' : 'Close below the 200-day SMA',
        last(lines.histogram)! > 0 ? 'MACD above its signal line' : 'MACD below its signal line',
      ],
      score: 68,
    },
    momentum: {
      rsi14: last(rsi(closes, 14)),
      roc10: last(roc(closes, 10)),
      macdHistogram: last(lines.histogram),
      return1m: returnOver(21),
      return3m: returnOver(63),
      return6m: returnOver(126),
      return1y: returnOver(closes.length - 1),
      obvTrend: onBalance[onBalance.length - 1]! > onBalance[onBalance.length - 21]! ? 'RISING' : 'FALLING',
      hourlyVsSma20Pct: hourlySma === null ? null : (hourlyClose / hourlySma - 1) * 100,
      score: 61,
    },
    risk: {
      atrPct: (last(atr(daily, 14))! / lastClose) * 100,
      realisedVol20: last(realisedVolatility(closes, 20)),
      realisedVol60: last(realisedVolatility(closes, 60)),
      maxDrawdown1y: maxDrawdown(closes).drawdown,
      beta: beta(
        closes,
        index.map((b) => b.close),
      ),
      medianTurnover20: (turnovers[9]! + turnovers[10]!) / 2,
      liquidity: 'HIGH',
      grade: 'MODERATE',
      score: 64,
    },
    derivatives: {
      available: true,
      expiry: chain.expiry,
      spot: chain.spot,
      pcr: totalPutOi / totalCallOi,
      maxPain: maxPain(chain),
      atmStrike: atm.strike,
      atmIv: (atm.call!.iv! + atm.put!.iv!) / 2,
      totalCallOi,
      totalPutOi,
      chainOiChangePct: ((totalCallOi + totalPutOi) / prevOi - 1) * 100,
      futuresOi,
      futuresOiChangePct: (futuresOi / futuresOiBefore - 1) * 100,
      oiBuildUp: 'LONG_BUILD_UP',
      oiByStrike: chain.strikes.map((s) => ({ strike: s.strike, callOi: s.call?.oi ?? 0, putOi: s.put?.oi ?? 0 })),
      ivSmile: chain.strikes.map((s) => ({ strike: s.strike, callIv: s.call?.iv ?? null, putIv: s.put?.iv ?? null })),
      score: 57,
      note: null,
    },
    valuation: {
      available: true,
      pe: fundamentals.pe,
      industryPe: fundamentals.industryPe,
      pb: fundamentals.pb,
      roe: fundamentals.roe,
      roce: fundamentals.roce,
      debtToEquity: fundamentals.debtToEquity,
      salesGrowth3y: fundamentals.salesGrowth3y,
      profitGrowth3y: fundamentals.profitGrowth3y,
      dividendYield: fundamentals.dividendYield,
      marketCap: fundamentals.marketCap,
      score: 48,
      note: null,
    },
    institutional: {
      available: true,
      promoterHolding: fundamentals.promoterHolding,
      promoterHoldingChange: fundamentals.promoterHoldingChange,
      fiiHolding: fundamentals.fiiHolding,
      fiiHoldingChange: fundamentals.fiiHoldingChange,
      diiHolding: fundamentals.diiHolding,
      diiHoldingChange: fundamentals.diiHoldingChange,
      pledgedPercentage: fundamentals.pledgedPercentage,
      score: 63,
      note: null,
    },
  };
}

const DETAILS: Record<ReportFactorName, string> = {
  technical: 'Above the 50- and 200-day averages with a strong ADX.',
  momentum: 'RSI in the upper half and positive 3-month returns.',
  risk: 'Moderate volatility and deep liquidity.',
  derivatives: 'Puts written below the spot; long build-up in the future.',
  valuation: 'P/E above the industry average.',
  institutional: 'FII and DII holdings rising.',
};

/** The factors of `sections`, weighted as a deep-dive weighs them when every factor has data. */
export function sampleFactors(s: ReportSections): Factor[] {
  return (Object.keys(WEIGHTS) as ReportFactorName[]).map((name) => {
    const score = s[name].score;
    return { name, score, weight: WEIGHTS[name], contribution: (score ?? 0) * WEIGHTS[name], detail: DETAILS[name] };
  });
}

/** A complete report of RELIANCE on 3 December 2026; `overrides` replace whole top-level fields. */
export function sampleReport(overrides: Partial<Report> = {}): Report {
  const index = sampleDailyBars({ start: 23_400, seed: 3, volume: 250_000_000 });
  const daily = sampleDailyBars({ market: { bars: index, beta: 1.1 } });
  const hourly = sampleHourlyBars(daily, 5);
  const futures = sampleFutureBars(daily, 60, 42_000_000);
  const spot = daily[daily.length - 1]!.close;
  const chain = sampleOptionChain(spot);
  const fundamentals = sampleFundamentals();
  const s = sections(daily, hourly, index, futures, chain, fundamentals);
  const factors = sampleFactors(s);
  const conviction = factors.reduce((sum, f) => sum + f.contribution, 0);
  const asOf = `${LAST_SESSION}T00:00:00${IST}`;
  const refreshedAt = `${LAST_SESSION}T15:58:00${IST}`;
  const fresh = { asOf: refreshedAt, refreshed: true, ageMs: 120_000 };
  return {
    id: 42,
    analysisId: 17,
    symbol: 'RELIANCE',
    instrumentKey: 'NSE_EQ|INE002A01018',
    createdAt: `${LAST_SESSION}T16:00:00${IST}`,
    asOf,
    convictionScore: conviction,
    riskGrade: 'MODERATE',
    direction: 'LONG',
    level1: { verdict: 'PASS', compositeScore: 66.4, direction: 'LONG' },
    agreesWithLevel1: true,
    factors,
    keyLevels: {
      support: [
        { price: round2(spot * 0.962), source: 'swing', strength: 3 },
        { price: round2(spot * 0.921), source: 'volume', strength: 0.14 },
      ],
      resistance: [
        { price: round2(spot * 1.034), source: 'swing', strength: 2 },
        { price: round2(spot * 1.071), source: 'volume', strength: 0.09 },
      ],
    },
    summary:
      'RELIANCE is in an uptrend above its 200-day average with moderate risk; valuation is stretched against its ' +
      'industry, while option writers defend the strikes below the spot.',
    warnings: ['Fundamentals are 5 days old.'],
    sections: s,
    snapshot: {
      candles: { '1d': daily, '1h': hourly },
      index: { instrumentKey: 'NSE_INDEX|Nifty 50', candles: index },
      futures: { instrumentKey: 'NSE_FO|RELIANCE26DECFUT', candles: futures },
      optionChain: chain,
      fundamentals,
      dataAge: {
        '1d': fresh,
        '1h': fresh,
        index: fresh,
        futures: fresh,
        optionChain: fresh,
        fundamentals: { asOf: `2026-11-28T00:00:00${IST}`, refreshed: false, ageMs: 5 * DAY_MS + 57_480_000 },
      },
    },
    ...overrides,
  };
}
