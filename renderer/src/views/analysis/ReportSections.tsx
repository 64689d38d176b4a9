import type { ReactNode } from 'react';
import type { KeyLevel, Report, ReportSections as Sections } from '../../../../shared/domain/analysis';
import { formatExpiry, formatQuantity } from '../market/format';
import {
  DASH,
  formatCrores,
  formatFraction,
  formatNumber,
  formatPercent,
  formatRupees,
  formatRupeesCompact,
  formatScore,
  formatSignedFraction,
  formatSignedPercent,
  oiBuildUpLabel,
  riskGradeLabel,
  toneOfNumber,
} from './format';

/** A row of a section table: what it is, its value as shown, and the colour of a signed value. */
type Row = [label: string, value: string, tone?: string];

function SectionCard({
  title,
  score,
  testId,
  note,
  rows,
  children,
}: {
  title: string;
  score: number | null;
  testId: string;
  note?: string | null;
  rows: Row[];
  children?: ReactNode;
}) {
  return (
    <section className="report-section" data-testid={testId} aria-label={title}>
      <div className="report-section-head">
        <h3>{title}</h3>
        <span className={score === null ? 'score-chip muted' : 'score-chip'} title="Factor score, 0-100">
          {score === null ? 'no data' : formatScore(score)}
        </span>
      </div>
      {note ? <p className="muted small section-note">{note}</p> : null}
      {rows.length > 0 ? (
        <table className="kv-table">
          <tbody>
            {rows.map(([label, value, tone]) => (
              <tr key={label}>
                <th scope="row">{label}</th>
                <td className={`num${tone ? ` ${tone}` : ''}${value === DASH ? ' muted' : ''}`}>{value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {children}
    </section>
  );
}

const signedPct = (v: number | null): Row[1] => formatSignedPercent(v);
const signed = (label: string, value: number | null, format: (v: number | null) => string): Row => [
  label,
  format(value),
  toneOfNumber(value),
];

function TechnicalCard({ s }: { s: Sections['technical'] }) {
  const i = s.indicators;
  const rows: Row[] = [
    ['Trend', s.trend],
    ['Last close', formatRupees(s.lastClose)],
    signed('vs SMA 200', s.priceVsSma200Pct, signedPct),
    ['SMA 20', formatRupees(i.sma20)],
    ['SMA 50', formatRupees(i.sma50)],
    ['SMA 200', formatRupees(i.sma200)],
    ['EMA 20', formatRupees(i.ema20)],
    ['EMA 50', formatRupees(i.ema50)],
    ['RSI 14', formatNumber(i.rsi14, 1)],
    ['ATR 14', formatRupees(i.atr14)],
    ['MACD', formatNumber(i.macd, 2)],
    ['MACD signal', formatNumber(i.macdSignal, 2)],
    signed('MACD histogram', i.macdHistogram, (v) => formatNumber(v, 2)),
    ['Bollinger upper', formatRupees(i.bbUpper)],
    ['Bollinger middle', formatRupees(i.bbMiddle)],
    ['Bollinger lower', formatRupees(i.bbLower)],
    ['ADX 14', formatNumber(i.adx14, 1)],
    signed('ROC 10', i.roc10, signedPct),
    ['Realised vol 20 d', formatFraction(i.realisedVol20)],
  ];
  return (
    <SectionCard title="Technical" score={s.score} testId="section-technical" rows={rows}>
      {s.signals.length > 0 ? (
        <ul className="signal-list">
          {s.signals.map((signal) => (
            <li key={signal}>{signal}</li>
          ))}
        </ul>
      ) : null}
    </SectionCard>
  );
}

function MomentumCard({ s }: { s: Sections['momentum'] }) {
  const rows: Row[] = [
    ['RSI 14', formatNumber(s.rsi14, 1)],
    signed('ROC 10', s.roc10, signedPct),
    signed('MACD histogram', s.macdHistogram, (v) => formatNumber(v, 2)),
    signed('Return 1 month', s.return1m, formatSignedFraction),
    signed('Return 3 months', s.return3m, formatSignedFraction),
    signed('Return 6 months', s.return6m, formatSignedFraction),
    signed('Return 1 year', s.return1y, formatSignedFraction),
    ['OBV trend', s.obvTrend],
    signed('Hourly vs SMA 20 h', s.hourlyVsSma20Pct, signedPct),
  ];
  return <SectionCard title="Momentum" score={s.score} testId="section-momentum" rows={rows} />;
}

function RiskCard({ s }: { s: Sections['risk'] }) {
  const rows: Row[] = [
    ['Grade', riskGradeLabel(s.grade)],
    ['ATR % of price', formatPercent(s.atrPct, 2)],
    ['Realised vol 20 d', formatFraction(s.realisedVol20)],
    ['Realised vol 60 d', formatFraction(s.realisedVol60)],
    ['Max drawdown 1 y', s.maxDrawdown1y === null ? DASH : `−${formatFraction(Math.abs(s.maxDrawdown1y))}`, 'bad'],
    ['Beta to NIFTY 50', formatNumber(s.beta, 2)],
    ['Median turnover 20 d', formatRupeesCompact(s.medianTurnover20)],
    ['Liquidity', s.liquidity],
  ];
  return <SectionCard title="Risk" score={s.score} testId="section-risk" rows={rows} />;
}

function DerivativesCard({ s }: { s: Sections['derivatives'] }) {
  const rows: Row[] = s.available
    ? [
        ['Expiry', s.expiry ? formatExpiry(s.expiry) : DASH],
        ['Spot', formatRupees(s.spot)],
        ['Put-call ratio', formatNumber(s.pcr, 2)],
        ['Max pain', formatNumber(s.maxPain, 0)],
        ['ATM strike', formatNumber(s.atmStrike, 0)],
        ['ATM IV', formatFraction(s.atmIv)],
        ['Call OI', s.totalCallOi === null ? DASH : formatQuantity(s.totalCallOi)],
        ['Put OI', s.totalPutOi === null ? DASH : formatQuantity(s.totalPutOi)],
        signed('Chain OI change', s.chainOiChangePct, signedPct),
        ['Futures OI', s.futuresOi === null ? DASH : formatQuantity(s.futuresOi)],
        signed('Futures OI change', s.futuresOiChangePct, signedPct),
        ['OI build-up', oiBuildUpLabel(s.oiBuildUp)],
      ]
    : [];
  return (
    <SectionCard
      title="Derivatives"
      score={s.score}
      testId="section-derivatives"
      note={s.note ?? (s.available ? null : 'No data: the symbol has no option chain stored.')}
      rows={rows}
    />
  );
}

function ValuationCard({ s }: { s: Sections['valuation'] }) {
  const rows: Row[] = s.available
    ? [
        ['P/E', formatNumber(s.pe, 1)],
        ['Industry P/E', formatNumber(s.industryPe, 1)],
        ['P/B', formatNumber(s.pb, 2)],
        ['ROE', formatPercent(s.roe)],
        ['ROCE', formatPercent(s.roce)],
        ['Debt to equity', formatNumber(s.debtToEquity, 2)],
        signed('Sales growth 3 y', s.salesGrowth3y, (v) => formatSignedPercent(v, 1)),
        signed('Profit growth 3 y', s.profitGrowth3y, (v) => formatSignedPercent(v, 1)),
        ['Dividend yield', formatPercent(s.dividendYield, 2)],
        ['Market cap', formatCrores(s.marketCap)],
      ]
    : [];
  return (
    <SectionCard
      title="Valuation"
      score={s.score}
      testId="section-valuation"
      note={s.note ?? (s.available ? null : 'No data: import fundamentals to score valuation.')}
      rows={rows}
    />
  );
}

function InstitutionalCard({ s }: { s: Sections['institutional'] }) {
  const points = (v: number | null) => (v === null ? DASH : `${formatSignedPercent(v, 2).replace('%', '')} pp`);
  const rows: Row[] = s.available
    ? [
        ['Promoters', formatPercent(s.promoterHolding, 2)],
        signed('Promoters change', s.promoterHoldingChange, points),
        ['FIIs', formatPercent(s.fiiHolding, 2)],
        signed('FIIs change', s.fiiHoldingChange, points),
        ['DIIs', formatPercent(s.diiHolding, 2)],
        signed('DIIs change', s.diiHoldingChange, points),
        ['Pledged', formatPercent(s.pledgedPercentage, 2), (s.pledgedPercentage ?? 0) > 0 ? 'warn' : undefined],
      ]
    : [];
  return (
    <SectionCard
      title="Institutional"
      score={s.score}
      testId="section-institutional"
      note={s.note ?? (s.available ? null : 'No data: import fundamentals to see shareholding.')}
      rows={rows}
    />
  );
}

/** The six sections of a report, each with its score and its values; nulls show as "—". */
export function ReportSectionTables({ sections }: { sections: Sections }) {
  return (
    <div className="report-sections">
      <TechnicalCard s={sections.technical} />
      <MomentumCard s={sections.momentum} />
      <RiskCard s={sections.risk} />
      <DerivativesCard s={sections.derivatives} />
      <ValuationCard s={sections.valuation} />
      <InstitutionalCard s={sections.institutional} />
    </div>
  );
}

function LevelList({ title, levels, tone }: { title: string; levels: KeyLevel[]; tone: 'good' | 'bad' }) {
  return (
    <div className="level-list">
      <h3 className="subheading">{title}</h3>
      {levels.length === 0 ? (
        <p className="muted small">None found.</p>
      ) : (
        <table className="kv-table">
          <tbody>
            {levels.map((level) => (
              <tr key={level.price}>
                <th scope="row" className={tone}>
                  {formatRupees(level.price)}
                </th>
                <td className="muted">{level.source === 'swing' ? 'swing points' : 'volume'}</td>
                <td className="num" title="Higher is stronger">
                  {formatNumber(level.strength, level.source === 'swing' ? 0 : 2)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** Support below and resistance above, with where each level comes from and how strong it is. */
export function KeyLevels({ report }: { report: Report }) {
  return (
    <section className="report-section key-levels" data-testid="report-key-levels" aria-label="Key levels">
      <div className="report-section-head">
        <h3>Key levels</h3>
      </div>
      <div className="level-columns">
        <LevelList title="Resistance" levels={report.keyLevels.resistance} tone="bad" />
        <LevelList title="Support" levels={report.keyLevels.support} tone="good" />
      </div>
    </section>
  );
}
