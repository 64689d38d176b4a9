import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Fundamentals, OptionChain, Snapshot, SnapshotBar } from '../../../shared/domain/analysis';
import type { Candle, OhlcvBar } from '../../../shared/domain/feed';
import { DAY_MS, istDate } from '../../../shared/time';
import type { Clock } from '../common/clock';
import type { HistoryRefresher } from '../imports/refresh';
import type { Stores } from '../store';
import { createMergedCandles } from '../store/candle-merge';
import { istIso } from '../store/candles';
import type { UpstoxRest } from '../upstox/rest';
import { parseFundamentalsCsv } from './fundamentals/csv';

/** The benchmark a symbol's beta is measured against. */
export const BENCHMARK_INDEX_KEY = 'NSE_INDEX|Nifty 50';

/** What a deep-dive reads of each timeframe: five years of daily candles, a year of hourly ones. */
export const DEEP_DIVE_LOOKBACK: Readonly<Record<'1d' | '1h', number>> = { '1d': 5 * 365, '1h': 365 };
/** Days of the benchmark's daily candles: beta is measured over the last 250 sessions. */
export const INDEX_LOOKBACK_DAYS = 400;
/** Days of the future's daily candles read for its open interest. */
export const FUTURES_LOOKBACK_DAYS = 60;

export interface Target {
  instrumentKey: string;
  symbol: string;
}

/** Parts of a snapshot, by the name warnings and `dataAge` use. */
export type SnapshotPart = 'candles1d' | 'candles1h' | 'index1d' | 'futures1d' | 'optionChain' | 'fundamentals';

export interface MarketDataDeps {
  stores: Pick<Stores, 'db' | 'history' | 'candles' | 'instruments' | 'marketSnapshots'>;
  clock: Clock;
  /** The imports' refresher: candles come from the same sources, rate limits and breakers as an import. */
  refreshHistory: HistoryRefresher;
  /** The open market source's REST client (option chains), null while none is open. */
  rest: () => UpstoxRest | null;
  /** Where fundamentals come from besides imported files: the simulator's export in demo mode. */
  fundamentalsSource: () => ((signal: AbortSignal) => Promise<string>) | null;
}

const toSnapshotBar = (c: Candle | OhlcvBar): SnapshotBar => ({
  ts: typeof c.ts === 'number' ? istIso(c.ts) : c.ts,
  open: c.open,
  high: c.high,
  low: c.low,
  close: c.close,
  volume: c.volume,
  // Stored as 0 where a segment has none (equities, indices).
  oi: c.oi ? c.oi : null,
});

/**
 * Market data for the analysis: fetching what is missing through the imports' providers (candles) and the market
 * source (option chains, fundamentals), and reading a snapshot of everything stored.
 */
