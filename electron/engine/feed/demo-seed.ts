import type { Logger } from '../common/logger';
import type { SubscriptionManager } from './subscriptions';

/** Equities on the first demo watchlist, beside the indices, the nearest futures and the at-the-money options. */
const DEMO_EQUITIES = [
  'RELIANCE',
  'HDFCBANK',
  'ICICIBANK',
  'INFY',
  'TCS',
  'SBIN',
  'BHARTIARTL',
  'ITC',
  'LT',
  'AXISBANK',
];

/** What a starter watchlist needs to know of an instrument. */
export interface StarterInstrument {
  instrumentKey: string;
  instrumentType: string;
  tradingSymbol: string;
  expiry: string | null;
  strike: number | null;
}

export interface DemoSeedDeps {
  instruments: readonly StarterInstrument[];
  subscriptions: SubscriptionManager;
  /** True when market data was ever stored: the user has used the feed, so an empty watchlist is their choice. */
  hasMarketHistory(): boolean;
  logger: Logger;
}

/** A new user with no Upstox account sees a live market at once: a brand-new database gets a starter watchlist. */
export function seedDemoMarket(deps: DemoSeedDeps): void {
  if (deps.subscriptions.list().length > 0 || deps.hasMarketHistory()) return;
  const all = deps.instruments;
  const indices = all.filter((i) => i.instrumentType === 'INDEX');
  const equities = DEMO_EQUITIES.map((symbol) =>
    all.find((i) => i.instrumentType === 'EQ' && i.tradingSymbol === symbol),
  ).filter((i) => i !== undefined);
  const futures = all
    .filter((i) => i.instrumentType === 'FUT')
    .sort((a, b) => (a.expiry ?? '').localeCompare(b.expiry ?? ''))
    .slice(0, 2);
  const options = nearestOptions(all);
  const keys = [...indices, ...equities, ...futures].map((i) => i.instrumentKey);
  const full = deps.subscriptions.subscribe(keys, 'full').result.subscribed;
  const greeks = deps.subscriptions.subscribe(
    options.map((i) => i.instrumentKey),
    'option_greeks',
  ).result.subscribed;
  deps.logger.info('demo watchlist seeded', { full, optionGreeks: greeks });
}

/** The call and put nearest the money on the nearest expiry of the first underlying with options. */
function nearestOptions(all: readonly StarterInstrument[]) {
  const options = all.filter(
    (i) => (i.instrumentType === 'CE' || i.instrumentType === 'PE') && i.strike !== null && i.expiry !== null,
  );
  if (options.length === 0) return [];
  const expiry = options.map((o) => o.expiry!).sort()[0];
  const strikes = [...new Set(options.filter((o) => o.expiry === expiry).map((o) => o.strike!))].sort((a, b) => a - b);
  const middle = strikes[Math.floor(strikes.length / 2)];
  return options.filter((o) => o.expiry === expiry && o.strike === middle);
}
