import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CandleQuery, Tick } from '../../../shared/domain/feed';
import { createCandleStore, istIso, type CandleStore } from './candles';
import { openDatabase } from './open';
import type { Db } from './types';

const KEY = 'NSE_EQ|INE002A01018';
const OPT = 'NSE_FO|43919';
/** Monday 5 January 2026, 09:15 IST. */
const OPEN = Date.parse('2026-01-05T09:15:00+05:30');
const MIN = 60_000;

function tick(fields: Partial<Tick> & { at: number }): Tick {
  const { at, ...rest } = fields;
  return {
    instrumentKey: KEY,
    mode: 'full',
    ltp: 100,
    ltt: at,
    ltq: 10,
    cp: 99,
    volume: null,
    oi: null,
    iv: null,
    atp: null,
    bid: null,
    ask: null,
    bidQty: null,
    askQty: null,
    tbq: null,
    tsq: null,
    greeks: null,
    depth: null,
    exchangeTs: at,
    receivedAt: at + 5,
    ...rest,
  };
}

interface Row {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  oi: number | null;
  tick_count: number;
}

let db: Db;
let candles: CandleStore;

beforeEach(() => {
  db = openDatabase(':memory:');
  candles = createCandleStore(db);
});

afterEach(() => db.close());

const rows = (key = KEY): Row[] =>
  db
    .prepare<[string], Row>(
      `SELECT c.ts, open, high, low, close, volume, oi, tick_count FROM candles_1m c
       JOIN market_keys k ON k.id = c.instrument_id WHERE k.instrument_key = ? ORDER BY ts`,
    )
    .all(key);

const apply = (ticks: Tick[]) => db.transaction(() => candles.applyTicks(ticks))();
const query = (q: Partial<CandleQuery>) => candles.query({ instrumentKey: KEY, timeframe: '1m', limit: 5000, ...q });

describe('candle store: building 1-minute candles from ticks', () => {
  it('builds OHLC per minute across minute boundaries, volume from the increase of the day volume', () => {
    apply([
      tick({ at: OPEN + 1_000, ltp: 100, volume: 5_000 }), // first tick seen: sets the baseline only
      tick({ at: OPEN + 20_000, ltp: 103, volume: 5_040 }),
      tick({ at: OPEN + 40_000, ltp: 98, volume: 5_100 }),
      tick({ at: OPEN + 59_999, ltp: 101, volume: 5_130 }),
      tick({ at: OPEN + MIN, ltp: 102, volume: 5_200 }), // 09:16
      tick({ at: OPEN + MIN + 30_000, ltp: 104, volume: 5_200 }), // no trade in between: adds nothing
      // 09:18 after a quiet minute: more than a minute without a tick counts only the trade the tick reports.
      tick({ at: OPEN + 3 * MIN + 1, ltp: 99, volume: 5_260, ltq: 60 }),
    ]);
    expect(rows()).toEqual([
      { ts: OPEN, open: 100, high: 103, low: 98, close: 101, volume: 130, oi: null, tick_count: 4 },
      { ts: OPEN + MIN, open: 102, high: 104, low: 102, close: 104, volume: 70, oi: null, tick_count: 2 },
      { ts: OPEN + 3 * MIN, open: 99, high: 99, low: 99, close: 99, volume: 60, oi: null, tick_count: 1 },
    ]);
  });

  it('merges later batches into the same minute: open kept, high max, low min, close and OI last', () => {
    apply([
      tick({ at: OPEN + 1_000, ltp: 100, volume: 1_000, oi: 500 }),
      tick({ at: OPEN + 2_000, ltp: 101, volume: 1_010, oi: 510 }),
    ]);
    apply([
      tick({ at: OPEN + 3_000, ltp: 105, volume: 1_030, oi: null }),
      tick({ at: OPEN + 4_000, ltp: 97, volume: 1_031, oi: null }),
    ]);
    apply([tick({ at: OPEN + 5_000, ltp: 99, volume: 1_050, oi: 530 })]);
    expect(rows()).toEqual([
      { ts: OPEN, open: 100, high: 105, low: 97, close: 99, volume: 50, oi: 530, tick_count: 5 },
    ]);
  });

  it('sums the quantity of new trades when the mode carries no day volume, skipping repeats of the last trade', () => {
    apply([
      tick({ at: OPEN + 1_000, mode: 'ltpc', ltq: 10 }),
      tick({ at: OPEN + 2_000, mode: 'ltpc', ltq: 25 }),
      { ...tick({ at: OPEN + 2_000, mode: 'ltpc', ltq: 25 }), receivedAt: OPEN + 2_500 }, // same trade again
      tick({ at: OPEN + MIN + 1, mode: 'ltpc', ltq: 5 }),
    ]);
    expect(rows().map((r) => [r.ts, r.volume, r.tick_count])).toEqual([
      [OPEN, 35, 3],
      [OPEN + MIN, 5, 1],
    ]);
  });

  it('uses the receive time when a tick has no trade time, and keeps instruments apart', () => {
    apply([
      tick({ at: OPEN + 10_000, instrumentKey: OPT, ltp: 55, oi: 1_200, volume: 100 }),
      {
        ...tick({ at: 0, ltp: 22_000 }),
        instrumentKey: 'NSE_INDEX|Nifty 50',
        ltt: 0,
        ltq: 0,
        receivedAt: OPEN + MIN + 500,
      },
    ]);
    expect(rows(OPT)).toEqual([
      { ts: OPEN, open: 55, high: 55, low: 55, close: 55, volume: 0, oi: 1_200, tick_count: 1 },
    ]);
    expect(rows('NSE_INDEX|Nifty 50').map((r) => [r.ts, r.close, r.volume])).toEqual([[OPEN + MIN, 22_000, 0]]);
  });

  it('counts a new day from zero, and does not pile the volume of a feed outage onto one minute', () => {
    const yesterday = OPEN - 86_400_000 + 6 * 3_600_000; // Sunday 15:15 IST, for the sake of the example
    apply([tick({ at: yesterday, volume: 900_000 }), tick({ at: yesterday + 1_000, volume: 900_050 })]);
    apply([tick({ at: OPEN + 1_000, volume: 300 })]);
    // Nothing for 10 minutes, then a tick whose day volume grew by 8,000 while the feed was down.
    apply([tick({ at: OPEN + 11 * MIN, volume: 8_300, ltq: 15 })]);
    expect(rows().map((r) => [r.ts, r.volume])).toEqual([
      [yesterday, 50],
      [OPEN, 300],
      [OPEN + 11 * MIN, 15],
    ]);
  });

  it('can apply the same batch again after its transaction rolled back', () => {
    apply([tick({ at: OPEN + 1_000, volume: 1_000 })]);
    const batch = [
      tick({ at: OPEN + 2_000, volume: 1_100 }),
      tick({ at: OPEN + 3_000, volume: 1_250, instrumentKey: OPT }),
    ];
    expect(() =>
      db.transaction(() => {
        candles.applyTicks(batch);
        throw new Error('disk full');
      })(),
    ).toThrow('disk full');
    candles.revert();
    apply(batch);
    expect(rows().map((r) => [r.volume, r.tick_count])).toEqual([[100, 2]]);
    expect(rows(OPT).map((r) => [r.volume, r.tick_count])).toEqual([[0, 1]]);
  });
});

