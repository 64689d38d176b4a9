import { element, markup, type Markup } from './markup';

/**
 * Chart primitives for inline SVG. Coordinates are written to one decimal so an export is byte-for-byte the same
 * from the same report; colours come from classes, so the print stylesheet can turn a dark chart light.
 */

export const CHART_WIDTH = 720;

export interface Plot {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export const plot = (height: number, left = 64, right = 84, top = 16, bottom = 28): Plot => ({
  width: CHART_WIDTH,
  height,
  left,
  right,
  top,
  bottom,
});

export const coordinate = (value: number): string => {
  const text = value.toFixed(1);
  return text === '-0.0' ? '0.0' : text;
};

/** Maps `domain` onto `range` linearly; a domain of one value maps to the middle of the range. */
export function scale(domain: readonly [number, number], range: readonly [number, number]): (value: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  if (d1 === d0) return () => (r0 + r1) / 2;
  return (value) => r0 + ((value - d0) / (d1 - d0)) * (r1 - r0);
}

export function extent(values: Iterable<number | null>): [number, number] | null {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v === null || !Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min === Infinity ? null : [min, max];
}

/** About `count` round values (1, 2 or 5 times a power of ten apart) within `min`..`max`. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const error = raw / power;
  // The round step nearest the raw one on a log scale, as d3's ticks choose it.
  const step = power * (error >= Math.sqrt(50) ? 10 : error >= Math.sqrt(10) ? 5 : error >= Math.sqrt(2) ? 2 : 1);
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  const out: number[] = [];
  for (let k = Math.ceil(min / step); k * step <= max + step * 1e-9; k++)
    out.push(Number((k * step).toFixed(decimals)));
  return out;
}

/** A polyline through the points that have a value; a gap (null) starts a new line. */
export function path(points: readonly { x: number; y: number | null }[], className: string): Markup {
  const runs: string[][] = [[]];
  for (const { x, y } of points) {
    if (y === null || !Number.isFinite(y)) {
      if (runs[runs.length - 1]!.length > 0) runs.push([]);
      continue;
    }
    runs[runs.length - 1]!.push(`${coordinate(x)},${coordinate(y)}`);
  }
  return markup`${runs
    .filter((run) => run.length > 1)
    .map((run) => element('polyline', { class: className, points: run.join(' ') }))}`;
}

export const hLine = (frame: Plot, y: number, className: string): Markup =>
  element('line', {
    class: className,
    x1: frame.left,
    x2: frame.width - frame.right,
    y1: coordinate(y),
    y2: coordinate(y),
  });

export const vLine = (frame: Plot, x: number, className: string): Markup =>
  element('line', {
    class: className,
    x1: coordinate(x),
    x2: coordinate(x),
    y1: frame.top,
    y2: frame.height - frame.bottom,
  });

export const text = (x: number, y: number, className: string, content: string, anchor?: 'middle' | 'end'): Markup =>
  element('text', { class: className, x: coordinate(x), y: coordinate(y), 'text-anchor': anchor }, content);

/** Horizontal grid lines with their labels on the left. */
export function yGrid(frame: Plot, ticks: readonly number[], y: (v: number) => number, label: (v: number) => string) {
  return markup`${ticks.map(
    (t) => markup`${hLine(frame, y(t), 'grid')}${text(frame.left - 6, y(t) + 4, 'axis', label(t), 'end')}`,
  )}`;
}

export const xLabel = (x: number, frame: Plot, content: string): Markup =>
  text(x, frame.height - frame.bottom + 16, 'axis', content, 'middle');

/** A row of coloured keys along the top of a chart. */
export function legend(frame: Plot, entries: readonly { className: string; label: string }[]): Markup {
  let x = frame.left;
  const items = entries.map(({ className, label }) => {
    const item = markup`${element('rect', { class: `${className} key`, x, y: 2, width: 12, height: 4 })}${text(x + 16, 9, 'axis', label)}`;
    x += 28 + label.length * 6.5;
    return item;
  });
  return markup`${items}`;
}

export function svg(frame: Plot, title: string, body: Markup): Markup {
  return element(
    'svg',
    {
      class: 'chart',
      viewBox: `0 0 ${frame.width} ${frame.height}`,
      width: frame.width,
      height: frame.height,
      role: 'img',
      'aria-label': title,
    },
    element('title', {}, title),
    body,
  );
}
