import type { Candle, LatestTick } from '../../../../shared/domain/feed';

/**
 * lightweight-charts draws its time axis in UTC. Shifting every time by the IST offset makes the axis, the
 * crosshair label and the day boundaries read in IST whatever the machine's zone is; a timeFormatter alone would
 * not move the tick marks, whose day and hour boundaries would still fall on UTC.
 */
export const IST_SHIFT_S = 19_800;

export type ChartTimeframe = '1m' | '1h' | '1d';
export const CHART_TIMEFRAMES: readonly ChartTimeframe[] = ['1m', '1h', '1d'];
const PERIOD_S: Record<ChartTimeframe, number> = { '1m': 60, '1h': 3_600, '1d': 86_400 };
/** 09:15 IST is 15 minutes past an hour of chart time. */
const HOUR_ANCHOR_S = 15 * 60;

/** A bar in chart time: IST-shifted epoch seconds. */
export interface Bar {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export function toChartTime(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000) + IST_SHIFT_S;
}

export function candleToBar(candle: Candle): Bar {
  const { open, high, low, close, volume } = candle;
  return { time: toChartTime(candle.ts), open, high, low, close, volume };
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
 * Hourly bars sit on the exchange's 09:15 grid, as the engine's and Upstox's hourly candles do.
 * Returns the bar to draw, or null for a tick that belongs to an older bar than the one drawn last.
 */
export function foldTick(
  state: LiveBarState,
  tick: Pick<LatestTick, 'ltp' | 'ltt' | 'receivedAt' | 'volume'>,
  timeframe: ChartTimeframe,
): { bar: Bar; isNew: boolean } | null {
  if (!(tick.ltp > 0)) return null;
  const period = PERIOD_S[timeframe];
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

  if (last && t < last.time + period) {
    const bar: Bar = {
      ...last,
      high: Math.max(last.high, tick.ltp),
      low: Math.min(last.low, tick.ltp),
      close: tick.ltp,
      volume: timeframe === '1d' && tick.volume !== null ? tick.volume : last.volume + added,
    };
    state.last = bar;
    return { bar, isNew: false };
  }

  const anchor = timeframe === '1h' ? HOUR_ANCHOR_S : 0;
  const time = Math.floor((t - anchor) / period) * period + anchor;
  const volume = timeframe === '1d' && tick.volume !== null ? tick.volume : added;
  const bar: Bar = { time, open: tick.ltp, high: tick.ltp, low: tick.ltp, close: tick.ltp, volume };
  state.last = bar;
  return { bar, isNew: true };
}
