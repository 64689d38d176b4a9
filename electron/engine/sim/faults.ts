import type { ServerResponse } from 'node:http';
import type { FeedHub } from './hub';
import type { UpstoxOrderRow } from './order-wire';
import type { OrderLogEntry } from './orders';
import { hashString, unitHash } from './rng';

/** Fault injection for the feed's reliability tests. Counted faults apply to the next N matching events. */
export interface SimulatorFaults {
  /** Terminates every socket without a close frame (the client sees 1006); returns how many. */
  dropConnections(): number;
  /** Sends `count` binary frames that are not valid protobuf to every open socket. */
  sendGarbage(count: number): void;
  /** For `ms`: no data frames, no server pings and no pongs to client pings; TCP stays open. */
  stall(ms: number): void;
  /** The next `times` authorize calls fail with this status (401 or 403 envelope). */
  failAuthorize(times: number, status?: number): void;
  /** The next `times` WebSocket handshakes are answered with this HTTP status. */
  rejectUpgrade(times: number, status?: number): void;
  /** Delays the answer to handshakes by `ms` (the next `times`, or all until set to 0). */
  slowHandshake(ms: number, times?: number): void;
  /** The next `times` REST calls answer 429 UDAPI10005. */
  rateLimit(times: number): void;
  /** Closes every socket with this close code (1006: terminate, as no peer can send it). */
  closeWith(code: number, reason?: string): number;
  /**
   * Adds a rule that answers a share of the candle requests it covers with a fault (valid requests only: a bad one
   * still gets its 400), and from then on records every candle request and what it got (`restReport`). Rules are consulted in the order added; the first one covering a
   * request decides. A rule with no shares only records.
   */
  restFaults(options: RestFaultOptions): void;
  /** What the candle requests got since the first `restFaults`; a copy, which later requests do not change. */
  restReport(): RestFaultReport;
  /**
   * The next `times` valid place requests (a bad one still gets its 400 and uses none) meet `kind`; faults asked for
   * one after another apply in that order.
   */
  orderFaults(kind: OrderFaultKind, times?: number): void;
  /** A copy of every place request received, in order, with what it got. */
  orderLog(): OrderLogEntry[];
  /** Today's orders created with `tag`, as `GET /v2/order/details` shows them. */
  ordersByTag(tag: string): UpstoxOrderRow[];
  /** The next `times` token exchanges with a valid code fail as `kind` says (the code is spent all the same). */
  failLogin(kind: LoginFaultKind, times?: number): void;
  /** Analytics and extended tokens are refused (403 UDAPI100067) on paths starting with `pathPrefix`. */
  refuseAnalyticsOn(pathPrefix: string): void;
  /**
   * Clears every pending counted fault (order and login faults too), delay, REST fault rule and record, and the
   * paths refused to Analytics tokens, and ends a stall. The orders and the order log stay.
   */
  reset(): void;
}

/**
 * What a place request meets:
 * - `accept-then-hang`: the order is created (and trades as usual), the answer never comes;
 * - `accept-then-500`: the order is created, the answer is 500 UDAPI100500;
 * - `accept-then-reject`: the order is created and answered, then the risk check rejects it for want of margin;
 * - `500-before-accept`: no order, 500 UDAPI100500;
 * - `reject`: no order, 400 UDAPI1026 naming the margin required and available;
 * - `429`: no order, 429 UDAPI10005.
 */
export type OrderFaultKind =
  'accept-then-hang' | 'accept-then-500' | 'accept-then-reject' | '500-before-accept' | 'reject' | '429';

const ORDER_FAULT_KINDS: readonly OrderFaultKind[] = [
  'accept-then-hang',
  'accept-then-500',
  'accept-then-reject',
  '500-before-accept',
  'reject',
  '429',
];

/** `no-segments`: Upstox's answer for an account with no active segment ("No segments for these users are active"). */
export type LoginFaultKind = 'no-segments';

/** The order book's records the fault controls read. */
export interface OrderRecords {
  log(): OrderLogEntry[];
  byTag(tag: string): UpstoxOrderRow[];
}

/** What a REST fault answers: 429 UDAPI10005, 500 with an error envelope, no answer at all, or an unusable 200. */
export type RestFaultKind = '429' | '500' | 'timeout' | 'malformed';

