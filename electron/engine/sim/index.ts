import { gzipSync } from 'node:zlib';
import type { FeedMode } from '../../../shared/domain/feed';
import { createSystemClock, type Clock } from '../common/clock';
import type { Logger } from '../common/logger';
import { loadFeedSchema } from '../upstox/proto';
import type { BucketLimits } from '../upstox/rate-limit';
import { FaultState, type SimulatorFaults } from './faults';
import { FrameEncoder } from './frames';
import { FeedHub, type SubscriptionLimits, type TicksSentHook } from './hub';
import { MarketModel } from './market';
import { hashString, rngFor } from './rng';
import { createPastSessionCache, createTokenRateLimits, drawLatency, UPSTOX_RATE_LIMITS } from './rest';
import { startSimulatorServer } from './server';
import { masterRow } from './master-row';
import type { DemoInstrument } from './universe';
import { loadUniverseFiles } from '../common/universe-files';
import { fundamentalsCsv } from './fundamentals';
import { createOptionDesk } from './option-chain';
import { roundToTick } from './pricing';
import { previousTradingDay } from './time';
import { orderRow, tradeRow, type UpstoxOrderRow, type UpstoxTradeRow } from './order-wire';
import { SimOrderBook, type OrderLogEntry } from './orders';
import { createSimulatorLogin, type LoginApp, type SimulatorLogin } from './login';

export type { LoginFaultKind, OrderFaultKind, SimulatorFaults } from './faults';
export type { LoginApp, SimulatorLogin } from './login';
export type { UpstoxOrderRow, UpstoxTradeRow } from './order-wire';
export type { OrderLogEntry } from './orders';
export type { DemoInstrument, DemoInstrumentType } from './universe';
export type { SubscriptionLimits, TicksSentHook } from './hub';
export { FUNDAMENTALS_COLUMNS, FUNDAMENTALS_PATH } from './fundamentals';

export interface UpstoxSimulatorOptions {
  /**
   * `<repo>/resources`: the feed schema is loaded from `proto/` below it, and every member of the universes in
   * `universes/` is listed as an instrument (the built-in set alone when there is no such folder).
   */
  resourcesDir: string;
  /** 0 (default) picks a free port; the host is always 127.0.0.1. */
  port?: number;
  /** Same seed, same market (with the same clock). */
  seed?: number;
  /** Timestamps (ltt, currentTs, candles) and the session date; real timers drive the tick loop. */
  clock?: Clock;
  tickIntervalMs?: number;
  /** Instruments that change per interval (default a quarter of the universe); `'all'` moves every one. */
  ticksPerInterval?: number | 'all';
  /** Which bearer tokens REST accepts (default: any non-empty one). */
  acceptToken?: (token: string) => boolean;
  pingIntervalMs?: number;
  logger?: Logger;
  /** Called for every data frame sent, with its instrument keys. */
  onTicksSent?: TicksSentHook;
  /** Per-mode key limits (Upstox's by default); lower ones let tests reach them with the demo universe. */
  subscriptionLimits?: Partial<SubscriptionLimits>;
  /**
   * How long each REST answer takes from its request's arrival, drawn uniformly in [min, max] ms (default 0):
   * Upstox is a network away, and an import's throughput at the rate limit depends on it.
   */
  restLatencyMs?: { min: number; max: number };
  /**
   * Enforces Upstox's request limits per bearer token over sliding windows on `clock`, answering 429 UDAPI10005 past
   * them as Upstox does; a window left out keeps Upstox's number (50/s, 500/min, 2000/30 min). Off when absent.
   */
  rateLimits?: Partial<BucketLimits>;
  /**
   * Past sessions' intraday candles kept grouped as asked, up to this many bars (default none): generating a
   * quarter of hourly candles from its minutes costs ~50 ms of CPU, which an import at Upstox's rate asks 40 times
   * a second. Benchmarks ask for the ranges once beforehand.
   */
  pastSessionCacheBars?: number;
  /** Strikes either side of the money in an option chain (default 20: 41 strikes). */
  optionStrikesEachSide?: number;
  /** The one app that may log in; any client id, secret and http(s) redirect URI may when absent (demo). */
  loginApp?: LoginApp;
}

