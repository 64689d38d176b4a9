import { useCallback, useEffect, useState } from 'react';
import type { FeedMode, SubscribeResult, Subscription } from '../../../../shared/domain/feed';
import type { Instrument } from '../../../../shared/domain/instruments';
import { useBridge } from '../../bridge-context';
import {
  displaySymbol,
  rememberInstruments,
  replaceSubscriptions,
  selectInstrument,
  useMarketStore,
} from '../../stores/market';

const UNDO_MS = 10_000;

export interface Removed {
  sub: Subscription;
  symbol: string;
}

/** Adding, removing (with undo) and restoring watchlist instruments through the feed commands. */
export function useWatchlistActions() {
  const bridge = useBridge();
  const [removed, setRemoved] = useState<Removed | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(async () => replaceSubscriptions(await bridge.invoke('feed.subscriptions', {})), [bridge]);

  const add = useCallback(
    async (instrument: Instrument, mode: FeedMode): Promise<SubscribeResult> => {
      rememberInstruments([instrument]);
      const result = await bridge.invoke('feed.subscribe', { instrumentKeys: [instrument.instrumentKey], mode });
      await reload();
      if (!result.rejected.some((r) => r.instrumentKey === instrument.instrumentKey))
        selectInstrument(instrument.instrumentKey, true);
      return result;
    },
    [bridge, reload],
  );

  const remove = useCallback(
    async (key: string) => {
      const { subscriptions, instruments, selectedKey, chartKey } = useMarketStore.getState();
      const index = subscriptions.findIndex((s) => s.instrumentKey === key);
      const sub = subscriptions[index];
      if (!sub) return;
      // Keep the keyboard where it was: the row below takes the selection, or the one above at the end.
      const neighbour = (subscriptions[index + 1] ?? subscriptions[index - 1])?.instrumentKey ?? null;
      setError(null);
      try {
        await bridge.invoke('feed.unsubscribe', { instrumentKeys: [key] });
        if (selectedKey === key) selectInstrument(neighbour, chartKey === key);
        else if (chartKey === key) useMarketStore.setState({ chartKey: neighbour });
        await reload();
        setRemoved({ sub, symbol: displaySymbol(key, instruments[key]) });
      } catch (e) {
        setError(
          `Could not remove ${displaySymbol(key, instruments[key])}: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
    },
    [bridge, reload],
  );

  const undo = useCallback(async () => {
    if (!removed) return;
    setRemoved(null);
    try {
      const result = await bridge.invoke('feed.subscribe', {
        instrumentKeys: [removed.sub.instrumentKey],
        mode: removed.sub.mode,
      });
      await reload();
      const refused = result.rejected[0];
      if (refused) setError(`Could not restore ${removed.symbol}: ${refused.reason}`);
      else selectInstrument(removed.sub.instrumentKey, true);
    } catch (e) {
      setError(`Could not restore ${removed.symbol}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }, [bridge, reload, removed]);

  useEffect(() => {
    if (!removed) return;
    const timer = setTimeout(() => setRemoved(null), UNDO_MS);
    return () => clearTimeout(timer);
  }, [removed]);

  return {
    add,
    remove,
    undo,
    removed,
    dismissRemoved: () => setRemoved(null),
    error,
    dismissError: () => setError(null),
  };
}
