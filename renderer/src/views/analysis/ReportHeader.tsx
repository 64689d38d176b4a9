import type { Report, RiskGrade } from '../../../../shared/domain/analysis';
import { formatDateTime } from '../../lib/format';
import { openTicket } from '../../stores/orders';
import { sideForDirection } from '../orders/ticket';
import { directionTone, formatScore, riskGradeLabel } from './format';

/** The conviction score as a half-dial: the arc fills to the score out of 100. */
export function ConvictionGauge({ score, size = 132 }: { score: number; size?: number }) {
  const tone = score >= 65 ? 'high' : score >= 40 ? 'mid' : 'low';
  return (
    <div className={`gauge gauge-${tone}`} data-testid="report-conviction" data-score={score}>
      <svg width={size} height={size * 0.6} viewBox="0 0 100 60" role="img" aria-label={`Conviction ${score} of 100`}>
        <path className="gauge-track" d="M10,52 A40,40 0 0 1 90,52" pathLength={100} />
        <path
          className="gauge-fill"
          d="M10,52 A40,40 0 0 1 90,52"
          pathLength={100}
          strokeDasharray={`${Math.max(0, Math.min(100, score))} 100`}
        />
      </svg>
      <span className="gauge-value">{formatScore(score)}</span>
      <span className="gauge-label">conviction</span>
    </div>
  );
}

export function RiskBadge({ grade }: { grade: RiskGrade }) {
  return (
    <span className={`grade-badge grade-${grade.toLowerCase().replace('_', '-')}`} data-testid="report-grade">
      {riskGradeLabel(grade)} risk
    </span>
  );
}

export function DirectionBadge({ direction }: { direction: Report['direction'] }) {
  return (
    <span className={`direction-badge ${directionTone(direction)}`} data-testid="report-direction">
      {direction}
    </span>
  );
}

function Level1Agreement({ report }: { report: Report }) {
  if (!report.level1) return <span className="muted">No Level-1 result</span>;
  const l1 = report.level1;
  const what = `Level-1 ${l1.verdict} ${formatScore(l1.compositeScore)}, ${l1.direction}`;
  if (report.agreesWithLevel1 === null) return <span className="muted">{what}</span>;
  return (
    <span className={report.agreesWithLevel1 ? 'good' : 'warn'} data-testid="report-level1">
      {report.agreesWithLevel1 ? 'Agrees with' : 'Disagrees with'} {what}
    </span>
  );
}

/** Opens an order ticket on the report's instrument, on the side its direction points to. */
function TradeButton({ report }: { report: Report }) {
  const side = sideForDirection(report.direction);
  return (
    <button
      type="button"
      className={`report-trade side-${side.toLowerCase()}`}
      data-testid="report-trade"
      title={`Open an order ticket: ${side} ${report.symbol}`}
      onClick={() => openTicket({ instrumentKey: report.instrumentKey, side })}
    >
      Trade
    </button>
  );
}

/** Who the report is about, how convinced it is, in which direction and at what risk. */
export function ReportHeader({ report }: { report: Report }) {
  return (
    <header className="report-header">
      <ConvictionGauge score={report.convictionScore} />
      <div className="report-title">
        <h2 data-testid="report-symbol">{report.symbol}</h2>
        <div className="report-badges">
          <DirectionBadge direction={report.direction} />
          <RiskBadge grade={report.riskGrade} />
        </div>
        <div className="report-meta">
          <Level1Agreement report={report} />
        </div>
        <div className="report-meta muted small">
          <span title={report.instrumentKey}>{report.instrumentKey}</span> · data as of {formatDateTime(report.asOf)} ·
          made {formatDateTime(report.createdAt)} · report #{report.id}
        </div>
      </div>
      <TradeButton report={report} />
    </header>
  );
}
