import type { OhlcvBar } from '../../../../shared/domain/feed';
import type { ImportTimeframe } from '../../../../shared/domain/imports';
import type { SpanLimits } from '../plan';

export type { ImportTimeframe };

/** What a symbol's failure is, in the terms the Imports view and the contract use. */
export type ProviderErrorCode =
  'API_RATE_LIMIT' | 'API_KEY_INVALID' | 'SYMBOL_NOT_FOUND' | 'NETWORK_TIMEOUT' | 'BAD_RESPONSE';

/** A provider's failure for one request; `retryable` when waiting may fix it, so the chain may try it again later. */
export class ProviderError extends Error {
  constructor(
    readonly code: ProviderErrorCode,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'ProviderError';
  }

  /** The code the job runner records for a symbol that failed with it (a SelfClassifyingError). */
  get jobCode(): string {
    return this.code;
  }
}

export interface CandleRequest {
  instrumentKey: string;
  /** The NSE trading symbol, for providers that name instruments by symbol (Yahoo: `SYMBOL.NS`). */
  tradingSymbol: string;
  timeframe: ImportTimeframe;
  /** IST calendar dates (YYYY-MM-DD), both inclusive, within the provider's `limits(timeframe)`. */
  from: string;
  to: string;
}

/**
 * A source of historical candles. Imports try providers in a fallback chain, each behind its own circuit breaker:
 * Upstox first, then files a user drops in a folder, then Yahoo Finance for end-of-day history; the simulator in
 * demo mode.
 */
export interface OhlcvProvider {
  readonly id: string;
  supports(timeframe: ImportTimeframe): boolean;
  /** How far back it serves and how much one request may cover, so an import can plan (and show) its request count before it starts. */
  limits(timeframe: ImportTimeframe): SpanLimits;
  /** The candles of the range, oldest first; throws ProviderError when it cannot serve them. */
  fetchCandles(request: CandleRequest, signal: AbortSignal): Promise<OhlcvBar[]>;
}
