import { useCallback } from 'react';
import type { Timeframe } from '../../../../shared/domain/feed';
import { useBridge } from '../../bridge-context';
import { useAppStore } from '../../stores/app';
import { replaceSubscriptions, showChart, useMarketStore } from '../../stores/market';

/**
 * Opens an instrument's chart in the Market view from elsewhere (an import's symbol, later a scan's result). The
 * Market view charts watchlist instruments, and only subscribed instruments tick, so one that is not in the
 * watchlist is added to it first: its chart then ends with today's live bar. Rejects when the feed refuses it.
 */
export function useOpenChart(): (instrumentKey: string, timeframe: Timeframe) => Promise<void> {
  const bridge = useBridge();
  return useCallback(
    async (instrumentKey, timeframe) => {
      const subscribed = useMarketStore.getState().subscriptions.some((s) => s.instrumentKey === instrumentKey);
      if (!subscribed) {
        const result = await bridge.invoke('feed.subscribe', { instrumentKeys: [instrumentKey], mode: 'full' });
        const refused = result.rejected.find((r) => r.instrumentKey === instrumentKey);
        if (refused) throw new Error(`the feed refused ${instrumentKey}: ${refused.reason}`);
        replaceSubscriptions(await bridge.invoke('feed.subscriptions', {}));
      }
      showChart(instrumentKey, timeframe);
      useAppStore.getState().setView('market');
    },
    [bridge],
  );
}
