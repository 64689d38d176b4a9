import createYahooFinance from 'yahoo-finance2/createYahooFinance';
import { ExtendedCookieJar } from 'yahoo-finance2/lib/cookieJar';
import chart, { type ChartResultObject } from 'yahoo-finance2/modules/chart';
import type { OhlcvBar } from '../../../../shared/domain/feed';
import { DAY_MS, istDate, istDayStart, istWeekday } from '../../../../shared/time';
import { abortReason } from '../../common/backoff';
import type { Clock } from '../../common/clock';
import type { Logger } from '../../common/logger';
import { createRateLimiter, type RateLimiter } from '../../upstox/rate-limit';
import type { SpanLimits } from '../plan';
import { ProviderError, type CandleRequest, type ImportTimeframe, type OhlcvProvider } from './provider';

/** The chart module only; the library's other modules (quote, search, those needing a crumb) are not imported. */
const YahooFinance = createYahooFinance({ modules: { chart } });

/** One request covers any range; imports ask from 2000, as they do Upstox for days and weeks. */
export const YAHOO_LIMITS: SpanLimits = { spanMonths: null, earliest: '2000-01-01' };

const INTERVALS: Partial<Record<ImportTimeframe, '1d' | '1wk'>> = { '1d': '1d', '1w': '1wk' };

/** Upstox index keys and Yahoo's tickers for them. */
export const YAHOO_INDEX_SYMBOLS: Readonly<Record<string, string>> = {
  'NSE_INDEX|Nifty 50': '^NSEI',
  'NSE_INDEX|Nifty Bank': '^NSEBANK',
  'NSE_INDEX|India VIX': '^INDIAVIX',
  'NSE_INDEX|Nifty Next 50': '^NSMIDCP',
  'NSE_INDEX|Nifty 100': '^CNX100',
  'NSE_INDEX|Nifty 500': '^CRSLDX',
  'NSE_INDEX|Nifty IT': '^CNXIT',
  'NSE_INDEX|Nifty Auto': '^CNXAUTO',
  'NSE_INDEX|Nifty Pharma': '^CNXPHARMA',
  'NSE_INDEX|Nifty FMCG': '^CNXFMCG',
  'NSE_INDEX|Nifty Metal': '^CNXMETAL',
  'NSE_INDEX|Nifty Realty': '^CNXREALTY',
  'BSE_INDEX|SENSEX': '^BSESN',
};

/** NSE symbols as Yahoo spells them after `.NS`: `&` and `-` kept (`M&M.NS`, `BAJAJ-AUTO.NS`). */
const NSE_SYMBOL = /^[A-Z0-9][A-Z0-9&._-]{0,29}$/;

/** Yahoo's ticker for an instrument, or null when Yahoo has no ticker we know of for it. */
export function yahooSymbolOf({
  instrumentKey,
  tradingSymbol,
}: Pick<CandleRequest, 'instrumentKey' | 'tradingSymbol'>) {
  const index = YAHOO_INDEX_SYMBOLS[instrumentKey];
  if (index) return index;
  if (!instrumentKey.startsWith('NSE_EQ|')) return null;
  const symbol = tradingSymbol.trim().toUpperCase();
  return NSE_SYMBOL.test(symbol) ? `${symbol}.NS` : null;
}

export interface YahooProviderOptions {
  /** Every HTTP request goes through it (tests answer from recordings; nothing reaches the network). */
  fetch: typeof fetch;
  clock: Clock;
  logger: Logger;
  /** Paces this provider's requests; by default a limiter of its own at `requestsPerSecond`. */
  limiter?: RateLimiter;
  requestsPerSecond?: number;
  /** One request's limit, body included, counted after it leaves the limiter. */
  requestTimeoutMs?: number;
  id?: string;
}

/** Yahoo's chart API refuses a range that holds no bar with this, instead of an empty answer. */
const NO_DATA_IN_RANGE = /^Data doesn't exist for startDate/i;
const NO_SUCH_SYMBOL = /No data found, symbol may be delisted/i;

class NoBarsInRange extends Error {}

