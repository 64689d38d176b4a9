import { abortReason } from '../common/backoff';
import type { Clock, TimerHandle } from '../common/clock';

/** Upstox counts requests per API family and per user; orders have a tighter per-second limit than the rest. */
export type ApiFamily = 'standard' | 'order';

/** Requests allowed in each window. `Infinity` switches a window off. */
export interface BucketLimits {
  perSecond: number;
  perMinute: number;
  per30Minutes: number;
}

/** Upstox's published numbers for non-algo users (docs §5; unverified upstream, so they are configurable). */
export const DEFAULT_LIMITS: Readonly<Record<ApiFamily, BucketLimits>> = {
  standard: { perSecond: 50, perMinute: 500, per30Minutes: 2000 },
  order: { perSecond: 10, perMinute: 500, per30Minutes: 2000 },
};

const WINDOWS_MS: Readonly<Record<keyof BucketLimits, number>> = {
  perSecond: 1_000,
  perMinute: 60_000,
  per30Minutes: 1_800_000,
};

export interface RateLimiter {
  /**
   * Resolves once a request of `family` may go out (first come, first served), with the time its slot was counted
   * at (hand it to `answered`); rejects when `signal` aborts.
   */
  acquire(family: ApiFamily, signal?: AbortSignal): Promise<number>;
  /**
   * The request counted at `sentAt` has its answer: its slot is counted from now on. A server counts a request when
   * it arrives, which is after we sent it; counting from the answer (always later than its arrival) keeps a slot
   * from freeing here before it frees there, so requests released at a window's edge never land inside the
   * server's window.
   */
  answered(family: ApiFamily, sentAt: number): void;
  /** Takes a slot and returns 0, or returns the milliseconds until one frees up (taking nothing). */
  tryAcquire(family: ApiFamily): number;
  /** Holds every caller of `family` back for `ms` (after a 429: the server is counting differently from us). */
  penalize(family: ApiFamily, ms: number): void;
  /** Changes `family`'s limits from now on (a user setting); requests already counted stay counted. */
  setLimits(family: ApiFamily, limits: Partial<BucketLimits>): void;
  /**
   * Milliseconds from now until `requests` more requests of `family` could all have gone out, behind the callers
   * already waiting and within every window: the least time the work can take, whatever the concurrency.
   */
  estimateMs(family: ApiFamily, requests: number): number;
}

export interface RateLimiterOptions {
  clock: Clock;
  limits?: Partial<Record<ApiFamily, Partial<BucketLimits>>>;
}

interface Waiter {
  resolve(sentAt: number): void;
  reject(reason: unknown): void;
  detach(): void;
}

interface FamilyState {
  limits: BucketLimits;
  windows: { ms: number; limit: number }[];
  /** Send times, oldest first, kept only as long as the longest finite window needs them. */
  stamps: number[];
  keepMs: number;
  blockedUntil: number;
  queue: Waiter[];
  timer: TimerHandle | undefined;
}

