import { useMemo, type ReactNode } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  LabelList,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { Report } from '../../../../shared/domain/analysis';
import { INTEGER, formatQuantity } from '../market/format';
import { factorBars, priceSeries, smileInPercent, strikeWindow, type FactorBar } from './chart-data';
import { formatNumber, formatRupees, formatScore, formatSessionDate } from './format';
import { tooltipStyles, useChartColours } from './use-chart-colours';

const HEIGHT = 230;
const axisTick = { fontSize: 10 };

function ChartCard({ title, testId, children }: { title: string; testId: string; children: ReactNode }) {
  return (
    <figure className="report-chart" data-testid={testId}>
      <figcaption className="subheading">{title}</figcaption>
      {children}
    </figure>
  );
}

/** Each factor's share of the conviction score: score × weight, with both in the label and the tooltip. */
export function FactorChart({ report }: { report: Report }) {
  const colours = useChartColours();
  const data = useMemo(
    () =>
      factorBars(report.factors).map((f) => ({
        ...f,
        caption: f.score === null ? 'no data' : `${formatScore(f.score)} × ${formatNumber(f.weightPct, 0)}%`,
      })),
    [report.factors],
  );
  return (
    <ChartCard title="Factor contributions" testId="chart-factors">
      <ResponsiveContainer width="100%" height={Math.max(140, data.length * 34 + 30)}>
        <BarChart data={data} layout="vertical" margin={{ top: 4, right: 86, bottom: 0, left: 8 }}>
          <CartesianGrid stroke={colours.grid} strokeDasharray="3 3" horizontal={false} />
          <XAxis type="number" stroke={colours.text} tick={axisTick} domain={[0, 'dataMax']} allowDecimals={false} />
          <YAxis type="category" dataKey="label" stroke={colours.text} tick={{ fontSize: 11 }} width={88} />
          <Tooltip
            {...tooltipStyles(colours)}
            cursor={{ fill: colours.grid, opacity: 0.3 }}
            formatter={(value, _name, item) => {
              const f = item.payload as FactorBar;
              return [
                `${formatNumber(Number(value), 1)} points (score ${formatScore(f.score)}, weight ${formatNumber(f.weightPct, 1)}%)`,
                'Contribution',
              ];
            }}
          />
          <Bar dataKey="contribution" fill={colours.accent} isAnimationActive={false} barSize={16}>
            <LabelList dataKey="caption" position="right" fill={colours.text} fontSize={10} />
          </Bar>
        </BarChart>
      </ResponsiveContainer>
      <ul className="factor-details">
        {data.map((f) => (
          <li key={f.name} data-testid={`factor-${f.name}`}>
            <b>{f.label}</b> <span className="muted">{f.detail}</span>
          </li>
        ))}
      </ul>
    </ChartCard>
  );
}

