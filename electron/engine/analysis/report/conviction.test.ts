import { describe, expect, it } from 'vitest';
import type { ReportSections } from '../../../../shared/domain/analysis';
import { buildReport } from './build';
import {
  agreesWithLevel1,
  convictionScore,
  directionFrom,
  FACTOR_WEIGHTS,
  factorsFrom,
  renormalisedWeights,
} from './conviction';
import { barsFrom, chainOf, compounding, fundamentalsOf, snapshotOf } from './fixtures';

const sectionsOf = (closes: number[], parts: Parameters<typeof snapshotOf>[0] | null = null): ReportSections =>
  buildReport({
    analysisId: 1,
    symbol: 'TEST',
    instrumentKey: 'NSE_EQ|TEST',
    createdAt: 0,
    level1: null,
    snapshot: snapshotOf(parts ?? { daily: barsFrom(closes) }),
    warnings: [],
  }).sections;

describe('factor weights', () => {
  it('default weights sum to 1', () => {
    expect(Object.values(FACTOR_WEIGHTS).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('without derivatives and fundamentals the three price factors share the weight in proportion', () => {
    const factors = factorsFrom(sectionsOf(compounding(250, 100, 0.002)), 'LONG');
    expect(factors.map((f) => f.name)).toEqual([
      'technical',
      'momentum',
      'risk',
      'derivatives',
      'valuation',
      'institutional',
    ]);
    // 0.30, 0.20 and 0.15 over their sum 0.65.
    const weight = Object.fromEntries(factors.map((f) => [f.name, f.weight]));
    expect(weight.technical).toBeCloseTo(0.3 / 0.65, 12);
    expect(weight.momentum).toBeCloseTo(0.2 / 0.65, 12);
    expect(weight.risk).toBeCloseTo(0.15 / 0.65, 12);
    for (const name of ['derivatives', 'valuation', 'institutional'] as const) {
      const factor = factors.find((f) => f.name === name)!;
      expect(factor).toMatchObject({ score: null, weight: 0, contribution: 0 });
    }
    for (const f of factors) expect(f.contribution).toBeCloseTo((f.score ?? 0) * f.weight, 12);
    const expected = factors.reduce((sum, f) => sum + f.contribution, 0);
    expect(convictionScore(factors)).toBeCloseTo(expected, 1);
  });

  it('with every factor scored the weights are the defaults', () => {
    const daily = barsFrom(compounding(250, 100, 0.002));
    const sections = sectionsOf([], {
      daily,
      optionChain: chainOf(160, [{ strike: 160, callOi: 1000, putOi: 1100 }]),
      fundamentals: fundamentalsOf(),
    });
    for (const f of factorsFrom(sections, 'LONG')) expect(f.weight).toBeCloseTo(FACTOR_WEIGHTS[f.name], 12);
  });

  it('renormalises whatever subset has scores', () => {
    const weights = renormalisedWeights({
      technical: 60,
      momentum: null,
      risk: null,
      derivatives: 40,
      valuation: null,
      institutional: null,
    });
    // 0.30 and 0.15 over 0.45.
    expect(weights.technical).toBeCloseTo(2 / 3, 12);
    expect(weights.derivatives).toBeCloseTo(1 / 3, 12);
    expect(weights.momentum).toBe(0);
  });

  it('each factor explains its score with the numbers behind it', () => {
    const sections = sectionsOf(compounding(250, 100, 0.002));
    const [technical, momentum, risk, derivatives] = factorsFrom(sections, 'LONG');
    expect(technical!.detail).toMatch(/^Trend UP, close \+\d+\.\d% against the 200-day SMA/);
    expect(momentum!.detail).toContain('OBV rising');
    expect(risk!.detail).toMatch(/^Grade (LOW|MODERATE|HIGH|VERY_HIGH)/);
    expect(derivatives!.detail).toBe('No option chain or futures candles in the snapshot: derivatives not scored.');
  });
});

describe('a SHORT report', () => {
  it('scores the price and positioning factors for the short, and risk and fundamentals as they are', () => {
    const sections = sectionsOf(compounding(250, 100, -0.002), {
      daily: barsFrom(compounding(250, 100, -0.002)),
      fundamentals: fundamentalsOf(),
    });
    expect(directionFrom(sections)).toBe('SHORT');
    const long = Object.fromEntries(factorsFrom(sections, 'LONG').map((f) => [f.name, f]));
    const short = Object.fromEntries(factorsFrom(sections, 'SHORT').map((f) => [f.name, f]));
    expect(short.technical!.score).toBeCloseTo(100 - long.technical!.score!, 9);
    expect(short.momentum!.score).toBeCloseTo(100 - long.momentum!.score!, 9);
    expect(short.technical!.score).toBeGreaterThan(70);
    expect(short.technical!.detail).toMatch(/Scored for the short: 100 minus its bullish score of \d+\.\d\.$/);
    for (const name of ['risk', 'valuation', 'institutional']) expect(short[name]).toEqual(long[name]);
    expect(convictionScore(Object.values(short))).toBeGreaterThan(convictionScore(Object.values(long)));
  });
});

describe('direction', () => {
  const base = sectionsOf(compounding(250, 100, 0.002));
  const with_ = (trend: ReportSections['technical']['trend'], momentum: number) =>
    directionFrom({ technical: { ...base.technical, trend }, momentum: { ...base.momentum, score: momentum } });

  it('LONG needs an up trend and momentum of 55 or more; SHORT a down trend and 45 or less', () => {
    expect(with_('UP', 55)).toBe('LONG');
    expect(with_('UP', 54.9)).toBe('NEUTRAL');
    expect(with_('DOWN', 45)).toBe('SHORT');
    expect(with_('DOWN', 45.1)).toBe('NEUTRAL');
    expect(with_('SIDEWAYS', 90)).toBe('NEUTRAL');
    expect(with_('DOWN', 90)).toBe('NEUTRAL');
  });

  it('agrees with Level 1 when the directions match, null without Level 1', () => {
    const level1 = { verdict: 'PASS' as const, compositeScore: 70, direction: 'LONG' as const };
    expect(agreesWithLevel1(level1, 'LONG')).toBe(true);
    expect(agreesWithLevel1(level1, 'SHORT')).toBe(false);
    expect(agreesWithLevel1(null, 'LONG')).toBeNull();
  });
});
