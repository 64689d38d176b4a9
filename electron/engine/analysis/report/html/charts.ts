import type { Factor, Report, ReportSections } from '../../../../../shared/domain/analysis';
import { sma } from '../../indicators';
import { factorLabel, fixed, indian, shortDate } from './format';
import { element, markup, type Markup } from './markup';
import {
  coordinate,
  extent,
  hLine,
  legend,
  niceTicks,
  path,
  plot,
  scale,
  svg,
  text,
  vLine,
  xLabel,
  yGrid,
} from './svg';

/** The four charts of an exported report, each drawn from the report's own numbers, or a line saying why not. */

export const noData = (reason: string): Markup => markup`<p class="no-data">No data: ${reason}</p>`;

/** Daily closes with their 50- and 200-day SMAs and the key levels as horizontal lines. */
export function priceChart(report: Report): Markup {
  const bars = report.snapshot.candles['1d'];
  if (bars.length < 2) return noData('fewer than two daily candles in the snapshot, so there is no price line.');
  const closes = bars.map((b) => b.close);
  const sma50 = sma(closes, 50);
  const sma200 = sma(closes, 200);
  const levels = [
    ...report.keyLevels.support.map((level) => ({ ...level, kind: 'support' as const })),
    ...report.keyLevels.resistance.map((level) => ({ ...level, kind: 'resistance' as const })),
  ];
  const range = extent([...closes, ...sma50, ...sma200, ...levels.map((l) => l.price)])!;
  const pad = (range[1] - range[0]) * 0.04 || Math.abs(range[0]) * 0.01 || 1;
  const frame = plot(300);
  const x = scale([0, bars.length - 1], [frame.left, frame.width - frame.right]);
  const y = scale([range[0] - pad, range[1] + pad], [frame.height - frame.bottom, frame.top]);
  const labelEvery = Math.max(1, Math.ceil(bars.length / 6));
  const dates = bars.flatMap((bar, i) =>
    i % labelEvery === 0 || i === bars.length - 1 ? [xLabel(x(i), frame, shortDate(bar.ts))] : [],
  );
  const series = (values: readonly (number | null)[], className: string) =>
    path(
      values.map((v, i) => ({ x: x(i), y: v === null ? null : y(v) })),
      className,
    );
  const levelLines = levels.map((level) => {
    const name = `${level.kind === 'support' ? 'S' : 'R'} ${indian(level.price, 2)}`;
    const at = y(level.price);
    return markup`${hLine(frame, at, level.kind)}${text(frame.width - frame.right + 4, at + 4, `${level.kind}-text`, name)}`;
  });
  const keys = legend(frame, [
    { className: 'close', label: 'Close' },
    { className: 'sma50', label: 'SMA 50' },
    { className: 'sma200', label: 'SMA 200' },
    { className: 'support', label: 'Support' },
    { className: 'resistance', label: 'Resistance' },
  ]);
  const grid = yGrid(frame, niceTicks(range[0] - pad, range[1] + pad), y, (v) => indian(v, 0));
  const lines = markup`${series(sma200, 'sma200')}${series(sma50, 'sma50')}${series(closes, 'close')}`;
  return svg(
    frame,
    `${report.symbol} daily closes with SMA 50, SMA 200 and key levels`,
    markup`${keys}${grid}${dates}${levelLines}${lines}`,
  );
}

/** Each factor's contribution (score × weight) to the conviction score, as a horizontal bar. */
export function factorChart(factors: readonly Factor[]): Markup {
  if (factors.length === 0) return noData('the report has no factors.');
  const row = 28;
  const frame = plot(16 + factors.length * row, 140, 190, 8, 8);
  const top = Math.max(1, ...factors.map((f) => f.contribution));
  const x = scale([0, top], [frame.left, frame.width - frame.right]);
  const rows = factors.map((factor, i) => {
    const middle = frame.top + i * row + row / 2;
    const label = text(frame.left - 8, middle + 4, 'axis', factorLabel(factor.name), 'end');
    if (factor.score === null) return markup`${label}${text(frame.left + 4, middle + 4, 'axis', 'no data')}`;
    const end = x(Math.max(0, factor.contribution));
    const bar = element('rect', {
      class: 'contribution',
      x: frame.left,
      y: coordinate(middle - 9),
      width: coordinate(end - frame.left),
      height: 18,
    });
    const value = `${fixed(factor.contribution, 1)} pts (${fixed(factor.score, 0)} × ${fixed(factor.weight * 100, 0)}%)`;
    return markup`${label}${bar}${text(end + 6, middle + 4, 'value', value)}`;
  });
  return svg(frame, 'Factor contributions to the conviction score', markup`${rows}`);
}

