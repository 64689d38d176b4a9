import { describe, expect, it } from 'vitest';
import { isMarketDataCall, routeOf } from './token-routes';

describe('routeOf', () => {
  it('cuts instrument keys, units and dates off a path', () => {
    expect(routeOf('/v3/historical-candle/NSE_EQ%7CINE002A01018/days/1/2026-01-05')).toBe('/v3/historical-candle');
    expect(routeOf('/v3/historical-candle/intraday/NSE_INDEX%7CNifty%2050/minutes/1')).toBe(
      '/v3/historical-candle/intraday',
    );
    expect(routeOf('/v2/market/status/NSE')).toBe('/v2/market/status');
  });

  it('keeps a path that has no parameters, and drops a query', () => {
    expect(routeOf('/v2/option/chain')).toBe('/v2/option/chain');
    expect(routeOf('/v2/option/chain?instrument_key=NSE_INDEX%7CNifty%2050&expiry_date=2026-01-29')).toBe(
      '/v2/option/chain',
    );
    expect(routeOf('/v3/feed/market-data-feed/authorize')).toBe('/v3/feed/market-data-feed/authorize');
  });
});

describe('isMarketDataCall', () => {
  it('counts reads of candles, quotes, option chains, the feed and market status as market data', () => {
    for (const path of [
      '/v3/historical-candle/NSE_EQ%7CINE002A01018/days/1/2026-01-05',
      '/v3/historical-candle/intraday/NSE_EQ%7CINE002A01018/minutes/1',
      '/v3/market-quote/ltp',
      '/v2/market-quote/quotes',
      '/v2/option/chain',
      '/v2/option/contract',
      '/v3/feed/market-data-feed/authorize',
      '/v2/market/status/NSE',
    ])
      expect(isMarketDataCall({ method: 'GET', path }), path).toBe(true);
  });

  it("leaves orders, positions, funds and logout to the account's token", () => {
    for (const [method, path] of [
      ['GET', '/v2/order/retrieve-all'],
      ['POST', '/v3/order/place'],
      ['GET', '/v2/portfolio/short-term-positions'],
      ['GET', '/v3/user/get-funds-and-margin'],
      ['GET', '/v2/user/profile'],
      ['DELETE', '/v2/logout'],
    ] as const)
      expect(isMarketDataCall({ method, path }), `${method} ${path}`).toBe(false);
  });

  it('never counts a write as market data, even on a market-data path', () => {
    expect(isMarketDataCall({ method: 'POST', path: '/v3/market-quote/ltp' })).toBe(false);
  });
});
