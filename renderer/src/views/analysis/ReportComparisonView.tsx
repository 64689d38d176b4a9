import type { ReportComparison, ReportSummary } from '../../../../shared/domain/analysis';
import { formatDateTime } from '../../lib/format';
import { openReport } from '../../stores/analysis';
import { DASH, factorLabel, formatNumber, formatScore, toneOfNumber } from './format';
import { ConvictionGauge, DirectionBadge, RiskBadge } from './ReportHeader';

function Side({ title, report }: { title: string; report: ReportSummary }) {
  return (
    <div className="compare-side" data-testid={`compare-${title.toLowerCase()}`}>
      <h3 className="subheading">{title}</h3>
      <ConvictionGauge score={report.convictionScore} size={110} />
      <div className="report-badges">
        <DirectionBadge direction={report.direction} />
        <RiskBadge grade={report.riskGrade} />
      </div>
      <p className="muted small">
        {formatDateTime(report.createdAt)} ·{' '}
        <button type="button" className="link-button" onClick={() => openReport(report.id)}>
          open report #{report.id}
        </button>
      </p>
    </div>
  );
}

const signedNumber = (v: number, digits = 1) => `${v > 0 ? '+' : v < 0 ? '−' : ''}${formatNumber(Math.abs(v), digits)}`;

/** Two reports of one symbol side by side: what moved, factor by factor and indicator by indicator, and why. */
export function ReportComparisonView({ comparison, onClose }: { comparison: ReportComparison; onClose(): void }) {
  const c = comparison;
  return (
    <article className="comparison" data-testid="comparison" aria-label={`Comparison of two ${c.symbol} reports`}>
      <div className="report-toolbar">
        <h2>{c.symbol}: what changed</h2>
        <button type="button" className="secondary" data-testid="comparison-close" onClick={onClose} title="Escape">
          Close
        </button>
      </div>
      <div className="compare-sides">
        <Side title="Older" report={c.older} />
        <div className="compare-change">
          <span className={`compare-delta ${toneOfNumber(c.scoreChange)}`} data-testid="compare-score-change">
            {signedNumber(c.scoreChange)}
          </span>
          <span className="muted small">conviction</span>
          {c.gradeChanged ? <span className="warn small">risk grade changed</span> : null}
          {c.directionChanged ? <span className="warn small">direction changed</span> : null}
        </div>
        <Side title="Newer" report={c.newer} />
      </div>
      {c.explanation.length > 0 ? (
        <ul className="explanation" data-testid="compare-explanation">
          {c.explanation.map((sentence) => (
            <li key={sentence}>{sentence}</li>
          ))}
        </ul>
      ) : null}
      <div className="compare-tables">
        <table className="table" aria-label="Factors before and after" data-testid="compare-factors">
          <thead>
            <tr>
              <th>Factor</th>
              <th className="num">Before</th>
              <th className="num">After</th>
              <th className="num">Contribution change</th>
            </tr>
          </thead>
          <tbody>
            {c.factors.map((f) => (
              <tr key={f.name}>
                <td>{factorLabel(f.name)}</td>
                <td className="num">{formatScore(f.before)}</td>
                <td className="num">{formatScore(f.after)}</td>
                <td className={`num ${toneOfNumber(f.contributionChange)}`}>{signedNumber(f.contributionChange, 2)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <table className="table" aria-label="Indicators before and after" data-testid="compare-indicators">
          <thead>
            <tr>
              <th>Indicator</th>
              <th className="num">Before</th>
              <th className="num">After</th>
              <th className="num">Change</th>
            </tr>
          </thead>
          <tbody>
            {c.indicators.map((i) => {
              const change = i.before !== null && i.after !== null ? i.after - i.before : null;
              return (
                <tr key={i.name}>
                  <td>{i.name}</td>
                  <td className="num">{formatNumber(i.before)}</td>
                  <td className="num">{formatNumber(i.after)}</td>
                  <td className={`num ${toneOfNumber(change)}`}>{change === null ? DASH : signedNumber(change, 2)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </article>
  );
}