type Derivatives = ReportSections['derivatives'];

const expiryOf = (derivatives: Derivatives) => (derivatives.expiry ? `, expiry ${derivatives.expiry}` : '');

/** Call and put open interest side by side at each strike, the max-pain strike marked. */
export function openInterestChart(derivatives: Derivatives): Markup {
  const strikes = derivatives.oiByStrike;
  if (strikes.length === 0) return noData(derivatives.note ?? 'no option chain in this report.');
  const frame = plot(280, 72, 24, 20, 28);
  const band = (frame.width - frame.left - frame.right) / strikes.length;
  const top = Math.max(1, ...strikes.map((s) => Math.max(s.callOi, s.putOi)));
  const y = scale([0, top], [frame.height - frame.bottom, frame.top]);
  const labelEvery = Math.max(1, Math.ceil(strikes.length / 11));
  const bar = (className: string, left: number, value: number) =>
    element('rect', {
      class: className,
      x: coordinate(left),
      y: coordinate(y(value)),
      width: coordinate(band * 0.38),
      height: coordinate(y(0) - y(value)),
    });
  const bars = strikes.map((s, i) => {
    const left = frame.left + i * band + band * 0.1;
    const label = i % labelEvery === 0 ? xLabel(left + band * 0.4, frame, indian(s.strike, 0)) : null;
    return markup`${bar('call-bar', left, s.callOi)}${bar('put-bar', left + band * 0.42, s.putOi)}${label}`;
  });
  const painAt = strikes.findIndex((s) => s.strike === derivatives.maxPain);
  const painX = frame.left + (painAt + 0.5) * band;
  const pain =
    painAt < 0
      ? null
      : markup`${vLine(frame, painX, 'max-pain')}${text(painX + 4, frame.top + 10, 'max-pain-text', `Max pain ${indian(derivatives.maxPain, 0)}`)}`;
  const keys = legend(frame, [
    { className: 'call-bar', label: 'Call OI' },
    { className: 'put-bar', label: 'Put OI' },
  ]);
  const grid = yGrid(frame, niceTicks(0, top, 4), y, (v) => indian(v, 0));
  return svg(frame, `Open interest by strike${expiryOf(derivatives)}`, markup`${keys}${grid}${bars}${pain}`);
}

/** Implied volatility of calls and puts across strikes, in percent. */
export function ivSmileChart(derivatives: Derivatives): Markup {
  const points = derivatives.ivSmile;
  const range = extent(points.flatMap((p) => [p.callIv, p.putIv]));
  const strikes = extent(points.map((p) => p.strike));
  if (range === null || strikes === null || points.length < 2)
    return noData(derivatives.note ?? 'no implied volatilities in this report.');
  const low = range[0] * 100;
  const high = range[1] * 100;
  const pad = (high - low) * 0.1 || 1;
  const frame = plot(240, 64, 24, 20, 28);
  const x = scale(strikes, [frame.left, frame.width - frame.right]);
  const y = scale([low - pad, high + pad], [frame.height - frame.bottom, frame.top]);
  const line = (pick: (p: (typeof points)[number]) => number | null, className: string) =>
    path(
      points.map((p) => {
        const iv = pick(p);
        return { x: x(p.strike), y: iv === null ? null : y(iv * 100) };
      }),
      className,
    );
  const labelEvery = Math.max(1, Math.ceil(points.length / 11));
  const labels = points.flatMap((p, i) =>
    i % labelEvery === 0 ? [xLabel(x(p.strike), frame, indian(p.strike, 0))] : [],
  );
  const atmStrike = derivatives.atmStrike;
  const atm =
    atmStrike === null
      ? null
      : markup`${vLine(frame, x(atmStrike), 'atm')}${text(x(atmStrike) + 4, frame.top + 10, 'axis', `ATM ${indian(atmStrike, 0)}`)}`;
  const keys = legend(frame, [
    { className: 'call-line', label: 'Call IV' },
    { className: 'put-line', label: 'Put IV' },
  ]);
  const grid = yGrid(frame, niceTicks(low - pad, high + pad, 4), y, (v) => `${fixed(v, 1)}%`);
  const lines = markup`${line((p) => p.callIv, 'call-line')}${line((p) => p.putIv, 'put-line')}`;
  return svg(frame, `Implied volatility smile${expiryOf(derivatives)}`, markup`${keys}${grid}${labels}${atm}${lines}`);
}
