import { describe, expect, it } from 'vitest';
import { beta } from '../indicators';
import { barsFrom, range } from './fixtures';
import { betaAgainst, gradeOf, liquidityOf, medianTurnover, riskPoints, riskSection, type RiskFigures } from './risk';
import { indicatorValues } from './technical';

const calm: RiskFigures = { volatility: 0.1, atrPct: 1, drawdown: 0.05, beta: 0.5, liquidity: 'HIGH' };

describe('risk points and grade', () => {
  it('each figure earns 0-3 points at its band boundaries, lower bound inclusive', () => {
    expect(riskPoints(calm)).toBe(0);
    expect(riskPoints({ ...calm, volatility: 0.1999 })).toBe(0);
    expect(riskPoints({ ...calm, volatility: 0.2 })).toBe(1);
    expect(riskPoints({ ...calm, volatility: 0.3 })).toBe(2);
    expect(riskPoints({ ...calm, volatility: 0.45 })).toBe(3);
    expect(riskPoints({ ...calm, atrPct: 1.5 })).toBe(1);
    expect(riskPoints({ ...calm, atrPct: 4 })).toBe(3);
    expect(riskPoints({ ...calm, drawdown: 0.25 })).toBe(2);
    expect(riskPoints({ ...calm, drawdown: 0.4 })).toBe(3);
    expect(riskPoints({ ...calm, beta: 1.1 })).toBe(2);
    expect(riskPoints({ ...calm, liquidity: 'MEDIUM' })).toBe(1);
    expect(riskPoints({ ...calm, liquidity: 'LOW' })).toBe(3);
    // What cannot be computed counts 1 point each.
    expect(riskPoints({ ...calm, volatility: null, beta: null })).toBe(2);
    expect(riskPoints({ volatility: 0.9, atrPct: 9, drawdown: 0.6, beta: 2, liquidity: 'LOW' })).toBe(15);
  });

  it('grades: 0-3 LOW, 4-6 MODERATE, 7-10 HIGH, 11-15 VERY_HIGH', () => {
    expect([0, 3, 4, 6, 7, 10, 11, 15].map(gradeOf)).toEqual([
      'LOW',
      'LOW',
      'MODERATE',
      'MODERATE',
      'HIGH',
      'HIGH',
      'VERY_HIGH',
      'VERY_HIGH',
    ]);
  });

  it('liquidity: HIGH from ₹50 crore a day, MEDIUM from ₹5 crore', () => {
    expect(liquidityOf(50e7)).toBe('HIGH');
    expect(liquidityOf(50e7 - 1)).toBe('MEDIUM');
    expect(liquidityOf(5e7)).toBe('MEDIUM');
    expect(liquidityOf(5e7 - 1)).toBe('LOW');
    expect(liquidityOf(null)).toBe('LOW');
  });
});

describe('risk figures', () => {
  it('median turnover is the median close × volume of the last 20 sessions', () => {
    // 25 sessions at close 100; volumes 1..25 million; the last 20 are 6..25 million, median 15.5 million.
    const bars = barsFrom(
      range(25, () => 100),
      { volume: (i) => (i + 1) * 1e6 },
    );
    expect(medianTurnover(bars)).toBe(100 * 15.5e6);
  });

  it('beta pairs sessions by date, so a session missing from the index drops out instead of shifting the rest', () => {
    const index = range(120, (i) => 20_000 * Math.exp(0.01 * Math.sin(i * 1.7) + 0.001 * i));
    // The stock moves 1.5 times the index, in log terms.
    const stock = index.map((v) => 500 * (v / 20_000) ** 1.5);
    const stockBars = barsFrom(stock);
    const indexBars = barsFrom(index).filter((_, i) => i !== 60);
    expect(betaAgainst(stockBars, indexBars)).toBeCloseTo(1.5, 9);
    // Paired by position instead, every session after the gap would compare different days.
    expect(
      beta(
        stock,
        indexBars.map((b) => b.close),
      ),
    ).not.toBeCloseTo(1.5, 1);
    expect(betaAgainst(stockBars, null)).toBeNull();
  });

  it('the section: ATR as a percent of the close, drawdown over the last 252 closes, a higher score when safer', () => {
    // 300 closes: a fall from 200 to 100 early on (outside the last 252), then a 10% dip and recovery.
    const closes = [
      ...range(48, (i) => 200 - (100 * i) / 47),
      ...range(126, () => 100),
      ...range(63, (i) => 100 - (10 * i) / 62),
      ...range(63, (i) => 90 + (10 * i) / 62),
    ];
    const bars = barsFrom(closes, { spread: 1, volume: 10_000_000 });
    const indicators = indicatorValues(bars);
    const risk = riskSection(bars, null, indicators);
    expect(risk.atrPct).toBeCloseTo((indicators.atr14! / 100) * 100, 12);
    expect(risk.maxDrawdown1y).toBeCloseTo(0.1, 12);
    // The last 20 closes (280-299) rise steadily: their median is the mean of the 10th and 11th.
    expect(risk.medianTurnover20).toBeCloseTo(((closes[289]! + closes[290]!) / 2) * 10_000_000, 3);
    expect(risk.liquidity).toBe('HIGH');
    expect(risk.beta).toBeNull();
    expect(risk.realisedVol60).not.toBeNull();

    const thin = riskSection(barsFrom(closes, { spread: 1, volume: 1000 }), null, indicators);
    expect(thin.liquidity).toBe('LOW');
    expect(thin.score).toBeLessThan(risk.score);
  });
});
