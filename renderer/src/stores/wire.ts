import { JOB_KINDS } from '../../../shared/job-kinds';
import type { Bridge } from '../bridge';
import { useAppStore } from './app';
import { applyProgress, replaceJobs, upsertJob, useJobsStore } from './jobs';
import { applyTicks, rememberInstruments, replaceSubscriptions, subscriptionsDifferFrom, useMarketStore } from './market';

/** The one place where bridge events flow into the stores. Returns a function that unwires everything. */
export function wireStores(bridge: Bridge): () => void {
  const set = useAppStore.setState;
  const refresh = async () => {
    try {
      const [system, settings, jobs, stats] = await Promise.all([
        bridge.invoke('system.status', {}),
        bridge.invoke('settings.get', {}),
        bridge.invoke('jobs.list', { limit: 200 }),
        bridge.invoke('jobs.stats', {}),
      ]);
      set({ system, settings });
      replaceJobs(jobs, stats);
    } catch {
      // The connection state already tells the user; the next reconnect refreshes.
    }
  };
  const refreshJob = async (id: number) => {
    try {
      const [job, stats] = await Promise.all([bridge.invoke('jobs.get', { id }), bridge.invoke('jobs.stats', {})]);
      upsertJob(job);
      useJobsStore.setState({ stats });
    } catch {
      // Gone (cleaned up) or the engine is away: the next refresh settles it.
    }
  };
  const statusOf = new Map<number, string>();
  let marketRefresh: Promise<void> | null = null;
  // Separate from refresh(): a feed that is not up yet must not keep the jobs and settings from loading.
  const refreshMarket = () => {
    marketRefresh ??= (async () => {
      try {
        const [feed, subscriptions, ticks] = await Promise.all([
          bridge.invoke('feed.status', {}),
          bridge.invoke('feed.subscriptions', {}),
          bridge.invoke('feed.latestTicks', {}),
        ]);
        set({ feed });
        replaceSubscriptions(subscriptions);
        applyTicks(ticks);
      } catch {
        // The feed status bar shows what is known; the next feed_status or reconnect tries again.
      } finally {
        marketRefresh = null;
      }
    })();
  };

  set({ transport: bridge.transport, connection: bridge.connectionState() });
  if (bridge.connectionState() !== 'unauthorized') {
    void refresh();
    refreshMarket();
  }

  const offs = [
    bridge.onConnectionChange((connection) => {
      set({ connection });
      if (connection === 'connected') {
        void refresh();
        refreshMarket();
      }
    }),
    bridge.on('settings_changed', ({ payload }) => {
      const current = useAppStore.getState().settings;
      if (current) set({ settings: { ...current, values: payload } });
    }),
    bridge.on('feed_status', ({ payload }) => {
      set({ feed: payload });
      // Another window or a script changed the subscriptions: the watchlist follows.
      if (subscriptionsDifferFrom(payload.subscriptions)) refreshMarket();
    }),
    bridge.on('market_ticks', ({ payload }) => applyTicks(payload.ticks)),
    bridge.on('job_progress_update', ({ payload }) => {
      const known = applyProgress(payload);
      // A new job, or one whose status changed: fetch it whole, and the queue stats with it.
      if (!known || statusOf.get(payload.jobId) !== payload.status) void refreshJob(payload.jobId);
      statusOf.set(payload.jobId, payload.status);
    }),
    bridge.on('job_completed', ({ payload }) => {
      void refreshJob(payload.jobId);
      // A new instrument master names watchlist rows that were only keys before.
      if (payload.kind === JOB_KINDS.instrumentsImport) {
        const keys = useMarketStore.getState().subscriptions.map((s) => s.instrumentKey);
        if (keys.length > 0) bridge.invoke('instruments.get', { keys }).then(rememberInstruments, () => undefined);
      }
    }),
    bridge.on('job_failed', ({ payload }) => void refreshJob(payload.jobId)),
  ];
  return () => offs.forEach((off) => off());
}
