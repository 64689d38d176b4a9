import { describe, expect, it } from 'vitest';
import type { OhlcvBar } from '../../../../shared/domain/feed';
import { FakeClock } from '../../../../tests/helpers/fake-clock';
import { ProviderError, type CandleRequest, type OhlcvProvider } from './provider';
import { cachedProvider, createFormingBarCache, createTtlCache, FORMING_BAR_TTL_MS } from './ttl-cache';

describe('TTL cache', () => {
  it('answers an entry until ttlMs after it was set, then forgets it', () => {
    const clock = new FakeClock();
    const cache = createTtlCache<string>({ ttlMs: 1_000, max: 10, clock });
    cache.set('a', 'first');
    clock.advance(999);
    expect(cache.get('a')).toBe('first');
    clock.advance(1);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('restarts the TTL when an entry is set again, not when it is read', () => {
    const clock = new FakeClock();
    const cache = createTtlCache<string>({ ttlMs: 1_000, max: 10, clock });
    cache.set('a', 'first');
    clock.advance(600);
    cache.get('a');
    clock.advance(600);
    expect(cache.get('a')).toBeUndefined();
    cache.set('a', 'second');
    clock.advance(600);
    cache.set('a', 'third');
    clock.advance(600);
    expect(cache.get('a')).toBe('third');
  });

  it('evicts the least recently used entry beyond max (a read counts as a use)', () => {
    const clock = new FakeClock();
    const cache = createTtlCache<number>({ ttlMs: 60_000, max: 2, clock });
    cache.set('a', 1);
    cache.set('b', 2);
    cache.get('a');
    cache.set('c', 3);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([1, undefined, 3]);
    expect(cache.size).toBe(2);
  });

  it('deletes an entry on demand, and never expires entries with ttlMs Infinity', () => {
    const clock = new FakeClock();
    const cache = createTtlCache<number>({ ttlMs: Infinity, max: 2, clock });
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.delete('a')).toBe(true);
    expect(cache.delete('a')).toBe(false);
    clock.advance(10 * 365 * 86_400_000);
    expect(cache.get('b')).toBe(2);
  });

  it('refuses a size below 1 and a TTL that is not positive', () => {
    const clock = new FakeClock();
    expect(() => createTtlCache({ ttlMs: 1_000, max: 0, clock })).toThrow(RangeError);
    expect(() => createTtlCache({ ttlMs: 0, max: 1, clock })).toThrow(RangeError);
  });
});

/** A provider that counts its calls and stamps each answer with the call number in the bar's close. */
function countingProvider(id = 'yahoo') {
  const calls: CandleRequest[] = [];
  let failNext = false;
  const provider: OhlcvProvider = {
    id,
    supports: (timeframe) => timeframe === '1d',
    limits: () => ({ spanMonths: null, earliest: '2000-01-01' }),
    async fetchCandles(request) {
      calls.push(request);
      if (failNext) {
        failNext = false;
        throw new ProviderError('NETWORK_TIMEOUT', 'no answer', true);
      }
      const bar: OhlcvBar = { ts: 0, open: 1, high: 2, low: 0.5, close: calls.length, volume: 10, oi: 0 };
      return [bar];
    },
  };
  return { provider, calls, failOnce: () => (failNext = true) };
}

// 10:00 IST on Wednesday 24 January 2024.
const NOW = '2024-01-24T04:30:00.000Z';
const request = (from: string, to: string, instrumentKey = 'NSE_EQ|INE002A01018'): CandleRequest => ({
  instrumentKey,
  tradingSymbol: 'RELIANCE',
  timeframe: '1d',
  from,
  to,
});
const signal = () => AbortSignal.timeout(10_000);

describe('cachedProvider', () => {
  it('answers a range ending today from the cache for 60 s, then asks again', async () => {
    const clock = new FakeClock(NOW);
    const { provider, calls } = countingProvider();
    const cached = cachedProvider(provider, createFormingBarCache(clock));
    const today = request('2024-01-01', '2024-01-24');
    expect((await cached.fetchCandles(today, signal()))[0]!.close).toBe(1);
    clock.advance(FORMING_BAR_TTL_MS - 1);
    expect((await cached.fetchCandles(today, signal()))[0]!.close).toBe(1);
    expect(calls).toHaveLength(1);
    clock.advance(1);
    expect((await cached.fetchCandles(today, signal()))[0]!.close).toBe(2);
    expect(calls).toHaveLength(2);
  });

  it('passes ranges that ended before today straight through', async () => {
    const clock = new FakeClock(NOW);
    const { provider, calls } = countingProvider();
    const cached = cachedProvider(provider, createFormingBarCache(clock));
    const past = request('2024-01-01', '2024-01-23');
    await cached.fetchCandles(past, signal());
    await cached.fetchCandles(past, signal());
    expect(calls).toHaveLength(2);
  });

  it('judges "today" in IST: at 23:00 IST on the 23rd a range ending the 23rd is the forming one', async () => {
    const clock = new FakeClock('2024-01-23T17:30:00.000Z');
    const { provider, calls } = countingProvider();
    const cached = cachedProvider(provider, createFormingBarCache(clock));
    await cached.fetchCandles(request('2024-01-01', '2024-01-23'), signal());
    await cached.fetchCandles(request('2024-01-01', '2024-01-23'), signal());
    expect(calls).toHaveLength(1);
    // 00:00 IST of the 24th: the 23rd's bar is final now.
    clock.set('2024-01-23T18:30:00.000Z');
    await cached.fetchCandles(request('2024-01-01', '2024-01-23'), signal());
    expect(calls).toHaveLength(2);
  });

  it('keys entries by provider, instrument, timeframe, from and to', async () => {
    const clock = new FakeClock(NOW);
    const cache = createFormingBarCache(clock);
    const yahoo = countingProvider('yahoo');
    const other = countingProvider('csv');
    const a = cachedProvider(yahoo.provider, cache);
    const b = cachedProvider(other.provider, cache);
    await a.fetchCandles(request('2024-01-01', '2024-01-24'), signal());
    await b.fetchCandles(request('2024-01-01', '2024-01-24'), signal());
    await a.fetchCandles(request('2024-01-02', '2024-01-24'), signal());
    await a.fetchCandles(request('2024-01-01', '2024-01-24', 'NSE_EQ|INE009A01021'), signal());
    await a.fetchCandles({ ...request('2024-01-01', '2024-01-24'), timeframe: '1w' }, signal());
    await a.fetchCandles(request('2024-01-01', '2024-01-24'), signal());
    expect([yahoo.calls.length, other.calls.length]).toEqual([4, 1]);
  });

  it('does not cache failures, and hands out copies of the cached bars', async () => {
    const clock = new FakeClock(NOW);
    const { provider, calls, failOnce } = countingProvider();
    const cached = cachedProvider(provider, createFormingBarCache(clock));
    const today = request('2024-01-01', '2024-01-24');
    failOnce();
    await expect(cached.fetchCandles(today, signal())).rejects.toMatchObject({ code: 'NETWORK_TIMEOUT' });
    const first = await cached.fetchCandles(today, signal());
    first.pop();
    expect(await cached.fetchCandles(today, signal())).toHaveLength(1);
    expect(calls).toHaveLength(2);
  });

  it("keeps the wrapped provider's id, timeframes and limits", () => {
    const { provider } = countingProvider();
    const cached = cachedProvider(provider, createFormingBarCache(new FakeClock(NOW)));
    expect(cached.id).toBe('yahoo');
    expect([cached.supports('1d'), cached.supports('1m')]).toEqual([true, false]);
    expect(cached.limits('1d')).toEqual(provider.limits('1d'));
  });
});