export interface SimulatorStats {
  authorizeCalls: number;
  /** Feed handshakes attempted (accepted or refused). */
  upgrades: number;
  upgradesRefused: number;
  /** Sockets accepted since start. */
  connections: number;
  openSockets: number;
  maxConcurrentSockets: number;
  /** Key counts per mode of the most recent connection while it is open. */
  subscriptions: Record<FeedMode, number>;
  /** Valid protobuf frames (market_info, initial_feed, live_feed). */
  framesSent: number;
  /** Instrument entries in initial_feed and live_feed frames. */
  ticksSent: number;
  textFramesIgnored: number;
  /** Binary frames that were not a valid sub/unsub/change_mode request. */
  invalidRequests: number;
  /** Live frames skipped for a socket with too much unsent data. */
  framesSkipped: number;
  garbageSent: number;
  restCalls: number;
  /** REST calls answered 429 because a window of `rateLimits` was full (injected `rateLimit` faults not counted). */
  rateLimited: number;
}

/** The simulator's order book as tests and the demo see it, in Upstox's row formats. */
export interface SimulatorOrders {
  /** Today's orders, oldest first, as `/v2/order/retrieve-all` lists them. */
  all(): UpstoxOrderRow[];
  byTag(tag: string): UpstoxOrderRow[];
  trades(): UpstoxTradeRow[];
  /** The price orders on the instrument match against now, or null for an unknown key. */
  lastPrice(instrumentKey: string): number | null;
  /** A copy of every place request received, in order. */
  log(): OrderLogEntry[];
}

export interface UpstoxSimulator {
  /** `http://127.0.0.1:PORT`: the REST base, the feed authorize host and the assets host in one. */
  apiUrl: string;
  port: number;
  instruments(): DemoInstrument[];
  faults: SimulatorFaults;
  /** The OAuth login: tokens as it issues them, and its counters. */
  login: SimulatorLogin;
  /** Orders live in memory: they outlast any client, not the simulator. */
  orders: SimulatorOrders;
  stats(): SimulatorStats;
  close(): Promise<void>;
}
export type Simulator = UpstoxSimulator;

const DEFAULT_STRIKES_EACH_SIDE = 20;
const MAX_STRIKES_EACH_SIDE = 200;
/** The universe file whose stocks have futures and options. */
const FNO_UNIVERSE = 'fno';

const SILENT_LOGGER: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => SILENT_LOGGER };

/**
 * A local stand-in for Upstox: the same REST envelopes, single-use authorized feed URLs and binary protobuf
 * frames, over a deterministic demo market. New users run the app against it; the feed's reliability
 * tests drive its faults.
 */
