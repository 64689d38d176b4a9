/** The SVG path of a series scaled into a box, oldest point on the left; empty for fewer than two points. */
export function sparklinePath(values: readonly number[], width: number, height: number, pad = 1.5): string {
  if (values.length < 2) return '';
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min || 1;
  const step = (width - 2 * pad) / (values.length - 1);
  return values
    .map((v, i) => {
      const x = pad + i * step;
      const y = pad + (height - 2 * pad) * (1 - (v - min) / span);
      return `${i === 0 ? 'M' : 'L'}${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
}

/** The last closes as a line, green when the period ended higher than it began, red when lower. */
export function Sparkline({
  values,
  width = 96,
  height = 26,
  label,
}: {
  values: readonly number[];
  width?: number;
  height?: number;
  label: string;
}) {
  const path = sparklinePath(values, width, height);
  if (!path) return <span className="muted small">—</span>;
  const first = values[0]!;
  const last = values.at(-1)!;
  const tone = last > first ? 'up' : last < first ? 'down' : 'flat';
  return (
    <svg
      className={`sparkline sparkline-${tone}`}
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={label}
      data-points={values.length}
    >
      <path d={path} fill="none" strokeWidth={1.4} strokeLinejoin="round" strokeLinecap="round" />
    </svg>
  );
}
