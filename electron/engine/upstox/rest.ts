import { z } from 'zod';
import type { OptionChain } from '../../../shared/domain/analysis';
import type { OhlcvBar } from '../../../shared/domain/feed';
import { ISO_DATE } from '../../../shared/time';
import { backoffDelay, delay } from '../common/backoff';
import type { Clock } from '../common/clock';
import type { Logger } from '../common/logger';
import { errorFromResponse, networkReason, UpstoxApiError, withoutSecret } from './errors';
import { OPTION_CHAIN_PATH, OPTION_CONTRACT_PATH, parseOptionChain, parseOptionExpiries } from './options';
import { createRateLimiter, type ApiFamily, type BucketLimits, type RateLimiter } from './rate-limit';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';
export type QueryValue = string | number | boolean | undefined;

export interface UpstoxRequest {
  method: HttpMethod;
  /** Path below the host, already encoded (e.g. `/v3/market-quote/ltp`); query values go in `query`. */
  path: string;
  /** Percent-encoded with encodeURIComponent (`|` -> %7C, space -> %20); undefined values are left out. */
  query?: Readonly<Record<string, QueryValue>>;
  /** Sent as JSON. */
  body?: unknown;
  /** Which rate-limit family counts this call; by default writes under `/order/` are 'order', the rest 'standard'. */
  family?: ApiFamily;
  signal?: AbortSignal;
  /** Host to use; by default place/modify/cancel go to the order (HFT) host, as the official SDK routes them. */
  base?: 'api' | 'order';
}

/** What a token is chosen for: the route template family and whether it reads market data or the account. */
export interface UpstoxCall {
  method: HttpMethod;
  /** The path with instrument keys and dates left in (`/v3/historical-candle/NSE_EQ%7C.../days/1/...`). */
  path: string;
}

export interface UpstoxToken {
  token: string;
  kind: 'daily' | 'analytics';
}

/** One candle; `ts` is the bar's start in epoch ms. */
export type RestCandle = OhlcvBar;

export type IntradayUnit = 'minutes' | 'hours' | 'days';
export type HistoricalUnit = IntradayUnit | 'weeks' | 'months';

export interface UpstoxRestDeps {
  /** REST host, e.g. `https://api.upstox.com` (configurable so a local fake can stand in). */
  apiUrl: string;
  /** Order host, e.g. `https://api-hft.upstox.com` or the sandbox. */
  orderUrl: string;
  /**
   * Read before every attempt, so a new login takes effect without rebuilding the client: a token, or a token with
   * its kind (an Analytics token may be refused by a route, and then `onAnalyticsRefused` decides what follows).
   */
  token: (call: UpstoxCall) => string | UpstoxToken | null | undefined;
  /** What to tell the user when there is no token (e.g. "log in again: the login expired at 03:30 IST"). */
  noTokenReason?: () => string;
  /**
   * A route answered 401/403 to the Analytics token: true when the call should go again at once (the next
   * `token()` for it gives the daily token); false ends it with the auth error.
   */
  onAnalyticsRefused?: (call: UpstoxCall) => boolean;
  fetch: typeof fetch;
  clock: Clock;
  logger: Logger;
  random?: () => number;
  limits?: Partial<Record<ApiFamily, BucketLimits>>;
  /** A limiter shared with other clients of the same user; built from `limits` when absent. */
  limiter?: RateLimiter;
  /**
   * Per attempt, covering the response body too. Runs on a real timer (AbortSignal.timeout), not on `clock`: it
   * bounds real network I/O, and a fake clock that nobody advances must not leave a request hanging forever.
   */
  timeoutMs?: number;
  /**
   * Retries after the first attempt, for rate-limited and transient failures only. Never for an order's place,
   * modify or cancel: a resend after an unclear answer may make a second order, so that is the order job's decision,
   * after it has asked the broker what it received.
   */
  maxRetries?: number;
  /** Exponential backoff with equal jitter between retries. */
  backoff?: { baseMs: number; maxMs: number };
}

export interface UpstoxRest {
  /** The `data` of a success (or partial_success) envelope, unchecked: callers validate its shape. */
  request<T>(req: UpstoxRequest): Promise<T>;
  /** A fresh single-use feed URL (wss://, or ws:// from a local fake). */
  authorizeFeed(signal?: AbortSignal): Promise<string>;
  /** Today's candles, oldest first. */
  intradayCandles(
    instrumentKey: string,
    unit: IntradayUnit,
    interval: number,
    signal?: AbortSignal,
  ): Promise<RestCandle[]>;
  /** Candles from `fromDate` to `toDate` (YYYY-MM-DD, both inclusive), oldest first. */
  historicalCandles(
    instrumentKey: string,
    unit: HistoricalUnit,
    interval: number,
    toDate: string,
    fromDate?: string,
    signal?: AbortSignal,
  ): Promise<RestCandle[]>;
  /** The option chain of an underlying (`NSE_INDEX|Nifty 50`, `NSE_EQ|INE002A01018`) for an expiry (YYYY-MM-DD). */
  optionChain(underlyingKey: string, expiry: string, signal?: AbortSignal): Promise<OptionChain>;
  /** The expiry dates the underlying has option contracts for, ascending. */
  optionExpiries(underlyingKey: string, signal?: AbortSignal): Promise<string[]>;
}

