import type { UpstoxCall } from './rest';

/**
 * Reads of market data, which the one-year Analytics token may make: the feed's authorize, candles, quotes, option
 * chains and market status. Everything else (orders, trades, positions, funds, profile, logout) is the account's.
 */
const MARKET_DATA = /^\/v[23]\/(feed|historical-candle|market-quote|option|market)\//;

export function isMarketDataCall(call: UpstoxCall): boolean {
  return call.method === 'GET' && MARKET_DATA.test(call.path);
}

/** The route without its parameters (`/v3/historical-candle/NSE_EQ%7C…/days/1` → `/v3/historical-candle`). */
export function routeOf(path: string): string {
  const words: string[] = [];
  for (const segment of path.split('?')[0]!.split('/').slice(1)) {
    if (!/^[a-z][a-z0-9-]*$/.test(segment) || words.length === 4) break;
    words.push(segment);
  }
  return `/${words.join('/')}`;
}
