import { describe, expect, it } from 'vitest';
import type { Instrument } from '../../../shared/domain/instruments';
import { FakeClock } from '../../../tests/helpers/fake-clock';
import { createInstrumentCache } from './instrument-cache';

const instrument = (key: string, lotSize: number): Instrument => ({
  instrumentKey: key,
  tradingSymbol: key,
  name: key,
  segment: 'NSE_FO',
  exchange: 'NSE',
  instrumentType: 'FUT',
  lotSize,
  tickSize: 0.1,
  expiry: '2026-12-29',
  strike: null,
  underlyingKey: null,
  freezeQuantity: 1800,
});

describe('instrument cache', () => {
  it('reads the store once a minute per instrument, and never keeps an instrument that was missing', () => {
    const master = new Map([['NSE_FO|1', instrument('NSE_FO|1', 75)]]);
    const reads: string[][] = [];
    const store = {
      get: (keys: readonly string[]) => {
        reads.push([...keys]);
        return keys.flatMap((key) => (master.has(key) ? [master.get(key)!] : []));
      },
    };
    const clock = new FakeClock(0);
    const cache = createInstrumentCache(store, clock);
    expect(cache.get(['NSE_FO|1'])[0]!.lotSize).toBe(75);
    expect(cache.get(['NSE_FO|1'])[0]!.lotSize).toBe(75);
    expect(reads).toEqual([['NSE_FO|1']]);

    expect(cache.get(['NSE_FO|2'])).toEqual([]);
    master.set('NSE_FO|2', instrument('NSE_FO|2', 50));
    expect(cache.get(['NSE_FO|2'])[0]!.lotSize).toBe(50);

    // A new master changes the lot: seen once the minute is over.
    master.set('NSE_FO|1', instrument('NSE_FO|1', 65));
    clock.advance(60_001);
    expect(cache.get(['NSE_FO|1', 'NSE_FO|2']).map((i) => i.lotSize)).toEqual([65, 50]);
  });
});