describe('candle store: gap backfill', () => {
  it('inserts only the minutes that have no row: live-built minutes win', () => {
    expect(candles.hasAny()).toBe(false);
    apply([
      tick({ at: OPEN + 1_000, ltp: 100, volume: 10 }),
      tick({ at: OPEN + 2 * MIN + 1_000, ltp: 102, volume: 30, ltq: 20 }),
    ]);
    const bar = (ts: number, price: number) => ({
      ts,
      open: price,
      high: price + 1,
      low: price - 1,
      close: price,
      volume: 999,
      oi: 7,
    });
    const inserted = candles.fillMissing(KEY, [
      bar(OPEN, 1),
      bar(OPEN + MIN, 101),
      bar(OPEN + 2 * MIN, 2),
      bar(OPEN + 3 * MIN, 103),
    ]);
    expect(inserted).toBe(2);
    expect(candles.hasAny()).toBe(true);
    expect(rows().map((r) => [r.ts, r.open, r.volume, r.oi, r.tick_count])).toEqual([
      [OPEN, 100, 0, null, 1],
      [OPEN + MIN, 101, 999, 7, 0],
      [OPEN + 2 * MIN, 102, 20, null, 1],
      [OPEN + 3 * MIN, 103, 999, 7, 0],
    ]);
    expect(candles.fillMissing('NSE_EQ|NEW', [bar(OPEN, 5)])).toBe(1);
    expect(candles.fillMissing('NSE_EQ|NEW', [])).toBe(0);
  });
});

