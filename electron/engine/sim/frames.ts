import protobuf from 'protobufjs';
import type { FeedMode } from '../../../shared/domain/feed';
import type { FeedSchema } from '../upstox/proto';
import type { Bar } from './history';
import type { MarketModel } from './market';
import type { Rng } from './rng';

/** What Upstox echoes as `requestMode` for each subscription mode (`full` comes back as `full_d5`). */
export const REQUEST_MODE: Readonly<Record<FeedMode, string>> = {
  ltpc: 'ltpc',
  full: 'full_d5',
  option_greeks: 'option_greeks',
  full_d30: 'full_d30',
};
const DEPTH_LEVELS: Readonly<Record<FeedMode, number>> = { ltpc: 0, full: 5, option_greeks: 1, full_d30: 30 };

/** The segments of a real `market_info` sample: the nine master-file segments plus NSE_COM and MCX_INDEX. */
export const MARKET_SEGMENTS = [
  'NSE_EQ',
  'NSE_FO',
  'NSE_INDEX',
  'BSE_EQ',
  'BSE_INDEX',
  'BSE_FO',
  'MCX_FO',
  'NCD_FO',
  'BCD_FO',
  'NSE_COM',
  'MCX_INDEX',
] as const;

export type DataFrameType = 'initial_feed' | 'live_feed';

const round = (v: number, digits: number) => Number(v.toFixed(digits));

function ohlc(interval: string, bar: Bar): Record<string, unknown> {
  return { interval, open: bar.open, high: bar.high, low: bar.low, close: bar.close, vol: bar.volume, ts: bar.ts };
}

/** A `Feed` as a plain object for `Feed.fromObject`: the fields Upstox fills for this instrument and mode. */
export function feedObject(model: MarketModel, index: number, mode: FeedMode): Record<string, unknown> {
  const s = model.state(index);
  const { instrumentType } = model.instrument(index);
  const ltpc = { ltp: s.ltp, ltt: s.ltt, ltq: s.ltq, cp: s.cp };
  const requestMode = REQUEST_MODE[mode];
  const isIndex = instrumentType === 'INDEX';
  const isOption = instrumentType === 'CE' || instrumentType === 'PE';
  const greeks =
    isOption && s.greeks
      ? {
          delta: round(s.greeks.delta, 4),
          theta: round(s.greeks.theta, 4),
          gamma: round(s.greeks.gamma, 6),
          vega: round(s.greeks.vega, 4),
          rho: round(s.greeks.rho, 4),
        }
      : undefined;
  const iv = isOption ? round(s.iv, 4) : 0;
  if (mode === 'ltpc') return { ltpc, requestMode };
  if (mode === 'option_greeks') {
    if (isIndex) return { firstLevelWithGreeks: { ltpc }, requestMode };
    return {
      firstLevelWithGreeks: {
        ltpc,
        firstDepth: model.depth(index, 1)[0],
        optionGreeks: greeks,
        vtt: s.vtt,
        oi: s.oi,
        iv,
      },
      requestMode,
    };
  }
  const candles = [ohlc('1d', model.dayBar(index)), ...model.lastMinutes(index).map((b) => ohlc('I1', b))];
  if (isIndex) return { fullFeed: { indexFF: { ltpc, marketOHLC: { ohlc: candles } } }, requestMode };
  return {
    fullFeed: {
      marketFF: {
        ltpc,
        marketLevel: { bidAskQuote: model.depth(index, DEPTH_LEVELS[mode]) },
        optionGreeks: greeks,
        marketOHLC: { ohlc: candles },
        atp: s.vtt > 0 ? round(s.turnover / s.vtt, 2) : 0,
        vtt: s.vtt,
        oi: s.oi,
        iv,
        tbq: s.tbq,
        tsq: s.tsq,
      },
    },
    requestMode,
  };
}

/**
 * Encodes frames with the shipped schema. Each `Feed` is encoded once per interval and spliced into every
 * socket's `FeedResponse` as a map entry, so N sockets cost one encode per changed instrument, not N.
 */
export class FrameEncoder {
  private readonly Feed: protobuf.Type;
  private readonly types: Record<string, number>;

  constructor(
    private readonly schema: FeedSchema,
    private readonly model: MarketModel,
  ) {
    this.Feed = schema.FeedResponse.lookupType('Feed');
    this.types = schema.FeedResponse.lookupEnum('Type').values;
  }

  marketInfo(now: number): Uint8Array {
    const segmentStatus = Object.fromEntries(MARKET_SEGMENTS.map((s) => [s, 'NORMAL_OPEN']));
    const { FeedResponse } = this.schema;
    return FeedResponse.encode(
      FeedResponse.fromObject({ type: 'market_info', currentTs: now, marketInfo: { segmentStatus } }),
    ).finish();
  }

  feed(index: number, mode: FeedMode): Uint8Array {
    return this.Feed.encode(this.Feed.fromObject(feedObject(this.model, index, mode))).finish();
  }

  /** `FeedResponse{type, feeds, currentTs}` around already-encoded feeds (field numbers from the schema). */
  response(type: DataFrameType, feeds: ReadonlyArray<readonly [string, Uint8Array]>, now: number): Uint8Array {
    const w = protobuf.Writer.create();
    const typeValue = this.types[type]!;
    // proto3 leaves a default out of the wire; Upstox's initial_feed (0) arrives as an absent field.
    if (typeValue !== 0) w.uint32((1 << 3) | 0).int32(typeValue);
    for (const [key, bytes] of feeds) {
      w.uint32((2 << 3) | 2).fork();
      w.uint32((1 << 3) | 2).string(key);
      w.uint32((2 << 3) | 2).bytes(bytes);
      w.ldelim();
    }
    w.uint32((3 << 3) | 0).int64(now);
    return w.finish();
  }
}

/**
 * Bytes no protobuf decoder accepts: either a field with the reserved wire type 7, or a length prefix that
 * runs past the end of the frame.
 */
export function garbageFrame(rng: Rng): Uint8Array {
  const tail = Array.from({ length: 4 + Math.floor(rng() * 28) }, () => Math.floor(rng() * 256));
  if (rng() < 0.5) return Uint8Array.from([0x7f, ...tail]);
  return Uint8Array.from([0x12, 0x80 | 0x7f, 0x7f, ...tail.slice(0, 8)]);
}
