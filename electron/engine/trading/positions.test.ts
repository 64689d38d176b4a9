import { describe, expect, it } from 'vitest';
import { applyFill, fillLines, unrealisedPaise, type FillInput } from './positions';

const buy = (quantity: number, valuePaise: number, chargesPaise = 0): FillInput => ({
  side: 'BUY',
  quantity,
  valuePaise,
  chargesPaise,
});
const sell = (quantity: number, valuePaise: number, chargesPaise = 0): FillInput => ({
  side: 'SELL',
  quantity,
  valuePaise,
  chargesPaise,
});

describe('applyFill', () => {
  it('opens a long at the fill value: 10 bought at ₹2,500.00 cost ₹25,000.00', () => {
    expect(applyFill(0, 0, buy(10, 2_500_000))).toEqual({
      netQuantity: 10,
      costPaise: 2_500_000,
      realisedPaise: 0,
      cashFlowPaise: -2_500_000,
    });
  });

  it('opens a short with a negative cost and cash coming in', () => {
    expect(applyFill(0, 0, sell(10, 2_500_000))).toEqual({
      netQuantity: -10,
      costPaise: -2_500_000,
      realisedPaise: 0,
      cashFlowPaise: 2_500_000,
    });
  });

  it('adds to a long and to a short at the new price, realising nothing', () => {
    // 10 at ₹2,500 then 5 at ₹2,600: cost 25,00,000 + 13,00,000 paise.
    expect(applyFill(10, 2_500_000, buy(5, 1_300_000))).toEqual({
      netQuantity: 15,
      costPaise: 3_800_000,
      realisedPaise: 0,
      cashFlowPaise: -1_300_000,
    });
    expect(applyFill(-10, -2_500_000, sell(5, 1_300_000))).toEqual({
      netQuantity: -15,
      costPaise: -3_800_000,
      realisedPaise: 0,
      cashFlowPaise: 1_300_000,
    });
  });

  it('closes 3 of 7 units at their average cost, rounded to the paisa', () => {
    // 7 units cost 70,010 paise (₹100.0142857 each); 3 of them cost 30,004.2857 → 30,004.
    // Sold for 33,000: realised 33,000 − 30,004 = 2,996; the 4 left cost 70,010 − 30,004 = 40,006.
    expect(applyFill(7, 70_010, sell(3, 33_000))).toEqual({
      netQuantity: 4,
      costPaise: 40_006,
      realisedPaise: 2_996,
      cashFlowPaise: 33_000,
    });
  });

  it('rounds a half paisa of cost closed up: 2 of 4 units costing 1,001 paise', () => {
    // 1,001 × 2 / 4 = 500.5 → 501 closed; sold for 600, realising 99; the 2 left cost 500.
    expect(applyFill(4, 1_001, sell(2, 600))).toEqual({
      netQuantity: 2,
      costPaise: 500,
      realisedPaise: 99,
      cashFlowPaise: 600,
    });
  });

  it('closes part of a short at its average cost: 3 of 7 short units bought back', () => {
    // 7 short for −70,010; 3 of them −30,004.2857 → −30,004; bought back for 27,000: realised 30,004 − 27,000.
    expect(applyFill(-7, -70_010, buy(3, 27_000))).toEqual({
      netQuantity: -4,
      costPaise: -40_006,
      realisedPaise: 3_004,
      cashFlowPaise: -27_000,
    });
  });

  it('closes a whole position at its whole cost, leaving nothing at cost', () => {
    // 10 at ₹2,500 sold at ₹2,550: realised ₹500.
    expect(applyFill(10, 2_500_000, sell(10, 2_550_000))).toEqual({
      netQuantity: 0,
      costPaise: 0,
      realisedPaise: 50_000,
      cashFlowPaise: 2_550_000,
    });
    // A losing cover of a short: 10 short at ₹2,500 bought back at ₹2,550, realised −₹500.
    expect(applyFill(-10, -2_500_000, buy(10, 2_550_000))).toEqual({
      netQuantity: 0,
      costPaise: 0,
      realisedPaise: -50_000,
      cashFlowPaise: -2_550_000,
    });
  });

  it('flips through zero: long 10, sell 25 → short 15 at the sale price', () => {
    // 25 sold at ₹2,550 = 63,75,000 paise; 10 of them close the long (25,50,000, realising 50,000), the other 15
    // open a short at −38,25,000 = −15 × ₹2,550.
    expect(applyFill(10, 2_500_000, sell(25, 6_375_000))).toEqual({
      netQuantity: -15,
      costPaise: -3_825_000,
      realisedPaise: 50_000,
      cashFlowPaise: 6_375_000,
    });
  });

  it('flips a short into a long, splitting an uneven fill value to the paisa', () => {
    // 1 short at −900; 3 bought for 1,000 paise: the one closing is worth round(1,000 / 3) = 333, realising
    // 900 − 333 = 567; the 2 opening the long cost the rest, 667.
    expect(applyFill(-1, -900, buy(3, 1_000))).toEqual({
      netQuantity: 2,
      costPaise: 667,
      realisedPaise: 567,
      cashFlowPaise: -1_000,
    });
  });
});

