import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { istDate } from '../../../../shared/time';
import { FakeClock } from '../../../../tests/helpers/fake-clock';
import { waitFor } from '../../../../tests/helpers/wait';
import { createMemoryLogger } from '../../common/logger';
import { ProviderError, type CandleRequest } from './provider';
import { createYahooProvider, yahooSymbolOf } from './yahoo';

const FIXTURES = path.join(import.meta.dirname, 'fixtures', 'yahoo');
const CHART = 'https://query2.finance.yahoo.com/v8/finance/chart/';

const IST = (date: string) => Date.parse(`${date}T00:00:00+05:30`);
const seconds = (date: string) => IST(date) / 1000;
const chartUrl = (path: string, interval: string, from: string, toExclusive: string) =>
  `${CHART}${path}?useYfid=true&interval=${interval}&includePrePost=true&events=div%7Csplit%7Cearn&lang=en-US` +
  `&period1=${seconds(from)}&period2=${seconds(toExclusive)}`;

interface Reply {
  status?: number;
  /** A recorded body under fixtures/yahoo, or a literal one. */
  fixture?: string;
  body?: string;
  headers?: Record<string, string>;
}

interface Asked {
  url: string;
  cookie: string | null;
}

/** A fetch that answers only the recorded URLs; anything else is noted and fails the test in afterEach. */
function recordedYahoo(routes: Record<string, Reply | (() => Promise<Response>)>) {
  const asked: Asked[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    asked.push({ url, cookie: new Headers(init?.headers).get('cookie') || null });
    const reply = routes[url];
    if (!reply) {
      unexpected.push(url);
      throw new Error(`no recording for ${url}`);
    }
    if (typeof reply === 'function') return reply();
    const body = reply.fixture ? fs.readFileSync(path.join(FIXTURES, reply.fixture), 'utf8') : (reply.body ?? '');
    const headers = { 'content-type': 'application/json;charset=utf-8', ...reply.headers };
    return new Response(body, { status: reply.status ?? 200, headers });
  };
  return { fetch, asked };
}

let unexpected: string[] = [];
let globalFetchCalls: string[] = [];
const printed = vi.fn();

beforeEach(() => {
  printed.mockReset();
  unexpected = [];
  globalFetchCalls = [];
  vi.stubGlobal('fetch', (input: unknown) => {
    globalFetchCalls.push(String(input));
    throw new Error('the network is off in tests');
  });
  for (const method of ['log', 'info', 'warn', 'error', 'dir', 'debug'] as const)
    vi.spyOn(console, method).mockImplementation(printed);
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  expect(unexpected, 'requests without a recording').toEqual([]);
  expect(globalFetchCalls, 'requests through the global fetch').toEqual([]);
  expect(printed, 'console output from the library').not.toHaveBeenCalled();
});

function providerWith(routes: Parameters<typeof recordedYahoo>[0], requestsPerSecond?: number) {
  const { fetch, asked } = recordedYahoo(routes);
  const clock = new FakeClock('2024-01-24T10:00:00.000Z');
  const logger = createMemoryLogger();
  return { provider: createYahooProvider({ fetch, clock, logger, requestsPerSecond }), asked, clock, logger };
}

const reliance = (from: string, to: string, timeframe: CandleRequest['timeframe'] = '1d'): CandleRequest => ({
  instrumentKey: 'NSE_EQ|INE002A01018',
  tradingSymbol: 'RELIANCE',
  timeframe,
  from,
  to,
});
const nifty = (from: string, to: string): CandleRequest => ({
  instrumentKey: 'NSE_INDEX|Nifty 50',
  tradingSymbol: 'Nifty 50',
  timeframe: '1d',
  from,
  to,
});
const signal = () => AbortSignal.timeout(10_000);
/** A fetch that never answers, only gives up when its signal aborts. */
const hangingFetch: typeof fetch = (_input, init) =>
  new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)));

