import { FEED_MODES, SUBSCRIPTION_LIMITS, type FeedMode, type SubscribeResult } from '../../../shared/domain/feed';
import type { FeedRequest } from '../upstox/feed-socket';
import type { SubscriptionStore } from '../store/subscriptions';

export interface SubscriptionChange {
  result: SubscribeResult;
  /** Keys that were not subscribed in any mode before (a mode change is not an addition). */
  added: string[];
  /** Frames that apply the change to a live socket. */
  requests: FeedRequest[];
}

/** The limit each mode has when the given modes are in use (Upstox: "individual" alone, "combined" together). */
export function modeLimits(modesInUse: ReadonlySet<FeedMode>): Record<FeedMode, number> {
  const combined = modesInUse.size > 1;
  const limits = {} as Record<FeedMode, number>;
  for (const mode of FEED_MODES)
    limits[mode] = combined ? SUBSCRIPTION_LIMITS[mode].combined : SUBSCRIPTION_LIMITS[mode].individual;
  return limits;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/**
 * The desired subscription set: persisted, limited per mode client-side (Upstox silently ignores keys past
 * its limits, so they are refused here with a reason), and turned into batched sub / change_mode / unsub frames.
 */
export function createSubscriptionManager(deps: {
  store: SubscriptionStore;
  now: () => number;
  batchSize: () => number;
}) {
  const desired = new Map<string, FeedMode>();
  for (const { instrumentKey, mode } of deps.store.list()) desired.set(instrumentKey, mode);

  function counts(): Record<FeedMode, number> {
    const result = { ltpc: 0, full: 0, option_greeks: 0, full_d30: 0 } as Record<FeedMode, number>;
    for (const mode of desired.values()) result[mode]++;
    return result;
  }

  function frames(method: FeedRequest['method'], keys: readonly string[], mode?: FeedMode): FeedRequest[] {
    return chunk(keys, deps.batchSize()).map((instrumentKeys) =>
      mode ? { method, mode, instrumentKeys } : { method, instrumentKeys },
    );
  }

  return {
    list: () => [...desired].map(([instrumentKey, mode]) => ({ instrumentKey, mode })),
    counts,
    has: (key: string) => desired.has(key),
    keys: () => desired.keys(),
    subscribe(keys: readonly string[], mode: FeedMode): SubscriptionChange {
      const current = counts();
      const rejected: SubscribeResult['rejected'] = [];
      const fresh: string[] = [];
      const moved: string[] = [];
      for (const key of new Set(keys)) {
        const previous = desired.get(key);
        if (previous === mode) continue;
        const next = { ...current, [mode]: current[mode] + 1 };
        if (previous) next[previous]--;
        const inUse = new Set(FEED_MODES.filter((m) => next[m] > 0));
        const limits = modeLimits(inUse);
        const over = FEED_MODES.find((m) => next[m] > limits[m]);
        if (over) {
          const kind = inUse.size > 1 ? 'combined' : 'individual';
          rejected.push({ instrumentKey: key, reason: `${over} limit of ${limits[over]} keys (${kind}) reached` });
          continue;
        }
        Object.assign(current, next);
        (previous ? moved : fresh).push(key);
      }
      const accepted = [...fresh, ...moved];
      deps.store.save(accepted, mode, deps.now());
      for (const key of accepted) desired.set(key, mode);
      return {
        result: { subscribed: accepted.length, rejected },
        added: fresh,
        requests: [...frames('sub', fresh, mode), ...frames('change_mode', moved, mode)],
      };
    },
    unsubscribe(keys: readonly string[]): { unsubscribed: number; requests: FeedRequest[] } {
      const present = [...new Set(keys)].filter((key) => desired.has(key));
      deps.store.remove(present);
      for (const key of present) desired.delete(key);
      return { unsubscribed: present.length, requests: frames('unsub', present) };
    },
    /** Everything, one `sub` per mode in batches: what a new connection sends. */
    resubscribeRequests(): FeedRequest[] {
      const byMode = new Map<FeedMode, string[]>();
      for (const [key, mode] of desired) {
        const keys = byMode.get(mode);
        if (keys) keys.push(key);
        else byMode.set(mode, [key]);
      }
      return [...byMode].flatMap(([mode, keys]) => frames('sub', keys, mode));
    },
  };
}

export type SubscriptionManager = ReturnType<typeof createSubscriptionManager>;
