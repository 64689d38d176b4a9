import { useMemo } from 'react';
import { Area, AreaChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ImportRunSummary } from '../../../../shared/domain/imports';
import { useNow } from '../../lib/use-now';
import { useAppStore } from '../../stores/app';
import { isFinished, useImportsStore, type ThroughputSeries } from '../../stores/imports';
import { bucketThroughput, type ThroughputPoint } from './throughput';
import { formatCount } from './format';

/** The theme's colours as the SVG needs them (presentation attributes take no CSS variables). */
function useChartColours() {
  const theme = useAppStore((s) => s.settings?.values.theme ?? 'dark');
  return useMemo(() => {
    const style = getComputedStyle(document.documentElement);
    const css = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
    return {
      theme,
      line: css('--accent', '#4c8dff'),
      text: css('--muted', '#8d96a7'),
      grid: css('--border', '#2a303b'),
      panel: css('--panel-2', '#1d222b'),
      body: css('--text', '#e6e9ef'),
    };
  }, [theme]);
}

function Average({ run }: { run: ImportRunSummary }) {
  const done = run.progress.completed + run.progress.failed;
  const ms = run.finishedAt && run.startedAt ? Date.parse(run.finishedAt) - Date.parse(run.startedAt) : null;
  if (!ms || done === 0) return <p className="muted small throughput-note">No symbols have finished yet.</p>;
  const perMinute = (done / ms) * 60_000;
  const recordsPerSecond = (run.recordsImported / ms) * 1000;
  return (
    <p className="muted small throughput-note" data-testid="throughput-average">
      Averaged {perMinute.toFixed(perMinute < 10 ? 1 : 0)} symbols/min ({formatCount(recordsPerSecond)} records/s) over
      the run. The chart per 10 s is drawn while a run is watched here.
    </p>
  );
}

function LiveChart({ series, running }: { series: ThroughputSeries; running: boolean }) {
  // The last bucket grows with the clock while the run goes on; a finished series ends at its last symbol.
  const now = useNow(running ? 1000 : 60_000);
  const until = running ? now : (series.samples.at(-1)?.at ?? series.since);
  const points = useMemo(() => bucketThroughput(series, until), [series, until]);
  const colours = useChartColours();
  return (
    <div className="throughput-chart" data-testid="throughput-chart" data-points={points.length}>
      <ResponsiveContainer width="100%" height={120}>
        <AreaChart data={points} margin={{ top: 6, right: 8, bottom: 0, left: -18 }}>
          <CartesianGrid stroke={colours.grid} strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="label" stroke={colours.text} tick={{ fontSize: 10 }} minTickGap={24} />
          <YAxis stroke={colours.text} tick={{ fontSize: 10 }} allowDecimals={false} width={46} />
          <Tooltip
            contentStyle={{ background: colours.panel, border: `1px solid ${colours.grid}`, color: colours.body }}
            labelStyle={{ color: colours.text }}
            labelFormatter={(label) => `by ${String(label)}`}
            formatter={(value, name, item) =>
              name === 'symbols'
                ? [
                    `${String(value)} symbols, ${formatCount((item.payload as ThroughputPoint).records)} records`,
                    '10 s',
                  ]
                : [String(value), String(name)]
            }
          />
          <Area
            type="monotone"
            dataKey="symbols"
            stroke={colours.line}
            fill={colours.line}
            fillOpacity={0.25}
            isAnimationActive={false}
          />
        </AreaChart>
      </ResponsiveContainer>
    </div>
  );
}

/** Symbols finished per 10 s over the run, from what this window saw; the run's average when it saw nothing. */
export function ThroughputChart({ run }: { run: ImportRunSummary }) {
  const series = useImportsStore((s) => s.throughput[run.runId]);
  const running = !isFinished(run.status);
  return (
    <section className="throughput" aria-label="Throughput">
      <h3 className="subheading">Symbols per 10 s</h3>
      {series && series.samples.length > 0 ? (
        <LiveChart series={series} running={running} />
      ) : running ? (
        <p className="muted small throughput-note">Waiting for the first symbol to finish…</p>
      ) : (
        <Average run={run} />
      )}
    </section>
  );
}
