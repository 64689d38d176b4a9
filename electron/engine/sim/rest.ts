import type { IncomingMessage, ServerResponse } from 'node:http';
import { ISO_DATE } from '../../../shared/time';
import type { Clock } from '../common/clock';
import type { Logger } from '../common/logger';
import type { BucketLimits } from '../upstox/rate-limit';
import type { FaultState } from './faults';
import type { LoginReply, LoginRoutes } from './login';
import { FUNDAMENTALS_PATH } from './fundamentals';
import { aggregate, minuteBucket, type Bar } from './history';
import type { MarketModel } from './market';
import type { OptionDesk } from './option-chain';
import {
  answerModification,
  answerPlacement,
  errorEnvelope,
  logRefusedPlacement,
  orderNotFound,
  ORDER_FINAL,
  orderRow,
  PLACE_PATH,
  SERVER_ERROR,
  tradeRow,
  type OrderAnswer,
  type WireError,
} from './order-wire';
import type { SimOrderBook } from './orders';
import type { Rng } from './rng';
import { dateToDay, dayStartMs, isTradingDay, istDayIndex, istIso, weekdayOf } from './time';

export const FEED_PATH = '/market-data-feeder/v3/upstox-developer-api/feeds';
export const AUTHORIZE_PATH = '/v3/feed/market-data-feed/authorize';
/** The master files are public on assets.upstox.com: no bearer, as there. */
const INSTRUMENT_FILES = new Set([
  '/market-quote/instruments/exchange/complete.json.gz',
  '/market-quote/instruments/exchange/NSE.json.gz',
]);

export interface RestContext {
  model: MarketModel;
  faults: FaultState;
  counters: { authorizeCalls: number; restCalls: number; rateLimited: number };
  acceptToken(token: string): boolean;
  /** The OAuth routes, and which routes each kind of token may call. */
  login: LoginRoutes;
  /** Milliseconds the next answer takes from its request's arrival; answers go at once when absent. */
  latencyMs?: () => number;
  /** Upstox's request limits per token; every accepted token may call without limit when absent. */
  rateLimits?: TokenRateLimits;
  /** Past sessions' intraday candles, kept grouped; each is built from its minutes again when absent. */
  pastSessions?: PastSessionCache;
  /** A fresh single-use feed URL. */
  issueFeedUrl(): string;
  instrumentsFile(): Buffer;
  /** Option chains and contracts, priced at `now()`. */
  options: OptionDesk;
  now(): number;
  /** The screener export the simulator serves at FUNDAMENTALS_PATH. */
  fundamentalsCsv(): string;
  /** Today's orders, which the order routes place into, cancel and read. */
  orders: SimOrderBook;
  logger: Logger;
}

export function errorBody(errorCode: string, message: string) {
  return { status: 'error', errors: [{ error_code: errorCode, message, property_path: null, invalid_value: null }] };
}

/** Upstox's published limits for the standard API family (upstox-v3.md §5). */
export const UPSTOX_RATE_LIMITS: Readonly<BucketLimits> = { perSecond: 50, perMinute: 500, per30Minutes: 2000 };

const WINDOW_MS: Readonly<Record<keyof BucketLimits, number>> = {
  perSecond: 1_000,
  perMinute: 60_000,
  per30Minutes: 1_800_000,
};

export interface TokenRateLimits {
  /** Counts a request of `token` and returns true, or returns false (counting nothing) when a window is full. */
  admit(token: string): boolean;
}

/**
 * Sliding windows per token, counted on arrival as a server counts them: a request is admitted when, in each window,
 * fewer than `limit` admitted requests arrived in the last `ms`. Refused requests do not count.
 */
