import protobuf from 'protobufjs';
import { MARKET_STATUSES } from '../../../shared/domain/feed';
import type { DepthLevel, FeedMode, Greeks, MarketStatus, Tick } from '../../../shared/domain/feed';
import type { FeedSchema } from './proto';

export type FeedFrameType = 'initial_feed' | 'live_feed' | 'market_info';

export interface DecodedFrame {
  type: FeedFrameType;
  /** Epoch ms; 0 when the frame omits it. */
  currentTs: number;
  /** Empty for market_info frames. */
  ticks: Tick[];
  /** Segment -> status; only on market_info frames, null otherwise. */
  marketStatus: Record<string, MarketStatus> | null;
  /** Entries left out because a price was not a finite number: a corrupt frame, counted as a decode error. */
  dropped: number;
}

export class FeedDecodeError extends Error {
  readonly code = 'FEED_DECODE_FAILED';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FeedDecodeError';
  }
}

export interface FeedDecoder {
  decode(frame: Uint8Array, receivedAt: number): DecodedFrame;
}

// Shapes of the messages protobufjs decodes. Omitted scalars read the prototype's default (0 or a zero Long),
// omitted sub-messages read null: the decoder below relies on both.
type Int64 = number | string | { low: number; high: number; unsigned: boolean };
interface LtpcMsg {
  ltp: number;
  ltt: Int64;
  ltq: Int64;
  cp: number;
}
interface QuoteMsg {
  bidQ: Int64;
  bidP: number;
  askQ: Int64;
  askP: number;
}
interface GreeksMsg {
  delta: number;
  theta: number;
  gamma: number;
  vega: number;
  rho: number;
}
interface MarketFFMsg {
  ltpc: LtpcMsg | null;
  marketLevel: { bidAskQuote: QuoteMsg[] } | null;
  optionGreeks: GreeksMsg | null;
  atp: number;
  vtt: Int64;
  oi: number;
  iv: number;
  tbq: number;
  tsq: number;
}
interface IndexFFMsg {
  ltpc: LtpcMsg | null;
}
interface FirstLevelMsg {
  ltpc: LtpcMsg | null;
  firstDepth: QuoteMsg | null;
  optionGreeks: GreeksMsg | null;
  vtt: Int64;
  oi: number;
  iv: number;
}
interface FeedMsg {
  ltpc: LtpcMsg | null;
  fullFeed: { marketFF: MarketFFMsg | null; indexFF: IndexFFMsg | null } | null;
  firstLevelWithGreeks: FirstLevelMsg | null;
  requestMode: number;
}
interface FeedResponseMsg {
  type: number;
  feeds: Record<string, FeedMsg>;
  currentTs: Int64;
  marketInfo: { segmentStatus: Record<string, number> } | null;
}

const TWO_32 = 4294967296;
const NO_LTPC: LtpcMsg = { ltp: 0, ltt: 0, ltq: 0, cp: 0 };
const NO_QUOTE: QuoteMsg = { bidQ: 0, bidP: 0, askQ: 0, askP: 0 };
const NO_QUOTES: readonly QuoteMsg[] = [];

/**
 * int64 arrives as a Long when protobufjs finds the `long` package and as a number otherwise; strings are
 * accepted for frames built by hand. Epoch-ms and quantities stay far below 2^53, so the conversion is exact.
 */
export function toNumber(v: Int64): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return Number(v);
  return (v.unsigned ? v.high >>> 0 : v.high) * TWO_32 + (v.low >>> 0);
}

const libraryInt64 = protobuf.Reader.prototype.int64;

/**
 * int64 as a number, without the Long object (and its LongBits) protobufjs builds for each one: a full-mode tick
 * carries a dozen (ltt, ltq, vtt, and a bid and ask quantity per depth level). Epoch ms and quantities fit in
 * seven varint bytes (2^49); anything longer (negative, or larger) or truncated goes through the library's reader,
 * which converts or rejects it as before.
 */
function readInt64(this: protobuf.Reader): number {
  const { buf, len } = this;
  const start = this.pos;
  let pos = start;
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 7 && pos < len; i++) {
    const byte = buf[pos++]!;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) {
      this.pos = pos;
      return value;
    }
    scale *= 0x80;
  }
  this.pos = start;
  return toNumber(libraryInt64.call(this) as unknown as Int64);
}

class FrameReader extends protobuf.BufferReader {}
(FrameReader.prototype as unknown as { int64: () => number }).int64 = readInt64;

