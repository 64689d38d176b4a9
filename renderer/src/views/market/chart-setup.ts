import {
  CandlestickSeries,
  ColorType,
  createChart,
  CrosshairMode,
  HistogramSeries,
  type CandlestickData,
  type HistogramData,
  type IChartApi,
  type ISeriesApi,
  type UTCTimestamp,
} from 'lightweight-charts';
import type { Bar } from './live-bar';

export interface ChartApi {
  chart: IChartApi;
  candles: ISeriesApi<'Candlestick'>;
  volume: ISeriesApi<'Histogram'>;
  up: string;
  down: string;
}

interface Palette {
  background: string;
  text: string;
  grid: string;
  border: string;
  up: string;
  down: string;
  crosshair: string;
}

/** The chart follows the app theme: its colours are the CSS variables of styles.css, as seen from its container. */
function palette(element: HTMLElement): Palette {
  const style = getComputedStyle(element);
  const cssVar = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    background: cssVar('--panel', '#161a21'),
    text: cssVar('--muted', '#8d96a7'),
    grid: cssVar('--grid', '#1f242d'),
    border: cssVar('--border', '#2a303b'),
    up: cssVar('--up', '#26a69a'),
    down: cssVar('--down', '#ef5350'),
    crosshair: cssVar('--muted', '#8d96a7'),
  };
}

export function withAlpha(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{6})$/i.exec(color)?.[1];
  if (!hex) return color;
  const n = Number.parseInt(hex, 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

export function applyTheme(api: ChartApi): void {
  const p = palette(api.chart.chartElement().parentElement ?? document.documentElement);
  api.up = p.up;
  api.down = p.down;
  api.chart.applyOptions({
    layout: { background: { type: ColorType.Solid, color: p.background }, textColor: p.text },
    grid: { vertLines: { color: p.grid }, horzLines: { color: p.grid } },
    rightPriceScale: { borderColor: p.border },
    timeScale: { borderColor: p.border },
    crosshair: {
      vertLine: { color: p.crosshair, labelBackgroundColor: p.border },
      horzLine: { color: p.crosshair, labelBackgroundColor: p.border },
    },
  });
  api.candles.applyOptions({
    upColor: p.up,
    downColor: p.down,
    wickUpColor: p.up,
    wickDownColor: p.down,
    borderVisible: false,
  });
}

/** Candles on the right scale, volume as an overlay histogram in the bottom fifth. `autoSize` tracks the container with a ResizeObserver. */
export function createPriceChart(container: HTMLElement): ChartApi {
  const chart = createChart(container, {
    autoSize: true,
    layout: { fontSize: 11, fontFamily: 'system-ui, -apple-system, Segoe UI, Roboto, sans-serif' },
    crosshair: { mode: CrosshairMode.Normal },
    localization: { locale: 'en-IN' },
    rightPriceScale: { scaleMargins: { top: 0.08, bottom: 0.25 } },
    timeScale: { timeVisible: true, secondsVisible: false, rightOffset: 6 },
  });
  const candles = chart.addSeries(CandlestickSeries, { priceLineVisible: true });
  const volume = chart.addSeries(HistogramSeries, {
    priceScaleId: '',
    priceFormat: { type: 'volume' },
    lastValueVisible: false,
    priceLineVisible: false,
  });
  volume.priceScale().applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
  const api: ChartApi = { chart, candles, volume, up: '', down: '' };
  applyTheme(api);
  return api;
}

export function toCandle(bar: Bar): CandlestickData<UTCTimestamp> {
  return { time: bar.time as UTCTimestamp, open: bar.open, high: bar.high, low: bar.low, close: bar.close };
}

export function toVolume(bar: Bar, api: ChartApi): HistogramData<UTCTimestamp> {
  return {
    time: bar.time as UTCTimestamp,
    value: bar.volume,
    color: withAlpha(bar.close >= bar.open ? api.up : api.down, 0.45),
  };
}

export function drawBars(api: ChartApi, bars: readonly Bar[]): void {
  api.candles.setData(bars.map(toCandle));
  api.volume.setData(bars.map((bar) => toVolume(bar, api)));
}

export function drawLiveBar(api: ChartApi, bar: Bar): void {
  api.candles.update(toCandle(bar));
  api.volume.update(toVolume(bar, api));
}
