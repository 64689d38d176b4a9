import { useCallback, useRef } from 'react';
import { WorldBadge } from '../components/WorldBadge';
import { closeComparison, closeReport, useAnalysisStore } from '../stores/analysis';
import { FundamentalsImport } from './analysis/FundamentalsImport';
import { ReportComparisonView } from './analysis/ReportComparisonView';
import { ReportLibrary } from './analysis/ReportLibrary';
import { ReportView } from './analysis/ReportView';
import { useEscape, useSlashFocus } from './analysis/use-keys';

function OpenReport() {
  const id = useAnalysisStore((s) => s.openReportId);
  const report = useAnalysisStore((s) => (s.openReport && s.openReport.id === s.openReportId ? s.openReport : null));
  const error = useAnalysisStore((s) => s.errors.report);
  if (report) return <ReportView report={report} onClose={closeReport} />;
  return (
    <div className="report-loading">
      {error ? (
        <p className="banner banner-bad" role="alert">
          Could not open report #{id}: {error}
        </p>
      ) : (
        <p className="muted">Loading report #{id}…</p>
      )}
      <button type="button" className="secondary" onClick={closeReport}>
        Back to the library
      </button>
    </div>
  );
}

function OpenComparison() {
  const comparison = useAnalysisStore((s) => s.comparison);
  const error = useAnalysisStore((s) => s.errors.comparison);
  if (comparison) return <ReportComparisonView comparison={comparison} onClose={closeComparison} />;
  return (
    <div className="report-loading">
      {error ? (
        <p className="banner banner-bad" role="alert">
          Could not compare the reports: {error}
        </p>
      ) : (
        <p className="muted">Comparing…</p>
      )}
      <button type="button" className="secondary" onClick={closeComparison}>
        Back to the library
      </button>
    </div>
  );
}

/**
 * The report library: search and filter saved reports, open one, compare two of a symbol, export, delete; and the
 * fundamentals the deep-dives read.
 */
export function ReportsView() {
  const searchRef = useRef<HTMLInputElement>(null);
  const openId = useAnalysisStore((s) => s.openReportId);
  const comparing = useAnalysisStore((s) => s.comparePair !== null);
  const error = useAnalysisStore((s) => s.errors.reports);
  const closeAll = useCallback(() => {
    closeReport();
    closeComparison();
  }, []);
  useEscape(openId !== null || comparing, closeAll);
  useSlashFocus(searchRef);
  return (
    <section className="view analysis-view reports-view" aria-labelledby="view-title">
      <div className="view-header">
        <h1 id="view-title">Reports</h1>
        <WorldBadge />
      </div>
      {error ? (
        <p className="banner banner-bad" role="alert">
          Could not load reports: {error}
        </p>
      ) : null}
      {openId !== null ? (
        <OpenReport />
      ) : comparing ? (
        <OpenComparison />
      ) : (
        <>
          <ReportLibrary searchRef={searchRef} />
          <FundamentalsImport />
        </>
      )}
    </section>
  );
}