describe('Yahoo Finance provider: requests', () => {
  it('asks the chart API for SYMBOL.NS daily bars over the IST days of the range (period2 the midnight after `to`)', async () => {
    const url = chartUrl('RELIANCE.NS', '1d', '2024-01-18', '2024-01-25');
    const { provider, asked } = providerWith({ [url]: { fixture: 'chart-RELIANCE.NS-1d.json' } });
    await provider.fetchCandles(reliance('2024-01-18', '2024-01-24'), signal());
    expect(asked.map((a) => a.url)).toEqual([url]);
    const sent = new URL(asked[0]!.url);
    expect(sent.pathname).toBe('/v8/finance/chart/RELIANCE.NS');
    expect(sent.searchParams.get('interval')).toBe('1d');
    expect(new Date(Number(sent.searchParams.get('period1')) * 1000).toISOString()).toBe('2024-01-17T18:30:00.000Z');
    expect(new Date(Number(sent.searchParams.get('period2')) * 1000).toISOString()).toBe('2024-01-24T18:30:00.000Z');
  });

  it('sends weekly requests as interval=1wk', async () => {
    const url = chartUrl('RELIANCE.NS', '1wk', '2024-01-01', '2024-01-26');
    const { provider, asked } = providerWith({ [url]: { fixture: 'chart-RELIANCE.NS-1wk.json' } });
    await provider.fetchCandles(reliance('2024-01-01', '2024-01-25', '1w'), signal());
    expect(new URL(asked[0]!.url).searchParams.get('interval')).toBe('1wk');
  });

  it('keeps & and - in NSE symbols and sends them percent-encoded in the path, as indices with ^', async () => {
    expect(yahooSymbolOf({ instrumentKey: 'NSE_EQ|INE101A01026', tradingSymbol: 'M&M' })).toBe('M&M.NS');
    expect(yahooSymbolOf({ instrumentKey: 'NSE_EQ|INE917I01010', tradingSymbol: 'BAJAJ-AUTO' })).toBe('BAJAJ-AUTO.NS');
    expect(yahooSymbolOf({ instrumentKey: 'NSE_INDEX|Nifty 50', tradingSymbol: 'Nifty 50' })).toBe('^NSEI');
    expect(yahooSymbolOf({ instrumentKey: 'NSE_INDEX|Nifty Bank', tradingSymbol: 'Nifty Bank' })).toBe('^NSEBANK');
    expect(yahooSymbolOf({ instrumentKey: 'NSE_INDEX|India VIX', tradingSymbol: 'India VIX' })).toBe('^INDIAVIX');
    expect(yahooSymbolOf({ instrumentKey: 'NSE_INDEX|Nifty Smallcap 250', tradingSymbol: 'x' })).toBeNull();
    expect(yahooSymbolOf({ instrumentKey: 'NSE_FO|35000', tradingSymbol: 'NIFTY24JANFUT' })).toBeNull();

    const urls = {
      mm: chartUrl('M%26M.NS', '1d', '2024-01-18', '2024-01-25'),
      bajaj: chartUrl('BAJAJ-AUTO.NS', '1d', '2024-01-18', '2024-01-25'),
      nifty: chartUrl('%5ENSEI', '1d', '2024-01-18', '2024-01-25'),
    };
    const { provider, asked } = providerWith(
      {
        [urls.mm]: { fixture: 'chart-RELIANCE.NS-1d.json' },
        [urls.bajaj]: { fixture: 'chart-RELIANCE.NS-1d.json' },
        [urls.nifty]: { fixture: 'chart-NSEI-1d.json' },
      },
      10,
    );
    const range = { timeframe: '1d', from: '2024-01-18', to: '2024-01-24' } as const;
    await provider.fetchCandles({ instrumentKey: 'NSE_EQ|INE101A01026', tradingSymbol: 'M&M', ...range }, signal());
    await provider.fetchCandles(
      { instrumentKey: 'NSE_EQ|INE917I01010', tradingSymbol: 'BAJAJ-AUTO', ...range },
      signal(),
    );
    await provider.fetchCandles(nifty('2024-01-18', '2024-01-24'), signal());
    expect(asked.map((a) => a.url)).toEqual([urls.mm, urls.bajaj, urls.nifty]);
  });

  it('says SYMBOL_NOT_FOUND without asking for anything it has no ticker for, and serves only 1d and 1w', async () => {
    const { provider, asked } = providerWith({});
    const unknownIndex = provider.fetchCandles(
      { ...nifty('2024-01-18', '2024-01-24'), instrumentKey: 'NSE_INDEX|Nifty Smallcap 250' },
      signal(),
    );
    await expect(unknownIndex).rejects.toEqual(expect.objectContaining({ code: 'SYMBOL_NOT_FOUND', retryable: false }));
    const future = provider.fetchCandles(
      { ...reliance('2024-01-18', '2024-01-24'), instrumentKey: 'NSE_FO|35000' },
      signal(),
    );
    await expect(future).rejects.toBeInstanceOf(ProviderError);
    expect(asked).toEqual([]);
    expect((['1m', '30m', '1h', '1d', '1w', '1M'] as const).filter((t) => provider.supports(t))).toEqual(['1d', '1w']);
    expect(provider.limits('1d')).toEqual({ spanMonths: null, earliest: '2000-01-01' });
    expect(provider.limits('1w')).toEqual({ spanMonths: null, earliest: '2000-01-01' });
    expect(provider.id).toBe('yahoo');
  });
});

