import type { OhlcvBar } from '../../../../shared/domain/feed';
import { istDate } from '../../../../shared/time';
import type { Clock } from '../../common/clock';
import type { CandleRequest, OhlcvProvider } from './provider';

/** A bounded map whose entries expire `ttlMs` after they were set; beyond `max`, the least recently used goes. */
export interface TtlCache<V> {
  get(key: string): V | undefined;
  set(key: string, value: V): void;
  delete(key: string): boolean;
  readonly size: number;
  /** The cache's time, so a user of it judges "today" by the same clock that expires entries. */
  now(): number;
}

export interface TtlCacheOptions {
  /** Infinity: entries never expire, the cache is a plain LRU. */
  ttlMs: number;
  max: number;
  clock: Pick<Clock, 'now'>;
}

/**
 * A Map kept in recency order (a read moves the entry to the end), so the first key is always the one to evict.
 * lru-cache comes close (`ttl`, and `perf` for the clock since 11.2), but its docs advise against replacing the clock
 * outside tests and its autopurge runs on real timers; these few lines follow the engine's Clock exactly, without
 * another dependency.
 */
export function createTtlCache<V>({ ttlMs, max, clock }: TtlCacheOptions): TtlCache<V> {
  if (!(max >= 1)) throw new RangeError(`a cache holds at least 1 entry, got max ${max}`);
  if (!(ttlMs > 0)) throw new RangeError(`ttlMs must be positive, got ${ttlMs}`);
  const entries = new Map<string, { value: V; expiresAt: number }>();
  return {
    get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      entries.delete(key);
      if (entry.expiresAt <= clock.now()) return undefined;
      entries.set(key, entry);
      return entry.value;
    },
    set(key, value) {
      entries.delete(key);
      entries.set(key, { value, expiresAt: clock.now() + ttlMs });
      for (const oldest of entries.keys()) {
        if (entries.size <= max) break;
        entries.delete(oldest);
      }
    },
    delete: (key) => entries.delete(key),
    get size() {
      return entries.size;
    },
    now: () => clock.now(),
  };
}

/** How long an answer holding the still-forming bar is reused. */
export const FORMING_BAR_TTL_MS = 60_000;

/** The cache `cachedProvider` takes: the forming bar's TTL by default, a few hundred ranges. */
export function createFormingBarCache(
  clock: Pick<Clock, 'now'>,
  { ttlMs = FORMING_BAR_TTL_MS, max = 256 }: { ttlMs?: number; max?: number } = {},
): TtlCache<OhlcvBar[]> {
  return createTtlCache({ ttlMs, max, clock });
}

const keyOf = (providerId: string, { instrumentKey, timeframe, from, to }: CandleRequest) =>
  JSON.stringify([providerId, instrumentKey, timeframe, from, to]);

/**
 * Answers a range that ends today (IST) from `cache` while its entry lives: a chart or scan asking again within the
 * TTL gets the same forming bar instead of another request. Ranges that end earlier are passed through, because
 * their bars are final and stored in the database anyway. Failures are never cached.
 */
export function cachedProvider(provider: OhlcvProvider, cache: TtlCache<OhlcvBar[]>): OhlcvProvider {
  return {
    id: provider.id,
    supports: (timeframe) => provider.supports(timeframe),
    limits: (timeframe) => provider.limits(timeframe),
    async fetchCandles(request, signal) {
      if (request.to < istDate(cache.now())) return provider.fetchCandles(request, signal);
      const key = keyOf(provider.id, request);
      const cached = cache.get(key);
      if (cached) return cached.slice();
      const bars = await provider.fetchCandles(request, signal);
      cache.set(key, bars.slice());
      return bars;
    },
  };
}
