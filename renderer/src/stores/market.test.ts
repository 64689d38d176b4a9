import { beforeEach, describe, expect, it } from 'vitest';
import type { LatestTick } from '../../../shared/domain/feed';
import { subscriptionUsage } from '../views/market/FeedStatusBar';
import { applyTicks, displaySymbol, replaceSubscriptions, subscriptionsDifferFrom, useMarketStore } from './market';

const tick = (ltp: number, receivedAt: string): LatestTick => ({
  mode: 'ltpc',
  ltp,
  ltt: receivedAt,
  ltq: 1,
  cp: 100,
  change: ltp - 100,
  changePct: ltp - 100,
  volume: null,
  oi: null,
  iv: null,
  atp: null,
  bid: null,
  ask: null,
  bidQty: null,
  askQty: null,
  greeks: null,
  depth: null,
  receivedAt,
});

describe('market store', () => {
  beforeEach(() => useMarketStore.setState(useMarketStore.getInitialState(), true));

  it('marks the direction of each move and keeps untouched instruments identical, so their rows do not re-render', () => {
    applyTicks({ 'NSE_EQ|A': tick(100, '2025-06-02T04:00:00.000Z'), 'NSE_EQ|B': tick(50, '2025-06-02T04:00:00.000Z') });
    const b = useMarketStore.getState().ticks['NSE_EQ|B'];
    applyTicks({ 'NSE_EQ|A': tick(101, '2025-06-02T04:00:01.000Z') });
    expect(useMarketStore.getState().ticks['NSE_EQ|A']?.move).toBe(1);
    expect(useMarketStore.getState().ticks['NSE_EQ|B']).toBe(b);
    applyTicks({ 'NSE_EQ|A': tick(99, '2025-06-02T04:00:02.000Z') });
    expect(useMarketStore.getState().ticks['NSE_EQ|A']?.move).toBe(-1);
  });

  it('ignores a snapshot older than the tick already shown', () => {
    applyTicks({ 'NSE_EQ|A': tick(105, '2025-06-02T04:00:05.000Z') });
    applyTicks({ 'NSE_EQ|A': tick(100, '2025-06-02T04:00:01.000Z') });
    expect(useMarketStore.getState().ticks['NSE_EQ|A']?.ltp).toBe(105);
  });

  it('leaves the state object as it is when a batch has nothing newer, so no subscriber wakes', () => {
    applyTicks({ 'NSE_EQ|A': tick(105, '2025-06-02T04:00:05.000Z') });
    const before = useMarketStore.getState();
    applyTicks({});
    applyTicks({ 'NSE_EQ|A': tick(100, '2025-06-02T04:00:01.000Z') });
    expect(useMarketStore.getState()).toBe(before);
  });

  it('keeps the selection on a subscribed instrument and notices subscriptions changed elsewhere', () => {
    replaceSubscriptions([
      { instrumentKey: 'NSE_EQ|A', mode: 'full' },
      { instrumentKey: 'NSE_FO|1', mode: 'option_greeks' },
    ]);
    expect(useMarketStore.getState()).toMatchObject({ selectedKey: 'NSE_EQ|A', chartKey: 'NSE_EQ|A' });
    expect(subscriptionsDifferFrom({ full: 1, option_greeks: 1, ltpc: 0 })).toBe(false);
    expect(subscriptionsDifferFrom({ full: 2, option_greeks: 1 })).toBe(true);
    replaceSubscriptions([{ instrumentKey: 'NSE_FO|1', mode: 'option_greeks' }]);
    expect(useMarketStore.getState().selectedKey).toBe('NSE_FO|1');
  });

  it('names an unknown instrument by the part of its key after the bar', () => {
    expect(displaySymbol('NSE_INDEX|Nifty 50', undefined)).toBe('Nifty 50');
  });

  it('measures each mode against its individual limit alone and its combined limit together', () => {
    expect(subscriptionUsage({ full: 10, ltpc: 0 })).toEqual([{ mode: 'full', used: 10, limit: 2000 }]);
    expect(subscriptionUsage({ full: 10, ltpc: 3 })).toEqual([
      { mode: 'ltpc', used: 3, limit: 2000 },
      { mode: 'full', used: 10, limit: 1500 },
    ]);
  });
});
