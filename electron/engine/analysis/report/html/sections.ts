import { TECHNICAL_INDICATORS, type Report, type ReportSections } from '../../../../../shared/domain/analysis';
import { ivSmileChart, noData, openInterestChart } from './charts';
import {
  MISSING,
  crore,
  duration,
  factorLabel,
  fixed,
  fractionPercent,
  indian,
  istDate,
  istDateTime,
  percent,
  rupees,
  signedPercent,
  words,
} from './format';
import { markup, type Markup } from './markup';

/** The tables of an exported report: every value of every section, labelled and formatted. */

type Row = readonly [label: string, value: string];
/** A field of a section, its label, and a formatter that takes that field's type. */
type Field<T> = { [K in keyof T & string]: readonly [K, string, (value: T[K]) => string] }[keyof T & string];

const score = (value: number | null) => fixed(value, 0);
const ratio = (value: number | null) => fixed(value, 2);
const textOrMissing = (value: string | null) => value ?? MISSING;
const yesNo = (value: boolean | null) => (value === null ? MISSING : value ? 'Yes' : 'No');

/** Rows for the fields `spec` names, in its order, each through its formatter. */
function rows<T extends object>(section: T, spec: readonly Field<T>[]): Row[] {
  return spec.map(([key, label, format]) => [label, (format as (value: unknown) => string)(section[key])] as const);
}

export function table(caption: string, body: readonly Row[]): Markup {
  const lines = body.map(([label, value]) => markup`<tr><th scope="row">${label}</th><td>${value}</td></tr>`);
  return markup`<table class="values"><caption>${caption}</caption><tbody>${lines}</tbody></table>`;
}

/** A table with a header row; `cells` are already formatted. */
function grid(caption: string, head: readonly string[], body: readonly (readonly string[])[], marked?: number): Markup {
  const header = markup`<tr>${head.map((h) => markup`<th>${h}</th>`)}</tr>`;
  const lines = body.map(
    (cells, i) =>
      markup`<tr${i === marked ? markup` class="marked"` : ''}>${cells.map((c) => markup`<td>${c}</td>`)}</tr>`,
  );
  return markup`<table class="grid-table"><caption>${caption}</caption><thead>${header}</thead><tbody>${lines}</tbody></table>`;
}

const section = (id: string, title: string, content: Markup): Markup =>
  markup`<section id="${id}"><h2>${title}</h2>${content}</section>`;

const INDICATOR_FORMATS: Record<
  (typeof TECHNICAL_INDICATORS)[number],
  readonly [string, (v: number | null) => string]
> = {
  sma20: ['SMA 20', rupees],
  sma50: ['SMA 50', rupees],
  sma200: ['SMA 200', rupees],
  ema20: ['EMA 20', rupees],
  ema50: ['EMA 50', rupees],
  rsi14: ['RSI 14', ratio],
  atr14: ['ATR 14', rupees],
  macd: ['MACD (12, 26)', ratio],
  macdSignal: ['MACD signal (9)', ratio],
  macdHistogram: ['MACD histogram', ratio],
  bbUpper: ['Bollinger upper (20, 2)', rupees],
  bbMiddle: ['Bollinger middle', rupees],
  bbLower: ['Bollinger lower', rupees],
  adx14: ['ADX 14', ratio],
  roc10: ['ROC 10', percent],
  realisedVol20: ['Realised volatility 20 (annualised)', fractionPercent],
};

function technical(s: ReportSections['technical']): Markup {
  const trend = table(
    'Trend',
    rows(s, [
      ['lastClose', 'Last close', rupees],
      ['trend', 'Trend', words],
      ['priceVsSma200Pct', 'Close against SMA 200', signedPercent],
      ['score', 'Score', score],
    ]),
  );
  const indicators = table(
    'Indicators on the last daily candle',
    TECHNICAL_INDICATORS.map((name) => {
      const [label, format] = INDICATOR_FORMATS[name];
      return [label, format(s.indicators[name])] as const;
    }),
  );
  const signals =
    s.signals.length === 0
      ? markup`<p>No signals.</p>`
      : markup`<ul class="signals">${s.signals.map((signal) => markup`<li>${signal}</li>`)}</ul>`;
  return section('technical', 'Technical', markup`${trend}${indicators}<h3>Signals</h3>${signals}`);
}

