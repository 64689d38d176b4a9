import { segmentOf } from '../../../../shared/domain/feed';
import { useEffect, useRef, useState } from 'react';
import { useBridge } from '../../bridge-context';
import { WorldBadge } from '../../components/WorldBadge';
import { useAppStore } from '../../stores/app';
import { displaySymbol, setChartTimeframe, useMarketStore } from '../../stores/market';
import { ChartLegend } from './ChartLegend';
import { applyTheme, createPriceChart, drawBars, drawLiveBar, type ChartApi } from './chart-setup';
import { formatPrice, formatSigned, toneOf } from './format';
import { useInstrument } from './instrument-lookup';
import {
  candlesToBars,
  CHART_TIMEFRAMES,
  foldTick,
  type Bar,
  type ChartTimeframe,
  type LiveBarState,
} from './live-bar';

/** What is drawn, for which instrument and timeframe; anything else on screen is still loading. */
interface Drawn {
  key: string | null;
  timeframe: ChartTimeframe | null;
  bars: number;
  error: string | null;
}

/** A bar for the legend, with the chart it belongs to (anything else is left over from the previous chart). */
interface LegendBar {
  key: string;
  timeframe: ChartTimeframe;
  bar: Bar;
}

const INTRADAY: ReadonlySet<ChartTimeframe> = new Set(['1m', '1h']);

function ChartHeader({
  instrumentKey,
  timeframe,
  onTimeframe,
}: {
  instrumentKey: string;
  timeframe: ChartTimeframe;
  onTimeframe(tf: ChartTimeframe): void;
}) {
  const instrument = useInstrument(instrumentKey);
  const tick = useMarketStore((s) => s.ticks[instrumentKey]);
  const tone = toneOf(tick?.change);
  return (
    <div className="chart-header">
      <div className="chart-title">
        <span className="chart-symbol">{displaySymbol(instrumentKey, instrument)}</span>
        <WorldBadge size="small" />
        <span className="muted small" title={instrumentKey}>
          {instrument ? `${instrument.name} · ${instrument.segment}` : segmentOf(instrumentKey)}
        </span>
      </div>
      <div className={`chart-quote ${tone}`}>
        <span className="chart-ltp">{formatPrice(tick?.ltp)}</span>
        <span>{formatSigned(tick?.change)}</span>
        <span>{tick ? `(${formatSigned(tick.changePct, '%')})` : ''}</span>
      </div>
      <div className="segmented" role="group" aria-label="Timeframe">
        {CHART_TIMEFRAMES.map((tf) => (
          <button key={tf} type="button" aria-pressed={tf === timeframe} onClick={() => onTimeframe(tf)}>
            {tf}
          </button>
        ))}
      </div>
    </div>
  );
}

