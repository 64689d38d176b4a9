import { describe, expect, it } from 'vitest';
import {
  ReportComparisonSchema,
  TECHNICAL_INDICATORS,
  type Report,
  type ReportFactorName,
} from '../../../../shared/domain/analysis';
import { compareReports } from './compare';
import { sampleReport } from './sample-report';

/** A copy of `base` with some factor scores replaced, contributions and conviction recomputed as a deep-dive would. */
function withScores(
  base: Report,
  scores: Partial<Record<ReportFactorName, number | null>>,
  edit?: (r: Report) => void,
) {
  const report = structuredClone(base);
  report.factors = report.factors.map((f) => {
    const score = f.name in scores ? scores[f.name]! : f.score;
    return { ...f, score, contribution: (score ?? 0) * f.weight };
  });
  edit?.(report);
  report.convictionScore = report.factors.reduce((sum, f) => sum + f.contribution, 0);
  return report;
}

const older = withScores(sampleReport({ id: 40, createdAt: '2026-11-20T16:00:00+05:30' }), { momentum: 71 }, (r) => {
  r.asOf = '2026-11-20T00:00:00+05:30';
  r.sections.momentum.rsi14 = 64.2;
  r.sections.technical.indicators.rsi14 = 64.2;
});
const newer = withScores(sampleReport({ id: 42 }), { momentum: 48, technical: 70 }, (r) => {
  r.sections.momentum.rsi14 = 41.8;
  r.sections.technical.indicators.rsi14 = 41.8;
  r.sections.technical.trend = 'SIDEWAYS';
  r.riskGrade = 'HIGH';
  r.direction = 'NEUTRAL';
});

describe('comparing two reports of one symbol', () => {
  it('puts the older report first whichever way round they are given', () => {
    const forward = compareReports(older, newer);
    expect(compareReports(newer, older)).toEqual(forward);
    expect(ReportComparisonSchema.parse(forward)).toEqual(forward);
    expect(forward.older).toEqual({
      id: 40,
      symbol: 'RELIANCE',
      instrumentKey: 'NSE_EQ|INE002A01018',
      createdAt: '2026-11-20T16:00:00+05:30',
      convictionScore: older.convictionScore,
      riskGrade: 'MODERATE',
      direction: 'LONG',
    });
    expect(forward.newer.id).toBe(42);
  });

  it('orders reports made in the same instant by id, whatever offset their times are written in', () => {
    const a = sampleReport({ id: 7, createdAt: '2026-12-03T10:30:00Z' });
    const b = sampleReport({ id: 5, createdAt: '2026-12-03T16:00:00+05:30' });
    expect(compareReports(a, b).older.id).toBe(5);
    expect(compareReports(b, a).older.id).toBe(5);
  });

  it('gives the score change, each factor before and after, and every technical indicator', () => {
    const comparison = compareReports(older, newer);
    expect(comparison.scoreChange).toBeCloseTo(newer.convictionScore - older.convictionScore, 10);
    expect(comparison.scoreChange).toBeCloseTo(-4.6 + 0.5, 10);
    expect(comparison.gradeChanged).toBe(true);
    expect(comparison.directionChanged).toBe(true);
    const momentum = comparison.factors.find((f) => f.name === 'momentum')!;
    expect(momentum.before).toBe(71);
    expect(momentum.after).toBe(48);
    expect(momentum.contributionChange).toBeCloseTo(-4.6, 10);
    expect(comparison.factors.map((f) => f.name)).toEqual([
      'technical',
      'momentum',
      'risk',
      'derivatives',
      'valuation',
      'institutional',
    ]);
    expect(comparison.indicators.map((i) => i.name)).toEqual([...TECHNICAL_INDICATORS]);
    expect(comparison.indicators.find((i) => i.name === 'rsi14')).toEqual({ name: 'rsi14', before: 64.2, after: 41.8 });
  });

  it('explains the largest contribution change first, then the total, the grade, the direction and the data dates', () => {
    expect(compareReports(older, newer).explanation).toEqual([
      'Momentum fell from 71 to 48 and took 4.6 points off the score: RSI 14 went from 64.2 to 41.8.',
      'Technical rose from 68 to 70 and added 0.5 points to the score: the trend went from up to sideways.',
      `In all the conviction score fell by 4.1 points, from ${older.convictionScore.toFixed(1)} to ${newer.convictionScore.toFixed(1)}.`,
      'The risk grade went from moderate to high.',
      'The direction changed from long to neutral.',
      'The newer report reads daily candles to 2026-12-03, the older one to 2026-11-20.',
    ]);
  });

  it('says when a factor lost or gained its data, and why, and when a weight moved', () => {
    const before = withScores(sampleReport({ id: 1, createdAt: '2026-12-01T16:00:00+05:30' }), { derivatives: 60 });
    const after = withScores(sampleReport({ id: 2 }), { derivatives: null }, (r) => {
      r.sections.derivatives.note = 'No option chain was stored for the expiry.';
      r.factors = r.factors.map((f) =>
        f.name === 'technical' ? { ...f, weight: 0.4, contribution: (f.score ?? 0) * 0.4 } : f,
      );
    });
    const explanation = compareReports(before, after).explanation;
    expect(explanation.slice(0, 2)).toEqual([
      'Technical stayed at 68 and added 10.2 points to the score, its weight going from 25% to 40%.',
      'Derivatives has no data now (it scored 60 before), which took 9.0 points off the score: No option chain was stored for the expiry.',
    ]);
    const later = withScores(sampleReport({ id: 3, createdAt: '2026-12-04T16:00:00+05:30' }), { derivatives: 62 });
    expect(compareReports(after, later).explanation).toContain(
      'Derivatives had no data before and now scores 62, which added 9.3 points to the score.',
    );
  });

  it('says when the fundamentals the reports read are of different dates', () => {
    const base = sampleReport();
    const before = sampleReport({
      id: 1,
      createdAt: '2026-12-03T09:30:00+05:30',
      snapshot: { ...base.snapshot, fundamentals: { ...base.snapshot.fundamentals!, asOf: '2026-10-31' } },
    });
    expect(compareReports(before, base).explanation).toEqual([
      'No factor moved the score by 0.1 points or more.',
      `The conviction score stayed at ${base.convictionScore.toFixed(1)}.`,
      'The fundamentals are as of 2026-11-28 in the newer report and 2026-10-31 in the older one.',
    ]);
  });

  it('refuses reports of two symbols, naming b', () => {
    const other = sampleReport({ id: 9, symbol: 'INFY', instrumentKey: 'NSE_EQ|INE009A01021' });
    expect(() => compareReports(sampleReport(), other)).toThrow(
      expect.objectContaining({
        code: 'VALIDATION_FAILED',
        details: [expect.objectContaining({ path: ['b'], message: expect.stringMatching(/INFY/) })],
      }),
    );
  });
});
