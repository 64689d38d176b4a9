import { useState, type Ref } from 'react';
import { RISK_GRADES, type ReportSummary, type RiskGrade } from '../../../../shared/domain/analysis';
import { useBridge } from '../../bridge-context';
import { formatDateTime } from '../../lib/format';
import { useCommand } from '../../lib/use-command';
import {
  compareTicked,
  EMPTY_REPORT_FILTERS,
  openReport,
  removeReport,
  setReportFilters,
  toggleCompare,
  useAnalysisStore,
} from '../../stores/analysis';
import { DASH, formatScore, riskGradeLabel } from './format';
import { DirectionBadge, RiskBadge } from './ReportHeader';

function Filters({ searchRef }: { searchRef: Ref<HTMLInputElement> }) {
  const filters = useAnalysisStore((s) => s.reportFilters);
  const filtered = JSON.stringify(filters) !== JSON.stringify(EMPTY_REPORT_FILTERS);
  return (
    <div className="report-filters" role="search" aria-label="Filter reports">
      <label className="field grow">
        <span className="field-label">Search</span>
        <input
          ref={searchRef}
          type="search"
          placeholder="Symbol or words in the summary"
          value={filters.q}
          data-testid="reports-q"
          onChange={(e) => setReportFilters({ q: e.target.value })}
        />
      </label>
      <label className="field">
        <span className="field-label">Symbol</span>
        <input
          value={filters.symbol}
          placeholder="RELIANCE"
          size={12}
          data-testid="reports-symbol"
          onChange={(e) => setReportFilters({ symbol: e.target.value })}
        />
      </label>
      <label className="field">
        <span className="field-label">Risk grade</span>
        <select
          value={filters.grade}
          data-testid="reports-grade"
          onChange={(e) => setReportFilters({ grade: e.target.value as RiskGrade | '' })}
        >
          <option value="">Any</option>
          {RISK_GRADES.map((g) => (
            <option key={g} value={g}>
              {riskGradeLabel(g)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span className="field-label">From</span>
        <input
          type="date"
          value={filters.from}
          data-testid="reports-from"
          onChange={(e) => setReportFilters({ from: e.target.value })}
        />
      </label>
      <label className="field">
        <span className="field-label">To</span>
        <input
          type="date"
          value={filters.to}
          data-testid="reports-to"
          onChange={(e) => setReportFilters({ to: e.target.value })}
        />
      </label>
      <button
        type="button"
        className="secondary"
        disabled={!filtered}
        onClick={() => setReportFilters(EMPTY_REPORT_FILTERS)}
      >
        Clear
      </button>
    </div>
  );
}

function ReportRow({ report, ticked }: { report: ReportSummary; ticked: boolean }) {
  const bridge = useBridge();
  const remove = useCommand();
  const [confirming, setConfirming] = useState(false);
  const onDelete = async () => {
    if (!confirming) return setConfirming(true);
    const deleted = await remove.run(() => bridge.invoke('reports.delete', { id: report.id }));
    if (deleted) removeReport(report.id);
    else setConfirming(false);
  };
  return (
    <tr className={ticked ? 'report-row checked' : 'report-row'} data-testid={`report-row-${report.id}`}>
      <td>
        <input
          type="checkbox"
          checked={ticked}
          aria-label={`Compare report ${report.id} of ${report.symbol}`}
          data-testid="report-compare-tick"
          onChange={() => toggleCompare(report.id)}
        />
      </td>
      <td>
        <button
          type="button"
          className="link-button report-open"
          data-testid="report-open"
          onClick={() => openReport(report.id)}
        >
          {report.symbol}
        </button>
      </td>
      <td>{formatDateTime(report.createdAt)}</td>
      <td className="num">
        <b>{formatScore(report.convictionScore)}</b>
      </td>
      <td>
        <RiskBadge grade={report.riskGrade} />
      </td>
      <td>
        <DirectionBadge direction={report.direction} />
      </td>
      <td className="actions">
        {remove.message ? <span className="bad small">{remove.message} </span> : null}
        <button type="button" className="secondary" onClick={() => openReport(report.id)}>
          Open
        </button>{' '}
        <button
          type="button"
          className={confirming ? 'danger' : 'secondary'}
          disabled={remove.busy}
          data-testid="report-delete"
          onBlur={() => setConfirming(false)}
          onClick={() => void onDelete()}
        >
          {confirming ? 'Confirm delete' : 'Delete'}
        </button>
      </td>
    </tr>
  );
}

/** The offline library: filters, the reports newest first, and two of one symbol ticked for a comparison. */
export function ReportLibrary({ searchRef }: { searchRef: Ref<HTMLInputElement> }) {
  const reports = useAnalysisStore((s) => s.reports);
  const loaded = useAnalysisStore((s) => s.reportsLoaded);
  const filters = useAnalysisStore((s) => s.reportFilters);
  const compareIds = useAnalysisStore((s) => s.compareIds);
  const filtered = JSON.stringify(filters) !== JSON.stringify(EMPTY_REPORT_FILTERS);
  const tickedSymbol = reports.find((r) => r.id === compareIds[0])?.symbol ?? null;
  return (
    <section className="report-library" aria-labelledby="library-title">
      <Filters searchRef={searchRef} />
      <div className="section-head">
        <h2 id="library-title">Library</h2>
        <span className="muted small" data-testid="reports-count">
          {loaded ? `${reports.length} ${reports.length === 1 ? 'report' : 'reports'}` : ''}
        </span>
        <div className="section-actions">
          <span className="muted small">
            {compareIds.length === 0
              ? 'Tick two reports of one symbol to compare them.'
              : compareIds.length === 1
                ? `Tick another report of ${tickedSymbol ?? DASH}.`
                : `${tickedSymbol ?? ''}: two reports ticked.`}
          </span>
          <button
            type="button"
            disabled={compareIds.length !== 2}
            data-testid="reports-compare"
            onClick={compareTicked}
          >
            Compare
          </button>
        </div>
      </div>
      {!loaded ? (
        <p className="muted">Loading reports…</p>
      ) : reports.length === 0 ? (
        <div className="empty-state compact" data-testid="reports-empty">
          {filtered ? (
            <>
              <p className="empty-title">No report matches the filters</p>
              <p>Clear a filter to see more of the library.</p>
            </>
          ) : (
            <>
              <p className="empty-title">No reports yet: run a deep-dive</p>
              <p>Every deep-dive saves its report here with the data it was made from, to read again offline.</p>
            </>
          )}
        </div>
      ) : (
        <table className="table reports-table" aria-label="Saved reports">
          <thead>
            <tr>
              <th aria-label="Compare" />
              <th>Symbol</th>
              <th>Created</th>
              <th className="num">Conviction</th>
              <th>Risk</th>
              <th>Direction</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {reports.map((r) => (
              <ReportRow key={r.id} report={r} ticked={compareIds.includes(r.id)} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
