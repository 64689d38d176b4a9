import type { ImportTimeframe } from '../../../../shared/domain/imports';
import { UpstoxApiError } from '../../upstox/errors';
import type { HistoricalUnit, UpstoxRest } from '../../upstox/rest';
import type { SpanLimits } from '../plan';
import { ProviderError, type CandleRequest, type OhlcvProvider } from './provider';

/** Upstox's answer to an instrument key it does not know. */
const UNKNOWN_INSTRUMENT_CODE = 'UDAPI1087';

/**
 * upstox-v3.md §4.2: minutes and hours from January 2022, one month per request up to 15 minutes and a quarter
 * above; days a decade per request; weeks and months without limit, from January 2000.
 */
export const UPSTOX_HISTORY_LIMITS: Record<ImportTimeframe, SpanLimits> = {
  '1m': { spanMonths: 1, earliest: '2022-01-01' },
  '30m': { spanMonths: 3, earliest: '2022-01-01' },
  '1h': { spanMonths: 3, earliest: '2022-01-01' },
  '1d': { spanMonths: 120, earliest: '2000-01-01' },
  '1w': { spanMonths: null, earliest: '2000-01-01' },
  '1M': { spanMonths: null, earliest: '2000-01-01' },
};

const UNITS: Record<ImportTimeframe, [HistoricalUnit, number]> = {
  '1m': ['minutes', 1],
  '30m': ['minutes', 30],
  '1h': ['hours', 1],
  '1d': ['days', 1],
  '1w': ['weeks', 1],
  '1M': ['months', 1],
};

/** The v3 historical-candle API through the shared REST client, so its calls share the user's rate budget. */
export function createUpstoxProvider(rest: UpstoxRest, id = 'upstox'): OhlcvProvider {
  return {
    id,
    supports: () => true,
    limits: (timeframe) => UPSTOX_HISTORY_LIMITS[timeframe],
    async fetchCandles({ instrumentKey, timeframe, from, to }: CandleRequest, signal: AbortSignal) {
      const [unit, interval] = UNITS[timeframe];
      try {
        return await rest.historicalCandles(instrumentKey, unit, interval, to, from, signal);
      } catch (error) {
        throw providerErrorOf(error);
      }
    },
  };
}

/** The Imports view's terms for an Upstox failure; anything that is not an Upstox answer is passed on unchanged. */
export function providerErrorOf(error: unknown): unknown {
  if (!(error instanceof UpstoxApiError)) return error;
  switch (error.kind) {
    case 'auth':
      return new ProviderError('API_KEY_INVALID', error.message, false);
    case 'rate_limited':
      return new ProviderError('API_RATE_LIMIT', error.message, true);
    case 'transient':
      return new ProviderError('NETWORK_TIMEOUT', error.message, true);
    case 'not_found':
      return new ProviderError('SYMBOL_NOT_FOUND', error.message, false);
    case 'invalid_request':
      return error.upstoxCode === UNKNOWN_INSTRUMENT_CODE
        ? new ProviderError('SYMBOL_NOT_FOUND', error.message, false)
        : new ProviderError('BAD_RESPONSE', error.message, false);
    case 'bad_response':
      return new ProviderError('BAD_RESPONSE', error.message, false);
  }
}