const ORDER_HOST_PATH = /\/order\/(place|modify|cancel)/;
const DEFAULT_BACKOFF = { baseMs: 500, maxMs: 30_000 };

const AuthorizeSchema = z.object({
  authorized_redirect_uri: z.string().optional(),
  authorizedRedirectUri: z.string().optional(),
});
const FEED_URL = /^wss?:\/\/\S+$/;
const CandlesSchema = z.object({ candles: z.array(z.unknown()) });
const CandleRowSchema = z.tuple(
  [z.iso.datetime({ offset: true }), z.number(), z.number(), z.number(), z.number(), z.number()],
  z.number(), // oi; older rows and some segments leave it out
);

export function createUpstoxRest(deps: UpstoxRestDeps): UpstoxRest {
  const { clock, logger } = deps;
  const limiter = deps.limiter ?? createRateLimiter({ clock, limits: deps.limits ?? {} });
  const timeoutMs = deps.timeoutMs ?? 10_000;
  const maxRetries = deps.maxRetries ?? 4;
  const backoff = deps.backoff ?? DEFAULT_BACKOFF;
  const random = deps.random ?? Math.random;

  function urlFor(req: UpstoxRequest): string {
    const base = req.base ?? (ORDER_HOST_PATH.test(req.path) ? 'order' : 'api');
    const root = (base === 'order' ? deps.orderUrl : deps.apiUrl).replace(/\/+$/, '');
    const path = req.path.startsWith('/') ? req.path : `/${req.path}`;
    const query = Object.entries(req.query ?? {})
      .filter((entry): entry is [string, string | number | boolean] => entry[1] !== undefined)
      .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`)
      .join('&');
    return `${root}${path}${query ? `?${query}` : ''}`;
  }

  function tokenFor(req: UpstoxRequest, what: string): UpstoxToken {
    const chosen = deps.token({ method: req.method, path: req.path });
    if (typeof chosen === 'string' && chosen.length > 0) return { token: chosen, kind: 'daily' };
    if (chosen && typeof chosen === 'object') return chosen;
    const reason = deps.noTokenReason?.() ?? 'no access token';
    throw new UpstoxApiError({ kind: 'auth', message: `Upstox ${what} needs a login: ${reason}` });
  }

  async function attempt(req: UpstoxRequest, url: string, what: string, token: string): Promise<unknown> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
    const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Accept: 'application/json' };
    if (req.body !== undefined) headers['Content-Type'] = 'application/json';
    let status: number;
    let raw: string;
    try {
      const response = await deps.fetch(url, {
        method: req.method,
        headers,
        signal,
        ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
      });
      status = response.status;
      raw = await response.text();
    } catch (cause) {
      if (req.signal?.aborted) throw req.signal.reason;
      const message = timeout.aborted
        ? `Upstox ${what} timed out after ${timeoutMs} ms`
        : `Upstox ${what} failed: ${networkReason(cause)}`;
      throw withoutSecret(new UpstoxApiError({ kind: 'transient', message, cause }), token);
    }
    let body: unknown;
    let isJson = true;
    try {
      body = JSON.parse(raw);
    } catch {
      isJson = false;
    }
    const failure = errorFromResponse(status, body, what);
    if (failure) throw withoutSecret(failure, token);
    const envelope =
      isJson && typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : undefined;
    const ok = status >= 200 && status < 300 && envelope !== undefined;
    if (ok && (envelope.status === 'success' || envelope.status === 'partial_success') && envelope.data !== undefined) {
      return envelope.data;
    }
    const reason = !isJson
      ? 'the body is not JSON'
      : !ok
        ? `unexpected HTTP ${status}`
        : 'no data in the success envelope';
    throw new UpstoxApiError({
      kind: 'bad_response',
      status,
      message: `Upstox ${what} returned an unusable response (${reason})`,
    });
  }

  async function request<T>(req: UpstoxRequest): Promise<T> {
    const family = req.family ?? (req.method !== 'GET' && req.path.includes('/order/') ? 'order' : 'standard');
    const url = urlFor(req);
    const what = `${req.method} ${req.path}`;
    const retries = ORDER_HOST_PATH.test(req.path) ? 0 : maxRetries;
    for (let attemptNo = 1; ; attemptNo++) {
      const credential = tokenFor(req, what);
      const sentAt = await limiter.acquire(family, req.signal);
      let error: UpstoxApiError;
      try {
        return (await attempt(req, url, what, credential.token)) as T;
      } catch (e) {
        if (!(e instanceof UpstoxApiError)) throw e;
        error = e;
      } finally {
        limiter.answered(family, sentAt);
      }
      // Not a retry: the same call with the daily token, which the route may take where it refused the Analytics one.
      if (error.kind === 'auth' && credential.kind === 'analytics' && deps.onAnalyticsRefused?.(req)) {
        attemptNo--;
        continue;
      }
      const retry = error.retryable && attemptNo <= retries;
      const waitMs = retry ? backoffDelay(attemptNo, backoff.baseMs, backoff.maxMs, random) : undefined;
      logger.warn('upstox request failed', {
        method: req.method,
        path: req.path,
        status: error.status,
        upstoxCode: error.upstoxCode,
        kind: error.kind,
        attempt: attemptNo,
        ...(waitMs !== undefined ? { retryInMs: waitMs } : {}),
      });
      if (waitMs === undefined) throw error;
      // A 429 means the server's count is ahead of ours: hold back every caller of the family, this one included.
      if (error.kind === 'rate_limited') limiter.penalize(family, waitMs);
      else await delay(clock, waitMs, req.signal);
    }
  }

  async function candles(path: string, signal: AbortSignal | undefined): Promise<RestCandle[]> {
    const what = `GET ${path}`;
    const data = CandlesSchema.safeParse(
      await request<unknown>({ method: 'GET', path, ...(signal ? { signal } : {}) }),
    );
    if (!data.success) throw badResponse(what, 'data.candles is not a list');
    return data.data.candles
      .map((row, index): RestCandle => {
        const parsed = CandleRowSchema.safeParse(row);
        if (!parsed.success)
          throw badResponse(what, `candle row ${index} is malformed: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
        const [ts, open, high, low, close, volume, oi] = parsed.data;
        return { ts: Date.parse(ts), open, high, low, close, volume, oi: oi ?? 0 };
      })
      .sort((a, b) => a.ts - b.ts);
  }

  return {
    request,

    async authorizeFeed(signal) {
      const path = '/v3/feed/market-data-feed/authorize';
      const data = AuthorizeSchema.safeParse(
        await request<unknown>({ method: 'GET', path, ...(signal ? { signal } : {}) }),
      );
      const url = data.success ? (data.data.authorized_redirect_uri ?? data.data.authorizedRedirectUri) : undefined;
      if (!url || !FEED_URL.test(url)) throw badResponse(`GET ${path}`, 'no ws:// or wss:// authorized_redirect_uri');
      return url;
    },

    intradayCandles(instrumentKey, unit, interval, signal) {
      checkInterval(interval);
      return candles(`/v3/historical-candle/intraday/${encodeURIComponent(instrumentKey)}/${unit}/${interval}`, signal);
    },

    historicalCandles(instrumentKey, unit, interval, toDate, fromDate, signal) {
      checkInterval(interval);
      for (const date of fromDate === undefined ? [toDate] : [toDate, fromDate]) {
        if (!ISO_DATE.test(date)) throw invalid(`candle date must be YYYY-MM-DD, got ${JSON.stringify(date)}`);
      }
      const range = fromDate === undefined ? toDate : `${toDate}/${fromDate}`;
      return candles(`/v3/historical-candle/${encodeURIComponent(instrumentKey)}/${unit}/${interval}/${range}`, signal);
    },

    async optionChain(underlyingKey, expiry, signal) {
      checkUnderlying(underlyingKey);
      if (!ISO_DATE.test(expiry))
        throw invalid(`option expiry must be YYYY-MM-DD, got ${JSON.stringify(expiry)}`, 'expiry');
      const data = await request<unknown>({
        method: 'GET',
        path: OPTION_CHAIN_PATH,
        query: { instrument_key: underlyingKey, expiry_date: expiry },
        ...(signal ? { signal } : {}),
      });
      return parseOptionChain(data, underlyingKey, expiry);
    },

    async optionExpiries(underlyingKey, signal) {
      checkUnderlying(underlyingKey);
      const data = await request<unknown>({
        method: 'GET',
        path: OPTION_CONTRACT_PATH,
        query: { instrument_key: underlyingKey },
        ...(signal ? { signal } : {}),
      });
      return parseOptionExpiries(data);
    },
  };
}

function checkUnderlying(underlyingKey: string): void {
  if (underlyingKey.trim() === '') throw invalid('an option underlying needs an instrument key', 'underlyingKey');
}

function checkInterval(interval: number): void {
  if (!Number.isInteger(interval) || interval < 1)
    throw invalid(`candle interval must be a positive integer, got ${interval}`);
}

function invalid(message: string, field?: string): UpstoxApiError {
  return new UpstoxApiError({
    kind: 'invalid_request',
    message,
    ...(field !== undefined ? { details: [{ path: [field], message }] } : {}),
  });
}

function badResponse(what: string, reason: string): UpstoxApiError {
  return new UpstoxApiError({
    kind: 'bad_response',
    status: 200,
    message: `Upstox ${what} returned an unusable response (${reason})`,
  });
}
