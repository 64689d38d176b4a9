import path from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import type { Tick } from '../../../shared/domain/feed';
import { FeedDecodeError, createFeedDecoder, toNumber } from './feed-decode';
import { loadFeedSchema } from './proto';
import { createRng } from '../sim/rng';

const schema = loadFeedSchema(
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'resources'),
);
const decoder = createFeedDecoder(schema);
const RECEIVED = 1_740_729_566_055;
const TS = '1740729566039';

function encode(obj: Record<string, unknown>): Uint8Array {
  return schema.FeedResponse.encode(schema.FeedResponse.fromObject(obj)).finish();
}
const decode = (obj: Record<string, unknown>) => decoder.decode(encode(obj), RECEIVED);
const live = (feeds: Record<string, unknown>) => decode({ type: 'live_feed', currentTs: TS, feeds });
const only = (ticks: Tick[]): Tick => {
  expect(ticks).toHaveLength(1);
  return ticks[0] as Tick;
};

const NOT_CARRIED = {
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
};
const quotes = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    bidQ: String(100 + i),
    bidP: 2450 - i * 0.05,
    askQ: String(200 + i),
    askP: 2450.1 + i * 0.05,
  }));
const GREEKS = { delta: 0.52, theta: -12.4, gamma: 0.0011, vega: 9.8, rho: 0.03 };