describe('fillLines', () => {
  it('books the cash, the positions at cost, the charges and the realised P&L of a closing sale', () => {
    const change = applyFill(10, 2_500_000, sell(10, 2_550_000));
    // Cash in 25,50,000 less 1,234 charges; positions −25,00,000; realised 50,000 is a credit.
    expect(fillLines(change, 2_500_000, 1_234)).toEqual([
      { account: 'cash', amountPaise: 2_548_766 },
      { account: 'positions', amountPaise: -2_500_000 },
      { account: 'charges', amountPaise: 1_234 },
      { account: 'realised_pnl', amountPaise: -50_000 },
    ]);
  });
});

describe('unrealisedPaise', () => {
  it('marks a long and a short at the live price, and nothing without one', () => {
    expect(unrealisedPaise({ netQuantity: 10, costPaise: 2_500_000 }, 260_000)).toBe(100_000);
    expect(unrealisedPaise({ netQuantity: -10, costPaise: -2_500_000 }, 260_000)).toBe(-100_000);
    expect(unrealisedPaise({ netQuantity: 10, costPaise: 2_500_000 }, null)).toBe(0);
    expect(unrealisedPaise({ netQuantity: 0, costPaise: 0 }, 260_000)).toBe(0);
  });
});

/** mulberry32: a small seeded generator, so a failure repeats with the same fills. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe('applyFill over thousands of random fills', () => {
  it('keeps cash flow + change of cost − realised at zero, and every fill’s lines sum to zero', () => {
    const random = seeded(20260105);
    const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
    let net = 0;
    let cost = 0;
    let cash = 0;
    let realised = 0;
    for (let i = 0; i < 5_000; i++) {
      const quantity = int(1, 60);
      // An average price in whole paise or not (a fill over several book levels), from ₹1 to ₹5,000 a unit.
      const valuePaise = Math.round(quantity * int(100, 500_000) + random() * quantity);
      const fill: FillInput = {
        side: random() < 0.5 ? 'BUY' : 'SELL',
        quantity,
        valuePaise,
        chargesPaise: int(0, 5_000),
      };
      const change = applyFill(net, cost, fill);
      const context = `fill ${i}: ${JSON.stringify({ net, cost, fill, change })}`;

      expect(change.cashFlowPaise + (change.costPaise - cost) - change.realisedPaise, context).toBe(0);
      const lines = fillLines(change, cost, fill.chargesPaise);
      expect(
        lines.reduce((sum, line) => sum + line.amountPaise, 0),
        context,
      ).toBe(0);
      for (const line of lines) expect(Number.isSafeInteger(line.amountPaise), context).toBe(true);
      expect(change.netQuantity, context).toBe(net + (fill.side === 'BUY' ? quantity : -quantity));
      // A position's cost has its sign, and a closed one costs nothing.
      if (change.netQuantity === 0) expect(change.costPaise, context).toBe(0);
      else expect(Math.sign(change.costPaise) * Math.sign(change.netQuantity), context).toBeGreaterThanOrEqual(0);

      net = change.netQuantity;
      cost = change.costPaise;
      cash += change.cashFlowPaise;
      realised += change.realisedPaise;
    }
    // Over the whole run: what was paid in and out is what is still held at cost, less what was realised.
    expect(cash + cost - realised).toBe(0);
  });
});
