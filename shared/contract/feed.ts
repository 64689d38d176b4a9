import { z } from 'zod';
import {
  CandleQuerySchema,
  CandleSchema,
  FeedStatusSchema,
  LatestTicksQuerySchema,
  LatestTicksSchema,
  MarketTicksEventSchema,
  SubscribeInputSchema,
  SubscribeResultSchema,
  SubscriptionSchema,
  UnsubscribeInputSchema,
  UnsubscribeResultSchema,
} from '../domain/feed';
import { command, NoInput, snapshot, stream } from './define';

export const feedCommands = {
  'feed.status': command(NoInput, FeedStatusSchema, { method: 'GET', path: '/feed/status' }),
  'feed.subscriptions': command(NoInput, z.array(SubscriptionSchema), { method: 'GET', path: '/feed/subscriptions' }),
  'feed.subscribe': command(SubscribeInputSchema, SubscribeResultSchema, {
    method: 'POST',
    path: '/feed/subscriptions',
  }),
  'feed.unsubscribe': command(UnsubscribeInputSchema, UnsubscribeResultSchema, {
    method: 'DELETE',
    path: '/feed/subscriptions',
  }),
  'feed.latestTicks': command(LatestTicksQuerySchema, LatestTicksSchema, { method: 'GET', path: '/feed/latest-ticks' }),
  /** Starts the feed again after `auth_failed` or `stopped` (e.g. once a fresh token is saved). */
  'feed.reconnect': command(NoInput, FeedStatusSchema, { method: 'POST', path: '/feed/reconnect' }),
  'candles.list': command(CandleQuerySchema, z.array(CandleSchema), { method: 'GET', path: '/candles' }),
} as const;

export const feedEvents = {
  feed_status: snapshot(FeedStatusSchema),
  // Coalesced: each batch holds only the instruments that changed since the last, so none may be skipped.
  market_ticks: stream(MarketTicksEventSchema),
} as const;
