import { describe, expect, it } from 'vitest';
import { fundamentalsOf } from './fixtures';
import { institutionalSection, valuationSection } from './fundamentals-sections';

describe('valuation', () => {
  it('scores a fairly valued, profitable, lightly indebted company above 50', () => {
    // P/E 24 against 28 (ratio 0.86): +5; P/B 2.2: 0; ROE 18: +5; ROCE 16: 0; D/E 0.4: +5; profit growth 16: +5;
    // sales growth 14: +5. 50 + 25 = 75.
    const v = valuationSection(fundamentalsOf());
    expect(v).toMatchObject({ available: true, pe: 24, industryPe: 28, roe: 18, debtToEquity: 0.4, score: 75 });
    expect(v.note).toBeNull();
  });

  it('an expensive, loss-making or indebted company scores lower', () => {
    // P/E twice the industry's: -10 instead of +5; D/E 2: -10 instead of +5. 75 - 30 = 45.
    expect(valuationSection(fundamentalsOf({ pe: 56, debtToEquity: 2 })).score).toBe(45);
    // Losses: P/E -10 whatever the industry's.
    expect(valuationSection(fundamentalsOf({ pe: -12 })).score).toBe(60);
  });

  it('names the missing figures and scores the rest', () => {
    const v = valuationSection(fundamentalsOf({ industryPe: null, roce: null }));
    // Without an industry P/E, a P/E of 24 earns 0 (between 20 and 60): 75 - 5.
    expect(v.score).toBe(70);
    expect(v.note).toBe('No industry P/E, ROCE in the fundamentals of 2025-09-30.');
  });

  it('without fundamentals: unavailable, unscored, and a note saying what to import', () => {
    const v = valuationSection(null);
    expect(v).toMatchObject({ available: false, score: null, pe: null, marketCap: null });
    expect(v.note).toBe('No fundamentals for this symbol: import a screener export to score valuation.');
  });
});

describe('institutional', () => {
  it('scores promoter holding, the changes in holdings and the pledge', () => {
    // Promoters 50.3%: +10; +0.2: +5; FII -0.3: -4; DII +0.6: +6; nothing pledged: +5. 50 + 22 = 72.
    expect(institutionalSection(fundamentalsOf()).score).toBe(72);
  });

  it('a pledge above 10% weighs heavily down', () => {
    // -30 instead of +5.
    expect(institutionalSection(fundamentalsOf({ pledgedPercentage: 12 })).score).toBe(37);
    // 6%: -10 instead of +5.
    expect(institutionalSection(fundamentalsOf({ pledgedPercentage: 6 })).score).toBe(57);
  });

  it('without shareholding figures the section is unavailable', () => {
    const none = fundamentalsOf({
      promoterHolding: null,
      promoterHoldingChange: null,
      fiiHoldingChange: null,
      diiHoldingChange: null,
      pledgedPercentage: null,
    });
    const i = institutionalSection(none);
    expect(i.available).toBe(false);
    expect(i.score).toBeNull();
    expect(i.note).toContain('No promoter holding, promoter holding change');
    expect(institutionalSection(null).note).toBe(
      'No fundamentals for this symbol: import a screener export to score shareholding.',
    );
  });
});