function momentum(s: ReportSections['momentum']): Markup {
  const values = rows(s, [
    ['rsi14', 'RSI 14', ratio],
    ['roc10', 'ROC 10', percent],
    ['macdHistogram', 'MACD histogram', ratio],
    ['return1m', 'Return, 1 month', fractionPercent],
    ['return3m', 'Return, 3 months', fractionPercent],
    ['return6m', 'Return, 6 months', fractionPercent],
    ['return1y', 'Return, 1 year', fractionPercent],
    ['obvTrend', 'On-balance volume', words],
    ['hourlyVsSma20Pct', 'Hourly close against its SMA 20', signedPercent],
    ['score', 'Score', score],
  ]);
  return section('momentum', 'Momentum', table('Momentum', values));
}

function risk(s: ReportSections['risk']): Markup {
  const values = rows(s, [
    ['grade', 'Risk grade', words],
    ['atrPct', 'ATR 14 of the close', percent],
    ['realisedVol20', 'Realised volatility 20', fractionPercent],
    ['realisedVol60', 'Realised volatility 60', fractionPercent],
    ['maxDrawdown1y', 'Largest drawdown, 1 year', fractionPercent],
    ['beta', 'Beta against NIFTY 50', ratio],
    ['medianTurnover20', 'Median daily turnover, 20 sessions', (v: number | null) => rupees(v, 0)],
    ['liquidity', 'Liquidity', words],
    ['score', 'Score (higher is safer)', score],
  ]);
  return section('risk', 'Risk', table('Risk', values));
}

function strikeTable(s: ReportSections['derivatives']): Markup {
  const oi = new Map(s.oiByStrike.map((p) => [p.strike, p]));
  const iv = new Map(s.ivSmile.map((p) => [p.strike, p]));
  const strikes = [...new Set([...oi.keys(), ...iv.keys()])].sort((a, b) => a - b);
  if (strikes.length === 0) return markup``;
  const body = strikes.map((strike) => [
    indian(strike, 2),
    indian(oi.get(strike)?.callOi ?? null),
    indian(oi.get(strike)?.putOi ?? null),
    fractionPercent(iv.get(strike)?.callIv ?? null),
    fractionPercent(iv.get(strike)?.putIv ?? null),
  ]);
  const head = ['Strike', 'Call OI', 'Put OI', 'Call IV', 'Put IV'];
  return grid('By strike (max pain in bold)', head, body, strikes.indexOf(s.maxPain ?? NaN));
}

function derivatives(s: ReportSections['derivatives']): Markup {
  const values = rows(s, [
    ['available', 'Data available', yesNo],
    ['expiry', 'Expiry', textOrMissing],
    ['spot', 'Spot', rupees],
    ['pcr', 'Put-call ratio (OI)', ratio],
    ['maxPain', 'Max pain', rupees],
    ['atmStrike', 'ATM strike', rupees],
    ['atmIv', 'ATM implied volatility', fractionPercent],
    ['totalCallOi', 'Total call OI', indian],
    ['totalPutOi', 'Total put OI', indian],
    ['chainOiChangePct', 'Chain OI change', signedPercent],
    ['futuresOi', 'Futures OI', indian],
    ['futuresOiChangePct', 'Futures OI change', signedPercent],
    ['oiBuildUp', 'OI build-up', words],
    ['score', 'Score', score],
    ['note', 'Note', textOrMissing],
  ]);
  const charts = markup`<h3>Open interest by strike</h3><div class="figure">${openInterestChart(s)}</div><h3>Implied volatility smile</h3><div class="figure">${ivSmileChart(s)}</div>`;
  return section(
    'derivatives',
    'Derivatives',
    markup`${table('Options and futures', values)}${charts}${strikeTable(s)}`,
  );
}

