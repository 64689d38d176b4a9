import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../tests/helpers/fake-clock';
import { backoffDelay } from '../common/backoff';
import { EtaEstimator } from './eta';

describe('EtaEstimator', () => {
  it('knows nothing before the first item has finished', () => {
    const eta = new EtaEstimator();
    expect(eta.avgItemMs()).toBeNull();
    expect(eta.estimate(100, 1, Date.now())).toBeNull();
  });

  it('estimates now + average item time × items left ÷ items running at once', () => {
    const clock = new FakeClock('2026-01-05T04:00:00.000Z');
    const eta = new EtaEstimator();
    for (let i = 0; i < 5; i++) eta.record(200);
    expect(eta.avgItemMs()).toBe(200);
    expect(eta.estimate(10, 1, clock.now())).toBe(clock.now() + 2_000);
    expect(eta.estimate(10, 4, clock.now())).toBe(clock.now() + 500);
    // A concurrency below 1 counts as 1, never a division by zero.
    expect(eta.estimate(10, 0, clock.now())).toBe(clock.now() + 2_000);

    clock.advance(60_000);
    expect(eta.estimate(3, 1, clock.now())).toBe(Date.parse('2026-01-05T04:01:00.600Z'));
    expect(eta.estimate(0, 1, clock.now())).toBe(clock.now());
  });

  it('reacts to a slowdown within a few items, unlike a plain mean', () => {
    const eta = new EtaEstimator();
    const durations: number[] = [];
    const record = (ms: number) => {
      durations.push(ms);
      eta.record(ms);
    };
    for (let i = 0; i < 20; i++) record(100);
    for (let i = 0; i < 3; i++) record(1_000); // rate limiting kicks in
    const mean = durations.reduce((a, b) => a + b, 0) / durations.length;

    expect(mean).toBeLessThan(220);
    expect(eta.avgItemMs()!).toBeGreaterThan(500);
    expect(eta.avgItemMs()!).toBeLessThan(1_000);
    // ... and back down once the slowdown is over.
    for (let i = 0; i < 20; i++) record(100);
    expect(eta.avgItemMs()!).toBeLessThan(110);
  });

  it('rounds the published average to a tenth of a millisecond', () => {
    const eta = new EtaEstimator();
    eta.record(1);
    eta.record(2);
    expect(eta.avgItemMs()).toBe(1.2);
  });
});

describe('backoffDelay', () => {
  const top = () => 1 - Number.EPSILON;
  const bottom = () => 0;

  it('grows exponentially from the base', () => {
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(a, 1_000, 1_000_000, top))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000,
    ]);
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(a, 1_000, 1_000_000, bottom))).toEqual([
      500, 1_000, 2_000, 4_000, 8_000,
    ]);
  });

  it('never exceeds the maximum, however many attempts', () => {
    for (const attempt of [10, 20, 64, 1_100, 10_000]) {
      const d = backoffDelay(attempt, 2_000, 300_000, top);
      expect(d).toBeLessThanOrEqual(300_000);
      expect(d).toBeGreaterThanOrEqual(150_000);
      expect(Number.isFinite(d)).toBe(true);
    }
  });

  it('treats attempt 0 or less as the first', () => {
    expect(backoffDelay(0, 1_000, 60_000, top)).toBe(1_000);
    expect(backoffDelay(-3, 1_000, 60_000, top)).toBe(1_000);
  });

  it('jitters within [d/2, d] and spreads retries out', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) {
      const d = backoffDelay(3, 1_000, 60_000);
      expect(d).toBeGreaterThanOrEqual(2_000);
      expect(d).toBeLessThanOrEqual(4_000);
      seen.add(d);
    }
    expect(seen.size).toBeGreaterThan(100);
  });
});
