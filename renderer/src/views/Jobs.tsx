import { memo, useMemo, useState } from 'react';
import type { Job } from '../../../shared/domain/jobs';
import { useBridge } from '../bridge-context';
import { JOB_STATUS_TONE, ProgressBar } from '../components/ProgressBar';
import { formatClock, formatDateTime, formatEta } from '../lib/format';
import { useCommand } from '../lib/use-command';
import { useNow } from '../lib/use-now';
import { jobsNewestFirst, useJobsStore } from '../stores/jobs';
import { SchedulesPanel } from './Schedules';

function StatsCards() {
  const stats = useJobsStore((s) => s.stats);
  const entries: [string, number | undefined][] = [
    ['Queued', stats?.queued],
    ['Running', stats?.running],
    ['Succeeded', stats?.succeeded],
    ['Failed', stats?.failed],
    ['Cancelled', stats?.cancelled],
  ];
  return (
    <div className="stats" aria-label="Queue">
      {entries.map(([label, value]) => (
        <div className="stat" key={label} data-testid={`stat-${label.toLowerCase()}`}>
          <span className="stat-value">{value ?? '—'}</span>
          <span className="stat-label">{label}</span>
        </div>
      ))}
    </div>
  );
}

/** The ETA (running) or retry countdown (queued again): the only part of a row that changes with the clock. */
function JobCountdown({ at }: { at: string | null }) {
  const now = useNow(1000);
  return <>{formatEta(at, now)}</>;
}

/** Re-renders only when its job changes; the countdowns tick on their own. */
const JobRow = memo(function JobRow({ job }: { job: Job }) {
  const bridge = useBridge();
  const command = useCommand();
  const { busy } = command;
  const p = job.progress;
  const act = (action: 'jobs.cancel' | 'jobs.retry') => command.run(() => bridge.invoke(action, { id: job.id }));
  const counts = p.total > 0 ? `${p.completed + p.failed}/${p.total}` : '';
  return (
    <tr data-testid={`job-${job.id}`} data-status={job.status}>
      <td className="num">{job.id}</td>
      <td>
        <div>{job.kind}</div>
        <div className="muted small">{formatDateTime(job.createdAt)}</div>
      </td>
      <td>
        <span className={`badge badge-${job.status.toLowerCase()}`}>{job.status}</span>
        {job.priority !== 'NORMAL' ? <span className="muted small"> {job.priority}</span> : null}
      </td>
      <td className="progress-cell">
        <ProgressBar percentage={p.percentage} tone={JOB_STATUS_TONE[job.status]} label={`Job ${job.id} progress`} />
        <div className="small muted progress-text">
          <span data-testid="job-percentage">{p.percentage.toFixed(0)}%</span> {counts}
          {p.failed > 0 ? <span className="bad"> · {p.failed} failed</span> : null}
          {p.currentItem && job.status === 'RUNNING' ? <span> · {p.currentItem}</span> : null}
          {p.message ? <span> · {p.message}</span> : null}
        </div>
      </td>
      <td data-testid="job-eta">
        {job.status === 'RUNNING' ? (
          <>
            <div>
              <JobCountdown at={p.estimatedCompletion} />
            </div>
            <div className="muted small">
              {p.estimatedCompletion ? `at ${formatClock(p.estimatedCompletion)}` : 'estimating…'}
            </div>
          </>
        ) : job.status === 'QUEUED' && job.attempts > 0 ? (
          <div className="muted small">
            retry <JobCountdown at={job.runAt} />
          </div>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td className="num">
        {job.attempts}/{job.maxAttempts}
      </td>
      <td className="error-cell">
        {job.error ? (
          <span title={job.error.message} className="bad">
            {job.error.code}: {job.error.message}
          </span>
        ) : null}
        {command.message ? <span className="bad">{command.message}</span> : null}
      </td>
      <td className="actions">
        {job.status === 'QUEUED' || job.status === 'RUNNING' ? (
          <button
            type="button"
            className="secondary"
            disabled={busy || job.cancelRequested}
            onClick={() => void act('jobs.cancel')}
          >
            {job.cancelRequested ? 'Cancelling…' : 'Cancel'}
          </button>
        ) : null}
        {job.status === 'FAILED' || job.status === 'CANCELLED' ? (
          <button type="button" className="secondary" disabled={busy} onClick={() => void act('jobs.retry')}>
            Retry
          </button>
        ) : null}
      </td>
    </tr>
  );
});

export function JobsView() {
  const bridge = useBridge();
  const byId = useJobsStore((s) => s.byId);
  const loaded = useJobsStore((s) => s.loaded);
  const jobs = useMemo(() => jobsNewestFirst(byId), [byId]);
  const [starting, setStarting] = useState(false);

  const startDemo = async () => {
    setStarting(true);
    try {
      await bridge.invoke('jobs.startDemo', { items: 60, itemMs: 250, failEvery: 0 });
    } finally {
      setStarting(false);
    }
  };

  return (
    <section className="view" aria-labelledby="view-title">
      <div className="view-header">
        <h1 id="view-title">Jobs</h1>
        <button type="button" className="secondary" disabled={starting} onClick={() => void startDemo()}>
          Start demo job
        </button>
      </div>
      <StatsCards />
      {!loaded ? (
        <p className="muted">Loading jobs…</p>
      ) : jobs.length === 0 ? (
        <div className="empty-state">
          <p className="empty-title">No jobs yet</p>
          <p>
            Imports, scans, deep-dives, orders and maintenance run here as durable jobs. Start a demo job to see one.
          </p>
        </div>
      ) : (
        <table className="table jobs-table">
          <thead>
            <tr>
              <th>#</th>
              <th>Kind</th>
              <th>Status</th>
              <th>Progress</th>
              <th>ETA</th>
              <th>Attempts</th>
              <th>Error</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {jobs.map((job) => (
              <JobRow key={job.id} job={job} />
            ))}
          </tbody>
        </table>
      )}
      <SchedulesPanel />
    </section>
  );
}
