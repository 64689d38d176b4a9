import type { feedCommands } from '../../../shared/contract/feed';
import type { WorldName } from '../../../shared/domain/system';
import type { Clock } from '../common/clock';
import type { DomainHandlers } from '../common/commands';
import type { Emit } from '../common/events';
import type { Logger } from '../common/logger';
import type { JobService } from '../jobs/service';
import type { SettingsService } from '../settings/service';
import type { Stores } from '../store';
import { createMergedCandles } from '../store/candle-merge';
import { createFeedDecoder } from '../upstox/feed-decode';
import type { FeedSocketOptions } from '../upstox/feed-socket';
import { loadFeedSchema } from '../upstox/proto';
import type { RateLimiter } from '../upstox/rate-limit';
import type { UpstoxAuth } from './sources';
import {
  backfillRequest,
  FEED_BACKFILL_KIND,
  FeedBackfillPayloadSchema,
  feedBackfillKind,
  supersede,
  type QueuedBackfill,
} from './backfill.job';
import { seedDemoMarket } from './demo-seed';
import { createFeedService } from './service';
import { openDemoSource, openUpstoxSource, type OpenedSource } from './sources';
import { createSubscriptionManager } from './subscriptions';
import { createTickPipeline } from './tick-pipeline';
import { TICK_RETENTION_KIND, tickRetentionKind } from './tick-retention.job';

export interface FeedModuleDeps {
  /** The live world streams from Upstox; the demo world from the built-in simulator. */
  world: WorldName;
  stores: Pick<Stores, 'db' | 'subscriptions' | 'ticks' | 'candles' | 'history'>;
  clock: Clock;
  logger: Logger;
  emit: Emit;
  http: typeof fetch;
  /** Shared with every other Upstox client of this user (Upstox counts per user). */
  limiter: RateLimiter;
  jobs: JobService;
  settings: SettingsService;
  upstox: { apiUrl: string; orderUrl: string; assetsUrl: string };
  /** Which token each Upstox call uses, and what to say when there is none (live world only). */
  auth: UpstoxAuth;
  resourcesDir: string;
  /** Whether `start()` starts the market socket (tests about other things leave it off). */
  connect?: boolean;
  socket?: Partial<FeedSocketOptions>;
  random?: () => number;
}

export type SourceListener = (source: OpenedSource) => void;

/**
 * The market of one world: the Upstox V3 socket (or the demo simulator in the demo world), subscriptions, the tick
 * pipeline into ticks and 1-minute candles, and the backfill of minutes missed while the socket was down.
 */
export function createFeedModule(deps: FeedModuleDeps) {
  const { stores, clock, jobs, settings } = deps;
  const logger = deps.logger.child('feed');
  const subscriptions = createSubscriptionManager({
    store: stores.subscriptions,
    now: () => clock.now(),
    batchSize: () => settings.values().feedSubscribeBatchSize,
  });
  const pipeline = createTickPipeline({
    db: stores.db,
    stores,
    clock,
    logger: deps.logger.child('ticks'),
    emit: deps.emit,
  });
  const merged = createMergedCandles(stores.candles, stores.history);
  const sourceDeps = { clock, logger, fetch: deps.http, limiter: deps.limiter };
  const sourceListeners = new Set<SourceListener>();
  let source: OpenedSource | null = null;

  async function openSource(): Promise<OpenedSource> {
    const opened =
      deps.world === 'live'
        ? openUpstoxSource({ ...sourceDeps, ...deps.upstox, auth: deps.auth })
        : await openDemoSource({ ...sourceDeps, resourcesDir: deps.resourcesDir });
    source = opened;
    // A new user with no Upstox account sees a live market at once.
    if (opened.starterInstruments)
      seedDemoMarket({
        instruments: opened.starterInstruments(),
        subscriptions,
        hasMarketHistory: () => stores.candles.hasAny(),
        logger,
      });
    for (const listener of sourceListeners) listener(opened);
    return {
      ...opened,
      close: async () => {
        if (source === opened) source = null;
        await opened.close();
      },
    };
  }

  const service = createFeedService({
    clock,
    logger,
    emit: deps.emit,
    subscriptions,
    pipeline,
    decoder: createFeedDecoder(loadFeedSchema(deps.resourcesDir)),
    openSource,
    requestBackfill(request) {
      const queued = jobs
        .list({ kind: FEED_BACKFILL_KIND, status: 'QUEUED', limit: 100 })
        .flatMap((job): QueuedBackfill[] => {
          const payload = FeedBackfillPayloadSchema.safeParse(job.payload);
          return payload.success ? [{ id: job.id, payload: payload.data }] : [];
        });
      const { request: merged, superseded } = supersede(backfillRequest(request), queued);
      const { kind, payload, ...options } = merged;
      stores.db.transaction(() => {
        for (const id of superseded) jobs.cancel(id);
        const { job } = jobs.enqueue(kind, payload, options);
        if (superseded.length > 0) logger.info('backfill superseded', { jobId: job.id, superseded });
      })();
    },
    socketOptions: deps.socket,
    random: deps.random,
  });

  const handlers: DomainHandlers<typeof feedCommands> = {
    'feed.status': () => service.status(),
    'feed.subscriptions': () => service.subscriptions(),
    'feed.subscribe': ({ instrumentKeys, mode }) => service.subscribe(instrumentKeys, mode),
    'feed.unsubscribe': ({ instrumentKeys }) => service.unsubscribe(instrumentKeys),
    'feed.latestTicks': ({ keys }) => service.latestTicks(keys),
    'feed.reconnect': () => service.reconnect(),
    'candles.list': (query) => merged.query(query, clock.now()),
  };

  return {
    name: 'feed',
    handlers,
    service,
    pipeline,
    jobKinds: [
      feedBackfillKind({
        rest: () => source?.rest ?? null,
        subscribed: (key) => subscriptions.has(key),
        candles: stores.candles,
      }),
      tickRetentionKind({ ticks: stores.ticks, retentionDays: () => settings.values().tickRetentionDays }),
    ],
    schedules: [
      {
        name: 'tick-retention',
        description: 'Daily cleanup of raw ticks older than the retention setting',
        jobKind: TICK_RETENTION_KIND,
        cron: '15 2 * * *',
        enabled: true,
        tradingDaysOnly: false,
        payload: {},
      },
    ],
    /** Whether an instrument is on the watchlist (subscribed). */
    isSubscribed: (key: string): boolean => subscriptions.has(key),
    /** The market source open now (REST client, assets host), or null while none is. */
    source: (): OpenedSource | null => source,
    /** Called each time a source opens (at start, and after every token change). */
    onSourceOpen(listener: SourceListener): () => void {
      sourceListeners.add(listener);
      return () => sourceListeners.delete(listener);
    },
    start(): void {
      if (deps.connect !== false) service.start();
    },
    /** Writes the last buffered ticks before the store closes. */
    stop: () => service.stop(),
  };
}
export type FeedModule = ReturnType<typeof createFeedModule>;
