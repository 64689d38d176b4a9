import type { FeedMode, FeedStatus, LatestTicks, MarketStatus, SubscribeResult, Tick } from '../../../shared/domain/feed';
import type { Clock, TimerHandle } from '../clock';
import type { Emit } from '../events';
import type { Logger } from '../logger';
import type { FeedDecoder } from '../upstox/feed-decode';
import { createFeedSocket, type FeedSocket, type FeedSocketOptions, type FeedSocketState } from '../upstox/feed-socket';
import type { SubscriptionManager } from './subscriptions';
import type { TickPipeline } from './tick-pipeline';
import { toLatestTick } from './tick-view';

/** Where market data comes from: Upstox itself, or the built-in simulator in demo mode. */
export interface MarketSource {
  kind: 'upstox' | 'demo';
  authorizeFeed(signal: AbortSignal): Promise<string>;
  isAuthError(error: unknown): boolean;
  close(): Promise<void>;
}

export interface FeedServiceDeps {
  clock: Clock;
  logger: Logger;
  emit: Emit;
  subscriptions: SubscriptionManager;
  pipeline: TickPipeline;
  decoder: FeedDecoder;
  /** Opens the source for the current mode (a token present means Upstox). */
  openSource(): Promise<MarketSource>;
  /**
   * Asks for the 1-minute candles of `keys` from `since` that are not on disk: the minutes missed while the socket
   * was down, or today's minutes before an instrument was first seen (so its chart starts full).
   */
  requestBackfill?(request: { since: number; keys: readonly string[]; reason: 'reconnect' | 'start' | 'subscribe' }): void;
  socketOptions?: Partial<FeedSocketOptions>;
  random?: () => number;
  /** How often `feed_status` is re-sent while connected (ticks/s and last-tick age move). */
  statusIntervalMs?: number;
}

export interface FeedService {
  start(): void;
  stop(): Promise<void>;
  /** Drops the current source and socket and starts again (after a new token, or from `auth_failed`). */
  reconnect(): Promise<FeedStatus>;
  status(): FeedStatus;
  subscriptions(): { instrumentKey: string; mode: FeedMode }[];
  subscribe(keys: readonly string[], mode: FeedMode): SubscribeResult;
  unsubscribe(keys: readonly string[]): { unsubscribed: number };
  latestTicks(keys?: readonly string[]): LatestTicks;
  /** Counters for tests and the benchmark. */
  counters(): { framesReceived: number; ticksReceived: number; decodeErrors: number; openSockets: number };
}

const IST_OFFSET_MS = 330 * 60_000;
const DAY_MS = 86_400_000;

/** Midnight IST of the day `ms` falls on (the intraday candle API serves that day). */
export function istDayStart(ms: number): number {
  return Math.floor((ms + IST_OFFSET_MS) / DAY_MS) * DAY_MS - IST_OFFSET_MS;
}

function isUsable(tick: Tick): boolean {
  return Number.isFinite(tick.ltp) && Number.isFinite(tick.cp) && Number.isFinite(tick.ltt) && Number.isFinite(tick.ltq);
}

/** Segment of an instrument key (`NSE_FO|43919` → `NSE_FO`). */
export function segmentOf(instrumentKey: string): string {
  const bar = instrumentKey.indexOf('|');
  return bar < 0 ? instrumentKey : instrumentKey.slice(0, bar);
}