describe('feed frame decoder', () => {
  it('reads int64 values on both sides of the fast path (2^49) and negatives exactly as protobufjs does', () => {
    const values = [
      '0',
      '1',
      '127',
      '128',
      '1740729552723',
      String(2 ** 49 - 1),
      String(2 ** 49),
      String(2 ** 52 + 3),
      String(2 ** 53 - 1),
      '-1',
      '-1740729552723',
    ];
    for (const value of values) {
      const tick = only(live({ 'NSE_EQ|X': { ltpc: { ltp: 1, ltt: value, ltq: value, cp: 1 } } }).ticks);
      expect([tick.ltt, tick.ltq]).toEqual([Number(value), Number(value)]);
    }
    // A varint cut short inside the fast path is refused, as the library refuses it.
    const frame = encode({ type: 'live_feed', currentTs: String(2 ** 52 + 3) });
    expect(() => decoder.decode(frame.subarray(0, frame.length - 2), RECEIVED)).toThrow(FeedDecodeError);
  });

  it('decodes an ltpc tick with int64 values beyond 2^32', () => {
    const frame = live({
      'NSE_EQ|INE002A01018': { ltpc: { ltp: 2450.5, ltt: '1740729552723', ltq: '75', cp: 2400.25 } },
    });
    expect(frame).toMatchObject({ type: 'live_feed', currentTs: 1_740_729_566_039, marketStatus: null });
    expect(only(frame.ticks)).toEqual({
      instrumentKey: 'NSE_EQ|INE002A01018',
      mode: 'ltpc',
      ltp: 2450.5,
      ltt: 1_740_729_552_723,
      ltq: 75,
      cp: 2400.25,
      ...NOT_CARRIED,
      exchangeTs: 1_740_729_566_039,
      receivedAt: RECEIVED,
    });
  });

  it('reads omitted scalars as 0 and infers the mode when requestMode 0 is omitted', () => {
    const frame = live({
      'NSE_EQ|A': { ltpc: { ltp: 10 }, requestMode: 'ltpc' },
      'NSE_EQ|B': { fullFeed: { marketFF: { ltpc: { ltp: 5 }, vtt: '0', oi: 0 } } },
      'NSE_FO|C': { firstLevelWithGreeks: {} },
    });
    const [a, b, c] = ['NSE_EQ|A', 'NSE_EQ|B', 'NSE_FO|C'].map((k) => frame.ticks.find((t) => t.instrumentKey === k));
    expect(a).toMatchObject({ mode: 'ltpc', ltp: 10, ltt: 0, ltq: 0, cp: 0, oi: null });
    expect(b).toMatchObject({
      mode: 'full',
      ltp: 5,
      ltq: 0,
      volume: 0,
      oi: 0,
      iv: 0,
      atp: 0,
      tbq: 0,
      tsq: 0,
      bid: 0,
      ask: 0,
      bidQty: 0,
      askQty: 0,
      depth: [],
      greeks: null,
    });
    expect(c).toMatchObject({
      mode: 'option_greeks',
      ltp: 0,
      bid: 0,
      ask: 0,
      bidQty: 0,
      askQty: 0,
      volume: 0,
      oi: 0,
      greeks: null,
      depth: null,
    });
  });

  it('decodes a full equity tick: 5-level depth, no greeks', () => {
    const tick = only(
      live({
        'NSE_EQ|INE002A01018': {
          requestMode: 'full_d5',
          fullFeed: {
            marketFF: {
              ltpc: { ltp: 2450.5, ltt: '1740729552723', ltq: '10', cp: 2400 },
              marketLevel: { bidAskQuote: quotes(5) },
              marketOHLC: {
                ohlc: [
                  {
                    interval: '1d',
                    open: 2401,
                    high: 2460,
                    low: 2390,
                    close: 2450.5,
                    vol: '5000000',
                    ts: '1740700800000',
                  },
                ],
              },
              atp: 2431.17,
              vtt: '6000000123',
              tbq: 812345,
              tsq: 912345,
            },
          },
        },
      }).ticks,
    );
    expect(tick).toMatchObject({
      mode: 'full',
      ltp: 2450.5,
      volume: 6_000_000_123,
      atp: 2431.17,
      oi: 0,
      iv: 0,
      tbq: 812345,
      tsq: 912345,
      greeks: null,
    });
    expect(tick).toMatchObject({ bid: 2450, bidQty: 100, ask: 2450.1, askQty: 200 });
    expect(tick.depth).toHaveLength(5);
    expect(tick.depth?.[4]).toEqual({ bidQty: 104, bid: 2450 - 4 * 0.05, askQty: 204, ask: 2450.1 + 4 * 0.05 });
  });

  it('decodes a full option tick with greeks', () => {
    const tick = only(
      live({
        'NSE_FO|43919': {
          requestMode: 'full_d5',
          fullFeed: {
            marketFF: {
              ltpc: { ltp: 112.4 },
              marketLevel: { bidAskQuote: quotes(5) },
              optionGreeks: GREEKS,
              vtt: '4500',
              oi: 1_250_000,
              iv: 0.1432,
            },
          },
        },
      }).ticks,
    );
    expect(tick).toMatchObject({ mode: 'full', ltp: 112.4, volume: 4500, oi: 1_250_000, iv: 0.1432, greeks: GREEKS });
  });

  it('decodes an index full feed: ltpc fields only', () => {
    const tick = only(
      live({
        'NSE_INDEX|Nifty 50': {
          requestMode: 'full_d5',
          fullFeed: {
            indexFF: {
              ltpc: { ltp: 22124.7, ltt: '1740729552000', cp: 22000.1 },
              marketOHLC: { ohlc: [{ interval: 'I1', open: 22100 }] },
            },
          },
        },
      }).ticks,
    );
    expect(tick).toEqual({
      instrumentKey: 'NSE_INDEX|Nifty 50',
      mode: 'full',
      ltp: 22124.7,
      ltt: 1_740_729_552_000,
      ltq: 0,
      cp: 22000.1,
      ...NOT_CARRIED,
      exchangeTs: 1_740_729_566_039,
      receivedAt: RECEIVED,
    });
  });

  it('decodes option_greeks mode from the first level', () => {
    const tick = only(
      live({
        'NSE_FO|43919': {
          requestMode: 'option_greeks',
          firstLevelWithGreeks: {
            ltpc: { ltp: 99.5, ltq: '50' },
            firstDepth: { bidQ: '1500', bidP: 99.45, askQ: '900', askP: 99.6 },
            optionGreeks: GREEKS,
            vtt: '7777',
            oi: 320000,
            iv: 0.21,
          },
        },
      }).ticks,
    );
    expect(tick).toMatchObject({
      mode: 'option_greeks',
      ltp: 99.5,
      ltq: 50,
      bid: 99.45,
      bidQty: 1500,
      ask: 99.6,
      askQty: 900,
      greeks: GREEKS,
      volume: 7777,
      oi: 320000,
      iv: 0.21,
      depth: null,
      atp: null,
      tbq: null,
      tsq: null,
    });
  });

  it('decodes full_d30 with 30 levels', () => {
    const tick = only(
      live({
        'NSE_EQ|X': {
          requestMode: 'full_d30',
          fullFeed: { marketFF: { ltpc: { ltp: 1 }, marketLevel: { bidAskQuote: quotes(30) } } },
        },
      }).ticks,
    );
    expect(tick.mode).toBe('full_d30');
    expect(tick.depth).toHaveLength(30);
    expect(tick.depth?.[29]).toEqual({ bidQty: 129, bid: 2450 - 29 * 0.05, askQty: 229, ask: 2450.1 + 29 * 0.05 });
  });

  it('leaves out ticks whose price is not a finite number and counts them', () => {
    const frame = live({
      'NSE_EQ|A': { ltpc: { ltp: 10, ltt: TS, ltq: '1', cp: 9 } },
      'NSE_EQ|B': { ltpc: { ltp: Number.NaN, ltt: TS, ltq: '1', cp: 9 } },
      'NSE_EQ|C': { ltpc: { ltp: 11, ltt: TS, ltq: '1', cp: Number.NEGATIVE_INFINITY } },
    });
    expect(frame.ticks.map((t) => t.instrumentKey)).toEqual(['NSE_EQ|A']);
    expect(frame.dropped).toBe(2);
  });

  it('maps market_info segment statuses to names and skips unknown enum numbers', () => {
    const frame = decode({
      type: 'market_info',
      currentTs: TS,
      marketInfo: {
        segmentStatus: {
          NSE_EQ: 'NORMAL_OPEN',
          NSE_FO: 'NORMAL_OPEN',
          MCX_FO: 'PRE_OPEN_START',
          BSE_EQ: 'CLOSING_END',
        },
      },
    });
    expect(frame).toEqual({
      type: 'market_info',
      currentTs: 1_740_729_566_039,
      ticks: [],
      dropped: 0,
      marketStatus: { NSE_EQ: 'NORMAL_OPEN', NSE_FO: 'NORMAL_OPEN', MCX_FO: 'PRE_OPEN_START', BSE_EQ: 'CLOSING_END' },
    });
    const entry = (key: string, status: number) =>
      protobuf.Writer.create().uint32(10).string(key).uint32(16).uint32(status).finish();
    const info = protobuf.Writer.create()
      .uint32(10)
      .bytes(entry('NSE_EQ', 2))
      .uint32(10)
      .bytes(entry('NEW_SEG', 42))
      .finish();
    const raw = protobuf.Writer.create().uint32(8).uint32(2).uint32(34).bytes(info).finish();
    expect(decoder.decode(raw, RECEIVED).marketStatus).toEqual({ NSE_EQ: 'NORMAL_OPEN' });
  });

  it('reports initial_feed frames, and an empty buffer as an empty one', () => {
    const frame = decode({ type: 'initial_feed', currentTs: TS, feeds: { 'NSE_EQ|A': { ltpc: { ltp: 3 } } } });
    expect(frame.type).toBe('initial_feed');
    expect(only(frame.ticks)).toMatchObject({ instrumentKey: 'NSE_EQ|A', ltp: 3 });
    expect(decoder.decode(new Uint8Array(0), RECEIVED)).toEqual({
      type: 'initial_feed',
      currentTs: 0,
      ticks: [],
      marketStatus: null,
      dropped: 0,
    });
  });

  it('skips unknown fields appended to a valid frame', () => {
    const valid = encode({
      type: 'live_feed',
      currentTs: TS,
      feeds: { 'NSE_EQ|A': { ltpc: { ltp: 7, ltt: '1740729552723' } } },
    });
    const extra = protobuf.Writer.create()
      .uint32((99 << 3) | 2)
      .string('added later')
      .uint32(100 << 3)
      .uint64('1740729566039')
      .finish();
    const frame = decoder.decode(Buffer.concat([valid, extra]), RECEIVED);
    expect(frame).toEqual(decoder.decode(valid, RECEIVED));
    expect(only(frame.ticks)).toMatchObject({ ltp: 7, ltt: 1_740_729_552_723 });
  });

  it('skips feed entries with no oneof set', () => {
    const frame = live({
      'NSE_EQ|A': { requestMode: 'full_d5' },
      'NSE_EQ|B': { fullFeed: {} },
      'NSE_EQ|C': { ltpc: { ltp: 1 } },
    });
    expect(only(frame.ticks).instrumentKey).toBe('NSE_EQ|C');
  });

  it('builds every tick with the same keys in the same order, as plain cloneable data', () => {
    const frame = live({
      'NSE_EQ|A': { ltpc: { ltp: 1 } },
      'NSE_EQ|B': { fullFeed: { marketFF: { marketLevel: { bidAskQuote: quotes(5) }, optionGreeks: GREEKS } } },
      'NSE_INDEX|C': { fullFeed: { indexFF: {} } },
      'NSE_FO|D': { firstLevelWithGreeks: { optionGreeks: { delta: 0.5 } } },
    });
    expect(frame.ticks).toHaveLength(4);
    const shapes = new Set(frame.ticks.map((t) => Object.keys(t).join(',')));
    expect(shapes.size).toBe(1);
    for (const tick of frame.ticks) expect(structuredClone(tick)).toEqual(tick);
    expect(structuredClone(frame.ticks.find((t) => t.instrumentKey === 'NSE_FO|D'))?.greeks).toEqual({
      delta: 0.5,
      theta: 0,
      gamma: 0,
      vega: 0,
      rho: 0,
    });
  });

  it('converts int64 representations to numbers', () => {
    expect(toNumber(42)).toBe(42);
    expect(toNumber('1740729552723')).toBe(1_740_729_552_723);
    expect(toNumber({ low: 1267797843, high: 405, unsigned: false })).toBe(1_740_729_552_723);
    expect(toNumber({ low: -1, high: -1, unsigned: false })).toBe(-1);
    expect(toNumber({ low: -1, high: 0, unsigned: true })).toBe(4294967295);
  });

  it('rejects an unknown frame type with FeedDecodeError', () => {
    const raw = protobuf.Writer.create().uint32(8).uint32(7).finish();
    expect(() => decoder.decode(raw, RECEIVED)).toThrow(FeedDecodeError);
  });

  describe('malformed input throws only FeedDecodeError', () => {
    function outcome(bytes: Uint8Array): 'ok' | 'rejected' {
      try {
        const frame = decoder.decode(bytes, RECEIVED);
        for (const t of frame.ticks) expect(typeof t.ltp).toBe('number');
        return 'ok';
      } catch (error) {
        expect(error).toBeInstanceOf(FeedDecodeError);
        expect((error as FeedDecodeError).code).toBe('FEED_DECODE_FAILED');
        return 'rejected';
      }
    }

    it('random bytes', () => {
      const rand = createRng(0x7ead);
      let rejected = 0;
      for (let i = 0; i < 200; i++) {
        const bytes = Uint8Array.from({ length: 1 + Math.floor(rand() * 256) }, () => Math.floor(rand() * 256));
        if (outcome(bytes) === 'rejected') rejected++;
      }
      expect(rejected).toBeGreaterThan(100);
    });

    it('every truncation of a valid frame', () => {
      const valid = encode({
        type: 'live_feed',
        currentTs: TS,
        feeds: {
          'NSE_FO|43919': {
            requestMode: 'full_d5',
            fullFeed: {
              marketFF: {
                ltpc: { ltp: 112.4, ltt: '1740729552723' },
                marketLevel: { bidAskQuote: quotes(5) },
                optionGreeks: GREEKS,
                vtt: '4500',
                oi: 12,
              },
            },
          },
        },
      });
      let rejected = 0;
      for (let len = 0; len < valid.length; len++) if (outcome(valid.subarray(0, len)) === 'rejected') rejected++;
      // Only cuts at a top-level field boundary (before the feeds entry, or before currentTs) still parse.
      expect(rejected).toBeGreaterThan(valid.length - 4);
      expect(outcome(valid)).toBe('ok');
    });
  });
});
