import { TIMEFRAMES, type Candle, type LatestTick, type Timeframe } from '../../../../shared/domain/feed';

/**
 * lightweight-charts draws its time axis in UTC. Shifting every time by the IST offset makes the axis, the
 * crosshair label and the day boundaries read in IST whatever the machine's zone is; a timeFormatter alone would
 * not move the tick marks, whose day and hour boundaries would still fall on UTC.
 */
export const IST_SHIFT_S = 19_800;

export type ChartTimeframe = Timeframe;
export const CHART_TIMEFRAMES: readonly ChartTimeframe[] = TIMEFRAMES;
const DAY_S = 86_400;
/** 09:15 IST is 15 minutes past an hour of chart time. */
const HOUR_ANCHOR_S = 15 * 60;

/**
 * The start of the bar a chart time falls in, on the engine's grid: minutes, hours from 09:15, IST days, weeks from
 * Monday and calendar months (chart time is IST read as UTC, so UTC calendar arithmetic gives IST dates).
 */
export function barStart(t: number, timeframe: ChartTimeframe): number {
  switch (timeframe) {
    case '1m':
      return Math.floor(t / 60) * 60;
    case '1h':
      return Math.floor((t - HOUR_ANCHOR_S) / 3_600) * 3_600 + HOUR_ANCHOR_S;
    case '1d':
      return Math.floor(t / DAY_S) * DAY_S;
    case '1w': {
      const day = Math.floor(t / DAY_S);
      // Day 0 of the epoch was a Thursday, three days after a Monday.
      return (day - ((day + 3) % 7)) * DAY_S;
    }
    case '1M': {
      const date = new Date(t * 1000);
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1) / 1000;
    }
  }
}

/** A bar in chart time: IST-shifted epoch seconds. */
export interface Bar {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  /** Where the bar came from, as `candles.list` names it (`demo`, `upstox+live`, `live`...); unknown when absent. */
  source?: string;
}

export function toChartTime(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000) + IST_SHIFT_S;
}

export function candleToBar(candle: Candle): Bar {
  const { open, high, low, close, volume, source } = candle;
  const bar: Bar = { time: toChartTime(candle.ts), open, high, low, close, volume };
  if (source !== undefined) bar.source = source;
  return bar;
}

/** Candles oldest first with one bar per time; the chart refuses duplicates and disorder. */
export function candlesToBars(candles: readonly Candle[]): Bar[] {
  const bars: Bar[] = [];
  for (const candle of candles) {
    const bar = candleToBar(candle);
    const last = bars[bars.length - 1];
    if (!Number.isFinite(bar.time) || (last && bar.time < last.time)) continue;
    if (last && bar.time === last.time) bars[bars.length - 1] = bar;
    else bars.push(bar);
  }
  return bars;
}

/** The live bar being built from ticks, and the cumulative day volume last seen. */
export interface LiveBarState {
  last: Bar | null;
  cumulativeVolume: number | null;
}

/**
 * Folds one tick into the current bar: the first tick of a period opens a new bar, later ones move high, low and
 * close. Volume is the growth of the day's cumulative volume between ticks (the daily bar takes it whole).
 * Hourly bars sit on the exchange's 09:15 grid, as the engine's and Upstox's hourly candles do. A bar that ticks
 * complete becomes `<source>+live`, as the engine names it; a bar opened by a tick is `live`.
 * Returns the bar to draw, or null for a tick that belongs to an older bar than the one drawn last.
 */
export function foldTick(
  state: LiveBarState,
  tick: Pick<LatestTick, 'ltp' | 'ltt' | 'receivedAt' | 'volume'>,
  timeframe: ChartTimeframe,
): { bar: Bar; isNew: boolean } | null {
  if (!(tick.ltp > 0)) return null;
  const t = toChartTime(tick.ltt ?? tick.receivedAt);
  if (!Number.isFinite(t)) return null;
  const { last } = state;
  if (last && t < last.time) return null;

  const previousVolume = state.cumulativeVolume;
  let added = 0;
  if (tick.volume !== null) {
    if (previousVolume !== null && tick.volume >= previousVolume) added = tick.volume - previousVolume;
    state.cumulativeVolume = tick.volume;
  }

  const start = barStart(t, timeframe);
  if (last && start <= last.time) {
    const bar: Bar = {
      ...last,
      source: withLive(last.source),
      high: Math.max(last.high, tick.ltp),
      low: Math.min(last.low, tick.ltp),
      close: tick.ltp,
      volume: timeframe === '1d' && tick.volume !== null ? tick.volume : last.volume + added,
    };
    state.last = bar;
    return { bar, isNew: false };
  }

  const volume = timeframe === '1d' && tick.volume !== null ? tick.volume : added;
  const bar: Bar = {
    time: start,
    open: tick.ltp,
    high: tick.ltp,
    low: tick.ltp,
    close: tick.ltp,
    volume,
    source: 'live',
  };
  state.last = bar;
  return { bar, isNew: true };
}

function withLive(source: string | undefined): string {
  if (!source) return 'live';
  return source === 'live' || source.endsWith('+live') ? source : `${source}+live`;
}

/** What the legend calls a bar's source: "imported (demo)", "imported (upstox) + live", "live". */
export function describeSource(source: string | undefined): string {
  if (!source) return '';
  if (source === 'live') return 'live';
  const [provider, live] = source.split('+');
  return live ? `imported (${provider}) + live` : `imported (${provider})`;
}