function readerOf(frame: Uint8Array): protobuf.Reader {
  // BufferReader reads strings with Buffer's native UTF-8 slicing: wrap, without copying, what is not a Buffer yet.
  return new FrameReader(
    Buffer.isBuffer(frame) ? frame : Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength),
  );
}

/**
 * The decoder's own copy of the schema, without the OHLC candles of full-mode feeds. Nothing here reads them
 * (candles are built from ticks), yet decoding them was about a third of the decode time: three OHLC messages
 * per instrument, each with a string and two int64. Without the field in the schema, protobufjs skips their
 * bytes by length. The caller's schema is left untouched (the simulator encodes with it).
 */
function decodingType(schema: FeedSchema): protobuf.Type {
  const root = protobuf.Root.fromJSON(schema.root.toJSON());
  const FeedResponse = root.lookupType(schema.FeedResponse.fullName);
  for (const name of ['MarketFullFeed', 'IndexFullFeed']) {
    const type = FeedResponse.lookupType(name);
    const ohlc = type.fields.marketOHLC;
    if (ohlc) type.remove(ohlc);
  }
  return FeedResponse;
}

const REQUEST_MODES: Readonly<Record<string, FeedMode>> = {
  ltpc: 'ltpc',
  full_d5: 'full',
  option_greeks: 'option_greeks',
  full_d30: 'full_d30',
};
const FRAME_TYPES: readonly string[] = ['initial_feed', 'live_feed', 'market_info'] satisfies FeedFrameType[];
const STATUSES: readonly string[] = MARKET_STATUSES;

/** Enum number -> our name, for the names we know; proto3 enums are open, so other numbers map to undefined. */
function byId<T extends string>(e: protobuf.Enum, name: (protoName: string) => T | undefined): (T | undefined)[] {
  const out: (T | undefined)[] = [];
  for (const [id, protoName] of Object.entries(e.valuesById)) {
    const mapped = name(protoName);
    if (mapped !== undefined) out[Number(id)] = mapped;
  }
  return out;
}

// Greeks and depth are copied rather than handed over: protobufjs keeps omitted fields on the prototype,
// and structured clone (IPC) and JSON drop inherited properties.
function greeksOf(g: GreeksMsg | null): Greeks | null {
  return g === null ? null : { delta: g.delta, theta: g.theta, gamma: g.gamma, vega: g.vega, rho: g.rho };
}

function depthOf(quotes: readonly QuoteMsg[]): DepthLevel[] {
  const depth: DepthLevel[] = [];
  for (const q of quotes) depth.push({ bidQty: toNumber(q.bidQ), bid: q.bidP, askQty: toNumber(q.askQ), ask: q.askP });
  return depth;
}

/*
 * Absent values follow the rule on `Tick` in shared/domain/feed.ts: a scalar the message omits is 0 (Upstox
 * omits zeros), an omitted greeks sub-message is null, and a field the mode does not carry at all is null.
 * Every builder writes all Tick fields in one order so the ticks share a single hidden class.
 */
function ltpcTick(key: string, mode: FeedMode, msg: LtpcMsg | null, exchangeTs: number, receivedAt: number): Tick {
  const l = msg ?? NO_LTPC;
  return {
    instrumentKey: key,
    mode,
    ltp: l.ltp,
    ltt: toNumber(l.ltt),
    ltq: toNumber(l.ltq),
    cp: l.cp,
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
    exchangeTs,
    receivedAt,
  };
}

function marketTick(key: string, mode: FeedMode, m: MarketFFMsg, exchangeTs: number, receivedAt: number): Tick {
  const l = m.ltpc ?? NO_LTPC;
  const quotes = m.marketLevel?.bidAskQuote ?? NO_QUOTES;
  const depth = depthOf(quotes);
  const top = depth[0];
  return {
    instrumentKey: key,
    mode,
    ltp: l.ltp,
    ltt: toNumber(l.ltt),
    ltq: toNumber(l.ltq),
    cp: l.cp,
    volume: toNumber(m.vtt),
    oi: m.oi,
    iv: m.iv,
    atp: m.atp,
    bid: top ? top.bid : 0,
    ask: top ? top.ask : 0,
    bidQty: top ? top.bidQty : 0,
    askQty: top ? top.askQty : 0,
    tbq: m.tbq,
    tsq: m.tsq,
    greeks: greeksOf(m.optionGreeks),
    depth,
    exchangeTs,
    receivedAt,
  };
}

