export function ProgressBar({
  percentage,
  tone = 'accent',
  label,
}: {
  percentage: number;
  tone?: 'accent' | 'ok' | 'bad' | 'muted';
  label: string;
}) {
  const value = Math.max(0, Math.min(100, percentage));
  return (
    <div
      className="progress"
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(value)}
    >
      <div className={`progress-fill progress-${tone}`} style={{ width: `${value}%` }} />
    </div>
  );
}
