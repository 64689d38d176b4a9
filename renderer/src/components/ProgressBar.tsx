import type { JobStatus } from '../../../shared/domain/jobs';

export type ProgressTone = 'accent' | 'ok' | 'bad' | 'muted';

/** The colour of a job's progress bar by its status. */
export const JOB_STATUS_TONE: Readonly<Record<JobStatus, ProgressTone>> = {
  QUEUED: 'muted',
  RUNNING: 'accent',
  SUCCEEDED: 'ok',
  FAILED: 'bad',
  CANCELLED: 'muted',
};

export function ProgressBar({
  percentage,
  tone = 'accent',
  label,
  size = 'normal',
}: {
  percentage: number;
  tone?: ProgressTone;
  label: string;
  size?: 'normal' | 'large';
}) {
  const value = Math.max(0, Math.min(100, percentage));
  return (
    <div
      className={size === 'large' ? 'progress progress-large' : 'progress'}
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