describe('candle store: queries', () => {
  /** One bar per minute from `start`, `count` minutes, prices rising by 1 from `first`. */
  function minutes(start: number, count: number, first = 100, oi: number | null = 50) {
    return Array.from({ length: count }, (_, i) => ({
      ts: start + i * MIN,
      open: first + i,
      high: first + i + 0.5,
      low: first + i - 0.5,
      close: first + i + 0.25,
      volume: 10,
      oi,
    }));
  }

  it('returns 1-minute candles oldest first with IST timestamps, the most recent `limit` by default', () => {
    candles.fillMissing(KEY, minutes(OPEN, 5));
    const all = query({});
    expect(all.map((c) => c.ts)).toEqual(
      ['09:15', '09:16', '09:17', '09:18', '09:19'].map((t) => `2026-01-05T${t}:00+05:30`),
    );
    expect(all[0]).toEqual({
      ts: '2026-01-05T09:15:00+05:30',
      open: 100,
      high: 100.5,
      low: 99.5,
      close: 100.25,
      volume: 10,
      oi: 50,
    });
    expect(query({ limit: 2 }).map((c) => c.ts.slice(11, 16))).toEqual(['09:18', '09:19']);
    expect(
      query({ from: '2026-01-05T09:16:00+05:30', to: '2026-01-05T03:48:00Z' }).map((c) => c.ts.slice(11, 16)),
    ).toEqual(['09:16', '09:17', '09:18']);
    expect(query({ instrumentKey: 'NSE_EQ|UNKNOWN' })).toEqual([]);
  });

  it('builds hourly bars anchored at 09:15 IST', () => {
    // 09:15 to 15:29 IST, the NSE session.
    candles.fillMissing(KEY, minutes(OPEN, 375));
    const hours = query({ timeframe: '1h' });
    expect(hours.map((c) => c.ts.slice(11, 16))).toEqual([
      '09:15',
      '10:15',
      '11:15',
      '12:15',
      '13:15',
      '14:15',
      '15:15',
    ]);
    expect(hours[0]).toEqual({
      ts: '2026-01-05T09:15:00+05:30',
      open: 100,
      high: 159.5,
      low: 99.5,
      close: 159.25,
      volume: 600,
      oi: 50,
    });
    expect(hours[6]).toMatchObject({ open: 460, close: 474.25, volume: 150 }); // 15:15 to 15:29
  });

  it('builds daily bars by IST date, weekly bars from Monday and monthly bars in IST', () => {
    const day = 86_400_000;
    // Friday 2 January 2026 and Monday 5 to Tuesday 6 January; plus 00:10 IST on the 6th, which is still the 5th in UTC.
    candles.fillMissing(KEY, [
      ...minutes(OPEN - 3 * day, 2, 10, 1),
      ...minutes(OPEN, 2, 20, 2),
      ...minutes(Date.parse('2026-01-06T00:10:00+05:30'), 1, 30, null),
      ...minutes(OPEN + day, 2, 40, 4),
      ...minutes(Date.parse('2026-02-02T09:15:00+05:30'), 1, 50, 5),
    ]);
    const days = query({ timeframe: '1d' });
    expect(days.map((c) => [c.ts, c.open, c.close, c.volume, c.oi])).toEqual([
      ['2026-01-02T00:00:00+05:30', 10, 11.25, 20, 1],
      ['2026-01-05T00:00:00+05:30', 20, 21.25, 20, 2],
      ['2026-01-06T00:00:00+05:30', 30, 41.25, 30, 4],
      ['2026-02-02T00:00:00+05:30', 50, 50.25, 10, 5],
    ]);
    expect(query({ timeframe: '1d', from: '2026-01-05', to: '2026-01-06' }).map((c) => c.ts.slice(0, 10))).toEqual([
      '2026-01-05',
      '2026-01-06',
    ]);
    expect(query({ timeframe: '1d', limit: 1 }).map((c) => c.ts.slice(0, 10))).toEqual(['2026-02-02']);

    expect(query({ timeframe: '1w' }).map((c) => [c.ts, c.open, c.close, c.volume])).toEqual([
      ['2025-12-29T00:00:00+05:30', 10, 11.25, 20],
      ['2026-01-05T00:00:00+05:30', 20, 41.25, 50],
      ['2026-02-02T00:00:00+05:30', 50, 50.25, 10],
    ]);
    expect(query({ timeframe: '1M' }).map((c) => [c.ts, c.open, c.high, c.low, c.close, c.volume, c.oi])).toEqual([
      ['2026-01-01T00:00:00+05:30', 10, 41.5, 9.5, 41.25, 70, 4],
      ['2026-02-01T00:00:00+05:30', 50, 50.5, 49.5, 50.25, 10, 5],
    ]);
  });

  it('includes a bucket when its start lies within from..to, with all of its minutes', () => {
    candles.fillMissing(KEY, minutes(OPEN, 180)); // 09:15 to 12:14
    const hours = query({ timeframe: '1h', from: '2026-01-05T10:00:00+05:30', to: '2026-01-05T11:15:00+05:30' });
    expect(hours.map((c) => [c.ts.slice(11, 16), c.volume])).toEqual([
      ['10:15', 600],
      ['11:15', 600],
    ]);
  });

  it('formats instants in IST', () => {
    expect(istIso(Date.parse('2026-01-05T18:45:00Z'))).toBe('2026-01-06T00:15:00+05:30');
  });
});