const secondsOf = (date: string) => Date.parse(`${date}T00:00:00+05:30`) / 1000;
const mondayOf = (ms: number) => istDayStart(ms) - ((istWeekday(ms) + 6) % 7) * DAY_MS;

/**
 * End-of-day history from Yahoo Finance's v8 chart API through yahoo-finance2 (its chart module only). The chart
 * API needs no crumb, so the library never runs its cookie-consent handshake; cookies Yahoo sets go to an in-memory
 * jar of this provider's own (the library's default jar is shared by the whole process, and nothing is written to
 * disk). Non-OK answers are classified here from the HTTP status before the library sees them, which also keeps the
 * library from printing the failed URL to the console.
 */
export function createYahooProvider(options: YahooProviderOptions): OhlcvProvider {
  const id = options.id ?? 'yahoo';
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  const limiter =
    options.limiter ??
    createRateLimiter({
      clock: options.clock,
      limits: {
        standard: { perSecond: options.requestsPerSecond ?? 2, perMinute: Infinity, per30Minutes: Infinity },
      },
    });
  const log = options.logger.child('yahoo');
  const yahoo = new YahooFinance({
    cookieJar: new ExtendedCookieJar(),
    // On Node 20 the library warns once per instance that it prefers Node 22 (we pinned v3 for Node 20): debug only.
    logger: {
      info: (...args: unknown[]) => log.debug(args.map(String).join(' ')),
      warn: (...args: unknown[]) => log.debug(args.map(String).join(' ')),
      error: (...args: unknown[]) => log.warn(args.map(String).join(' ')),
      debug: (...args: unknown[]) => log.debug(args.map(String).join(' ')),
      dir: (...args: unknown[]) => log.debug(args.map(String).join(' ')),
    },
    validation: { logErrors: false, logOptionsErrors: false },
    // The version check would ask registry.npmjs.org with the global fetch after any validation failure.
    versionCheck: false,
    suppressNotices: ['yahooSurvey'],
  });

  /**
   * The injected fetch, paced, with the caller's abort and a timeout. The body is read here, so a body cut off midway
   * counts as a network failure, not as a malformed answer.
   */
  const fetchFor =
    (signal: AbortSignal): typeof fetch =>
    async (input, init) => {
      await limiter.acquire('standard', signal);
      const bounded = AbortSignal.any([signal, AbortSignal.timeout(requestTimeoutMs)]);
      let response: Response;
      let body: string;
      try {
        response = await options.fetch(input, { ...init, signal: bounded });
        body = await response.text();
      } catch (error) {
        if (signal.aborted) throw abortReason(signal);
        throw new ProviderError('NETWORK_TIMEOUT', `Yahoo Finance did not answer: ${messageOf(error)}`, true);
      }
      if (!response.ok) throw failureOf(response.status, body);
      return new Response(body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    };

  return {
    id,
    supports: (timeframe) => timeframe in INTERVALS,
    limits: () => YAHOO_LIMITS,
    async fetchCandles(request, signal) {
      const interval = INTERVALS[request.timeframe];
      if (!interval)
        throw new ProviderError('BAD_RESPONSE', `Yahoo Finance serves 1d and 1w, not ${request.timeframe}`, false);
      const symbol = yahooSymbolOf(request);
      if (!symbol)
        throw new ProviderError('SYMBOL_NOT_FOUND', `no Yahoo Finance ticker for ${request.instrumentKey}`, false);
      let result: ChartResultObject;
      try {
        // The library puts the symbol into the URL path as it is: `^` and `&` must arrive encoded.
        result = await yahoo.chart(
          encodeURIComponent(symbol),
          {
            period1: secondsOf(request.from),
            period2: secondsOf(request.to) + DAY_MS / 1000,
            interval,
            return: 'object',
          },
          { fetch: fetchFor(signal) },
        );
      } catch (error) {
        if (error instanceof NoBarsInRange) return [];
        if (error instanceof ProviderError) throw error;
        if (signal.aborted) throw abortReason(signal);
        if (NO_SUCH_SYMBOL.test(messageOf(error)))
          throw new ProviderError('SYMBOL_NOT_FOUND', `${symbol}: ${messageOf(error)}`, false);
        throw new ProviderError('BAD_RESPONSE', `Yahoo Finance's answer for ${symbol}: ${messageOf(error)}`, false);
      }
      return barsOf(result, request, symbol);
    },
  };
}

function failureOf(status: number, body: string): Error {
  const described = yahooErrorOf(body);
  const text = described ?? (body.trim().slice(0, 200) || `HTTP ${status}`);
  if (status === 404 || NO_SUCH_SYMBOL.test(text)) return new ProviderError('SYMBOL_NOT_FOUND', text, false);
  if (status === 429) return new ProviderError('API_RATE_LIMIT', `Yahoo Finance: ${text}`, true);
  if (status >= 500) return new ProviderError('NETWORK_TIMEOUT', `Yahoo Finance HTTP ${status}: ${text}`, true);
  if (status === 400 && NO_DATA_IN_RANGE.test(text)) return new NoBarsInRange(text);
  return new ProviderError('BAD_RESPONSE', `Yahoo Finance HTTP ${status}: ${text}`, false);
}

/** The description of Yahoo's JSON error answer (`{"chart":{"result":null,"error":{...}}}`), if it is one. */
function yahooErrorOf(body: string): string | null {
  try {
    const error = (JSON.parse(body) as { chart?: { error?: { description?: unknown } } }).chart?.error;
    return typeof error?.description === 'string' ? error.description : null;
  } catch {
    return null;
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Yahoo's rows as bars: ts moved from the market-open time Yahoo stamps to the IST day (Monday for weeks), prices
 * rounded to Yahoo's own precision (they arrive as float32 noise, 1360.0999755859375), rows without prices skipped.
 */
function barsOf(result: ChartResultObject, request: CandleRequest, symbol: string): OhlcvBar[] {
  const timestamps = result.timestamp ?? [];
  const quote = result.indicators.quote[0];
  if (timestamps.length === 0) return [];
  const columns = quote && [quote.open, quote.high, quote.low, quote.close, quote.volume];
  if (!columns || columns.some((column) => !Array.isArray(column) || column.length !== timestamps.length))
    throw new ProviderError(
      'BAD_RESPONSE',
      `Yahoo Finance's answer for ${symbol}: quote columns do not match its timestamps`,
      false,
    );
  const isIndex = symbol.startsWith('^');
  const digits = typeof result.meta.priceHint === 'number' ? result.meta.priceHint : 2;
  const round = (value: number) => Math.round(value * 10 ** digits) / 10 ** digits;
  const startOf = request.timeframe === '1w' ? mondayOf : istDayStart;
  const first = startOf(secondsOf(request.from) * 1000);

  const bars: OhlcvBar[] = [];
  for (let i = 0; i < timestamps.length; i++) {
    const [open, high, low, close, volume] = [
      quote.open[i],
      quote.high[i],
      quote.low[i],
      quote.close[i],
      quote.volume[i],
    ];
    if (open == null || high == null || low == null || close == null) continue;
    if (volume == null && !isIndex) continue;
    const ts = startOf((timestamps[i] ?? 0) * 1000);
    if (ts < first || istDate(ts) > request.to) continue;
    const bar = {
      ts,
      open: round(open),
      high: round(high),
      low: round(low),
      close: round(close),
      volume: volume ?? 0,
      oi: 0,
    };
    const previous = bars[bars.length - 1];
    if (previous && previous.ts === ts) bars[bars.length - 1] = mergeLiveRow(previous, bar, request.timeframe);
    else bars.push(bar);
  }
  return bars.sort((a, b) => a.ts - b.ts);
}

/**
 * While the market is open Yahoo may answer the current period twice: the period so far, then today's row on its
 * own. A day's later row is the fuller one; a week's rows add up (as yfinance merges them).
 */
function mergeLiveRow(period: OhlcvBar, live: OhlcvBar, timeframe: ImportTimeframe): OhlcvBar {
  if (timeframe === '1d') return live;
  return {
    ...period,
    high: Math.max(period.high, live.high),
    low: Math.min(period.low, live.low),
    close: live.close,
    volume: period.volume + live.volume,
  };
}