export function createFeedService(deps: FeedServiceDeps): FeedService {
  const { clock, logger, emit, subscriptions, pipeline, decoder } = deps;
  let source: MarketSource | null = null;
  let socket: FeedSocket | null = null;
  let state: FeedSocketState = 'stopped';
  let message: string | undefined;
  let reconnectsBefore = 0;
  let framesReceived = 0;
  let ticksReceived = 0;
  let decodeErrors = 0;
  let marketStatus: Record<string, MarketStatus> = {};
  let statusTimer: TimerHandle | undefined;
  let generation = 0;
  let starting: Promise<void> | null = null;

  function status(): FeedStatus {
    const stats = pipeline.stats();
    const counts = subscriptions.counts();
    const result: FeedStatus = {
      state,
      source: source?.kind ?? 'demo',
      subscriptions: { ...counts },
      ticksPerSecond: Math.round(stats.ticksPerSecond * 10) / 10,
      ticksTotal: ticksReceived,
      lastTickAt: stats.lastTickAt === null ? null : new Date(stats.lastTickAt).toISOString(),
      reconnects: reconnectsBefore + (socket?.reconnects() ?? 0),
      decodeErrors,
      marketStatus: { ...marketStatus },
    };
    if (message) result.message = message;
    return result;
  }

  const publish = () => emit('feed_status', status(), 'feed');

  function scheduleStatus(): void {
    clock.clearTimeout(statusTimer);
    statusTimer = clock.setTimeout(() => {
      statusTimer = undefined;
      if (state === 'connected') publish();
      scheduleStatus();
    }, deps.statusIntervalMs ?? 1_000);
  }

  function onMessage(frame: Buffer): void {
    framesReceived++;
    let decoded;
    try {
      decoded = decoder.decode(frame, clock.now());
    } catch (error) {
      decodeErrors++;
      if (decodeErrors === 1 || decodeErrors % 100 === 0) logger.warn('undecodable feed frame', { decodeErrors, bytes: frame.length, error: String(error) });
      return;
    }
    if (decoded.marketStatus) {
      marketStatus = { ...marketStatus, ...decoded.marketStatus };
      publish();
    }
    let ticks = decoded.ticks;
    if (ticks.length === 0) return;
    if (!ticks.every(isUsable)) {
      // A price that is not a number cannot be stored, charted or traded on: the frame was corrupt.
      const usable = ticks.filter(isUsable);
      decodeErrors += ticks.length - usable.length;
      logger.warn('feed ticks with non-finite prices dropped', { dropped: ticks.length - usable.length, decodeErrors });
      ticks = usable;
    }
    ticksReceived += ticks.length;
    pipeline.ingest(ticks);
  }

  function expectsData(): boolean {
    const open = new Set(Object.entries(marketStatus).filter(([, s]) => s === 'NORMAL_OPEN').map(([segment]) => segment));
    if (open.size === 0) return false;
    for (const key of subscriptions.keys()) if (open.has(segmentOf(key))) return true;
    return false;
  }

  async function startSource(): Promise<void> {
    const mine = ++generation;
    try {
      const opened = await deps.openSource();
      if (mine !== generation) return void (await opened.close());
      source = opened;
    } catch (error) {
      state = 'stopped';
      message = `market data source unavailable: ${error instanceof Error ? error.message : String(error)}`;
      logger.error('feed source failed to open', { error: message });
      publish();
      return;
    }
    const current = source;
    socket = createFeedSocket({
      authorize: (signal) => current.authorizeFeed(signal),
      isAuthError: (error) => current.isAuthError(error),
      resubscribeRequests: () => subscriptions.resubscribeRequests(),
      expectsData,
      onMessage,
      onStateChange(next, detail) {
        state = next;
        message = detail.message;
        if (next !== 'connected') marketStatus = next === 'auth_failed' || next === 'stopped' ? {} : marketStatus;
        publish();
      },
      onConnected({ reconnected, disconnectedAt }) {
        const keys = [...subscriptions.keys()];
        if (keys.length === 0) return;
        if (reconnected && disconnectedAt !== null) deps.requestBackfill?.({ since: disconnectedAt, keys, reason: 'reconnect' });
        else if (!reconnected) deps.requestBackfill?.({ since: istDayStart(clock.now()), keys, reason: 'start' });
      },
      clock,
      logger: logger.child('socket'),
      random: deps.random,
      options: deps.socketOptions,
    });
    socket.start();
    scheduleStatus();
  }

  async function stopSocketAndSource(): Promise<void> {
    generation++;
    clock.clearTimeout(statusTimer);
    statusTimer = undefined;
    const s = socket;
    socket = null;
    if (s) {
      reconnectsBefore += s.reconnects();
      await s.stop();
    }
    const src = source;
    source = null;
    await src?.close();
  }

  function send(requests: ReturnType<SubscriptionManager['resubscribeRequests']>): void {
    if (!socket) return;
    for (const request of requests) if (!socket.send(request)) break;
  }

  return {
    start() {
      if (starting) return;
      starting = startSource();
    },
    async stop() {
      await starting;
      starting = null;
      await stopSocketAndSource();
      pipeline.stop();
      state = 'stopped';
      message = undefined;
    },
    async reconnect() {
      await starting;
      await stopSocketAndSource();
      message = undefined;
      state = 'connecting';
      starting = startSource();
      await starting;
      return status();
    },
    status,
    subscriptions: () => subscriptions.list(),
    subscribe(keys, mode) {
      const known = new Set(subscriptions.keys());
      const change = subscriptions.subscribe(keys, mode);
      send(change.requests);
      const added = keys.filter((key) => !known.has(key) && subscriptions.has(key));
      if (added.length > 0 && state === 'connected') deps.requestBackfill?.({ since: istDayStart(clock.now()), keys: added, reason: 'subscribe' });
      if (change.result.subscribed > 0) publish();
      return change.result;
    },
    unsubscribe(keys) {
      const change = subscriptions.unsubscribe(keys);
      send(change.requests);
      if (change.unsubscribed > 0) publish();
      return { unsubscribed: change.unsubscribed };
    },
    latestTicks(keys) {
      const result: LatestTicks = {};
      // Without keys: the subscribed instruments, not every instrument ever seen since start.
      for (const [key, tick] of pipeline.latest(keys ?? [...subscriptions.keys()])) result[key] = toLatestTick(tick);
      return result;
    },
    counters: () => ({ framesReceived, ticksReceived, decodeErrors, openSockets: socket?.openSockets() ?? 0 }),
  };
}