export interface RestFaultOptions {
  /** Shares in [0, 1] of the covered requests; together at most 1. */
  share429?: number;
  share500?: number;
  /** Held open unanswered until the client gives up (or the simulator closes). */
  shareTimeout?: number;
  /** 200 with a body no client can use: truncated JSON, or a candle row of the wrong shape. */
  shareMalformed?: number;
  /**
   * The fault of a request is drawn from (seed, path, how many times this rule saw the path before), so the same
   * requests get the same faults in whatever order concurrent clients send them.
   */
  seed?: number;
  /**
   * Candle requests covered, by decoded path (`/v3/historical-candle/NSE_EQ|INE002A01018/days/1/...`): a string
   * covers the paths it starts, a pattern those it matches. Every historical-candle request by default.
   */
  paths?: readonly (string | RegExp)[];
  /** The rule decides only its first `times` requests (all by default); later ones go on to the rules after it. */
  times?: number;
}

export interface CandleRequestRecord {
  /** Arrival order, from 1. */
  seq: number;
  path: string;
  instrumentKey: string;
  /** `1d`, `1w`, `30m`...: the interval and the unit's letter (`M` for months). */
  timeframe: string;
  outcome: RestFaultKind | 'served';
  /** Candles in the answer, when served. */
  candles: number;
}

export interface ServedCandles {
  /** Answers served whole. */
  answers: number;
  /** Candles in them, a bar served twice counted twice. */
  candles: number;
  /** Bar start times (epoch ms) served, each once, ascending. */
  bars: number[];
}

export interface RestFaultReport {
  injected: Record<RestFaultKind, number>;
  /** Candle requests answered with their candles. */
  served: number;
  requests: CandleRequestRecord[];
  /** By instrument key, then timeframe. */
  candles: Record<string, Record<string, ServedCandles>>;
}

/** A candle request the simulator is about to answer with `body`, a success envelope of `bars`. */
export interface CandleAnswer {
  instrumentKey: string;
  unit: string;
  interval: number;
  /** Null for the intraday route. */
  to: string | null;
  from: string | null;
  bars: readonly { ts: number }[];
  body: { status: 'success'; data: { candles: unknown[][] } };
}

const UNIT_LETTERS: Readonly<Record<string, string>> = { minutes: 'm', hours: 'h', days: 'd', weeks: 'w', months: 'M' };

function requestOf({ instrumentKey, unit, interval, to, from }: CandleAnswer) {
  const range = [to, from].filter((date) => date !== null);
  return {
    path: ['/v3/historical-candle', ...(to === null ? ['intraday'] : []), instrumentKey, unit, interval, ...range].join(
      '/',
    ),
    instrumentKey,
    timeframe: `${interval}${UNIT_LETTERS[unit] ?? unit}`,
  };
}

interface RestFaultRule {
  shares: [RestFaultKind, number][];
  seed: number;
  paths: readonly (string | RegExp)[];
  /** Requests the rule may still decide. */
  left: number;
  seen: Map<string, number>;
}

type ServedTally = { answers: number; candles: number; bars: Set<number> };

const CANDLE_PATHS = ['/v3/historical-candle/'];
const NO_INJECTIONS: Record<RestFaultKind, number> = { '429': 0, '500': 0, timeout: 0, malformed: 0 };

function ruleOf(options: RestFaultOptions): RestFaultRule {
  const shares: [RestFaultKind, number][] = [
    ['429', options.share429 ?? 0],
    ['500', options.share500 ?? 0],
    ['timeout', options.shareTimeout ?? 0],
    ['malformed', options.shareMalformed ?? 0],
  ];
  for (const [kind, share] of shares)
    if (!(share >= 0 && share <= 1)) throw new RangeError(`share of ${kind} faults must be in [0, 1], got ${share}`);
  const total = shares.reduce((sum, [, share]) => sum + share, 0);
  if (total > 1 + 1e-9) throw new RangeError(`REST fault shares add up to ${total}, more than 1`);
  const times = options.times ?? Infinity;
  if (!(times >= 0)) throw new RangeError(`a REST fault rule covers at least 0 requests, got ${times}`);
  return {
    shares,
    seed: options.seed ?? 1,
    paths: options.paths ?? CANDLE_PATHS,
    left: Math.floor(times),
    seen: new Map(),
  };
}

