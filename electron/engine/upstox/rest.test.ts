import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createSystemClock } from '../common/clock';
import { createMemoryLogger } from '../common/logger';
import { isAuthError, UpstoxApiError } from './errors';
import { createRateLimiter } from './rate-limit';
import { createUpstoxRest, type UpstoxCall, type UpstoxRestDeps, type UpstoxToken } from './rest';
import { routeOf } from './token-routes';

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2Vu.sig-TEST-TOKEN-123';

interface Hit {
  host: 'api' | 'order';
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Answers the n-th hit (0-based); leaving `res` alone means the server never answers. */
type Script = (hit: Hit, n: number, res: http.ServerResponse) => void;

const servers: http.Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function listen(host: Hit['host'], hits: Hit[], script: Script): Promise<string> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const hit: Hit = { host, method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      hits.push(hit);
      script(hit, hits.length - 1, res);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

const success = (data: unknown) => ({ status: 'success', data });
const failure = (code: string, message: string) => ({
  status: 'error',
  errors: [{ error_code: code, message, property_path: null, invalid_value: null }],
});

async function setup(script: Script, overrides: Partial<UpstoxRestDeps> = {}) {
  const hits: Hit[] = [];
  const apiUrl = await listen('api', hits, script);
  const orderUrl = await listen('order', hits, script);
  const logger = createMemoryLogger();
  const rest = createUpstoxRest({
    apiUrl,
    orderUrl,
    token: () => TOKEN,
    fetch: globalThis.fetch,
    clock: createSystemClock(),
    logger,
    backoff: { baseMs: 1, maxMs: 5 },
    ...overrides,
  });
  return { rest, hits, logger };
}

async function failureOf(promise: Promise<unknown>): Promise<UpstoxApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UpstoxApiError);
  return error as UpstoxApiError;
}