describe('Yahoo Finance provider: bars', () => {
  it('converts daily rows to bars at 00:00 IST of their day, oldest first, rows without prices skipped', async () => {
    const url = chartUrl('RELIANCE.NS', '1d', '2024-01-18', '2024-01-25');
    const { provider } = providerWith({ [url]: { fixture: 'chart-RELIANCE.NS-1d.json' } });
    const bars = await provider.fetchCandles(reliance('2024-01-18', '2024-01-24'), signal());
    // 2024-01-22 (a holiday) comes as a row of nulls; the Saturday session of the 20th is a bar like any other.
    expect(bars.map((b) => istDate(b.ts))).toEqual([
      '2024-01-18',
      '2024-01-19',
      '2024-01-20',
      '2024-01-23',
      '2024-01-24',
    ]);
    expect(bars.map((b) => b.ts)).toEqual(bars.map((b) => IST(istDate(b.ts))));
    expect(bars[0]).toEqual({
      ts: IST('2024-01-18'),
      open: 1363.2,
      high: 1366.5,
      low: 1346.1,
      close: 1359.35,
      volume: 15734982,
      oi: 0,
    });
    expect(bars[4]).toEqual({
      ts: IST('2024-01-24'),
      open: 1334.3,
      high: 1358.9,
      low: 1322.85,
      close: 1355.35,
      volume: 14288216,
      oi: 0,
    });
  });

  it('gives an index volume 0 where Yahoo has none', async () => {
    const url = chartUrl('%5ENSEI', '1d', '2024-01-18', '2024-01-25');
    const { provider } = providerWith({ [url]: { fixture: 'chart-NSEI-1d.json' } });
    const bars = await provider.fetchCandles(nifty('2024-01-18', '2024-01-24'), signal());
    expect(bars.map((b) => [istDate(b.ts), b.close, b.volume])).toEqual([
      ['2024-01-18', 21462.25, 360500],
      ['2024-01-19', 21622.4, 0],
      ['2024-01-20', 21571.95, 0],
      ['2024-01-23', 21238.8, 455300],
      ['2024-01-24', 21453.95, 0],
    ]);
  });

  it('stamps weekly bars on Monday 00:00 IST and folds the separate live row into the week it belongs to', async () => {
    const url = chartUrl('RELIANCE.NS', '1wk', '2024-01-01', '2024-01-26');
    const { provider } = providerWith({ [url]: { fixture: 'chart-RELIANCE.NS-1wk.json' } });
    const bars = await provider.fetchCandles(reliance('2024-01-01', '2024-01-25', '1w'), signal());
    expect(bars.map((b) => istDate(b.ts))).toEqual(['2024-01-01', '2024-01-08', '2024-01-15', '2024-01-22']);
    expect(bars.map((b) => b.ts)).toEqual(bars.map((b) => IST(istDate(b.ts))));
    expect(bars[3]).toEqual({
      ts: IST('2024-01-22'),
      open: 1374.9,
      high: 1376.75,
      low: 1322.85,
      close: 1362.6,
      volume: 33908920 + 4112876,
      oi: 0,
    });
  });

  it('answers a range without sessions with no bars, whether Yahoo sends empty indicators or "Data doesn\'t exist"', async () => {
    const weekend = chartUrl('RELIANCE.NS', '1d', '2024-01-27', '2024-01-29');
    const before = chartUrl('RELIANCE.NS', '1d', '2000-01-03', '2000-01-08');
    const { provider } = providerWith({
      [weekend]: { fixture: 'chart-RELIANCE.NS-1d-empty.json' },
      [before]: { status: 400, fixture: 'chart-no-data-in-range.json' },
    });
    await expect(provider.fetchCandles(reliance('2024-01-27', '2024-01-28'), signal())).resolves.toEqual([]);
    await expect(provider.fetchCandles(reliance('2000-01-03', '2000-01-07'), signal())).resolves.toEqual([]);
  });
});

