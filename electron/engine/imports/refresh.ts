import type { ImportTimeframe } from '../../../shared/domain/imports';
import type { Clock } from '../common/clock';
import type { Db } from '../store/types';
import type { HistoryStore } from '../store/history';
import type { ProviderChain } from './chain';
import { wantedRange } from './ohlcv.job';

export interface RefreshTarget {
  instrumentKey: string;
  symbol: string;
}

/**
 * Brings one instrument's candles of a timeframe up to date outside an import run (a deep-dive, a scan): what of
 * the last `days` is not stored, and the latest day again, through the same providers, limiter and breakers.
 */
export function createHistoryRefresher(deps: { db: Db; history: HistoryStore; chain: ProviderChain; clock: Clock }) {
  return async (target: RefreshTarget, timeframe: ImportTimeframe, days: number, signal: AbortSignal) => {
    const range = wantedRange({ lookbackDays: { [timeframe]: days } }, timeframe, deps.clock.now());
    const fetched = await deps.chain.fetch(
      {
        instrumentKey: target.instrumentKey,
        tradingSymbol: target.symbol,
        timeframe,
        ...range,
        stored: deps.history.stored(target.instrumentKey, timeframe),
      },
      signal,
    );
    deps.db.transaction(() => deps.history.write(target.instrumentKey, timeframe, fetched.bars, fetched.provider))();
    return { bars: fetched.bars.length, provider: fetched.provider, requests: fetched.requests };
  };
}
export type HistoryRefresher = ReturnType<typeof createHistoryRefresher>;