export function createTokenRateLimits(limits: BucketLimits, clock: Clock): TokenRateLimits {
  const windows = (Object.keys(WINDOW_MS) as (keyof BucketLimits)[])
    .filter((key) => Number.isFinite(limits[key]))
    .map((key) => ({ ms: WINDOW_MS[key], limit: Math.max(1, Math.floor(limits[key])) }));
  const keepMs = Math.max(0, ...windows.map((w) => w.ms));
  /** Arrival times of admitted requests per token, oldest first, as far back as the longest window. */
  const arrivals = new Map<string, number[]>();
  return {
    admit(token) {
      const now = clock.now();
      let stamps = arrivals.get(token);
      if (!stamps) arrivals.set(token, (stamps = []));
      let expired = 0;
      while (expired < stamps.length && stamps[expired]! <= now - keepMs) expired++;
      if (expired > 0) stamps.splice(0, expired);
      for (const { ms, limit } of windows)
        if (stamps.length >= limit && stamps[stamps.length - limit]! > now - ms) return false;
      stamps.push(now);
      return true;
    },
  };
}

/** Uniform draws in [min, max] ms. */
export function drawLatency({ min, max }: { min: number; max: number }, random: Rng): () => number {
  if (!(min >= 0 && max >= min)) throw new RangeError(`REST latency needs 0 <= min <= max, got [${min}, ${max}]`);
  return () => min + (max - min) * random();
}