describe('Yahoo Finance provider: failures', () => {
  const url = chartUrl('RELIANCE.NS', '1d', '2024-01-18', '2024-01-25');
  const request = reliance('2024-01-18', '2024-01-24');

  const html = { 'content-type': 'text/html' };
  it.each([
    {
      what: 'a 404 "symbol may be delisted"',
      code: 'SYMBOL_NOT_FOUND',
      retryable: false,
      reply: { status: 404, fixture: 'chart-not-found.json' },
    },
    {
      what: 'a 429',
      code: 'API_RATE_LIMIT',
      retryable: true,
      reply: { status: 429, body: 'Too Many Requests\r\n', headers: html },
    },
    {
      what: 'a 503',
      code: 'NETWORK_TIMEOUT',
      retryable: true,
      reply: { status: 503, body: '<html><body>Service Unavailable</body></html>', headers: html },
    },
    { what: 'a 502 with an empty body', code: 'NETWORK_TIMEOUT', retryable: true, reply: { status: 502, body: '' } },
    {
      what: 'a 200 that is not JSON',
      code: 'BAD_RESPONSE',
      retryable: false,
      reply: { body: '<html>Will be right back</html>', headers: html },
    },
    {
      what: 'a 200 without a chart',
      code: 'BAD_RESPONSE',
      retryable: false,
      reply: { body: '{"finance":{"result":null,"error":null}}' },
    },
    {
      what: 'a 200 whose result fails the schema',
      code: 'BAD_RESPONSE',
      retryable: false,
      reply: { body: '{"chart":{"result":[{"meta":{}}],"error":null}}' },
    },
    {
      what: 'a 400 of another kind',
      code: 'BAD_RESPONSE',
      retryable: false,
      reply: {
        status: 400,
        body: '{"chart":{"result":null,"error":{"code":"Bad Request","description":"Invalid input - interval=1wk is not supported"}}}',
      },
    },
  ] as const)('maps $what to $code (retryable: $retryable)', async ({ reply, code, retryable }) => {
    const { provider, logger } = providerWith({ [url]: reply });
    const failure = provider.fetchCandles(request, signal());
    await expect(failure).rejects.toBeInstanceOf(ProviderError);
    await expect(failure).rejects.toEqual(expect.objectContaining({ code, retryable }));
    expect(logger.entries.filter((e) => e.level === 'warn' || e.level === 'error')).toEqual([]);
  });

  it('refuses quote columns that do not match the timestamps as BAD_RESPONSE', async () => {
    const recorded = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'chart-RELIANCE.NS-1d.json'), 'utf8'));
    recorded.chart.result[0].indicators.quote[0].close.pop();
    const { provider } = providerWith({ [url]: { body: JSON.stringify(recorded) } });
    await expect(provider.fetchCandles(request, signal())).rejects.toEqual(
      expect.objectContaining({ code: 'BAD_RESPONSE', retryable: false }),
    );
  });

  it('maps a connection failure and a request that outlives its timeout to NETWORK_TIMEOUT', async () => {
    const refused = providerWith({ [url]: () => Promise.reject(new TypeError('fetch failed')) });
    await expect(refused.provider.fetchCandles(request, signal())).rejects.toEqual(
      expect.objectContaining({ code: 'NETWORK_TIMEOUT', retryable: true }),
    );
    const { clock, logger } = providerWith({});
    const slow = createYahooProvider({ fetch: hangingFetch, clock, logger, requestTimeoutMs: 50 });
    await expect(slow.fetchCandles(request, signal())).rejects.toEqual(
      expect.objectContaining({ code: 'NETWORK_TIMEOUT', retryable: true }),
    );
  });

  it("rejects with the caller's abort reason, not a provider error, when the caller gives up", async () => {
    const { clock, logger } = providerWith({});
    const provider = createYahooProvider({ fetch: hangingFetch, clock, logger });
    const controller = new AbortController();
    const failure = provider.fetchCandles(request, controller.signal);
    const reason = new Error('import cancelled');
    setTimeout(() => controller.abort(reason), 10);
    await expect(failure).rejects.toBe(reason);
  });
});

