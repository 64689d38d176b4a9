import type { ImportRunSummary } from '../../../../shared/domain/imports';
import { SelectableRow } from '../../components/SelectableRow';
import { formatDateTime } from '../../lib/format';
import { useNow } from '../../lib/use-now';
import { isFinished, selectRun, useImportsStore } from '../../stores/imports';
import { formatCount, formatMs, runDurationMs, universeNames } from './format';

function RunRow({ run, selected, now }: { run: ImportRunSummary; selected: boolean; now: number }) {
  const universes = useImportsStore((s) => s.universes);
  const p = run.progress;
  return (
    <SelectableRow
      selected={selected}
      onPick={() => selectRun(run.runId)}
      testId={`import-run-${run.runId}`}
      status={run.status}
    >
      <td className="num">{run.runId}</td>
      <td>{formatDateTime(run.createdAt)}</td>
      <td>{universeNames(run.universes, universes)}</td>
      <td>{run.timeframes.join(' ')}</td>
      <td>
        <span className={`badge badge-${run.status.toLowerCase()}`}>{run.status}</span>
      </td>
      <td className="num">
        <span className="good">{formatCount(p.completed)}</span>
        {' / '}
        <span className={p.failed > 0 ? 'bad' : 'muted'}>{formatCount(p.failed)}</span>
        {' / '}
        {formatCount(p.total)}
      </td>
      <td className="num">{formatCount(run.recordsImported)}</td>
      <td className="num">{formatMs(runDurationMs(run, now))}</td>
      <td className="num" data-testid="run-retries">
        {run.retryCount}
      </td>
    </SelectableRow>
  );
}

/** Past and current runs, newest first; a click (or Enter) shows one above. */
export function RunHistory() {
  const runs = useImportsStore((s) => s.runs);
  const loaded = useImportsStore((s) => s.runsLoaded);
  const selectedRunId = useImportsStore((s) => s.selectedRunId);
  // Durations of running imports grow; finished ones stay as they are.
  const now = useNow(runs.some((r) => !isFinished(r.status)) ? 1000 : 60_000);
  return (
    <section className="history-panel" aria-labelledby="history-title">
      <h2 id="history-title">Run history</h2>
      {!loaded ? (
        <p className="muted">Loading runs…</p>
      ) : runs.length === 0 ? (
        <div className="empty-state compact">
          <p className="empty-title">No runs yet</p>
          <p>Every import, started here or by the daily schedule, is listed here with its counts.</p>
        </div>
      ) : (
        <table className="table history-table" aria-label="Import runs">
          <thead>
            <tr>
              <th className="num">#</th>
              <th>Created</th>
              <th>Universes</th>
              <th>Timeframes</th>
              <th>Status</th>
              <th className="num" title="Succeeded / failed / total symbols">
                Symbols ✓ / ✗ / all
              </th>
              <th className="num">Records</th>
              <th className="num">Duration</th>
              <th className="num">Retries</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => (
              <RunRow key={run.runId} run={run} selected={run.runId === selectedRunId} now={now} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