function firstLevelTick(key: string, mode: FeedMode, f: FirstLevelMsg, exchangeTs: number, receivedAt: number): Tick {
  const l = f.ltpc ?? NO_LTPC;
  const q = f.firstDepth ?? NO_QUOTE;
  return {
    instrumentKey: key,
    mode,
    ltp: l.ltp,
    ltt: toNumber(l.ltt),
    ltq: toNumber(l.ltq),
    cp: l.cp,
    volume: toNumber(f.vtt),
    oi: f.oi,
    iv: f.iv,
    atp: null,
    bid: q.bidP,
    ask: q.askP,
    bidQty: toNumber(q.bidQ),
    askQty: toNumber(q.askQ),
    tbq: null,
    tsq: null,
    greeks: greeksOf(f.optionGreeks),
    depth: null,
    exchangeTs,
    receivedAt,
  };
}

export function createFeedDecoder(schema: FeedSchema): FeedDecoder {
  const { FeedResponse } = schema;
  const Decoding = decodingType(schema);
  const frameTypes = byId(FeedResponse.lookupEnum('Type'), (n) =>
    FRAME_TYPES.includes(n) ? (n as FeedFrameType) : undefined,
  );
  const modes = byId(FeedResponse.lookupEnum('RequestMode'), (n) => REQUEST_MODES[n]);
  const statuses = byId(FeedResponse.lookupEnum('MarketStatus'), (n) =>
    STATUSES.includes(n) ? (n as MarketStatus) : undefined,
  );

  function tickOf(key: string, feed: FeedMsg, exchangeTs: number, receivedAt: number): Tick | null {
    // requestMode 0 (ltpc) is never on the wire, and a mode newer than this schema is unknown: both fall
    // back to what the oneof says.
    const echoed = feed.requestMode === 0 ? undefined : modes[feed.requestMode];
    if (feed.ltpc) return ltpcTick(key, echoed ?? 'ltpc', feed.ltpc, exchangeTs, receivedAt);
    const full = feed.fullFeed;
    if (full) {
      if (full.marketFF) return marketTick(key, echoed ?? 'full', full.marketFF, exchangeTs, receivedAt);
      if (full.indexFF) return ltpcTick(key, echoed ?? 'full', full.indexFF.ltpc, exchangeTs, receivedAt);
      return null;
    }
    if (feed.firstLevelWithGreeks)
      return firstLevelTick(key, echoed ?? 'option_greeks', feed.firstLevelWithGreeks, exchangeTs, receivedAt);
    return null;
  }

  function walk(msg: FeedResponseMsg, receivedAt: number): DecodedFrame {
    const type = frameTypes[msg.type];
    // A frame we cannot classify cannot be routed; counting it as undecodable beats guessing.
    if (type === undefined) throw new FeedDecodeError(`unknown frame type ${msg.type}`);
    const currentTs = toNumber(msg.currentTs);
    if (type === 'market_info') {
      const marketStatus: Record<string, MarketStatus> = {};
      const segments = msg.marketInfo?.segmentStatus;
      if (segments) {
        for (const segment of Object.keys(segments)) {
          const status = statuses[segments[segment] as number];
          if (status !== undefined) marketStatus[segment] = status;
        }
      }
      return { type, currentTs, ticks: [], marketStatus, dropped: 0 };
    }
    const ticks: Tick[] = [];
    let dropped = 0;
    const feeds = msg.feeds;
    for (const key of Object.keys(feeds)) {
      const tick = tickOf(key, feeds[key] as FeedMsg, currentTs, receivedAt);
      if (tick === null) continue;
      // ltt and ltq are int64, always finite; a price that is not a number cannot be stored, charted or traded on.
      if (Number.isFinite(tick.ltp) && Number.isFinite(tick.cp)) ticks.push(tick);
      else dropped++;
    }
    return { type, currentTs, ticks, marketStatus: null, dropped };
  }

  return {
    decode(frame, receivedAt) {
      try {
        return walk(Decoding.decode(readerOf(frame)) as unknown as FeedResponseMsg, receivedAt);
      } catch (error) {
        if (error instanceof FeedDecodeError) throw error;
        throw new FeedDecodeError(
          `undecodable feed frame (${frame.length} bytes): ${error instanceof Error ? error.message : String(error)}`,
          {
            cause: error,
          },
        );
      }
    },
  };
}
