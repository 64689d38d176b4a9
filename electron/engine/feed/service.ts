import {
  segmentOf,
  type FeedMode,
  type FeedStatus,
  type LatestTicks,
  type MarketStatus,
  type SubscribeResult,
} from '../../../shared/domain/feed';
import { istDayStart } from '../../../shared/time';
import { isAuthError } from '../upstox/errors';
import type { Clock, TimerHandle } from '../common/clock';
import type { Emit } from '../common/events';
import type { Logger } from '../common/logger';
import type { FeedDecoder } from '../upstox/feed-decode';
import { createFeedSocket, type FeedSocket, type FeedSocketOptions, type FeedSocketState } from '../upstox/feed-socket';
import type { SubscriptionManager } from './subscriptions';
import type { TickPipeline } from './tick-pipeline';
import { toLatestTick } from './tick-view';

/** Where market data comes from: Upstox itself, or the built-in simulator in demo mode. */
export interface MarketSource {
  kind: 'upstox' | 'demo';
  authorizeFeed(signal: AbortSignal): Promise<string>;
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
  requestBackfill?(request: {
    since: number;
    keys: readonly string[];
    reason: 'reconnect' | 'start' | 'subscribe';
  }): void;
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

export function createFeedService(deps: FeedServiceDeps): FeedService {
  const { clock, logger, emit, subscriptions, pipeline, decoder } = deps;
  let source: MarketSource | null = null;
  let socket: FeedSocket | null = null;
  let state: FeedSocketState = 'stopped';
  let message: string | undefined;
  let reconnectsBefore = 0;
  let framesReceived = 0;
  let decodeErrors = 0;
  let marketStatus: Record<string, MarketStatus> = {};
  /** Segments NORMAL_OPEN in the last market_info: the data-silence watchdog applies only to them. */
  let openSegments = new Set<string>();
  let statusTimer: TimerHandle | undefined;
  let generation = 0;
  let starting: Promise<void> | null = null;

  function status(): FeedStatus {
    const stats = pipeline.stats();
    const counts = subscriptions.counts();
    const result: FeedStatus = {
      state,
      source: source?.kind ?? 'demo',
      subscriptions: counts,
      ticksPerSecond: Math.round(stats.ticksPerSecond * 10) / 10,
      ticksTotal: stats.ticksTotal,
      lastTickAt: stats.lastTickAt === null ? null : new Date(stats.lastTickAt).toISOString(),
      reconnects: reconnectsBefore + (socket?.reconnects() ?? 0),
      decodeErrors,
      // Replaced, never changed in place, so the status may share it.
      marketStatus,
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
      if (decodeErrors === 1 || decodeErrors % 100 === 0)
        logger.warn('undecodable feed frame', { decodeErrors, bytes: frame.length, error: String(error) });
      return;
    }
    if (decoded.marketStatus) setMarketStatus({ ...marketStatus, ...decoded.marketStatus });
    if (decoded.dropped > 0) {
      decodeErrors += decoded.dropped;
      logger.warn('feed ticks with non-finite prices dropped', { dropped: decoded.dropped, decodeErrors });
    }
    if (decoded.ticks.length > 0) pipeline.ingest(decoded.ticks);
  }

  function setMarketStatus(next: Record<string, MarketStatus>): void {
    marketStatus = next;
    openSegments = new Set(Object.keys(next).filter((segment) => next[segment] === 'NORMAL_OPEN'));
    publish();
  }

  function expectsData(): boolean {
    if (openSegments.size === 0) return false;
    for (const key of subscriptions.keys()) if (openSegments.has(segmentOf(key))) return true;
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
      isAuthError,
      resubscribeRequests: () => subscriptions.resubscribeRequests(),
      expectsData,
      onMessage,
      onStateChange(next, detail) {
        state = next;
        message = detail.message;
        // A stopped feed knows nothing of the market; a reconnecting one keeps the last word until the next market_info.
        if (next === 'auth_failed' || next === 'stopped') setMarketStatus({});
        else publish();
      },
      onConnected({ reconnected, disconnectedAt }) {
        const keys = [...subscriptions.keys()];
        if (keys.length === 0) return;
        if (reconnected && disconnectedAt !== null)
          deps.requestBackfill?.({ since: disconnectedAt, keys, reason: 'reconnect' });
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
      const change = subscriptions.subscribe(keys, mode);
      send(change.requests);
      if (change.added.length > 0 && state === 'connected')
        deps.requestBackfill?.({ since: istDayStart(clock.now()), keys: change.added, reason: 'subscribe' });
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
    counters: () => ({
      framesReceived,
      ticksReceived: pipeline.stats().ticksTotal,
      decodeErrors,
      openSockets: socket?.openSockets() ?? 0,
    }),
  };
}
