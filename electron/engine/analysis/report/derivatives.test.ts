import { describe, expect, it } from 'vitest';
import { classifyBuildUp, derivativesSection, futuresPositioning, maxPain } from './derivatives';
import { chainOf, futuresFrom, line } from './fixtures';

/**
 * Spot 102 over three strikes:
 *   strike   call OI   put OI
 *     90       100      600
 *    100       300      400
 *    110       600      100
 * PCR = (600 + 400 + 100) / (100 + 300 + 600) = 1100 / 1000 = 1.1.
 * Paid to holders at expiry if the underlying settles at
 *    90: calls 0;                          puts 400 × 10 + 100 × 20 = 6000  → 6000
 *   100: calls 100 × 10 = 1000;            puts 100 × 10 = 1000            → 2000
 *   110: calls 100 × 20 + 300 × 10 = 5000; puts 0                          → 5000
 * so max pain is 100, which is also the strike nearest spot (ATM), whose call IV 0.20 and put IV 0.24 average 0.22.
 */
const CHAIN = chainOf(102, [
  { strike: 90, callOi: 100, putOi: 600 },
  { strike: 100, callOi: 300, putOi: 400, callIv: 0.2, putIv: 0.24 },
  { strike: 110, callOi: 600, putOi: 100 },
]);

describe('option chain figures', () => {
  it('PCR, max pain, ATM strike and ATM IV of a hand-worked chain', () => {
    const d = derivativesSection(CHAIN, null);
    expect(d.available).toBe(true);
    expect(d.totalCallOi).toBe(1000);
    expect(d.totalPutOi).toBe(1100);
    expect(d.pcr).toBeCloseTo(1.1, 12);
    expect(d.maxPain).toBe(100);
    expect(d.atmStrike).toBe(100);
    expect(d.atmIv).toBeCloseTo(0.22, 12);
    expect(d.spot).toBe(102);
    expect(d.expiry).toBe('2025-12-25');
    expect(d.oiByStrike).toEqual([
      { strike: 90, callOi: 100, putOi: 600 },
      { strike: 100, callOi: 300, putOi: 400 },
      { strike: 110, callOi: 600, putOi: 100 },
    ]);
    expect(d.ivSmile[1]).toEqual({ strike: 100, callIv: 0.2, putIv: 0.24 });
    expect(d.ivSmile[0]).toEqual({ strike: 90, callIv: null, putIv: null });
    expect(d.note).toBe('No futures candles in the snapshot: option chain only.');
  });

  it('max pain moves to where the open interest is heavy on both sides', () => {
    // Calls written at 120 and puts at 80 both expire worthless anywhere from 80 to 120: the lowest such strike wins.
    const rows = [80, 100, 120].map((strike) => ({
      strike,
      call: strike === 120 ? { ltp: 1, oi: 1000, prevOi: 1000, volume: 0, iv: null, delta: null } : null,
      put: strike === 80 ? { ltp: 1, oi: 1000, prevOi: 1000, volume: 0, iv: null, delta: null } : null,
    }));
    expect(maxPain(rows)).toBe(80);
    expect(maxPain(rows.map((r) => ({ ...r, call: null, put: null })))).toBeNull();
  });

  it('chain OI change is the total against the previous session, in percent', () => {
    // Both sides at 1500 against 1000 each the session before: 3000 / 2000 - 1 = +50%.
    const grown = chainOf(100, [{ strike: 100, callOi: 1500, putOi: 1500, prevOi: 1000 }]);
    expect(derivativesSection(grown, null).chainOiChangePct).toBeCloseTo(50, 12);
    // 500 + 700 against 2000: -40%.
    const shrunk = chainOf(100, [{ strike: 100, callOi: 500, putOi: 700, prevOi: 1000 }]);
    expect(derivativesSection(shrunk, null).chainOiChangePct).toBeCloseTo(-40, 12);
  });

  it('a healthy PCR, long build-up and spot above max pain score bullish; the mirror image bearish', () => {
    const rising = futuresFrom(line(10, 1000, 5), line(10, 50_000, 1000));
    const falling = futuresFrom(line(10, 1000, -5), line(10, 50_000, 1000));
    const bullish = derivativesSection(CHAIN, rising);
    // 50 + 10 (PCR 1.1) + 15 (long build-up) + 5 (spot 102 above max pain 100).
    expect(bullish.score).toBe(80);
    const bearChain = chainOf(95, [
      { strike: 90, callOi: 100, putOi: 100 },
      { strike: 100, callOi: 300, putOi: 100 },
      { strike: 110, callOi: 600, putOi: 100 },
    ]);
    const bearish = derivativesSection(bearChain, falling);
    // PCR 300 / 1000 = 0.3: -10. Payouts: at 90 puts 100×10 + 100×20 = 3000; at 100 calls 100×10 + puts 100×10 =
    // 2000; at 110 calls 100×20 + 300×10 = 5000: max pain 100, spot 95 below it: -5. Short build-up: -15.
    expect(bearish.pcr).toBeCloseTo(0.3, 12);
    expect(bearish.maxPain).toBe(100);
    expect(bearish.oiBuildUp).toBe('SHORT_BUILD_UP');
    expect(bearish.score).toBe(20);
    expect(bullish.note).toBeNull();
  });
});

describe('futures open interest', () => {
  it.each([
    [5, 1000, 'LONG_BUILD_UP'],
    [-5, 1000, 'SHORT_BUILD_UP'],
    [5, -1000, 'SHORT_COVERING'],
    [-5, -1000, 'LONG_UNWINDING'],
  ] as const)('price step %s and OI step %s over five sessions is %s', (priceStep, oiStep, expected) => {
    const bars = futuresFrom(line(10, 1000, priceStep), line(10, 50_000, oiStep));
    const positioning = futuresPositioning(bars);
    expect(positioning.buildUp).toBe(expected);
    // OI of the last session (index 9) against five sessions before it (index 4).
    expect(positioning.oi).toBe(50_000 + 9 * oiStep);
    expect(positioning.oiChangePct).toBeCloseTo(((50_000 + 9 * oiStep) / (50_000 + 4 * oiStep) - 1) * 100, 12);
  });

  it('no change in price or in OI names no build-up', () => {
    expect(classifyBuildUp(0, 100)).toBeNull();
    expect(classifyBuildUp(5, 0)).toBeNull();
  });

  it('futures alone make the section available, scored on the build-up only', () => {
    const d = derivativesSection(null, futuresFrom(line(10, 1000, 5), line(10, 50_000, -1000)));
    expect(d).toMatchObject({
      available: true,
      pcr: null,
      maxPain: null,
      oiBuildUp: 'SHORT_COVERING',
      futuresOi: 41_000,
      oiByStrike: [],
      note: 'No option chain in the snapshot: futures open interest only.',
    });
    expect(d.score).toBe(58);
  });

  it('with neither a chain nor futures the section is unavailable and unscored', () => {
    const d = derivativesSection(null, null);
    expect(d.available).toBe(false);
    expect(d.score).toBeNull();
    expect(d.note).toBe('No option chain or futures candles in the snapshot: derivatives not scored.');
    expect(d.oiByStrike).toEqual([]);
    expect(d.futuresOi).toBeNull();
  });
});