/**
 * Sliding-window limiter: a request may go when, in each of its family's windows, fewer than `limit` requests went
 * out in the last `ms`. Exact windows (not refilling buckets) so a burst can never exceed what Upstox counts.
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { clock } = options;
  const families = new Map<ApiFamily, FamilyState>();

  function stateOf(family: ApiFamily): FamilyState {
    let state = families.get(family);
    if (!state) {
      state = {
        ...windowsOf(family, { ...DEFAULT_LIMITS[family], ...options.limits?.[family] }),
        stamps: [],
        blockedUntil: 0,
        queue: [],
        timer: undefined,
      };
      families.set(family, state);
    }
    return state;
  }

  function windowsOf(family: ApiFamily, limits: BucketLimits): Pick<FamilyState, 'limits' | 'windows' | 'keepMs'> {
    const windows = (Object.keys(WINDOWS_MS) as (keyof BucketLimits)[]).map((key) => {
      const limit = limits[key];
      if (!(limit >= 1)) throw new RangeError(`rate limit ${family}.${key} must be at least 1, got ${limit}`);
      return { ms: WINDOWS_MS[key], limit: Number.isFinite(limit) ? Math.floor(limit) : limit };
    });
    return {
      limits,
      windows,
      keepMs: Math.max(0, ...windows.filter((w) => Number.isFinite(w.limit)).map((w) => w.ms)),
    };
  }

  /** Milliseconds until `state` has room in every window (0 = now). */
  function waitFor(state: FamilyState, now: number): number {
    let drop = 0;
    while (drop < state.stamps.length && (state.stamps[drop] ?? 0) <= now - state.keepMs) drop++;
    if (drop > 0) state.stamps.splice(0, drop);
    let wait = Math.max(0, state.blockedUntil - now);
    for (const { ms, limit } of state.windows) {
      if (state.stamps.length < limit) continue;
      // The stamp `limit` places from the end must leave this window before another fits (if it already has, this is <= 0).
      const blocking = state.stamps[state.stamps.length - limit] ?? now;
      wait = Math.max(wait, blocking + ms - now);
    }
    return wait;
  }

  function take(state: FamilyState, now: number): void {
    state.stamps.push(now);
  }

  /** Lets queued waiters through while there is room, then sleeps until the head's slot frees up. */
  function pump(state: FamilyState): void {
    clock.clearTimeout(state.timer);
    state.timer = undefined;
    while (state.queue.length > 0) {
      const now = clock.now();
      const wait = waitFor(state, now);
      if (wait > 0) {
        state.timer = clock.setTimeout(() => pump(state), wait);
        return;
      }
      take(state, now);
      const waiter = state.queue.shift();
      waiter?.detach();
      waiter?.resolve(now);
    }
  }

  return {
    acquire(family, signal) {
      const state = stateOf(family);
      if (signal?.aborted) return Promise.reject(abortReason(signal));
      const now = clock.now();
      if (state.queue.length === 0 && waitFor(state, now) === 0) {
        take(state, now);
        return Promise.resolve(now);
      }
      return new Promise<number>((resolve, reject) => {
        const onAbort = (): void => {
          const index = state.queue.indexOf(waiter);
          if (index >= 0) state.queue.splice(index, 1);
          // The head may have changed; reschedule for whoever is first now (or nobody).
          if (index === 0) pump(state);
          reject(abortReason(signal));
        };
        const waiter: Waiter = { resolve, reject, detach: () => signal?.removeEventListener('abort', onAbort) };
        signal?.addEventListener('abort', onAbort, { once: true });
        state.queue.push(waiter);
        if (state.queue.length === 1) pump(state);
      });
    },

    tryAcquire(family) {
      const state = stateOf(family);
      const now = clock.now();
      const wait = waitFor(state, now);
      // Queued callers were first; a free slot is theirs, so report at least a tick of waiting.
      if (state.queue.length > 0) return Math.max(1, wait);
      if (wait === 0) take(state, now);
      return wait;
    },

    setLimits(family, limits) {
      const state = stateOf(family);
      Object.assign(state, windowsOf(family, { ...state.limits, ...limits }));
      if (state.queue.length > 0) pump(state);
    },

    answered(family, sentAt) {
      const state = stateOf(family);
      const at = state.stamps.lastIndexOf(sentAt);
      // Already aged out of every window (or never counted): nothing left to move.
      if (at < 0) return;
      const now = Math.max(sentAt, clock.now());
      state.stamps.splice(at, 1);
      // Stamps stay in time order: the windows read them by position.
      let i = state.stamps.length;
      while (i > 0 && state.stamps[i - 1]! > now) i--;
      state.stamps.splice(i, 0, now);
      if (state.queue.length > 0) pump(state);
    },

    estimateMs(family, requests) {
      const state = stateOf(family);
      const now = clock.now();
      waitFor(state, now);
      const stamps = state.stamps.slice();
      let at = Math.max(now, state.blockedUntil);
      // Sends one at a time at the earliest moment every window allows, as pump() would.
      for (let n = state.queue.length + Math.max(0, Math.ceil(requests)); n > 0; n--) {
        for (const { ms, limit } of state.windows) {
          if (stamps.length >= limit) at = Math.max(at, stamps[stamps.length - limit]! + ms);
        }
        stamps.push(at);
      }
      return at - now;
    },

    penalize(family, ms) {
      const state = stateOf(family);
      state.blockedUntil = Math.max(state.blockedUntil, clock.now() + Math.max(0, ms));
      if (state.queue.length > 0) pump(state);
    },
  };
}

/** The per-second rates a user may lower in Settings (Upstox's limits are per user, and unverified upstream). */
export function applyRateSettings(
  limiter: RateLimiter,
  values: { upstoxRequestsPerSecond: number; upstoxOrdersPerSecond: number },
): void {
  limiter.setLimits('standard', { perSecond: values.upstoxRequestsPerSecond });
  limiter.setLimits('order', { perSecond: values.upstoxOrdersPerSecond });
}