export async function startUpstoxSimulator(options: UpstoxSimulatorOptions): Promise<UpstoxSimulator> {
  const schema = loadFeedSchema(options.resourcesDir);
  const clock = options.clock ?? createSystemClock();
  const logger = options.logger ?? SILENT_LOGGER;
  const seed = options.seed ?? 1;
  const tickIntervalMs = options.tickIntervalMs ?? 250;
  const strikesEachSide = options.optionStrikesEachSide ?? DEFAULT_STRIKES_EACH_SIDE;
  if (!Number.isInteger(strikesEachSide) || strikesEachSide < 1 || strikesEachSide > MAX_STRIKES_EACH_SIDE)
    throw new RangeError(`optionStrikesEachSide must be a whole number from 1 to ${MAX_STRIKES_EACH_SIDE}`);
  const universes = loadUniverseFiles(options.resourcesDir);
  const model = new MarketModel({
    seed,
    now: clock.now(),
    tickIntervalMs,
    ticksPerInterval: options.ticksPerInterval,
    universeMembers: universes.flatMap((u) => u.members),
    fnoMembers: universes.find((u) => u.id === FNO_UNIVERSE)?.members ?? [],
  });
  const encoder = new FrameEncoder(schema, model);
  const hub = new FeedHub({
    model,
    encoder,
    clock,
    logger,
    seed,
    tickIntervalMs,
    pingIntervalMs: options.pingIntervalMs ?? 10_000,
    onTicksSent: options.onTicksSent,
    limits: options.subscriptionLimits,
  });
  const faultState = new FaultState();
  const restCounters = { authorizeCalls: 0, restCalls: 0, rateLimited: 0 };
  const upgradeCounters = { upgrades: 0, upgradesRefused: 0 };
  let instrumentsFile: Buffer | undefined;
  let fundamentals: string | undefined;
  const previousClose = (index: number) => model.history.spotClose(index, previousTradingDay(model.day));
  const login = createSimulatorLogin({
    clock,
    logger,
    faults: faultState,
    ...(options.loginApp ? { app: options.loginApp } : {}),
    acceptOther: options.acceptToken ?? ((token: string) => token.length > 0),
  });
  const acceptToken = (token: string) => login.accepts(token);
  const book = new SimOrderBook(
    {
      indexOf: (key) => model.indexOf(key),
      instrument: (i) => model.instrument(i),
      lastPrice: (i) => model.state(i).ltp,
    },
    () => clock.now(),
  );
  const orders = simulatorOrders(book);

  const server = await startSimulatorServer(
    {
      hub,
      faults: faultState,
      logger,
      counters: upgradeCounters,
      rest: {
        model,
        faults: faultState,
        counters: restCounters,
        acceptToken,
        login,
        ...(options.restLatencyMs
          ? { latencyMs: drawLatency(options.restLatencyMs, rngFor(seed, hashString('rest-latency'))) }
          : {}),
        ...(options.rateLimits
          ? { rateLimits: createTokenRateLimits({ ...UPSTOX_RATE_LIMITS, ...options.rateLimits }, clock) }
          : {}),
        ...(options.pastSessionCacheBars ? { pastSessions: createPastSessionCache(options.pastSessionCacheBars) } : {}),
        instrumentsFile: () => (instrumentsFile ??= gzipSync(JSON.stringify(model.universe.map(masterRow)))),
        options: createOptionDesk(model, strikesEachSide),
        now: () => clock.now(),
        // Priced at the previous close, so the export is the same all day.
        fundamentalsCsv: () =>
          (fundamentals ??= fundamentalsCsv(
            model.universe.filter((e) => e.instrument.instrumentType === 'EQ'),
            (e) => roundToTick(previousClose(model.indexOf(e.instrument.instrumentKey)!), e.instrument.tickSize),
          )),
        orders: book,
        logger,
      },
    },
    options.port ?? 0,
  );
  logger.info('upstox simulator listening', { port: server.port, instruments: model.size, seed });

  return {
    apiUrl: `http://127.0.0.1:${server.port}`,
    port: server.port,
    instruments: () => model.universe.map((e) => ({ ...e.instrument })),
    faults: faultState.controls(hub, { log: orders.log, byTag: orders.byTag }),
    orders,
    login: login.handles,
    stats: () => ({
      ...restCounters,
      ...upgradeCounters,
      ...hub.counters,
      openSockets: hub.openSockets,
      subscriptions: hub.subscriptions(),
    }),
    close: () => server.close(),
  };
}

function simulatorOrders(book: SimOrderBook): SimulatorOrders {
  return {
    all: () => book.all().map((o) => orderRow(o)),
    byTag: (tag) => book.byTag(tag).map((o) => orderRow(o)),
    trades: () => book.trades().map(tradeRow),
    lastPrice: (key) => {
      const index = book.market.indexOf(key);
      return index === undefined ? null : book.market.lastPrice(index);
    },
    log: () => book.log(),
  };
}
