import type { AnalysisStatus, ScanSummary } from '../../../../shared/domain/analysis';
import { ProgressBar, type ProgressTone } from '../../components/ProgressBar';
import { formatDateTime } from '../../lib/format';
import { useAnalysisStore } from '../../stores/analysis';
import { formatCount, formatMs } from '../imports/format';

export const ANALYSIS_STATUS_BADGE: Record<AnalysisStatus, string> = {
  PROCESSING: 'badge-running',
  COMPLETED: 'badge-succeeded',
  FAILED: 'badge-failed',
};
const TONE: Record<AnalysisStatus, ProgressTone> = { PROCESSING: 'accent', COMPLETED: 'ok', FAILED: 'bad' };

function tookMs(scan: ScanSummary): number | null {
  return scan.completedAt ? Math.max(0, Date.parse(scan.completedAt) - Date.parse(scan.createdAt)) : null;
}

/** The selected scan: its progress while it runs, its counts once done, its error when it failed. */
export function ScanPanel() {
  const selectedScanId = useAnalysisStore((s) => s.selectedScanId);
  const loaded = useAnalysisStore((s) => s.scansLoaded);
  const summary = useAnalysisStore((s) => s.scans.find((x) => x.scanId === s.selectedScanId) ?? null);
  const message = useAnalysisStore((s) => (s.selectedScanId === null ? '' : (s.scanMessages[s.selectedScanId] ?? '')));

  if (selectedScanId === null)
    return (
      <section className="card scan-panel" aria-labelledby="scan-panel-title">
        <h2 id="scan-panel-title">Current scan</h2>
        {loaded ? (
          <div className="empty-state compact" data-testid="scan-empty">
            <p className="empty-title">No scan yet</p>
            <p>
              Pick a universe and press Run scan. Every member is scored on trend, momentum, volume, volatility and open
              interest from its stored daily candles, and ranked best first.
            </p>
          </div>
        ) : (
          <p className="muted">Loading scans…</p>
        )}
      </section>
    );
  if (!summary)
    return (
      <section className="card scan-panel" aria-labelledby="scan-panel-title">
        <h2 id="scan-panel-title">Scan #{selectedScanId}</h2>
        <p className="muted">Loading the scan…</p>
      </section>
    );

  const p = summary.progress;
  return (
    <section
      className="card scan-panel"
      aria-labelledby="scan-panel-title"
      data-testid="scan-status"
      data-scan-id={summary.scanId}
      data-status={summary.status}
    >
      <div className="run-head">
        <h2 id="scan-panel-title">Scan #{summary.scanId}</h2>
        <span className={`badge ${ANALYSIS_STATUS_BADGE[summary.status]}`} data-testid="scan-status-badge">
          {summary.status}
        </span>
        <span className="muted run-what">
          {summary.universeName} · pass at {summary.threshold}
        </span>
      </div>
      {summary.status === 'PROCESSING' ? (
        <>
          <ProgressBar percentage={p.percentage} tone={TONE[summary.status]} label="Scan progress" size="large" />
          <div className="run-progress-line">
            <span className="run-percentage" data-testid="scan-percentage">
              {p.percentage.toFixed(0)}%
            </span>
            {p.total > 0 ? (
              <span>
                {formatCount(p.completed)}/{formatCount(p.total)} symbols
              </span>
            ) : null}
            {message ? <span className="muted">{message}</span> : null}
          </div>
        </>
      ) : null}
      {summary.status === 'COMPLETED' ? (
        <dl className="run-stats">
          <div className="run-stat" data-testid="scan-passed">
            <dt>Passed</dt>
            <dd>
              <span className="good">{formatCount(summary.passed)}</span> of {formatCount(summary.total)}
            </dd>
          </div>
          <div className="run-stat">
            <dt>Took</dt>
            <dd>{formatMs(tookMs(summary))}</dd>
          </div>
          <div className="run-stat">
            <dt>Finished</dt>
            <dd>{formatDateTime(summary.completedAt)}</dd>
          </div>
        </dl>
      ) : null}
      {summary.status === 'FAILED' ? (
        <p className="banner banner-bad" role="alert" data-testid="scan-error">
          The scan failed: {summary.error ?? 'no reason given'}
        </p>
      ) : null}
    </section>
  );
}
