import { afterEach, describe, expect, it } from 'vitest';
import { SUBSCRIPTION_LIMITS } from '../../../shared/domain/feed';
import { openDatabase } from '../store/open';
import { createSubscriptionStore } from '../store/subscriptions';
import type { Db } from '../store/types';
import { makeTempDir, removeTempDirs } from '../../../tests/helpers/temp-dir';
import { createSubscriptionManager } from './subscriptions';

const opened: Db[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
  removeTempDirs();
});

function setup(dir = makeTempDir('tickdesk-subs-'), batchSize = 100) {
  const db = openDatabase(`${dir}/tickdesk.db`);
  opened.push(db);
  const manager = createSubscriptionManager({
    store: createSubscriptionStore(db),
    now: () => 1_000,
    batchSize: () => batchSize,
  });
  return { dir, db, manager };
}

const keys = (n: number, prefix = 'NSE_EQ|K') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('subscription manager', () => {
  it('persists the desired set and restores it in a new session', () => {
    const { dir, manager } = setup();
    manager.subscribe(['NSE_INDEX|Nifty 50', 'NSE_EQ|INE002A01018'], 'full');
    manager.subscribe(['NSE_FO|43919'], 'option_greeks');
    const { manager: restored } = setup(dir);
    expect(restored.list()).toEqual([
      { instrumentKey: 'NSE_INDEX|Nifty 50', mode: 'full' },
      { instrumentKey: 'NSE_EQ|INE002A01018', mode: 'full' },
      { instrumentKey: 'NSE_FO|43919', mode: 'option_greeks' },
    ]);
    expect(restored.counts()).toEqual({ ltpc: 0, full: 2, option_greeks: 1, full_d30: 0 });
  });

  it('batches subscribe frames by the configured size and sends change_mode for keys moving mode', () => {
    const { manager } = setup(undefined, 40);
    const first = manager.subscribe(keys(100), 'ltpc');
    expect(first.requests.map((r) => [r.method, r.mode, r.instrumentKeys.length])).toEqual([
      ['sub', 'ltpc', 40],
      ['sub', 'ltpc', 40],
      ['sub', 'ltpc', 20],
    ]);
    const moved = manager.subscribe(['NSE_EQ|K1', 'NSE_EQ|K2', 'NSE_EQ|NEW'], 'full');
    expect(moved.result).toEqual({ subscribed: 3, rejected: [] });
    expect(moved.requests).toEqual([
      { method: 'sub', mode: 'full', instrumentKeys: ['NSE_EQ|NEW'] },
      { method: 'change_mode', mode: 'full', instrumentKeys: ['NSE_EQ|K1', 'NSE_EQ|K2'] },
    ]);
    expect(manager.subscribe(['NSE_EQ|K1'], 'full').result.subscribed).toBe(0);
  });

  it('refuses keys past the individual limit of a mode used alone, naming the limit', () => {
    const { manager } = setup(undefined, 500);
    const limit = SUBSCRIPTION_LIMITS.full.individual;
    const change = manager.subscribe(keys(limit + 3), 'full');
    expect(change.result.subscribed).toBe(limit);
    expect(change.result.rejected).toHaveLength(3);
    expect(change.result.rejected[0]).toEqual({
      instrumentKey: `NSE_EQ|K${limit}`,
      reason: `full limit of ${limit} keys (individual) reached`,
    });
    expect(manager.counts().full).toBe(limit);
  });

  it('applies the combined limits once a second mode is in use', () => {
    const { manager } = setup(undefined, 500);
    manager.subscribe(keys(SUBSCRIPTION_LIMITS.ltpc.combined + 100, 'NSE_EQ|L'), 'ltpc');
    // Adding any full key would push ltpc past its combined limit, so it is refused.
    const refused = manager.subscribe(['NSE_FO|1'], 'full');
    expect(refused.result.subscribed).toBe(0);
    expect(refused.result.rejected[0]!.reason).toMatch(/ltpc limit of 2000 keys \(combined\)/);
    manager.unsubscribe(keys(100, 'NSE_EQ|L').map((k, i) => `NSE_EQ|L${SUBSCRIPTION_LIMITS.ltpc.combined + i}`));
    expect(manager.subscribe(['NSE_FO|1'], 'full').result).toEqual({ subscribed: 1, rejected: [] });
  });

  it('resubscribes everything with one batched sub per mode', () => {
    const { manager } = setup(undefined, 2);
    manager.subscribe(['NSE_EQ|A', 'NSE_EQ|B', 'NSE_EQ|C'], 'ltpc');
    manager.subscribe(['NSE_FO|1'], 'full');
    expect(manager.resubscribeRequests()).toEqual([
      { method: 'sub', mode: 'ltpc', instrumentKeys: ['NSE_EQ|A', 'NSE_EQ|B'] },
      { method: 'sub', mode: 'ltpc', instrumentKeys: ['NSE_EQ|C'] },
      { method: 'sub', mode: 'full', instrumentKeys: ['NSE_FO|1'] },
    ]);
  });

  it('unsubscribes only what is subscribed', () => {
    const { manager } = setup();
    manager.subscribe(['NSE_EQ|A', 'NSE_EQ|B'], 'ltpc');
    const change = manager.unsubscribe(['NSE_EQ|A', 'NSE_EQ|Z']);
    expect(change.unsubscribed).toBe(1);
    expect(change.requests).toEqual([{ method: 'unsub', instrumentKeys: ['NSE_EQ|A'] }]);
    expect(manager.list()).toEqual([{ instrumentKey: 'NSE_EQ|B', mode: 'ltpc' }]);
  });
});
