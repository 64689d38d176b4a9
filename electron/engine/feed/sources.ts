import type { Clock } from '../common/clock';
import type { Logger } from '../common/logger';
import { createUpstoxRest, type UpstoxRest } from '../upstox/rest';
import type { RateLimiter } from '../upstox/rate-limit';
import { startUpstoxSimulator } from '../sim';
import type { StarterInstrument } from './demo-seed';
import type { MarketSource } from './service';

/** A market source with the REST client that goes with it (candle backfill, imports). */
export interface OpenedSource extends MarketSource {
  rest: UpstoxRest;
  /** Host of the instrument master files (`/market-quote/instruments/exchange/complete.json.gz`). */
  assetsUrl: string;
  /** In demo mode, the simulated market's instruments, from which a new user's first watchlist is drawn. */
  starterInstruments?: () => readonly StarterInstrument[];
}

export interface SourceDeps {
  clock: Clock;
  logger: Logger;
  fetch: typeof fetch;
  limiter: RateLimiter;
}

function restFor(deps: SourceDeps, apiUrl: string, orderUrl: string, token: () => string | undefined): UpstoxRest {
  return createUpstoxRest({
    apiUrl,
    orderUrl,
    token,
    fetch: deps.fetch,
    clock: deps.clock,
    logger: deps.logger.child('rest'),
    limiter: deps.limiter,
  });
}

/** The real Upstox, with the user's token read at each request (a new login applies at once). */
export function openUpstoxSource(
  deps: SourceDeps & { apiUrl: string; orderUrl: string; assetsUrl: string; token: () => string | undefined },
): OpenedSource {
  const rest = restFor(deps, deps.apiUrl, deps.orderUrl, deps.token);
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
  const rest = restFor(deps, simulator.apiUrl, simulator.apiUrl, () => DEMO_TOKEN);
  return {
    kind: 'demo',
    rest,
    starterInstruments: () => simulator.instruments(),
    assetsUrl: simulator.apiUrl,
    authorizeFeed: (signal) => rest.authorizeFeed(signal),
    close: () => simulator.close(),
  };
}
