import type { Clock } from '../common/clock';
import type { Logger } from '../common/logger';
import { errorFromResponse, UpstoxApiError } from '../upstox/errors';
import { createUpstoxRest, type UpstoxCall, type UpstoxRest, type UpstoxRestDeps } from '../upstox/rest';
import type { RateLimiter } from '../upstox/rate-limit';
import { FUNDAMENTALS_PATH, startUpstoxSimulator } from '../sim';
import type { StarterInstrument } from './demo-seed';
import type { MarketSource } from './service';

/** A market source with the REST client that goes with it (candle backfill, imports). */
export interface OpenedSource extends MarketSource {
  rest: UpstoxRest;
  /** Host of the instrument master files (`/market-quote/instruments/exchange/complete.json.gz`). */
  assetsUrl: string;
  /** In demo mode, the simulated market's instruments, from which a new user's first watchlist is drawn. */
  starterInstruments?: () => readonly StarterInstrument[];
  /**
   * In demo mode, a screener export (CSV with a header row) of the simulated market's equities. Upstox has no
   * fundamentals, so the real source has none.
   */
  fundamentalsCsv?: (signal?: AbortSignal) => Promise<string>;
}

export interface SourceDeps {
  clock: Clock;
  logger: Logger;
  fetch: typeof fetch;
  limiter: RateLimiter;
}

/** How the live source authenticates: the login's choice of token per call. */
export interface UpstoxAuth {
  token: UpstoxRestDeps['token'];
  noTokenReason: () => string;
  onAnalyticsRefused: (call: UpstoxCall) => boolean;
}

function restFor(
  deps: SourceDeps,
  apiUrl: string,
  orderUrl: string,
  auth: Pick<UpstoxAuth, 'token'> & Partial<UpstoxAuth>,
): UpstoxRest {
  return createUpstoxRest({
    apiUrl,
    orderUrl,
    ...auth,
    fetch: deps.fetch,
    clock: deps.clock,
    logger: deps.logger.child('rest'),
    limiter: deps.limiter,
  });
}

/** The real Upstox, with the user's token chosen at each request (a new login applies at once). */
export function openUpstoxSource(
  deps: SourceDeps & { apiUrl: string; orderUrl: string; assetsUrl: string; auth: UpstoxAuth },
): OpenedSource {
  const rest = restFor(deps, deps.apiUrl, deps.orderUrl, deps.auth);
  return {
    kind: 'upstox',
    rest,
    assetsUrl: deps.assetsUrl,
    authorizeFeed: (signal) => rest.authorizeFeed(signal),
    close: async () => {},
  };
}

/** Demo token: the simulator accepts any bearer; this one only ever travels over loopback. */
const DEMO_TOKEN = 'tickdesk-demo-session';

async function fetchFundamentals(fetcher: typeof fetch, apiUrl: string, signal?: AbortSignal): Promise<string> {
  const what = `GET ${FUNDAMENTALS_PATH}`;
  let response: Response;
  try {
    response = await fetcher(`${apiUrl}${FUNDAMENTALS_PATH}`, {
      headers: { Authorization: `Bearer ${DEMO_TOKEN}`, Accept: 'text/csv' },
      ...(signal ? { signal } : {}),
    });
  } catch (cause) {
    if (signal?.aborted) throw signal.reason;
    throw new UpstoxApiError({ kind: 'transient', message: `the demo market's ${what} failed`, cause });
  }
  const text = await response.text();
  if (response.ok) return text;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  throw (
    errorFromResponse(response.status, body, what) ??
    new UpstoxApiError({ kind: 'bad_response', status: response.status, message: `the demo market's ${what} failed` })
  );
}

/**
 * The built-in simulator on 127.0.0.1, spoken to through the same REST client and feed socket as Upstox, so demo
 * mode exercises the real code paths.
 */
export async function openDemoSource(
  deps: SourceDeps & { resourcesDir: string; seed?: number },
): Promise<OpenedSource> {
  const simulator = await startUpstoxSimulator({
    resourcesDir: deps.resourcesDir,
    port: 0,
    seed: deps.seed ?? 20_260_105,
    clock: deps.clock,
    logger: deps.logger.child('simulator'),
  });
  const rest = restFor(deps, simulator.apiUrl, simulator.apiUrl, { token: () => DEMO_TOKEN });
  return {
    kind: 'demo',
    rest,
    starterInstruments: () => simulator.instruments(),
    fundamentalsCsv: (signal) => fetchFundamentals(deps.fetch, simulator.apiUrl, signal),
    assetsUrl: simulator.apiUrl,
    authorizeFeed: (signal) => rest.authorizeFeed(signal),
    close: () => simulator.close(),
  };
}