const covers = (rule: RestFaultRule, path: string) =>
  rule.left > 0 && rule.paths.some((p) => (typeof p === 'string' ? path.startsWith(p) : p.test(path)));

function draw(rule: RestFaultRule, path: string): { kind: RestFaultKind | null; variant: number } {
  rule.left--;
  const occurrence = rule.seen.get(path) ?? 0;
  rule.seen.set(path, occurrence + 1);
  const pathHash = hashString(path);
  const u = unitHash(rule.seed, pathHash, occurrence);
  const variant = unitHash(rule.seed, pathHash, occurrence, 1);
  let edge = 0;
  for (const [kind, share] of rule.shares) {
    edge += share;
    if (u < edge) return { kind, variant };
  }
  return { kind: null, variant };
}

function sendJson(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const errorText = (code: string, message: string) =>
  JSON.stringify({
    status: 'error',
    errors: [{ error_code: code, message, property_path: null, invalid_value: null }],
  });

/** Half of the real body (a valid length, so the client reads all of it), or a first row with a price that is text. */
function malformedText(body: CandleAnswer['body'], variant: number): string {
  const text = JSON.stringify(body);
  if (variant < 0.5) return text.slice(0, Math.max(1, Math.floor(text.length / 2)));
  const [first, ...rest] = body.data.candles;
  const row = first ? [first[0], String(first[1]), ...first.slice(2)] : ['not a time', 'open'];
  return JSON.stringify({ ...body, data: { candles: [row, ...rest] } });
}

/** The counters that the HTTP side consumes; the socket faults act on the hub directly. */
export class FaultState {
  private authorizeFailures = { times: 0, status: 401 };
  private upgradeRejections = { times: 0, status: 403 };
  private handshakeDelay = { ms: 0, times: 0 };
  private rateLimited = 0;
  private restRules: RestFaultRule[] = [];
  private recording = false;
  private requests: CandleRequestRecord[] = [];
  private injected = { ...NO_INJECTIONS };
  private served = 0;
  private servedCandles = new Map<string, Map<string, ServedTally>>();
  private orderFaultQueue: { kind: OrderFaultKind; left: number }[] = [];
  private loginFailures = 0;
  private analyticsRefusedPaths: string[] = [];

  takeRateLimit(): boolean {
    if (this.rateLimited <= 0) return false;
    this.rateLimited--;
    return true;
  }

  /** The fault the next valid place request meets, or null. */
  takeOrderFault(): OrderFaultKind | null {
    const next = this.orderFaultQueue[0];
    if (!next) return null;
    if (--next.left <= 0) this.orderFaultQueue.shift();
    return next.kind;
  }

  /** The fault the next token exchange with a valid code meets, or null. */
  takeLoginFailure(): LoginFaultKind | null {
    if (this.loginFailures <= 0) return null;
    this.loginFailures--;
    return 'no-segments';
  }

  refusesAnalyticsOn(path: string): boolean {
    return this.analyticsRefusedPaths.some((prefix) => path.startsWith(prefix));
  }

  /** The status the next authorize call must fail with, or null. */
  takeAuthorizeFailure(): number | null {
    if (this.authorizeFailures.times <= 0) return null;
    this.authorizeFailures.times--;
    return this.authorizeFailures.status;
  }

  takeUpgradeRejection(): number | null {
    if (this.upgradeRejections.times <= 0) return null;
    this.upgradeRejections.times--;
    return this.upgradeRejections.status;
  }

  takeHandshakeDelay(): number {
    if (this.handshakeDelay.ms <= 0 || this.handshakeDelay.times <= 0) return 0;
    this.handshakeDelay.times--;
    return this.handshakeDelay.ms;
  }

  /**
   * Answers a candle request with a fault when a rule draws one (true), or records it as served and leaves the answer
   * to the caller (false).
   */
  answerCandles(res: ServerResponse, answer: CandleAnswer): boolean {
    if (!this.recording) return false;
    const { path, instrumentKey, timeframe } = requestOf(answer);
    const rule = this.restRules.find((r) => covers(r, path));
    const { kind, variant } = rule ? draw(rule, path) : { kind: null, variant: 0 };
    this.requests.push({
      seq: this.requests.length + 1,
      path,
      instrumentKey,
      timeframe,
      outcome: kind ?? 'served',
      candles: kind ? 0 : answer.bars.length,
    });
    if (kind === null) {
      this.served++;
      const byTimeframe: Map<string, ServedTally> = this.servedCandles.get(instrumentKey) ?? new Map();
      this.servedCandles.set(instrumentKey, byTimeframe);
      const served = byTimeframe.get(timeframe) ?? { answers: 0, candles: 0, bars: new Set<number>() };
      byTimeframe.set(timeframe, served);
      served.answers++;
      served.candles += answer.bars.length;
      for (const bar of answer.bars) served.bars.add(bar.ts);
      return false;
    }
    this.injected[kind]++;
    switch (kind) {
      case '429':
        sendJson(res, 429, errorText('UDAPI10005', 'Too Many Request Sent'));
        break;
      case '500':
        sendJson(res, 500, errorText('UDAPI100500', 'Something went wrong... please contact Upstox support'));
        break;
      case 'timeout':
        // Nothing is written: the client's timeout ends the request, or the server's close ends its socket.
        break;
      case 'malformed':
        sendJson(res, 200, malformedText(answer.body, variant));
        break;
    }
    return true;
  }

  private report(): RestFaultReport {
    const candles: RestFaultReport['candles'] = {};
    for (const [key, byTimeframe] of this.servedCandles)
      candles[key] = Object.fromEntries(
        [...byTimeframe].map(([timeframe, s]) => [
          timeframe,
          { answers: s.answers, candles: s.candles, bars: [...s.bars].sort((a, b) => a - b) },
        ]),
      );
    return {
      injected: { ...this.injected },
      served: this.served,
      requests: this.requests.map((r) => ({ ...r })),
      candles,
    };
  }

  private resetRest(): void {
    this.restRules = [];
    this.recording = false;
    this.requests = [];
    this.injected = { ...NO_INJECTIONS };
    this.served = 0;
    this.servedCandles = new Map();
  }

  controls(hub: FeedHub, orders: OrderRecords): SimulatorFaults {
    const count = (n: number) => Math.max(0, Math.floor(n));
    return {
      dropConnections: () => hub.dropAll(),
      sendGarbage: (n) => hub.sendGarbage(count(n)),
      stall: (ms) => hub.stall(ms),
      failAuthorize: (times, status = 401) => void (this.authorizeFailures = { times: count(times), status }),
      rejectUpgrade: (times, status = 403) => void (this.upgradeRejections = { times: count(times), status }),
      slowHandshake: (ms, times = Infinity) => void (this.handshakeDelay = { ms, times }),
      rateLimit: (times) => void (this.rateLimited = count(times)),
      closeWith: (code, reason) => hub.closeAll(code, reason),
      restFaults: (options) => {
        this.restRules.push(ruleOf(options));
        this.recording = true;
      },
      restReport: () => this.report(),
      orderFaults: (kind, times = 1) => {
        if (!ORDER_FAULT_KINDS.includes(kind)) throw new RangeError(`unknown order fault ${String(kind)}`);
        if (count(times) > 0) this.orderFaultQueue.push({ kind, left: count(times) });
      },
      orderLog: () => orders.log(),
      ordersByTag: (tag) => orders.byTag(tag),
      failLogin: (kind, times = 1) => {
        if (kind !== 'no-segments') throw new RangeError(`unknown login fault ${String(kind)}`);
        this.loginFailures += count(times);
      },
      refuseAnalyticsOn: (pathPrefix) => void this.analyticsRefusedPaths.push(pathPrefix),
      reset: () => {
        this.resetRest();
        this.loginFailures = 0;
        this.analyticsRefusedPaths = [];
        this.orderFaultQueue = [];
        this.authorizeFailures = { times: 0, status: 401 };
        this.upgradeRejections = { times: 0, status: 403 };
        this.handshakeDelay = { ms: 0, times: 0 };
        this.rateLimited = 0;
        hub.endStall();
      },
    };
  }
}
