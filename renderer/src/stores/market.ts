import { create } from 'zustand';
import type { FeedStatus, LatestTick, LatestTicks, Subscription, Timeframe } from '../../../shared/domain/feed';
import type { Instrument } from '../../../shared/domain/instruments';
import { JOB_KINDS } from '../../../shared/job-kinds';
import type { Bridge } from '../bridge';
import { followEngine } from './follow';

/** A tick as the watchlist shows it: which way the LTP moved since the previous tick of the same instrument. */
export interface WatchTick extends LatestTick {
  move: -1 | 0 | 1;
}

/** Live market state. Ticks are keyed by instrument so that a row can subscribe to its own instrument only. */
export interface MarketState {
  /** The feed as last reported; null until the engine has answered. */
  feed: FeedStatus | null;
  subscriptions: Subscription[];
  /** False until the first `feed.subscriptions` answer, so an empty list is not mistaken for "not loaded". */
  subscriptionsLoaded: boolean;
  ticks: Record<string, WatchTick>;
  /** Instruments learnt from searches and look-ups, by instrument key. */
  instruments: Record<string, Instrument>;
  /** The highlighted watchlist row (keyboard and mouse). */
  selectedKey: string | null;
  /** The instrument the price chart shows. */
  chartKey: string | null;
  /** The timeframe the price chart shows. */
  chartTimeframe: Timeframe;
}

export const useMarketStore = create<MarketState>()(() => ({
  feed: null,
  subscriptions: [],
  subscriptionsLoaded: false,
  ticks: {},
  instruments: {},
  selectedKey: null,
  chartKey: null,
  chartTimeframe: '1m',
}));

/** Replaces the watchlist; keeps the selection and the chart on an instrument that is still subscribed. */
export function replaceSubscriptions(subscriptions: Subscription[]): void {
  useMarketStore.setState((s) => {
    const keys = new Set(subscriptions.map((sub) => sub.instrumentKey));
    const first = subscriptions[0]?.instrumentKey ?? null;
    const selectedKey = s.selectedKey && keys.has(s.selectedKey) ? s.selectedKey : first;
    const chartKey = s.chartKey && keys.has(s.chartKey) ? s.chartKey : selectedKey;
    return { subscriptions, subscriptionsLoaded: true, selectedKey, chartKey };
  });
}

/**
 * Merges a coalesced batch; instruments absent from it keep their object identity, so their rows do not re-render.
 * A batch with nothing to apply (empty, or only ticks older than those shown) leaves the state object as it is, so no
 * subscriber wakes.
 */
export function applyTicks(batch: LatestTicks): void {
  useMarketStore.setState((s) => {
    let next: Record<string, WatchTick> | undefined;
    for (const [key, tick] of Object.entries(batch)) {
      const previous = s.ticks[key];
      // A snapshot answered after a newer pushed tick must not wind the row back. receivedAt is always an ISO string of
      // the same format (toISOString), so the strings order as the times do.
      if (previous && previous.receivedAt > tick.receivedAt) continue;
      const move = !previous || previous.ltp === tick.ltp ? 0 : tick.ltp > previous.ltp ? 1 : -1;
      next ??= { ...s.ticks };
      next[key] = { ...tick, move };
    }
    return next ? { ticks: next } : s;
  });
}

export function rememberInstruments(list: readonly Instrument[]): void {
  if (list.length === 0) return;
  useMarketStore.setState((s) => {
    const instruments = { ...s.instruments };
    for (const instrument of list) instruments[instrument.instrumentKey] = instrument;
    return { instruments };
  });
}

export function selectInstrument(key: string | null, openChart = false): void {
  useMarketStore.setState(openChart ? { selectedKey: key, chartKey: key } : { selectedKey: key });
}

export function setChartTimeframe(timeframe: Timeframe): void {
  useMarketStore.setState({ chartTimeframe: timeframe });
}

/** Charts an instrument on a timeframe, with its watchlist row selected. */
export function showChart(key: string, timeframe: Timeframe): void {
  useMarketStore.setState({ selectedKey: key, chartKey: key, chartTimeframe: timeframe });
}

/** Feed-status counts per mode, compared with the watchlist, tell whether someone else changed the subscriptions. */
export function subscriptionsDifferFrom(counts: Record<string, number>): boolean {
  const { subscriptions, subscriptionsLoaded } = useMarketStore.getState();
  if (!subscriptionsLoaded) return false;
  const mine: Record<string, number> = {};
  for (const sub of subscriptions) mine[sub.mode] = (mine[sub.mode] ?? 0) + 1;
  const modes = new Set([...Object.keys(mine), ...Object.keys(counts)]);
  for (const mode of modes) if ((mine[mode] ?? 0) !== (counts[mode] ?? 0)) return true;
  return false;
}

/** What to call an instrument: its trading symbol when known, else the part of the key after `|`. */
export function displaySymbol(key: string, instrument: Instrument | undefined): string {
  if (instrument) return instrument.tradingSymbol || instrument.name;
  const bar = key.indexOf('|');
  return bar < 0 ? key : key.slice(bar + 1);
}

/**
 * Feeds the market store: feed status, watchlist and latest ticks on load, then pushed ticks and status. A switch
 * of world empties the store first: no price of the world left behind may be shown in the other, even for a moment.
 */
export function wireMarket(bridge: Bridge): () => void {
  let loading: Promise<void> | null = null;
  const load = () => {
    loading ??= (async () => {
      try {
        const [feed, subscriptions, ticks] = await Promise.all([
          bridge.invoke('feed.status', {}),
          bridge.invoke('feed.subscriptions', {}),
          bridge.invoke('feed.latestTicks', {}),
        ]);
        useMarketStore.setState({ feed });
        replaceSubscriptions(subscriptions);
        applyTicks(ticks);
      } catch {
        // The feed status bar shows what is known; the next feed_status or reconnect tries again.
      } finally {
        loading = null;
      }
    })();
  };
  const offs = [
    followEngine(bridge, load, () => useMarketStore.setState(useMarketStore.getInitialState(), true)),
    bridge.on('feed_status', ({ payload }) => {
      useMarketStore.setState({ feed: payload });
      // Another window or a script changed the subscriptions: the watchlist follows.
      if (subscriptionsDifferFrom(payload.subscriptions)) load();
    }),
    bridge.on('market_ticks', ({ payload }) => applyTicks(payload.ticks)),
    bridge.on('job_completed', ({ payload }) => {
      // A new instrument master names watchlist rows that were only keys before.
      if (payload.kind !== JOB_KINDS.instrumentsImport) return;
      const keys = useMarketStore.getState().subscriptions.map((s) => s.instrumentKey);
      if (keys.length > 0) bridge.invoke('instruments.get', { keys }).then(rememberInstruments, () => undefined);
    }),
  ];
  return () => offs.forEach((off) => off());
}
