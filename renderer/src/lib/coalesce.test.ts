import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { coalesce } from './coalesce';

describe('coalesce', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('folds a burst of requests into one run now and one after the interval', async () => {
    let runs = 0;
    const loader = coalesce(async () => void runs++, 1000);
    for (let i = 0; i < 200; i++) loader.request();
    await vi.advanceTimersByTimeAsync(0);
    expect(runs).toBe(1);
    for (let i = 0; i < 200; i++) loader.request();
    await vi.advanceTimersByTimeAsync(999);
    expect(runs).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(runs).toBe(2);
    await vi.advanceTimersByTimeAsync(5000);
    expect(runs).toBe(2);
  });

  it('never runs twice at once: a request during a run runs once after it', async () => {
    let release = () => {};
    let runs = 0;
    const loader = coalesce(
      () =>
        new Promise<void>((resolve) => {
          runs++;
          release = resolve;
        }),
      0,
    );
    loader.request();
    await vi.advanceTimersByTimeAsync(0);
    loader.request();
    loader.request();
    await vi.advanceTimersByTimeAsync(100);
    expect(runs).toBe(1);
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(runs).toBe(2);
  });
});
