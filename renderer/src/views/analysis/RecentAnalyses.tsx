import { SelectableRow } from '../../components/SelectableRow';
import { formatDateTime } from '../../lib/format';
import { selectAnalysis, useAnalysisStore, type AnalysisSummary } from '../../stores/analysis';
import { ANALYSIS_STATUS_BADGE } from './ScanPanel';

function AnalysisRow({ analysis, selected }: { analysis: AnalysisSummary; selected: boolean }) {
  return (
    <SelectableRow
      selected={selected}
      onPick={() => selectAnalysis(analysis.analysisId)}
      testId={`deep-dive-history-${analysis.analysisId}`}
      status={analysis.status}
    >
      <td className="num">{analysis.analysisId}</td>
      <td>{analysis.symbol}</td>
      <td>{formatDateTime(analysis.createdAt)}</td>
      <td>
        <span className={`badge ${ANALYSIS_STATUS_BADGE[analysis.status]}`}>{analysis.status}</span>
      </td>
      <td className="error-cell muted" title={analysis.error ?? undefined}>
        {analysis.error ?? (analysis.reportId !== null ? `report #${analysis.reportId}` : '')}
      </td>
    </SelectableRow>
  );
}

/** Recent deep-dives, newest first: a click shows one's progress, report or error. */
export function RecentAnalyses() {
  const analyses = useAnalysisStore((s) => s.analyses);
  const selectedAnalysisId = useAnalysisStore((s) => s.selectedAnalysisId);
  if (analyses.length === 0) return null;
  return (
    <section className="history-panel" aria-labelledby="deep-dive-history-title">
      <h2 id="deep-dive-history-title">Recent deep-dives</h2>
      <table className="table history-table" aria-label="Recent deep-dives">
        <thead>
          <tr>
            <th className="num">#</th>
            <th>Symbol</th>
            <th>Started</th>
            <th>Status</th>
            <th>Outcome</th>
          </tr>
        </thead>
        <tbody>
          {analyses.map((a) => (
            <AnalysisRow key={a.analysisId} analysis={a} selected={a.analysisId === selectedAnalysisId} />
          ))}
        </tbody>
      </table>
    </section>
  );
}