export function createMarketData(deps: MarketDataDeps) {
  const { stores, clock } = deps;
  const merged = createMergedCandles(stores.candles, stores.history);

  /** The near-month future of every underlying the instrument master lists futures of, by underlying key. */
  const nearestFutures = () => stores.instruments.nearestFutures(istDate(clock.now()));
  const nearestFuture = (underlyingKey: string) => nearestFutures().get(underlyingKey) ?? null;
  const fundamentals = (symbol: string): { value: Fundamentals; at: number } | null => {
    const stored = stores.marketSnapshots.fundamentals(symbol);
    return stored ? { value: JSON.parse(stored.body) as Fundamentals, at: stored.at } : null;
  };

  return {
    nearestFutures,
    nearestFuture,
    fundamentals,

    /** Fetches the bars of `days` ending today that are not stored (and the latest day again), and stores them. */
    refreshCandles: deps.refreshHistory,

    /** The expiry to analyse: the one asked for, else the nearest the source lists, else the nearest stored. */
    async expiryFor(underlyingKey: string, asked: string | undefined, signal: AbortSignal): Promise<string | null> {
      if (asked) return asked;
      const rest = deps.rest();
      const today = istDate(clock.now());
      if (rest) {
        const expiries = await rest.optionExpiries(underlyingKey, signal);
        const next = expiries.find((e) => e >= today);
        if (next) return next;
      }
      return stores.marketSnapshots.latestChain(underlyingKey, today)?.expiry ?? null;
    },

    async refreshOptionChain(underlyingKey: string, expiry: string, signal: AbortSignal): Promise<OptionChain> {
      const rest = deps.rest();
      if (!rest) throw new Error('no market data source is open');
      const chain = await rest.optionChain(underlyingKey, expiry, signal);
      stores.marketSnapshots.putChain(underlyingKey, expiry, clock.now(), JSON.stringify(chain));
      return chain;
    },

    /** Fetches the source's fundamentals (all its symbols at once); false when there is no source to ask. */
    async refreshFundamentals(signal: AbortSignal): Promise<boolean> {
      const source = deps.fundamentalsSource();
      if (!source) return false;
      const text = await source(signal);
      const { companies } = parseFundamentalsCsv(text, { asOf: istDate(clock.now()), source: 'demo' });
      importFundamentals(companies);
      return true;
    },

    importFundamentals,

    /**
     * Everything stored that a report of `target` reads, oldest first: the daily and hourly candles (imported bars
     * completed by the live ones, so today's forming candle is in during the session), the benchmark index, the
     * near-month future, the option chain of `expiry` and the fundamentals, with when each was last brought in.
     */
    async snapshot(target: Target, expiry: string | null, refreshed: ReadonlySet<SnapshotPart>): Promise<Snapshot> {
      const now = clock.now();
      // Each read is a few milliseconds of synchronous SQLite: the event loop gets a turn between them.
      const read = async (instrumentKey: string, timeframe: '1d' | '1h', days: number) => {
        await nextTurn();
        return merged
          .query({ instrumentKey, timeframe, from: istDate(now - days * DAY_MS), to: istDate(now), limit: 50_000 }, now)
          .map(toSnapshotBar);
      };
      const daily = await read(target.instrumentKey, '1d', DEEP_DIVE_LOOKBACK['1d']);
      const hourly = await read(target.instrumentKey, '1h', DEEP_DIVE_LOOKBACK['1h']);
      const index =
        target.instrumentKey === BENCHMARK_INDEX_KEY
          ? null
          : { instrumentKey: BENCHMARK_INDEX_KEY, candles: await read(BENCHMARK_INDEX_KEY, '1d', INDEX_LOOKBACK_DAYS) };
      const future = nearestFuture(target.instrumentKey);
      const futures = future
        ? {
            instrumentKey: future.instrumentKey,
            candles: await read(future.instrumentKey, '1d', FUTURES_LOOKBACK_DAYS),
          }
        : null;
      const chain = expiry ? stores.marketSnapshots.chain(target.instrumentKey, expiry) : undefined;
      const stock = fundamentals(target.symbol);

      const lastBarAt = (bars: readonly SnapshotBar[]) => (bars.length ? Date.parse(bars.at(-1)!.ts) : null);
      const age = (part: SnapshotPart, at: number | null) => ({
        asOf: at === null ? null : istIso(at),
        refreshed: refreshed.has(part),
        ageMs: at === null ? null : Math.max(0, now - at),
      });
      return {
        candles: { '1d': daily, '1h': hourly },
        index: index && index.candles.length ? index : null,
        futures: futures && futures.candles.length ? futures : null,
        optionChain: chain ? (JSON.parse(chain.body) as OptionChain) : null,
        fundamentals: stock?.value ?? null,
        dataAge: {
          candles1d: age('candles1d', lastBarAt(daily)),
          candles1h: age('candles1h', lastBarAt(hourly)),
          index1d: age('index1d', index ? lastBarAt(index.candles) : null),
          futures1d: age('futures1d', futures ? lastBarAt(futures.candles) : null),
          optionChain: age('optionChain', chain?.at ?? null),
          fundamentals: age('fundamentals', stock?.at ?? null),
        },
      };
    },
  };

  function importFundamentals(rows: readonly Fundamentals[]): number {
    stores.marketSnapshots.putFundamentals(
      rows.map((r) => ({ symbol: r.symbol.toUpperCase(), asOf: r.asOf, source: r.source, body: JSON.stringify(r) })),
      clock.now(),
    );
    return rows.length;
  }
}
export type MarketData = ReturnType<typeof createMarketData>;