/** Daily closes with the 50- and 200-day averages, the support levels below and the resistance levels above. */
export function PriceLevelsChart({ report }: { report: Report }) {
  const colours = useChartColours();
  const data = useMemo(() => priceSeries(report.snapshot.candles['1d']), [report.snapshot.candles]);
  if (data.length === 0)
    return (
      <ChartCard title="Price and key levels" testId="chart-price">
        <p className="muted small">The snapshot holds no daily candles.</p>
      </ChartCard>
    );
  return (
    <ChartCard title="Price, moving averages and key levels" testId="chart-price">
      <ResponsiveContainer width="100%" height={HEIGHT + 40}>
        <LineChart data={data} margin={{ top: 6, right: 8, bottom: 0, left: 4 }}>
          <CartesianGrid stroke={colours.grid} strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="ts" stroke={colours.text} tick={axisTick} tickFormatter={formatSessionDate} minTickGap={36} />
          <YAxis
            stroke={colours.text}
            tick={axisTick}
            domain={['auto', 'auto']}
            width={64}
            tickFormatter={(v: number) => INTEGER.format(v)}
          />
          <Tooltip
            {...tooltipStyles(colours)}
            labelFormatter={(label) => formatSessionDate(String(label))}
            formatter={(value, name) => [formatRupees(Number(value)), String(name)]}
          />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          {report.keyLevels.support.map((level) => (
            <ReferenceLine
              key={`s${level.price}`}
              y={level.price}
              stroke={colours.up}
              strokeDasharray="4 3"
              ifOverflow="extendDomain"
              label={{
                value: `S ${formatNumber(level.price)}`,
                position: 'insideBottomLeft',
                fill: colours.up,
                fontSize: 10,
              }}
            />
          ))}
          {report.keyLevels.resistance.map((level) => (
            <ReferenceLine
              key={`r${level.price}`}
              y={level.price}
              stroke={colours.down}
              strokeDasharray="4 3"
              ifOverflow="extendDomain"
              label={{
                value: `R ${formatNumber(level.price)}`,
                position: 'insideTopRight',
                fill: colours.down,
                fontSize: 10,
              }}
            />
          ))}
          {(
            [
              ['Close', 'close', colours.body, 1.4],
              ['SMA 50', 'sma50', colours.accent, 1.2],
              ['SMA 200', 'sma200', colours.warn, 1.2],
            ] as const
          ).map(([name, key, stroke, width]) => (
            <Line
              key={key}
              name={name}
              dataKey={key}
              stroke={stroke}
              dot={false}
              strokeWidth={width}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}

/** Open interest at the strikes around the money, calls against puts, with the max-pain strike marked. */
export function OiChart({ report }: { report: Report }) {
  const colours = useChartColours();
  const d = report.sections.derivatives;
  const data = useMemo(() => strikeWindow(d.oiByStrike, d.atmStrike ?? d.spot), [d.oiByStrike, d.atmStrike, d.spot]);
  if (data.length === 0) return null;
  const maxPainShown = d.maxPain !== null && data.some((r) => r.strike === d.maxPain);
  return (
    <ChartCard title="Open interest by strike" testId="chart-oi">
      <ResponsiveContainer width="100%" height={HEIGHT}>
        <BarChart data={data} margin={{ top: 14, right: 8, bottom: 0, left: 4 }} barGap={0}>
          <CartesianGrid stroke={colours.grid} strokeDasharray="3 3" vertical={false} />
          <XAxis
            dataKey="strike"
            stroke={colours.text}
            tick={axisTick}
            tickFormatter={(v: number) => INTEGER.format(v)}
          />
          <YAxis stroke={colours.text} tick={axisTick} width={64} tickFormatter={(v: number) => formatQuantity(v)} />
          <Tooltip
            {...tooltipStyles(colours)}
            cursor={{ fill: colours.grid, opacity: 0.3 }}
            labelFormatter={(label) => `Strike ${INTEGER.format(Number(label))}`}
            formatter={(value, name) => [formatQuantity(Number(value)), String(name)]}
          />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          <Bar name="Call OI" dataKey="callOi" fill={colours.down} isAnimationActive={false} />
          <Bar name="Put OI" dataKey="putOi" fill={colours.up} isAnimationActive={false} />
          {maxPainShown ? (
            <ReferenceLine
              x={d.maxPain!}
              stroke={colours.warn}
              strokeDasharray="4 3"
              label={{
                value: `Max pain ${INTEGER.format(d.maxPain!)}`,
                position: 'top',
                fill: colours.warn,
                fontSize: 10,
              }}
            />
          ) : null}
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}

/** Implied volatility across strikes, calls and puts, with the at-the-money strike marked. */
export function IvSmileChart({ report }: { report: Report }) {
  const colours = useChartColours();
  const d = report.sections.derivatives;
  const data = useMemo(
    () => smileInPercent(strikeWindow(d.ivSmile, d.atmStrike ?? d.spot)),
    [d.ivSmile, d.atmStrike, d.spot],
  );
  if (!data.some((p) => p.callIv !== null || p.putIv !== null)) return null;
  const atmShown = d.atmStrike !== null && data.some((p) => p.strike === d.atmStrike);
  return (
    <ChartCard title="Implied volatility smile" testId="chart-iv">
      <ResponsiveContainer width="100%" height={HEIGHT}>
        <LineChart data={data} margin={{ top: 14, right: 8, bottom: 0, left: 4 }}>
          <CartesianGrid stroke={colours.grid} strokeDasharray="3 3" vertical={false} />
          <XAxis
            dataKey="strike"
            stroke={colours.text}
            tick={axisTick}
            tickFormatter={(v: number) => INTEGER.format(v)}
          />
          <YAxis stroke={colours.text} tick={axisTick} width={44} unit="%" domain={['auto', 'auto']} />
          <Tooltip
            {...tooltipStyles(colours)}
            labelFormatter={(label) => `Strike ${INTEGER.format(Number(label))}`}
            formatter={(value, name) => [`${formatNumber(Number(value), 2)}%`, String(name)]}
          />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          {atmShown ? (
            <ReferenceLine
              x={d.atmStrike!}
              stroke={colours.text}
              strokeDasharray="4 3"
              label={{ value: 'ATM', position: 'top', fill: colours.text, fontSize: 10 }}
            />
          ) : null}
          <Line
            name="Call IV"
            dataKey="callIv"
            stroke={colours.down}
            dot={false}
            connectNulls
            isAnimationActive={false}
          />
          <Line name="Put IV" dataKey="putIv" stroke={colours.up} dot={false} connectNulls isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}