/** When each held answer may leave (performance.now()), set on its request's arrival so the latency covers the work. */
const answerDue = new WeakMap<ServerResponse, number>();

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  contentType = 'application/json',
  headers: Record<string, string> = {},
): void {
  const text = contentType === 'application/json' ? JSON.stringify(body) : String(body);
  const write = () => {
    if (res.destroyed) return;
    res.writeHead(status, { ...headers, 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  const wait = (answerDue.get(res) ?? 0) - performance.now();
  if (wait > 0) setTimeout(write, Math.ceil(wait));
  else write();
}

const fail = (res: ServerResponse, status: number, code: string, message: string) =>
  send(res, status, errorBody(code, message));
const invalid = (res: ServerResponse, message: string) => fail(res, 400, 'UDAPI100036', message);

export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match ? match[1]! : null;
}

export function handleRest(ctx: RestContext, req: IncomingMessage, res: ServerResponse): void {
  ctx.counters.restCalls++;
  const arrived = performance.now();
  if (ctx.latencyMs) answerDue.set(res, arrived + ctx.latencyMs());
  const path = (req.url ?? '/').split('?')[0]!;
  const placing = req.method === 'POST' && path === PLACE_PATH;
  /** A place request refused here never reaches the book, but its log still shows it. */
  const refuse = (status: number, code: string, message: string) => {
    if (placing) logRefusedPlacement(ctx.orders, req).catch(() => {});
    fail(res, status, code, message);
  };
  if (ctx.faults.takeRateLimit()) return refuse(429, 'UDAPI10005', 'Too Many Request Sent');
  const loginReply: LoginReply = (status, body, contentType, headers) => send(res, status, body, contentType, headers);
  if (ctx.login.answer(req, path, loginReply)) return;
  if (req.method !== 'GET' && !isOrderPath(path))
    return fail(res, 404, 'UDAPI10000', 'This request is not supported by Upstox API');
  if (INSTRUMENT_FILES.has(path)) {
    const file = ctx.instrumentsFile();
    res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': file.length });
    res.end(file);
    return;
  }
  const token = bearerToken(req.headers.authorization);
  if (token === null || !ctx.acceptToken(token)) return refuse(401, 'UDAPI100050', 'Invalid token used to access API');
  const refusal = ctx.login.refusal(token, req.method ?? 'GET', path);
  if (refusal) return refuse(refusal.status, refusal.code, refusal.message);
  if (ctx.rateLimits && !ctx.rateLimits.admit(token)) {
    ctx.counters.rateLimited++;
    return refuse(429, 'UDAPI10005', 'Too Many Request Sent');
  }
  if (isOrderPath(path)) {
    const out: OrderAnswer = {
      reply: (status, body) => send(res, status, body),
      latencyMs: () => Math.max(0, Math.round((answerDue.get(res) ?? performance.now()) - arrived)),
    };
    return void answerOrderRoute(ctx, req, path, new URL(req.url ?? '/', 'http://127.0.0.1').searchParams, out).catch(
      (error: unknown) => {
        ctx.logger.error('simulator order route failed', {
          error: error instanceof Error ? error.message : String(error),
        });
        if (!res.headersSent) fail(res, 500, 'UDAPI100500', SERVER_ERROR);
      },
    );
  }

  if (path === AUTHORIZE_PATH) {
    ctx.counters.authorizeCalls++;
    const failure = ctx.faults.takeAuthorizeFailure();
    if (failure === 401 || failure === 403)
      return fail(res, failure, 'UDAPI100050', 'Invalid token used to access API');
    if (failure !== null)
      return fail(res, failure, 'UDAPI100500', 'Something went wrong... please contact Upstox support');
    // Upstox answers the URL under both names; the official SDKs read the camelCase one.
    const url = ctx.issueFeedUrl();
    return send(res, 200, { status: 'success', data: { authorized_redirect_uri: url, authorizedRedirectUri: url } });
  }
  if (path === '/v2/option/chain' || path === '/v2/option/contract') {
    const query = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams;
    return path === '/v2/option/chain' ? optionChain(ctx, res, query) : optionContracts(ctx, res, query);
  }
  if (path === FUNDAMENTALS_PATH) return send(res, 200, ctx.fundamentalsCsv(), 'text/csv; charset=utf-8');
  let parts: string[];
  try {
    parts = path.split('/').slice(1).map(decodeURIComponent);
  } catch {
    return invalid(res, 'Invalid input');
  }
  if (parts[0] === 'v3' && parts[1] === 'historical-candle') {
    if (parts[2] === 'intraday' && parts.length === 6)
      return candles(ctx, res, parts[3]!, parts[4]!, parts[5]!, null, null);
    if (parts.length === 6 || parts.length === 7)
      return candles(ctx, res, parts[2]!, parts[3]!, parts[4]!, parts[5]!, parts[6] ?? null);
  }
  return fail(res, 404, 'UDAPI10000', 'This request is not supported by Upstox API');
}

const ORDER_ROUTES: Readonly<Record<string, string>> = {
  [PLACE_PATH]: 'POST',
  '/v3/order/modify': 'PUT',
  '/v3/order/cancel': 'DELETE',
  '/v2/order/details': 'GET',
  '/v2/order/retrieve-all': 'GET',
  '/v2/order/history': 'GET',
  '/v2/order/trades/get-trades-for-day': 'GET',
};
const isOrderPath = (path: string) => Object.hasOwn(ORDER_ROUTES, path);

/** Upstox's order routes over the simulator's book; reads answer `{status, data}`, writes add `metadata.latency`. */
async function answerOrderRoute(
  ctx: RestContext,
  req: IncomingMessage,
  path: string,
  query: URLSearchParams,
  out: OrderAnswer,
): Promise<void> {
  if (req.method !== ORDER_ROUTES[path])
    return out.reply(404, errorBody('UDAPI10000', 'This request is not supported by Upstox API'));
  const book = ctx.orders;
  if (path === PLACE_PATH) return answerPlacement(book, () => ctx.faults.takeOrderFault(), req, out);
  if (path === '/v3/order/modify') return answerModification(book, req, out);
  const read = (data: unknown) => out.reply(200, { status: 'success', data });
  const refused = (error: WireError) => out.reply(error.status, errorEnvelope(error));
  const orderId = query.get('order_id') || null;
  const order = orderId === null ? undefined : book.get(orderId);
  if (path === '/v2/order/retrieve-all') return read(book.all().map((o) => orderRow(o)));
  if (path === '/v2/order/trades/get-trades-for-day') return read(book.trades().map(tradeRow));
  if (path === '/v2/order/details') return order ? read(orderRow(order)) : refused(orderNotFound(orderId));
  if (path === '/v2/order/history') {
    const tag = query.get('tag');
    const ids = order ? [order.orderId] : orderId === null && tag ? book.byTag(tag).map((o) => o.orderId) : null;
    if (ids === null)
      return refused(
        orderId ? orderNotFound(orderId) : { ...orderNotFound(null), message: 'order_id or tag is required' },
      );
    return read(ids.flatMap((id) => book.history(id).map((step) => orderRow(step.order, step.at))));
  }
  if (!order) return refused(orderNotFound(orderId));
  if (book.cancel(order.orderId) === 'final') {
    const message = `Order is already ${order.status}`;
    return refused({ status: 400, code: ORDER_FINAL, message, property: 'order_id', value: order.orderId });
  }
  out.reply(200, { status: 'success', data: { order_id: order.orderId }, metadata: { latency: out.latencyMs() } });
}

const INVALID_KEY = 'Invalid Instrument key';

/** Both parameters are required, as on Upstox; an expiry nothing is listed for answers an empty chain. */
function optionChain(ctx: RestContext, res: ServerResponse, query: URLSearchParams): void {
  const key = query.get('instrument_key');
  const expiry = query.get('expiry_date');
  if (!key) return fail(res, 400, 'UDAPI1087', INVALID_KEY);
  if (expiry === null || !ISO_DATE.test(expiry)) return invalid(res, 'Invalid expiry_date');
  const rows = ctx.options.chain(key, expiry, ctx.now());
  if (rows === null) return fail(res, 400, 'UDAPI1087', INVALID_KEY);
  send(res, 200, { status: 'success', data: rows });
}

function optionContracts(ctx: RestContext, res: ServerResponse, query: URLSearchParams): void {
  const key = query.get('instrument_key');
  const expiry = query.get('expiry_date');
  if (!key) return fail(res, 400, 'UDAPI1087', INVALID_KEY);
  if (expiry !== null && !ISO_DATE.test(expiry)) return invalid(res, 'Invalid expiry_date');
  const rows = ctx.options.contracts(key, expiry, ctx.now());
  if (rows === null) return fail(res, 400, 'UDAPI1087', INVALID_KEY);
  send(res, 200, { status: 'success', data: rows });
}

type Unit = 'minutes' | 'hours' | 'days' | 'weeks' | 'months';
const INTERVAL_MAX: Record<Unit, number> = { minutes: 300, hours: 5, days: 1, weeks: 1, months: 1 };
const INTRADAY_UNITS = new Set<Unit>(['minutes', 'hours', 'days']);
/** Earliest data and longest span per request (days), per the V3 historical-candle docs. */
const EARLIEST: Record<Unit, string> = {
  minutes: '2022-01-01',
  hours: '2022-01-01',
  days: '2000-01-01',
  weeks: '2000-01-01',
  months: '2000-01-01',
};
const maxSpanDays = (unit: Unit, interval: number) =>
  unit === 'minutes' ? (interval <= 15 ? 31 : 92) : unit === 'hours' ? 92 : unit === 'days' ? 3660 : Infinity;

function candles(
  ctx: RestContext,
  res: ServerResponse,
  key: string,
  unitText: string,
  intervalText: string,
  to: string | null,
  from: string | null,
): void {
  const index = ctx.model.indexOf(key);
  if (index === undefined) return fail(res, 400, 'UDAPI1087', 'Invalid Instrument key');
  const unit = unitText as Unit;
  const interval = Number(intervalText);
  if (
    !Object.hasOwn(INTERVAL_MAX, unit) ||
    !Number.isInteger(interval) ||
    interval < 1 ||
    interval > INTERVAL_MAX[unit]
  )
    return invalid(res, 'Invalid unit or interval');
  const intraday = to === null;
  if (intraday && !INTRADAY_UNITS.has(unit)) return invalid(res, 'Invalid unit or interval');
  let bars: Bar[];
  if (intraday) bars = unit === 'days' ? [ctx.model.dayBar(index)] : ctx.model.minuteBars(index);
  else {
    if (!ISO_DATE.test(to) || (from !== null && !ISO_DATE.test(from))) return invalid(res, 'Invalid date');
    const toDay = dateToDay(to);
    const fromDay = Math.max(
      from === null ? toDay - (unit === 'minutes' || unit === 'hours' ? 0 : 365) : dateToDay(from),
      dateToDay(EARLIEST[unit]),
    );
    if (from !== null && dateToDay(from) > toDay) return invalid(res, 'to_date must be on or after from_date');
    if (toDay - fromDay + 1 > maxSpanDays(unit, interval)) return invalid(res, 'Invalid date range');
    bars = rangeBars(ctx.model, index, unit, interval, fromDay, toDay, ctx.pastSessions);
  }
  const grouped = groupBars(bars, unit, interval);
  const rows = grouped.reverse().map((b) => [istIso(b.ts), b.open, b.high, b.low, b.close, b.volume, b.oi]);
  const body = { status: 'success' as const, data: { candles: rows } };
  if (ctx.faults.answerCandles(res, { instrumentKey: key, unit, interval, to, from, bars: grouped, body })) return;
  send(res, 200, body);
}

export interface PastSessionCache {
  /** The bars kept under `key`, or `build()`'s, kept from now on. */
  get(key: string, build: () => Bar[]): Bar[];
}

/**
 * Keeps up to `maxBars` bars, dropping the sessions kept longest first. A past session never changes, and building
 * one from its minutes takes about a millisecond: a quarter of hourly candles costs the simulator ~50 ms of CPU,
 * so at 50 such requests a second it, not the limits or the latency, would pace its client.
 */
export function createPastSessionCache(maxBars: number): PastSessionCache {
  const sessions = new Map<string, Bar[]>();
  let held = 0;
  return {
    get(key, build) {
      const kept = sessions.get(key);
      if (kept) return kept;
      const bars = build();
      sessions.set(key, bars);
      held += bars.length;
      for (const [oldest, dropped] of sessions) {
        if (held <= maxBars) break;
        sessions.delete(oldest);
        held -= dropped.length;
      }
      return bars;
    },
  };
}

/**
 * Past days from the deterministic history, today from the live model; nothing after today. With `sessions`, past
 * intraday days come grouped by `interval` already (grouping them again leaves them as they are: no bucket spans two
 * sessions), copied so that no answer can change what is kept.
 */
function rangeBars(
  model: MarketModel,
  index: number,
  unit: Unit,
  interval: number,
  fromDay: number,
  toDay: number,
  sessions: PastSessionCache | undefined,
): Bar[] {
  const out: Bar[] = [];
  const intradayUnit = unit === 'minutes' || unit === 'hours';
  for (let day = fromDay; day <= Math.min(toDay, model.day); day++) {
    if (day === model.day) {
      if (intradayUnit) out.push(...model.minuteBars(index));
      else out.push(model.dayBar(index));
    } else if (isTradingDay(day)) {
      if (intradayUnit && sessions) {
        const kept = sessions.get(`${index} ${unit} ${interval} ${day}`, () =>
          groupBars(model.history.minuteBars(index, day), unit, interval),
        );
        for (const bar of kept) out.push({ ...bar });
      } else if (intradayUnit) out.push(...model.history.minuteBars(index, day));
      else {
        const bar = model.history.dailyBar(index, day);
        if (bar) out.push(bar);
      }
    }
  }
  return out;
}

function groupBars(bars: Bar[], unit: Unit, interval: number): Bar[] {
  switch (unit) {
    case 'minutes':
      return interval === 1 ? bars : aggregate(bars, minuteBucket(interval));
    case 'hours':
      return aggregate(bars, minuteBucket(60 * interval));
    case 'days':
      return bars;
    case 'weeks':
      return aggregate(bars, (ts) => {
        const day = istDayIndex(ts);
        return dayStartMs(day - ((weekdayOf(day) + 6) % 7));
      });
    case 'months':
      return aggregate(bars, (ts) => dayStartMs(dateToDay(`${istIso(ts).slice(0, 7)}-01`)));
  }
}