describe('createUpstoxRest request', () => {
  it('returns the data of a success envelope and sends the Bearer token, JSON accept and encoded query', async () => {
    const { rest, hits } = await setup((_hit, _n, res) => json(res, 200, success({ ltp: 101.5 })));
    const data = await rest.request<{ ltp: number }>({
      method: 'GET',
      path: '/v3/market-quote/ltp',
      query: { instrument_key: 'NSE_INDEX|Nifty 50', skip: undefined },
    });
    expect(data).toEqual({ ltp: 101.5 });
    expect(hits).toHaveLength(1);
    expect(hits[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(hits[0]?.headers.accept).toBe('application/json');
    expect(hits[0]?.url).toBe('/v3/market-quote/ltp?instrument_key=NSE_INDEX%7CNifty%2050');
  });

  it('accepts partial_success', async () => {
    const { rest } = await setup((_hit, _n, res) =>
      json(res, 200, { status: 'partial_success', data: { order_ids: ['1'] } }),
    );
    await expect(rest.request({ method: 'POST', path: '/v2/order/multi/place', body: [] })).resolves.toEqual({
      order_ids: ['1'],
    });
  });

  it('maps 401 to an auth error without retrying', async () => {
    const { rest, hits } = await setup((_hit, _n, res) =>
      json(res, 401, failure('UDAPI100050', 'Invalid token used to access API')),
    );
    const error = await failureOf(rest.request({ method: 'GET', path: '/v2/user/profile' }));
    expect(error).toMatchObject({
      kind: 'auth',
      code: 'UNAUTHORIZED',
      status: 401,
      upstoxCode: 'UDAPI100050',
      retryable: false,
    });
    expect(isAuthError(error)).toBe(true);
    expect(hits).toHaveLength(1);
  });

  it('never resends an order placement, modification or cancel by itself, whatever the failure', async () => {
    const { rest, hits } = await setup((_hit, _n, res) =>
      json(res, 500, failure('UDAPI100500', 'Something went wrong')),
    );
    for (const [method, path] of [
      ['POST', '/v3/order/place'],
      ['PUT', '/v3/order/modify'],
      ['DELETE', '/v3/order/cancel'],
    ] as const) {
      const error = await failureOf(rest.request({ method, path, body: method === 'DELETE' ? undefined : {} }));
      expect(error).toMatchObject({ kind: 'transient', status: 500, retryable: true });
    }
    expect(hits.map((h) => `${h.host} ${h.method} ${h.url}`)).toEqual([
      'order POST /v3/order/place',
      'order PUT /v3/order/modify',
      'order DELETE /v3/order/cancel',
    ]);
    // A read of the order book is safe to repeat, and is.
    await failureOf(rest.request({ method: 'GET', path: '/v2/order/history' }));
    expect(hits.filter((h) => h.url === '/v2/order/history')).toHaveLength(5);
  });

  it('counts failed calls, retries included, against the shared rate budget', async () => {
    const clock = createSystemClock();
    const limiter = createRateLimiter({
      clock,
      limits: { standard: { perSecond: 1_000, perMinute: 4, per30Minutes: 1_000 } },
    });
    const { rest, hits } = await setup((_hit, _n, res) => res.writeHead(503).end('busy'), { limiter, maxRetries: 1 });
    await failureOf(rest.request({ method: 'GET', path: '/v2/market/holidays' }));
    await failureOf(rest.request({ method: 'GET', path: '/v2/market/holidays' }));
    expect(hits).toHaveLength(4);
    // Four failed attempts spent the minute's four slots: the next caller of the family waits.
    expect(limiter.tryAcquire('standard')).toBeGreaterThan(0);
  });

  it('fails as auth without a request when there is no token', async () => {
    const { rest, hits } = await setup((_hit, _n, res) => json(res, 200, success({})), { token: () => undefined });
    expect(isAuthError(await failureOf(rest.request({ method: 'GET', path: '/v2/user/profile' })))).toBe(true);
    expect(hits).toHaveLength(0);
  });

  it('backs off after a 429 and then succeeds', async () => {
    const { rest, hits, logger } = await setup((_hit, n, res) =>
      n === 0 ? json(res, 429, failure('UDAPI10005', 'Too Many Request Sent')) : json(res, 200, success('ok')),
    );
    await expect(rest.request({ method: 'GET', path: '/v2/market/status/NSE' })).resolves.toBe('ok');
    expect(hits).toHaveLength(2);
    expect(logger.entries).toHaveLength(1);
    expect(logger.entries[0]).toMatchObject({
      level: 'warn',
      fields: {
        method: 'GET',
        path: '/v2/market/status/NSE',
        status: 429,
        upstoxCode: 'UDAPI10005',
        kind: 'rate_limited',
        attempt: 1,
      },
    });
  });

  it('treats UDAPI10005 inside a 200 body as rate limited', async () => {
    const { rest, hits } = await setup(
      (_hit, _n, res) => json(res, 200, failure('UDAPI10005', 'Too Many Request Sent')),
      { maxRetries: 1 },
    );
    const error = await failureOf(rest.request({ method: 'GET', path: '/v2/market/status/NSE' }));
    expect(error).toMatchObject({ kind: 'rate_limited', code: 'RATE_LIMITED', status: 200, retryable: true });
    expect(hits).toHaveLength(2);
  });

  it('retries 503 with backoff until it succeeds', async () => {
    const { rest, hits, logger } = await setup((_hit, n, res) =>
      n < 2 ? res.writeHead(503).end('busy') : json(res, 200, success([1])),
    );
    await expect(rest.request({ method: 'GET', path: '/v2/market/holidays' })).resolves.toEqual([1]);
    expect(hits).toHaveLength(3);
    expect(logger.entries.map((e) => e.fields?.attempt)).toEqual([1, 2]);
  });

  it('gives up on a server that never answers with a transient error after timeoutMs per attempt', async () => {
    const { rest, hits } = await setup(() => undefined, { timeoutMs: 200, maxRetries: 1 });
    const started = Date.now();
    const error = await failureOf(rest.request({ method: 'GET', path: '/v2/market/holidays' }));
    expect(error).toMatchObject({ kind: 'transient', code: 'UNAVAILABLE', status: 0, retryable: true });
    expect(error.message).toContain('timed out after 200 ms');
    expect(hits).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(380);
  });

  it('maps a refused connection to a transient error', async () => {
    const { rest } = await setup(() => undefined, { apiUrl: 'http://127.0.0.1:1', maxRetries: 0 });
    const error = await failureOf(rest.request({ method: 'GET', path: '/v2/market/holidays' }));
    expect(error).toMatchObject({ kind: 'transient', status: 0 });
  });

  it('stops at once when the caller aborts, with the abort reason', async () => {
    const { rest } = await setup(() => undefined);
    const controller = new AbortController();
    const pending = rest.request({ method: 'GET', path: '/v2/market/holidays', signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('reports a non-JSON body and a missing data field as bad_response without retrying', async () => {
    const html = await setup((_hit, _n, res) =>
      res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>maintenance</html>'),
    );
    const error = await failureOf(html.rest.request({ method: 'GET', path: '/v2/market/holidays' }));
    expect(error).toMatchObject({ kind: 'bad_response', code: 'UNAVAILABLE', retryable: false });
    expect(html.hits).toHaveLength(1);

    const empty = await setup((_hit, _n, res) => json(res, 200, { status: 'success' }));
    expect(await failureOf(empty.rest.request({ method: 'GET', path: '/v2/market/holidays' }))).toMatchObject({
      kind: 'bad_response',
    });
  });

  it('carries the first error of the envelope into the message, also in camelCase, and maps 400/404', async () => {
    const { rest, hits } = await setup((_hit, n, res) =>
      n === 0
        ? json(res, 400, {
            status: 'error',
            errors: [{ errorCode: 'UDAPI100038', message: 'Invalid input', propertyPath: 'quantity' }],
          })
        : json(res, 404, failure('UDAPI10000', 'This request is not supported by Upstox API')),
    );
    const bad = await failureOf(rest.request({ method: 'POST', path: '/v3/order/place', body: { quantity: -1 } }));
    expect(bad).toMatchObject({
      kind: 'invalid_request',
      code: 'VALIDATION_FAILED',
      status: 400,
      upstoxCode: 'UDAPI100038',
    });
    expect(bad.message).toContain('UDAPI100038: Invalid input');
    expect(bad.details).toEqual([{ path: ['quantity'], message: 'Invalid input', code: 'UDAPI100038' }]);
    const missing = await failureOf(rest.request({ method: 'GET', path: '/v2/nothing' }));
    expect(missing).toMatchObject({ kind: 'not_found', code: 'NOT_FOUND', upstoxCode: 'UDAPI10000' });
    expect(hits).toHaveLength(2);
  });

  it('never lets the token reach a log entry or an error message, even when the server echoes it', async () => {
    const { rest, logger } = await setup(
      (hit, n, res) =>
        n < 2
          ? json(res, 500, failure('UDAPI100500', `boom for ${hit.headers.authorization ?? ''}`))
          : json(res, 401, failure('UDAPI100050', `bad ${TOKEN}`)),
      { maxRetries: 2 },
    );
    const error = await failureOf(rest.request({ method: 'GET', path: '/v2/user/profile' }));
    expect(error.kind).toBe('auth');
    expect(logger.entries).toHaveLength(3);
    for (const text of [error.message, JSON.stringify(error.toBody()), JSON.stringify(logger.entries)]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain('sig-TEST-TOKEN');
    }
  });

  it('sends place/modify/cancel to the order host and counts writes under /order/ as the order family', async () => {
    const { rest, hits } = await setup((_hit, _n, res) => json(res, 200, success({ order_id: '1' })));
    await rest.request({ method: 'POST', path: '/v3/order/place', body: { quantity: 1 } });
    await rest.request({ method: 'DELETE', path: '/v3/order/cancel', query: { order_id: '250101000000001' } });
    await rest.request({ method: 'GET', path: '/v2/order/retrieve-all' });
    await rest.request({ method: 'POST', path: '/v3/order/gtt/place', body: {} });
    expect(hits.map((h) => `${h.host} ${h.method} ${h.url}`)).toEqual([
      'order POST /v3/order/place',
      'order DELETE /v3/order/cancel?order_id=250101000000001',
      'api GET /v2/order/retrieve-all',
      'api POST /v3/order/gtt/place',
    ]);
    expect(hits[0]?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(hits[0]?.body ?? '')).toEqual({ quantity: 1 });
  });
});

describe('createUpstoxRest convenience calls', () => {
  it('authorizeFeed reads authorized_redirect_uri, falls back to authorizedRedirectUri, and rejects neither', async () => {
    const bodies = [
      success({ authorized_redirect_uri: 'wss://feeder.example/feeds?requestId=1&code=a' }),
      success({ authorizedRedirectUri: 'ws://127.0.0.1:9/feeds?code=b' }),
      success({}),
    ];
    const { rest, hits } = await setup((_hit, n, res) => json(res, 200, bodies[n]));
    await expect(rest.authorizeFeed()).resolves.toBe('wss://feeder.example/feeds?requestId=1&code=a');
    await expect(rest.authorizeFeed()).resolves.toBe('ws://127.0.0.1:9/feeds?code=b');
    expect(await failureOf(rest.authorizeFeed())).toMatchObject({ kind: 'bad_response' });
    expect(hits.every((h) => h.url === '/v3/feed/market-data-feed/authorize')).toBe(true);
  });

  it('returns newest-first candles oldest first, in epoch ms, with the key path-encoded', async () => {
    const { rest, hits } = await setup((_hit, _n, res) =>
      json(
        res,
        200,
        success({
          candles: [
            ['2025-01-10T15:16:00+05:30', 101, 103, 100, 102, 1500, 7],
            ['2025-01-10T15:15:00+05:30', 100, 102, 99, 101, 1200],
          ],
        }),
      ),
    );
    const rows = await rest.intradayCandles('NSE_EQ|INE002A01018', 'minutes', 1);
    expect(rows).toEqual([
      { ts: Date.parse('2025-01-10T09:45:00Z'), open: 100, high: 102, low: 99, close: 101, volume: 1200, oi: 0 },
      { ts: Date.parse('2025-01-10T09:46:00Z'), open: 101, high: 103, low: 100, close: 102, volume: 1500, oi: 7 },
    ]);
    await rest.historicalCandles('NSE_INDEX|Nifty 50', 'days', 1, '2025-01-10', '2025-01-01');
    await rest.historicalCandles('NSE_FO|43919', 'minutes', 30, '2025-01-10');
    expect(hits.map((h) => h.url)).toEqual([
      '/v3/historical-candle/intraday/NSE_EQ%7CINE002A01018/minutes/1',
      '/v3/historical-candle/NSE_INDEX%7CNifty%2050/days/1/2025-01-10/2025-01-01',
      '/v3/historical-candle/NSE_FO%7C43919/minutes/30/2025-01-10',
    ]);
  });

  it('names the malformed candle row and checks arguments before calling out', async () => {
    const { rest, hits } = await setup((_hit, _n, res) =>
      json(
        res,
        200,
        success({
          candles: [
            ['2025-01-10T15:16:00+05:30', 1, 1, 1, 1, 1, 0],
            ['2025-01-10T15:15:00+05:30', 1, 'x', 1, 1, 1, 0],
          ],
        }),
      ),
    );
    const error = await failureOf(rest.intradayCandles('NSE_EQ|X', 'minutes', 1));
    expect(error).toMatchObject({ kind: 'bad_response', retryable: false });
    expect(error.message).toContain('candle row 1');

    expect(() => rest.historicalCandles('NSE_EQ|X', 'days', 1, '10-01-2025')).toThrow(/YYYY-MM-DD/);
    expect(() => rest.intradayCandles('NSE_EQ|X', 'minutes', 0)).toThrow(/interval/);
    expect(hits).toHaveLength(1);
  });
});

describe('createUpstoxRest with an Analytics token', () => {
  const ANALYTICS = 'analytics-token-0123456789abcdefghij';
  const CANDLES_PATH = '/v3/historical-candle/NSE_EQ%7CINE002A01018/days/1/2026-01-05';
  const candles = success({ candles: [['2026-01-05T00:00:00+05:30', 1500, 1520, 1490, 1510, 125000, 0]] });
  const bearer = (hit: Hit | undefined) => hit?.headers.authorization?.replace(/^Bearer /, '');

  /** The token a call goes with, as the login service picks it: Analytics until its route refuses it, then daily. */
  function tokens(decide: (call: UpstoxCall) => boolean = () => true) {
    const refusedRoutes = new Set<string>();
    const refusals: UpstoxCall[] = [];
    const token = (call: UpstoxCall): UpstoxToken =>
      refusedRoutes.has(routeOf(call.path)) ? { token: TOKEN, kind: 'daily' } : { token: ANALYTICS, kind: 'analytics' };
    const onAnalyticsRefused = (call: UpstoxCall) => {
      refusals.push(call);
      refusedRoutes.add(routeOf(call.path));
      return decide(call);
    };
    return { deps: { token, onAnalyticsRefused }, refusals };
  }

  it.each([401, 403])(
    'sends a call whose Analytics token got %i again at once with the daily token, and that route keeps it',
    async (status) => {
      const picker = tokens();
      const { rest, hits } = await setup(
        (hit, _n, res) =>
          hit.headers.authorization === `Bearer ${ANALYTICS}` && hit.url.startsWith('/v3/historical-candle/')
            ? json(res, status, failure('UDAPI100050', 'Invalid token used to access API'))
            : json(res, 200, hit.url.startsWith('/v3/historical-candle/') ? candles : success({ ltp: 1510 })),
        picker.deps,
      );
      await expect(rest.historicalCandles('NSE_EQ|INE002A01018', 'days', 1, '2026-01-05')).resolves.toHaveLength(1);
      expect(picker.refusals).toHaveLength(1);
      expect(picker.refusals[0]).toMatchObject({ method: 'GET', path: CANDLES_PATH });
      expect(hits.map((h) => [h.url, bearer(h)])).toEqual([
        [CANDLES_PATH, ANALYTICS],
        [CANDLES_PATH, TOKEN],
      ]);

      await rest.historicalCandles('NSE_EQ|INE002A01018', 'days', 1, '2026-01-05');
      await rest.request({ method: 'GET', path: '/v3/market-quote/ltp', query: { instrument_key: 'NSE_EQ|X' } });
      expect(hits.slice(2).map(bearer)).toEqual([TOKEN, ANALYTICS]);
      expect(picker.refusals).toHaveLength(1);
    },
  );

  it('does not count the resend with the daily token as a retry', async () => {
    const picker = tokens();
    const { rest, hits, logger } = await setup(
      (hit, n, res) =>
        n === 0
          ? json(res, 401, failure('UDAPI100050', 'Invalid token used to access API'))
          : n === 1
            ? res.writeHead(503).end('busy')
            : json(res, 200, candles),
      { ...picker.deps, maxRetries: 1 },
    );
    await expect(rest.historicalCandles('NSE_EQ|INE002A01018', 'days', 1, '2026-01-05')).resolves.toHaveLength(1);
    expect(hits.map(bearer)).toEqual([ANALYTICS, TOKEN, TOKEN]);
    expect(logger.entries.map((e) => [e.fields?.status, e.fields?.attempt])).toEqual([[503, 1]]);
  });

  it('ends with the auth error, sending nothing more, when the refusal says not to resend', async () => {
    const picker = tokens(() => false);
    const { rest, hits } = await setup(
      (_hit, _n, res) => json(res, 401, failure('UDAPI100050', 'Invalid token used to access API')),
      picker.deps,
    );
    const error = await failureOf(rest.historicalCandles('NSE_EQ|INE002A01018', 'days', 1, '2026-01-05'));
    expect(error).toMatchObject({ kind: 'auth', status: 401, upstoxCode: 'UDAPI100050' });
    expect(error.message).not.toContain(ANALYTICS);
    expect(picker.refusals).toHaveLength(1);
    expect(hits).toHaveLength(1);
  });

  it('never resends a call whose daily token was refused', async () => {
    const picker = tokens();
    const { rest, hits } = await setup(
      (_hit, _n, res) => json(res, 401, failure('UDAPI100050', 'Invalid token used to access API')),
      { ...picker.deps, token: () => ({ token: TOKEN, kind: 'daily' }) },
    );
    expect(await failureOf(rest.request({ method: 'GET', path: '/v2/order/retrieve-all' }))).toMatchObject({
      kind: 'auth',
      status: 401,
    });
    expect(picker.refusals).toHaveLength(0);
    expect(hits).toHaveLength(1);
  });

  it('says why there is no token, without calling Upstox', async () => {
    const { rest, hits } = await setup((_hit, _n, res) => json(res, 200, candles), {
      token: () => null,
      noTokenReason: () => 'the Upstox login expired at 03:30 IST: log in again',
    });
    const error = await failureOf(rest.historicalCandles('NSE_EQ|INE002A01018', 'days', 1, '2026-01-05'));
    expect(error.kind).toBe('auth');
    expect(error.message).toContain('the Upstox login expired at 03:30 IST: log in again');
    expect(hits).toHaveLength(0);
  });
});
