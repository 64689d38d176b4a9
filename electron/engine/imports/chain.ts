import type { OhlcvBar } from '../../../shared/domain/feed';
import type { ImportTimeframe } from '../../../shared/domain/imports';
import { delay } from '../common/backoff';
import type { Clock } from '../common/clock';
import type { Logger } from '../common/logger';
import type { StoredRange } from '../store/history';
import { planRequests } from './plan';
import { ProviderError, type OhlcvProvider } from './providers/provider';

export interface BreakerOptions {
  /** Failures in a row that open the breaker. */
  failures: number;
  /** How long an open breaker keeps the provider out before one request may try it again. */
  cooldownMs: number;
}

export const DEFAULT_BREAKER: BreakerOptions = { failures: 5, cooldownMs: 60_000 };
/** How often a symbol waiting on a paused provider looks again while another symbol's trial request runs. */
const TRIAL_POLL_MS = 1_000;
/** Cooldowns a symbol waits out for a paused provider before it fails with the provider's last error. */
const MAX_PAUSE_WAITS = 3;

/**
 * Keeps a failing provider out of the chain for a while: after `failures` failures in a row (at once for a refused
 * key, which fails every request alike) it opens, and after the cooldown one request may try it again (half open):
 * a success closes it, a failure opens it for another cooldown.
 */
export class CircuitBreaker {
  private streak = 0;
  private openUntil = 0;
  private trial = false;
  lastError: ProviderError | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly options: BreakerOptions = DEFAULT_BREAKER,
  ) {}

  state(): 'closed' | 'open' | 'half-open' {
    if (this.openUntil === 0) return 'closed';
    return this.clock.now() < this.openUntil || this.trial ? 'open' : 'half-open';
  }

  /** Whether a request may go to the provider now; in half-open state only one may, until it has an answer. */
  allow(): boolean {
    const state = this.state();
    if (state === 'closed') return true;
    if (state === 'open') return false;
    this.trial = true;
    return true;
  }

  /** How long until a request may try the provider again (0: now); while another's trial runs, a short poll. */
  resumeInMs(): number {
    const state = this.state();
    if (state !== 'open') return 0;
    return this.trial ? TRIAL_POLL_MS : Math.max(0, this.openUntil - this.clock.now());
  }

  success(): void {
    this.streak = 0;
    this.openUntil = 0;
    this.trial = false;
  }

  failure(error: ProviderError): void {
    this.lastError = error;
    this.streak++;
    const wasTrial = this.trial;
    this.trial = false;
    if (wasTrial || this.streak >= this.options.failures || error.code === 'API_KEY_INVALID')
      this.openUntil = this.clock.now() + this.options.cooldownMs;
  }
}

/**
 * Whether a failure says something about the provider as a whole (so the breaker counts it): it does not answer,
 * limits us, or refuses the key. An unknown symbol or one symbol's unusable answer is about that symbol.
 */
const isProviderFailure = (error: ProviderError) =>
  error.code === 'NETWORK_TIMEOUT' || error.code === 'API_RATE_LIMIT' || error.code === 'API_KEY_INVALID';

export interface RangeWanted {
  instrumentKey: string;
  tradingSymbol: string;
  timeframe: ImportTimeframe;
  /** IST dates: the first day wanted, and today. */
  wantedFrom: string;
  today: string;
  stored: StoredRange | null;
}

export interface RangeFetched {
  provider: string;
  bars: OhlcvBar[];
  requests: number;
}

export interface ProviderChain {
  /** The requests the first provider able to serve `timeframe` would make: the import's plan and its ETA. */
  plannedRequests(want: Omit<RangeWanted, 'instrumentKey' | 'tradingSymbol'>): number;
  /**
   * Every bar of the range from the first provider that serves all of it, in chain order, skipping providers whose
   * breaker is open; bars of a provider that failed half-way are dropped, never mixed with another's. When the first
   * provider able to serve it is paused and none after it could, waits for that provider's trial (up to three
   * cooldowns); a refused key fails at once. Throws the first provider's error when none could serve it. `onRequest` is told of every request
   * that got an answer.
   */
  fetch(want: RangeWanted, signal: AbortSignal, onRequest?: (ms: number) => void): Promise<RangeFetched>;
  breakers(): Record<string, ReturnType<CircuitBreaker['state']>>;
}

