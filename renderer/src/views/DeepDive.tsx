import { useRef } from 'react';
import { WorldBadge } from '../components/WorldBadge';
import { useAnalysisStore, type DeepDiveRun } from '../stores/analysis';
import { DeepDiveForm } from './analysis/DeepDiveForm';
import { DeepDiveProgress, StepList } from './analysis/DeepDiveProgress';
import { RecentAnalyses } from './analysis/RecentAnalyses';
import { ReportView } from './analysis/ReportView';
import { useStartDeepDive } from './analysis/use-start-deep-dive';
import { useSlashFocus } from './analysis/use-keys';

function FailedDeepDive({ run }: { run: DeepDiveRun }) {
  const { start, command } = useStartDeepDive();
  return (
    <div className="empty-state error deep-dive-failed" role="alert" data-testid="deep-dive-failed">
      <p className="empty-title">The deep-dive of {run.symbol} failed</p>
      <p>
        {run.errorCode ? <b>{run.errorCode}: </b> : null}
        <span data-testid="deep-dive-error">{run.error ?? 'no reason given'}</span>
      </p>
      <StepList steps={run.steps} />
      {command.message ? <p className="bad">Could not start it again: {command.message}</p> : null}
      <button
        type="button"
        disabled={command.busy}
        data-testid="deep-dive-retry"
        onClick={() => void start(run.request ?? { symbol: run.symbol }, run.symbol)}
      >
        Retry
      </button>
    </div>
  );
}

/** What the selected deep-dive shows: its steps while it runs, then its report, or its error with a retry. */
function Stage() {
  const selectedAnalysisId = useAnalysisStore((s) => s.selectedAnalysisId);
  const run = useAnalysisStore((s) => (s.selectedAnalysisId === null ? undefined : s.deepDives[s.selectedAnalysisId]));
  if (selectedAnalysisId === null)
    return (
      <div className="empty-state" data-testid="deep-dive-empty">
        <p className="empty-title">No deep-dive open</p>
        <p>
          Type a symbol above and press <kbd>Enter</kbd>, or press Deep dive on a row of a scan. The report scores six
          factors, grades the risk and is saved to the library for offline review.
        </p>
      </div>
    );
  if (!run) return <p className="muted">Loading deep-dive #{selectedAnalysisId}…</p>;
  if (run.status === 'PROCESSING') return <DeepDiveProgress run={run} />;
  if (run.status === 'FAILED') return <FailedDeepDive run={run} />;
  if (!run.report) return <p className="muted">Loading the report of {run.symbol}…</p>;
  return <ReportView report={run.report} />;
}

/** Level-2 deep-dives: a symbol to analyse, the running analysis's steps, its report, and recent deep-dives. */
export function DeepDiveView() {
  const inputRef = useRef<HTMLInputElement>(null);
  const error = useAnalysisStore((s) => s.errors.deepDive);
  useSlashFocus(inputRef);
  return (
    <section className="view analysis-view deep-dive-view" aria-labelledby="view-title">
      <div className="view-header">
        <h1 id="view-title">Deep-dive</h1>
        <WorldBadge />
      </div>
      {error ? (
        <p className="banner banner-bad" role="alert">
          Could not load the deep-dive: {error}
        </p>
      ) : null}
      <DeepDiveForm inputRef={inputRef} />
      <div className="deep-dive-stage">
        <Stage />
      </div>
      <RecentAnalyses />
    </section>
  );
}
