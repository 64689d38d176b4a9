import { ProgressBar } from '../../components/ProgressBar';
import type { DeepDiveRun, StepState } from '../../stores/analysis';

const STEP_MARK: Record<StepState['status'], string> = { PENDING: '○', RUNNING: '◐', DONE: '✓', FAILED: '✗' };
const STEP_WORD: Record<StepState['status'], string> = {
  PENDING: 'pending',
  RUNNING: 'running',
  DONE: 'done',
  FAILED: 'failed',
};

export function StepList({ steps }: { steps: readonly StepState[] }) {
  return (
    <ol className="step-list" aria-label="Steps">
      {steps.map((step) => (
        <li
          key={step.name}
          className={`step step-${step.status.toLowerCase()}`}
          data-testid={`deep-dive-step-${step.name}`}
          data-status={step.status}
        >
          <span className="step-mark" aria-hidden="true">
            {STEP_MARK[step.status]}
          </span>
          <span className="step-label">{step.label}</span>
          <span className="step-state">{STEP_WORD[step.status]}</span>
        </li>
      ))}
    </ol>
  );
}

/** A running deep-dive: its named steps and what the engine is doing now, over the space its report will take. */
export function DeepDiveProgress({ run }: { run: DeepDiveRun }) {
  return (
    <div className="progress-overlay" data-testid="deep-dive-progress" data-analysis-id={run.analysisId}>
      <div className="card progress-overlay-card" role="status" aria-live="polite">
        <div className="run-head">
          <h2>Analysing {run.symbol}</h2>
          <span className="badge badge-running">{run.status}</span>
        </div>
        <ProgressBar percentage={run.progress} label="Deep-dive progress" size="large" />
        <div className="run-progress-line">
          <span className="run-percentage" data-testid="deep-dive-percentage">
            {run.progress.toFixed(0)}%
          </span>
          <span className="muted" data-testid="deep-dive-message">
            {run.message}
          </span>
        </div>
        <StepList steps={run.steps} />
      </div>
    </div>
  );
}