export function createProviderChain(deps: {
  providers: () => readonly OhlcvProvider[];
  clock: Clock;
  logger: Logger;
  breaker?: BreakerOptions;
}): ProviderChain {
  const { clock, logger } = deps;
  const breakers = new Map<string, CircuitBreaker>();
  const breakerOf = (id: string) => {
    let breaker = breakers.get(id);
    if (!breaker) breakers.set(id, (breaker = new CircuitBreaker(clock, deps.breaker)));
    return breaker;
  };

  /** One pass over the chain: the first provider that serves the whole range, or every failure and when a paused one may be tried. */
  async function tryEach(
    want: RangeWanted,
    signal: AbortSignal,
    onRequest: ((ms: number) => void) | undefined,
  ): Promise<RangeFetched | { errors: ProviderError[]; resumeInMs: number | null }> {
    const { timeframe } = want;
    const errors: ProviderError[] = [];
    let resumeInMs: number | null = null;
    for (const provider of deps.providers()) {
      if (!provider.supports(timeframe)) continue;
      const breaker = breakerOf(provider.id);
      if (!breaker.allow()) {
        const last = breaker.lastError!;
        // Worth waiting for only when its answer is the one that counts (no provider before it answered), and not
        // for a refused key, which fails every symbol alike: say so at once.
        if (errors.length === 0 && last.code !== 'API_KEY_INVALID') resumeInMs = breaker.resumeInMs();
        errors.push(
          new ProviderError(
            last.code,
            `${provider.id} paused after failures: ${last.message}`,
            last.code !== 'API_KEY_INVALID',
          ),
        );
        continue;
      }
      const requests = planRequests(provider.limits(timeframe), want.wantedFrom, want.today, want.stored);
      const bars: OhlcvBar[] = [];
      try {
        for (const range of requests) {
          const started = clock.now();
          try {
            bars.push(...(await provider.fetchCandles({ ...want, ...range }, signal)));
          } finally {
            onRequest?.(clock.now() - started);
          }
        }
        breaker.success();
        return { provider: provider.id, bars, requests: requests.length };
      } catch (error) {
        if (signal.aborted) throw error;
        const failure =
          error instanceof ProviderError
            ? error
            : new ProviderError(
                'BAD_RESPONSE',
                `${provider.id}: ${error instanceof Error ? error.message : String(error)}`,
                false,
              );
        if (isProviderFailure(failure)) breaker.failure(failure);
        errors.push(failure);
        logger.warn('provider failed, trying the next', {
          provider: provider.id,
          instrumentKey: want.instrumentKey,
          timeframe,
          code: failure.code,
        });
      }
    }
    return { errors, resumeInMs };
  }

  return {
    plannedRequests({ timeframe, wantedFrom, today, stored }) {
      const provider = deps.providers().find((p) => p.supports(timeframe));
      return provider ? planRequests(provider.limits(timeframe), wantedFrom, today, stored).length : 0;
    },

    async fetch(want, signal, onRequest) {
      for (let waited = 0; ; waited++) {
        const round = await tryEach(want, signal, onRequest);
        if ('bars' in round) return round;
        // The first provider able to serve it is paused: wait for its trial rather than fail a symbol with an error
        // it never got.
        if (round.resumeInMs === null || waited >= MAX_PAUSE_WAITS)
          throw (
            round.errors[0] ??
            new ProviderError(
              'SYMBOL_NOT_FOUND',
              `no source serves ${want.timeframe} candles of ${want.tradingSymbol}`,
              false,
            )
          );
        await delay(clock, round.resumeInMs, signal);
      }
    },

    breakers: () => Object.fromEntries([...breakers].map(([id, b]) => [id, b.state()])),
  };
}