function valuation(s: ReportSections['valuation'], fundamentals: Report['snapshot']['fundamentals']): Markup {
  const source = fundamentals
    ? markup`<p class="muted">${fundamentals.name ?? fundamentals.symbol}${fundamentals.industry ? `, ${fundamentals.industry}` : ''}: fundamentals from ${fundamentals.source}, as of ${fundamentals.asOf}.</p>`
    : noData('no fundamentals were imported for this symbol.');
  const values = rows(s, [
    ['available', 'Data available', yesNo],
    ['marketCap', 'Market capitalisation', crore],
    ['pe', 'P/E', ratio],
    ['industryPe', 'Industry P/E', ratio],
    ['pb', 'Price to book', ratio],
    ['roe', 'Return on equity', percent],
    ['roce', 'Return on capital employed', percent],
    ['debtToEquity', 'Debt to equity', ratio],
    ['salesGrowth3y', 'Sales growth, 3 years', percent],
    ['profitGrowth3y', 'Profit growth, 3 years', percent],
    ['dividendYield', 'Dividend yield', percent],
    ['score', 'Score', score],
    ['note', 'Note', textOrMissing],
  ]);
  return section('valuation', 'Valuation', markup`${source}${table('Valuation', values)}`);
}

function institutional(s: ReportSections['institutional']): Markup {
  const values = rows(s, [
    ['available', 'Data available', yesNo],
    ['promoterHolding', 'Promoter holding', percent],
    ['promoterHoldingChange', 'Change in promoter holding', signedPercent],
    ['fiiHolding', 'FII holding', percent],
    ['fiiHoldingChange', 'Change in FII holding', signedPercent],
    ['diiHolding', 'DII holding', percent],
    ['diiHoldingChange', 'Change in DII holding', signedPercent],
    ['pledgedPercentage', 'Promoter shares pledged', percent],
    ['score', 'Score', score],
    ['note', 'Note', textOrMissing],
  ]);
  return section('institutional', 'Institutional holding', table('Shareholding', values));
}

export function sectionTables(report: Report): Markup {
  const s = report.sections;
  return markup`${technical(s.technical)}${momentum(s.momentum)}${risk(s.risk)}${derivatives(s.derivatives)}${valuation(s.valuation, report.snapshot.fundamentals)}${institutional(s.institutional)}`;
}

export function factorTable(report: Report): Markup {
  if (report.factors.length === 0) return markup``;
  const body = report.factors.map((f) => [
    factorLabel(f.name),
    score(f.score),
    percent(f.weight * 100, 1),
    fixed(f.contribution, 2),
    f.detail,
  ]);
  const weights = report.factors.reduce((sum, f) => sum + f.weight, 0);
  body.push(['Conviction', '', percent(weights * 100, 1), fixed(report.convictionScore, 2), '']);
  return grid('Factors', ['Factor', 'Score', 'Weight', 'Contribution', 'Why'], body, body.length - 1);
}

export function keyLevelTable(report: Report): Markup {
  const byPrice = (a: { price: number }, b: { price: number }) => b.price - a.price;
  const levels = [
    ...report.keyLevels.resistance.map((l) => ({ ...l, kind: 'Resistance' })).sort(byPrice),
    ...report.keyLevels.support.map((l) => ({ ...l, kind: 'Support' })).sort(byPrice),
  ];
  if (levels.length === 0) return noData('no support or resistance levels were found.');
  const close = report.sections.technical.lastClose;
  const body = levels.map((l) => [
    l.kind,
    rupees(l.price),
    signedPercent(close === 0 ? null : (l.price / close - 1) * 100),
    l.source === 'swing' ? 'Swing points' : 'Volume profile',
    fixed(l.strength, 2),
  ]);
  return grid('Key levels', ['Level', 'Price', 'Against last close', 'Found by', 'Strength'], body);
}

export function dataAgeTable(report: Report): Markup {
  const entries = Object.entries(report.snapshot.dataAge).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const body = entries.map(([name, age]) => [
    name,
    age.asOf === null ? MISSING : istDateTime(age.asOf),
    duration(age.ageMs),
    yesNo(age.refreshed),
  ]);
  const table =
    body.length === 0
      ? markup``
      : grid('Data the report was made from', ['Data', 'As of', 'Age when made', 'Refreshed by this deep-dive'], body);
  const candles = report.snapshot.candles;
  return markup`${table}<p class="muted">${candles['1d'].length} daily and ${candles['1h'].length} hourly candles, the last daily session ${istDate(report.asOf)}.</p>`;
}
