import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../tests/helpers/fake-clock';
import { delay } from '../common/backoff';
import { createRateLimiter } from './rate-limit';

/** Lets promise callbacks that timers just triggered run. */
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function track(promise: Promise<unknown>): {
  settled: () => 'pending' | 'resolved' | 'rejected';
  error: () => unknown;
} {
  let state: 'pending' | 'resolved' | 'rejected' = 'pending';
  let error: unknown;
  promise.then(
    () => (state = 'resolved'),
    (e: unknown) => {
      state = 'rejected';
      error = e;
    },
  );
  return { settled: () => state, error: () => error };
}

describe('createRateLimiter', () => {
  it('lets a full second of the standard family through at once and holds the 51st for a second', async () => {
    const clock = new FakeClock();
    const limiter = createRateLimiter({ clock });
    const first = Array.from({ length: 50 }, () => track(limiter.acquire('standard')));
    await flush();
    expect(first.every((p) => p.settled() === 'resolved')).toBe(true);

    const next = track(limiter.acquire('standard'));
    await flush();
    expect(next.settled()).toBe('pending');
    clock.advance(999);
    await flush();
    expect(next.settled()).toBe('pending');
    clock.advance(1);
    await flush();
    expect(next.settled()).toBe('resolved');
  });

  it('applies new limits at once, to requests already waiting too', async () => {
    const clock = new FakeClock();
    const limiter = createRateLimiter({ clock });
    for (let i = 0; i < 10; i++) await limiter.acquire('order');
    const waiting = track(limiter.acquire('order'));
    await flush();
    expect(waiting.settled()).toBe('pending');
    // A SEBI-registered algo account may send 50 orders a second.
    limiter.setLimits('order', { perSecond: 50 });
    await flush();
    expect(waiting.settled()).toBe('resolved');
    limiter.setLimits('order', { perSecond: 5 });
    expect(limiter.tryAcquire('order')).toBeGreaterThan(0);
  });

  it('caps the order family at 10 per second', () => {
    const limiter = createRateLimiter({ clock: new FakeClock() });
    const waits = Array.from({ length: 11 }, () => limiter.tryAcquire('order'));
    expect(waits.slice(0, 10)).toEqual(Array(10).fill(0));
    expect(waits[10]).toBe(1_000);
    expect(limiter.tryAcquire('standard')).toBe(0);
  });

  it('caps a minute at 500 even when every second stays under its limit', async () => {
    const clock = new FakeClock();
    const limiter = createRateLimiter({ clock });
    for (let second = 0; second < 10; second++) {
      for (let i = 0; i < 50; i++) expect(limiter.tryAcquire('standard')).toBe(0);
      clock.advance(1_000);
    }
    // 500 went out in [0 s, 9 s]; the earliest of them leaves the minute window at 60 s, now is 10 s.
    expect(limiter.tryAcquire('standard')).toBe(50_000);
    const next = track(limiter.acquire('standard'));
    clock.advance(49_999);
    await flush();
    expect(next.settled()).toBe('pending');
    clock.advance(1);
    await flush();
    expect(next.settled()).toBe('resolved');
  });

  it('caps 30 minutes with configured limits', () => {
    const clock = new FakeClock();
    const limiter = createRateLimiter({
      clock,
      limits: { standard: { perSecond: 100, perMinute: 100, per30Minutes: 150 } },
    });
    for (let i = 0; i < 100; i++) expect(limiter.tryAcquire('standard')).toBe(0);
    clock.advance(60_000);
    for (let i = 0; i < 50; i++) expect(limiter.tryAcquire('standard')).toBe(0);
    expect(limiter.tryAcquire('standard')).toBe(30 * 60_000 - 60_000);
  });

  it('penalize holds back every caller of the family, queued ones included, but not the other family', async () => {
    const clock = new FakeClock();
    const limiter = createRateLimiter({ clock, limits: { standard: { perSecond: 1 } } });
    expect(limiter.tryAcquire('standard')).toBe(0);
    const queued = track(limiter.acquire('standard')); // due at 1 s
    limiter.penalize('standard', 5_000);
    expect(limiter.tryAcquire('standard')).toBe(5_000);
    const later = track(limiter.acquire('standard'));
    expect(limiter.tryAcquire('order')).toBe(0);

    clock.advance(4_999);
    await flush();
    expect(queued.settled()).toBe('pending');
    clock.advance(1);
    await flush();
    expect(queued.settled()).toBe('resolved');
    expect(later.settled()).toBe('pending'); // one per second still applies after the penalty
    clock.advance(1_000);
    await flush();
    expect(later.settled()).toBe('resolved');
  });

  it('serves waiters first come, first served', async () => {
    const clock = new FakeClock();
    const limiter = createRateLimiter({ clock, limits: { standard: { perSecond: 1 } } });
    const order: number[] = [];
    await limiter.acquire('standard');
    const waiting = [1, 2, 3].map((n) => limiter.acquire('standard').then(() => order.push(n)));
    expect(limiter.tryAcquire('standard')).toBeGreaterThan(0); // a newcomer does not jump the queue
    for (let i = 0; i < 3; i++) clock.advance(1_000);
    await Promise.all(waiting);
    expect(order).toEqual([1, 2, 3]);
  });

  it('rejects a waiter whose signal aborts and lets the next one take its place', async () => {
    const clock = new FakeClock();
    const limiter = createRateLimiter({ clock, limits: { standard: { perSecond: 1 } } });
    await limiter.acquire('standard');
    const controller = new AbortController();
    const aborted = track(limiter.acquire('standard', controller.signal));
    const next = track(limiter.acquire('standard'));
    controller.abort();
    await flush();
    expect(aborted.settled()).toBe('rejected');
    expect((aborted.error() as Error).name).toBe('AbortError');

    clock.advance(1_000);
    await flush();
    expect(next.settled()).toBe('resolved');
    expect(clock.pendingTimers()).toBe(0);
    await expect(limiter.acquire('standard', AbortSignal.abort())).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('estimates when n more requests will all have gone out, matching what acquire then does', async () => {
    const clock = new FakeClock();
    const limiter = createRateLimiter({ clock });
    expect(limiter.estimateMs('standard', 50)).toBe(0);
    expect(limiter.estimateMs('standard', 51)).toBe(1000);
    // 500 a minute binds, 50 a second within it: the last 200 go out from 2:00, 50 a second, the last at 2:03.
    const estimate = limiter.estimateMs('standard', 1200);
    expect(estimate).toBe(123_000);

    const started = clock.now();
    let lastAt = -1;
    let sent = 0;
    for (let i = 0; i < 1200; i++)
      void limiter.acquire('standard').then(() => {
        sent++;
        lastAt = clock.now();
      });
    while (sent < 1200) {
      await flush();
      clock.advance(100);
    }
    expect(lastAt - started).toBeGreaterThanOrEqual(estimate);
    expect(lastAt - started).toBeLessThanOrEqual(estimate + 100);
  });

  it('counts the callers already waiting and a 429 penalty into the estimate', async () => {
    const clock = new FakeClock();
    const limiter = createRateLimiter({ clock, limits: { standard: { perSecond: 10 } } });
    for (let i = 0; i < 15; i++) void limiter.acquire('standard');
    await flush();
    // 10 went out; 5 wait for the next second, and 10 more after them fill the one after.
    expect(limiter.estimateMs('standard', 10)).toBe(2000);
    limiter.penalize('standard', 5000);
    expect(limiter.estimateMs('standard', 1)).toBe(5000);
  });

  it('counts a slot from its answer: a request answered late frees its slot a window after the answer, as the server counts it', async () => {
    const clock = new FakeClock();
    const limiter = createRateLimiter({ clock, limits: { standard: { perSecond: 2 } } });
    const first = await limiter.acquire('standard');
    const second = await limiter.acquire('standard');
    expect(first).toBe(clock.now());
    clock.advance(300);
    // Both answers come 300 ms after the requests went out.
    limiter.answered('standard', first);
    limiter.answered('standard', second);
    const third = track(limiter.acquire('standard'));
    clock.advance(700);
    await flush();
    expect(third.settled(), 'one second after the send, but not after the answer').toBe('pending');
    clock.advance(300);
    await flush();
    expect(third.settled()).toBe('resolved');
  });

  it('refuses a limit below 1', () => {
    const limiter = createRateLimiter({ clock: new FakeClock(), limits: { order: { perSecond: 0 } } });
    expect(() => limiter.tryAcquire('order')).toThrow(RangeError);
  });
});

describe('delay', () => {
  it('resolves when the clock reaches the time and rejects on abort', async () => {
    const clock = new FakeClock();
    const done = track(delay(clock, 500));
    clock.advance(500);
    await flush();
    expect(done.settled()).toBe('resolved');

    const controller = new AbortController();
    const cancelled = track(delay(clock, 500, controller.signal));
    controller.abort();
    await flush();
    expect(cancelled.settled()).toBe('rejected');
    expect(clock.pendingTimers()).toBe(0);
  });
});