/** Candles and volume of one instrument, with the current bar built live from its ticks. */
export function PriceChart({ instrumentKey }: { instrumentKey: string | null }) {
  const bridge = useBridge();
  const hostRef = useRef<HTMLDivElement>(null);
  const apiRef = useRef<ChartApi | null>(null);
  const timeframe = useMarketStore((s) => s.chartTimeframe);
  const [drawn, setDrawn] = useState<Drawn>({ key: null, timeframe: null, bars: 0, error: null });
  // The drawn bars by chart time, for the legend under the crosshair; the latest one when the crosshair is away.
  const barsByTime = useRef(new Map<number, Bar>());
  const charted = useRef<{ key: string; timeframe: ChartTimeframe } | null>(null);
  const [latest, setLatest] = useState<LegendBar | null>(null);
  const [hovered, setHovered] = useState<LegendBar | null>(null);
  const theme = useAppStore((s) => s.settings?.values.theme ?? 'dark');

  useEffect(() => {
    const api = createPriceChart(hostRef.current!);
    apiRef.current = api;
    api.chart.subscribeCrosshairMove((param) => {
      const bar = typeof param.time === 'number' ? barsByTime.current.get(param.time) : undefined;
      setHovered(bar && charted.current ? { ...charted.current, bar } : null);
    });
    return () => {
      apiRef.current = null;
      api.chart.remove();
    };
  }, []);

  useEffect(() => {
    // The shell switches the theme attribute in its own effect, which runs after this one: read the colours a frame later.
    const frame = requestAnimationFrame(() => {
      if (apiRef.current) applyTheme(apiRef.current);
    });
    return () => cancelAnimationFrame(frame);
  }, [theme]);

  useEffect(() => {
    const api = apiRef.current;
    if (!api || !instrumentKey) return;
    api.chart.applyOptions({ timeScale: { timeVisible: INTRADAY.has(timeframe) } });
    drawBars(api, []);
    barsByTime.current = new Map();
    charted.current = { key: instrumentKey, timeframe };
    let cancelled = false;
    let unsubscribe = () => {};
    const live: LiveBarState = { last: null, cumulativeVolume: null };
    let count = 0;

    const onTick = (tick: Parameters<typeof foldTick>[1]) => {
      const folded = foldTick(live, tick, timeframe);
      if (!folded) return;
      drawLiveBar(api, folded.bar);
      barsByTime.current.set(folded.bar.time, folded.bar);
      setLatest({ key: instrumentKey, timeframe, bar: folded.bar });
      if (folded.isNew) {
        count++;
        setDrawn({ key: instrumentKey, timeframe, bars: count, error: null });
      }
    };

    bridge.invoke('candles.list', { instrumentKey, timeframe }).then(
      (candles) => {
        if (cancelled) return;
        const bars = candlesToBars(candles);
        drawBars(api, bars);
        barsByTime.current = new Map(bars.map((bar) => [bar.time, bar]));
        live.last = bars.at(-1) ?? null;
        if (live.last) setLatest({ key: instrumentKey, timeframe, bar: live.last });
        count = bars.length;
        setDrawn({ key: instrumentKey, timeframe, bars: count, error: null });
        const current = useMarketStore.getState().ticks[instrumentKey];
        if (current) onTick(current);
        unsubscribe = useMarketStore.subscribe((state, previous) => {
          const tick = state.ticks[instrumentKey];
          if (tick && tick !== previous.ticks[instrumentKey]) onTick(tick);
        });
      },
      (error: unknown) => {
        if (!cancelled)
          setDrawn({
            key: instrumentKey,
            timeframe,
            bars: 0,
            error: error instanceof Error ? error.message : String(error),
          });
      },
    );
    return () => {
      cancelled = true;
      unsubscribe();
    };
  }, [bridge, instrumentKey, timeframe]);

  const current = drawn.key === instrumentKey && drawn.timeframe === timeframe;
  const ofThisChart = (legend: LegendBar | null) =>
    legend && legend.key === instrumentKey && legend.timeframe === timeframe ? legend.bar : null;
  const lastBar = ofThisChart(latest);
  const legendBar = ofThisChart(hovered) ?? lastBar;
  const bars = current ? drawn.bars : 0;
  let overlay: string | null = null;
  if (!instrumentKey) overlay = 'Select an instrument in the watchlist to chart it.';
  else if (!current) overlay = 'Loading candles…';
  else if (drawn.error) overlay = `Could not load candles: ${drawn.error}`;
  else if (bars === 0) overlay = 'No candles yet: waiting for the first ticks.';

  return (
    <section className="chart-panel" aria-label="Price chart">
      {instrumentKey ? (
        <ChartHeader instrumentKey={instrumentKey} timeframe={timeframe} onTimeframe={setChartTimeframe} />
      ) : null}
      <div
        className="chart-frame"
        data-testid="price-chart"
        data-bars={bars}
        data-instrument={instrumentKey ?? ''}
        data-timeframe={timeframe}
        data-last-source={lastBar?.source ?? ''}
      >
        <div ref={hostRef} className={instrumentKey ? 'chart-host' : 'chart-host idle'} />
        {current && !drawn.error ? <ChartLegend bar={legendBar} timeframe={timeframe} /> : null}
        {overlay ? (
          <div
            className={drawn.error && current ? 'chart-overlay bad' : 'chart-overlay'}
            role={drawn.error && current ? 'alert' : undefined}
          >
            {overlay}
          </div>
        ) : null}
      </div>
    </section>
  );
}
