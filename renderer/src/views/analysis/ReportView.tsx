import type { Report } from '../../../../shared/domain/analysis';
import { FactorChart, IvSmileChart, OiChart, PriceLevelsChart } from './ReportCharts';
import { ReportExport } from './ReportExport';
import { ReportHeader } from './ReportHeader';
import { KeyLevels, ReportSectionTables } from './ReportSections';

/**
 * A saved deep-dive report, drawn from its own snapshot so it reads the same offline: header, summary, warnings,
 * charts, the six sections and the key levels, with its exports. `onClose` adds a close button (Escape is the view's).
 */
export function ReportView({ report, onClose }: { report: Report; onClose?: () => void }) {
  const derivatives = report.sections.derivatives;
  return (
    <article
      className="report"
      data-testid="report"
      data-report-id={report.id}
      aria-label={`Report on ${report.symbol}`}
    >
      <div className="report-toolbar">
        <ReportExport reportId={report.id} />
        {onClose ? (
          <button type="button" className="secondary" data-testid="report-close" onClick={onClose} title="Escape">
            Close
          </button>
        ) : null}
      </div>
      <ReportHeader report={report} />
      <p className="report-summary" data-testid="report-summary">
        {report.summary}
      </p>
      {report.warnings.length > 0 ? (
        <div className="banner banner-warn" role="note" data-testid="report-warnings">
          <b>Check before relying on this report</b>
          <ul>
            {report.warnings.map((warning) => (
              <li key={warning}>{warning}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <div className="report-charts">
        <FactorChart report={report} />
        <PriceLevelsChart report={report} />
        {derivatives.available ? (
          <>
            <OiChart report={report} />
            <IvSmileChart report={report} />
          </>
        ) : null}
      </div>
      <ReportSectionTables sections={report.sections} />
      <KeyLevels report={report} />
    </article>
  );
}