describe('Yahoo Finance provider: pacing and cookies', () => {
  it('sends at most 2 requests a second by default (its own limiter on the injected clock)', async () => {
    const days = ['2024-01-18', '2024-01-19', '2024-01-20'];
    const routes = Object.fromEntries(
      days.map((d, i) => [
        chartUrl('RELIANCE.NS', '1d', d, ['2024-01-19', '2024-01-20', '2024-01-21'][i]!),
        { fixture: 'chart-RELIANCE.NS-1d.json' },
      ]),
    );
    const { provider, asked, clock } = providerWith(routes);
    const all = Promise.all(days.map((d) => provider.fetchCandles(reliance(d, d), signal())));
    await waitFor(() => asked.length === 2, 'the first two requests');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(asked).toHaveLength(2);
    clock.advance(1_000);
    const results = await all;
    expect(asked).toHaveLength(3);
    expect(results.map((bars) => bars.map((b) => istDate(b.ts)))).toEqual(days.map((d) => [d]));
  });

  it('needs no crumb: the only requests are chart requests, and cookies Yahoo sets stay in this provider', async () => {
    const first = chartUrl('RELIANCE.NS', '1d', '2024-01-18', '2024-01-25');
    const again = chartUrl('RELIANCE.NS', '1d', '2024-01-18', '2024-01-20');
    const a3 = 'A3=d=AQABBOpNsWUCEKVrCSg9SN_rAnhVdbpv5VYFEgEBAQGfsmW7ZdwN0iMA_eMAAA&S=AQAAAhN7c3P6hOWqChcbn_3nG_s';
    const routes = {
      [first]: {
        fixture: 'chart-RELIANCE.NS-1d.json',
        headers: {
          'set-cookie': `${a3}; Max-Age=31557600; Domain=.yahoo.com; Path=/; SameSite=None; Secure; HttpOnly`,
        },
      },
      [again]: { fixture: 'chart-RELIANCE.NS-1d.json' },
    };
    const one = providerWith(routes);
    await one.provider.fetchCandles(reliance('2024-01-18', '2024-01-24'), signal());
    await one.provider.fetchCandles(reliance('2024-01-18', '2024-01-19'), signal());
    expect(one.asked).toEqual([
      { url: first, cookie: null },
      { url: again, cookie: a3 },
    ]);

    const other = providerWith(routes);
    await other.provider.fetchCandles(reliance('2024-01-18', '2024-01-19'), signal());
    expect(other.asked).toEqual([{ url: again, cookie: null }]);
    expect([...one.asked, ...other.asked].every((a) => a.url.startsWith(CHART))).toBe(true);
  });
});
