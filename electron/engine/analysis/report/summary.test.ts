import { describe, expect, it } from 'vitest';
import { buildReport, type ReportInput } from './build';
import { barsFrom, chainOf, compounding, futuresFrom, line, snapshotOf, zigzag } from './fixtures';
import { formatCrore, formatRupees, formatSignedPct } from './summary';

const sentences = (text: string) => text.split(/(?<=\.)\s+(?=[A-Z])/);

const input = (overrides: Partial<ReportInput> = {}): ReportInput => ({
  analysisId: 7,
  symbol: 'RELIANCE',
  instrumentKey: 'NSE_EQ|INE002A01018',
  createdAt: Date.parse('2025-09-08T10:00:00+05:30'),
  level1: null,
  snapshot: snapshotOf({ daily: barsFrom(compounding(250, 1000, 0.002), { spread: 10 }) }),
  warnings: [],
  ...overrides,
});

describe('rupee formatting', () => {
  it('groups digits the Indian way, with paise only when there are any', () => {
    expect(formatRupees(2945.1)).toBe('₹2,945.10');
    expect(formatRupees(2900)).toBe('₹2,900');
    expect(formatRupees(999)).toBe('₹999');
    expect(formatRupees(100000)).toBe('₹1,00,000');
    expect(formatRupees(12345678.9)).toBe('₹1,23,45,678.90');
    expect(formatRupees(0.05)).toBe('₹0.05');
    expect(formatRupees(-1234.5)).toBe('-₹1,234.50');
    expect(formatRupees(-0.001)).toBe('₹0');
  });

  it('turnover in crore, percentages with their sign', () => {
    expect(formatCrore(5_123_000_000)).toBe('₹512.3 crore');
    expect(formatCrore(123_456_000_000)).toBe('₹12,345.6 crore');
    expect(formatSignedPct(6.24)).toBe('+6.2%');
    expect(formatSignedPct(-1.5)).toBe('-1.5%');
    expect(formatSignedPct(-0.01)).toBe('0.0%');
  });
});

describe('summary', () => {
  it('opens with the score, direction and risk, then the trend against the 200-day average', () => {
    const report = buildReport(input());
    const [headline, trend] = sentences(report.summary);
    expect(headline).toBe(
      `RELIANCE scores ${Math.round(report.convictionScore)} of 100 (${report.direction}, risk ${report.riskGrade}).`,
    );
    const t = report.sections.technical;
    expect(trend).toContain(`The trend is up: the close of ${formatRupees(t.lastClose)} is`);
    expect(trend).toContain(`${t.priceVsSma200Pct!.toFixed(1)}% above its 200-day average`);
  });

  it('has three sentences at least and six at most', () => {
    const bare = buildReport(input()).summary;
    expect(sentences(bare)).toHaveLength(3);
    const full = buildReport(
      input({
        level1: { verdict: 'PASS', compositeScore: 70, direction: 'SHORT' },
        warnings: ['daily candles are 4 days old'],
        snapshot: snapshotOf({
          daily: barsFrom(compounding(250, 1000, 0.002), { spread: 10 }),
          optionChain: chainOf(1640, [
            { strike: 1600, callOi: 100, putOi: 200 },
            { strike: 1650, callOi: 300, putOi: 200 },
          ]),
          futures: { instrumentKey: 'NSE_FO|1', candles: futuresFrom(line(10, 1600, 5), line(10, 1000, 10)) },
        }),
      }),
    ).summary;
    const all = sentences(full);
    expect(all).toHaveLength(6);
    expect(all[2]).toBe('Options positioning: PCR 1.00, max pain ₹1,650, futures show long build-up.');
    expect(all[4]).toBe('Level 1 said SHORT: this analysis disagrees.');
    expect(all[5]).toBe('Some of the data is stale or short: daily candles are 4 days old.');
  });

  it('quotes the nearest support and resistance', () => {
    const report = buildReport(
      input({ snapshot: snapshotOf({ daily: barsFrom(zigzag(96, 100, 120, 2), { spread: 0.5 }) }) }),
    );
    expect(report.summary).toContain('Support ₹99.50, resistance ₹120.50.');
    // 96 candles are too few for a 200-day average: the summary says so, and the report warns.
    expect(report.summary).toContain('with too few candles for a 200-day average');
    expect(report.summary).toContain('only 96 daily candles');
  });

  it('futures without a chain are described by their build-up', () => {
    const report = buildReport(
      input({
        snapshot: snapshotOf({
          daily: barsFrom(compounding(250, 1000, 0.002), { spread: 10 }),
          futures: { instrumentKey: 'NSE_FO|1', candles: futuresFrom(line(10, 1600, -5), line(10, 1000, 10)) },
        }),
      }),
    );
    // OI from 1040 (session 4) to 1090 (session 9): +4.8%.
    expect(report.summary).toContain('Futures positioning: short build-up, open interest +4.8% over 5 sessions.');
  });
});
