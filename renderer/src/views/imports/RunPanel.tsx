import type { ReactNode } from 'react';
import type { ImportRun } from '../../../../shared/domain/imports';
import { useBridge } from '../../bridge-context';
import { JOB_STATUS_TONE, ProgressBar } from '../../components/ProgressBar';
import { formatClock, formatDateTime, formatEta } from '../../lib/format';
import { useCommand } from '../../lib/use-command';
import { useNow } from '../../lib/use-now';
import { isFinished, useImportsStore } from '../../stores/imports';
import { formatCount, formatMs, runDurationMs, universeNames } from './format';
import { ThroughputChart } from './ThroughputChart';

/** When the run ends: a countdown ticking each second with the clock time while it runs, how long it took after. */
function RunTiming({ run }: { run: ImportRun }) {
  const now = useNow(1000);
  if (run.status === 'RUNNING')
    return (
      <div className="run-stat" data-testid="import-eta">
        <dt>ETA</dt>
        <dd>
          {run.progress.estimatedCompletion ? (
            <>
              {formatEta(run.progress.estimatedCompletion, now)}{' '}
              <span className="muted">at {formatClock(run.progress.estimatedCompletion)}</span>
            </>
          ) : (
            <span className="muted">estimating…</span>
          )}
        </dd>
      </div>
    );
  if (run.status === 'QUEUED')
    return (
      <div className="run-stat" data-testid="import-eta">
        <dt>ETA</dt>
        <dd className="muted">waiting in the queue</dd>
      </div>
    );
  return (
    <div className="run-stat" data-testid="import-duration">
      <dt>Took</dt>
      <dd>{formatMs(runDurationMs(run, now))}</dd>
    </div>
  );
}

function Stat({
  label,
  children,
  testId,
  wrap = false,
}: {
  label: string;
  children: ReactNode;
  testId?: string;
  wrap?: boolean;
}) {
  return (
    <div className={wrap ? 'run-stat wrap' : 'run-stat'} data-testid={testId}>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** The selected run: one big progress bar, its counts, the current symbol, the ETA, and Cancel while it runs. */
export function RunPanel() {
  const bridge = useBridge();
  const selectedRunId = useImportsStore((s) => s.selectedRunId);
  const run = useImportsStore((s) => (s.run && s.run.runId === s.selectedRunId ? s.run : null));
  const runsLoaded = useImportsStore((s) => s.runsLoaded);
  const universes = useImportsStore((s) => s.universes);
  const cancel = useCommand();

  if (selectedRunId === null)
    return (
      <section className="card run-panel" aria-labelledby="run-title">
        <h2 id="run-title">Current run</h2>
        {runsLoaded ? (
          <div className="empty-state compact" data-testid="imports-empty">
            <p className="empty-title">No imports yet</p>
            <p>
              Choose universes and timeframes, check the plan, and press Import. Each symbol&apos;s progress, the ETA
              and any failures show here.
            </p>
          </div>
        ) : (
          <p className="muted">Loading runs…</p>
        )}
      </section>
    );
  if (!run)
    return (
      <section className="card run-panel" aria-labelledby="run-title">
        <h2 id="run-title">Run #{selectedRunId}</h2>
        <p className="muted">Loading the run…</p>
      </section>
    );

  const p = run.progress;
  const active = !isFinished(run.status);
  return (
    <section
      className="card run-panel"
      aria-labelledby="run-title"
      data-testid="import-run"
      data-run-id={run.runId}
      data-status={run.status}
    >
      <div className="run-head">
        <h2 id="run-title">Run #{run.runId}</h2>
        <span className={`badge badge-${run.status.toLowerCase()}`} data-testid="import-status">
          {run.status}
        </span>
        <span className="muted run-what" title={run.universes.join(', ')}>
          {universeNames(run.universes, universes)} · {run.timeframes.join(' ')}
        </span>
        {active ? (
          <button
            type="button"
            className="secondary run-cancel"
            disabled={cancel.busy}
            onClick={() => void cancel.run(() => bridge.invoke('jobs.cancel', { id: run.jobId }))}
          >
            Cancel
          </button>
        ) : null}
      </div>
      <ProgressBar percentage={p.percentage} tone={JOB_STATUS_TONE[run.status]} label="Import progress" size="large" />
      <div className="run-progress-line">
        <span className="run-percentage" data-testid="import-percentage">
          {p.percentage.toFixed(0)}%
        </span>
        <span data-testid="import-counts">
          {formatCount(p.completed + p.failed)}/{formatCount(p.total)} symbols
        </span>
        {p.failed > 0 ? (
          <span className="bad" data-testid="import-failed">
            {formatCount(p.failed)} failed
          </span>
        ) : null}
        {run.retryCount > 0 ? (
          <span className="muted" data-testid="import-retries">
            {run.retryCount} {run.retryCount === 1 ? 'retry' : 'retries'}
          </span>
        ) : null}
      </div>
      <dl className="run-stats">
        <Stat label="Current symbol" testId="import-current">
          {active && p.currentSymbol ? p.currentSymbol : <span className="muted">—</span>}
        </Stat>
        <Stat label="Records imported" testId="import-records">
          {formatCount(run.recordsImported)}
        </Stat>
        <Stat label="Avg per symbol">{formatMs(p.avgSymbolTimeMs)}</Stat>
        <RunTiming run={run} />
        <Stat label="Started">{formatDateTime(run.startedAt ?? run.createdAt)}</Stat>
        <Stat label="Phase" wrap>
          {run.phase}
          {active && run.message ? <span className="muted"> · {run.message}</span> : null}
        </Stat>
      </dl>
      {run.error ? (
        <p className="banner banner-bad" role="alert">
          <b>{run.error.code}</b>: {run.error.message}
        </p>
      ) : null}
      {cancel.message ? (
        <p className="banner banner-bad" role="alert">
          Could not cancel: {cancel.message}
        </p>
      ) : null}
      <ThroughputChart run={run} />
    </section>
  );
}
