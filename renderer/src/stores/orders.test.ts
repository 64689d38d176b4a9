import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Order, OrderUpdateEvent, Position, Wallet } from '../../../shared/domain/trading';
import { fakeBridge } from './analysis/fixtures';
import {
  applyOrderUpdate,
  applyPortfolio,
  liveUnrealised,
  markWallet,
  mergeOrderUpdate,
  openTicket,
  replaceOrders,
  replacePositions,
  selectOrder,
  setStatusFilter,
  unrealisedAt,
  useOrdersStore,
  wireOrders,
  type PreviousOrder,
} from './orders';

const order = (orderId: number, patch: Partial<Order> = {}): Order => ({
  orderId,
  clientOrderId: `c${orderId}`,
  tag: `T${orderId}`,
  instrumentKey: 'NSE_EQ|INE002A01018',
  tradingSymbol: 'RELIANCE',
  side: 'BUY',
  quantity: 10,
  orderType: 'MARKET',
  price: null,
  triggerPrice: null,
  product: 'I',
  status: 'QUEUED',
  broker: 'paper',
  brokerOrderId: null,
  brokerOrderIds: [],
  filledQuantity: 0,
  averagePrice: null,
  attempts: 0,
  error: null,
  charges: 0,
  jobId: 40 + orderId,
  createdAt: '2026-03-12T09:20:00.000+05:30',
  updatedAt: '2026-03-12T09:20:00.000+05:30',
  events: [{ at: '2026-03-12T09:20:00.000+05:30', kind: 'queued', status: 'QUEUED', message: 'queued' }],
  ...patch,
});

/** The order as `order_update` carries it: without its timeline, with the newest event. */
const update = (base: Order, patch: Partial<Order>, event: OrderUpdateEvent['event']): OrderUpdateEvent => {
  const { events: _events, ...fields } = { ...base, ...patch };
  return { ...fields, event };
};

const filledAt = '2026-03-12T09:20:01.500+05:30';
const fill = (o: Order) =>
  update(
    o,
    { status: 'FILLED', filledQuantity: 10, averagePrice: 2845.1, brokerOrderId: 'PAPER-1', updatedAt: filledAt },
    { at: filledAt, kind: 'fill', status: 'FILLED', message: 'filled 10 @ 2845.10' },
  );

const position = (patch: Partial<Position> = {}): Position => ({
  broker: 'paper',
  instrumentKey: 'NSE_EQ|INE002A01018',
  tradingSymbol: 'RELIANCE',
  product: 'I',
  netQuantity: 10,
  averagePrice: 2800,
  ltp: 2810,
  realisedPnl: 0,
  unrealisedPnl: 100,
  updatedAt: filledAt,
  ...patch,
});

const wallet = (patch: Partial<Wallet> = {}): Wallet => ({
  broker: 'paper',
  startingCash: 1_000_000,
  cash: 972_000,
  positionsAtCost: 28_000,
  charges: 12.4,
  realisedPnl: 0,
  unrealisedPnl: 100,
  equity: 1_000_100,
  ...patch,
});

const state = () => useOrdersStore.getState();

describe('orders store', () => {
  beforeEach(() => useOrdersStore.setState(useOrdersStore.getInitialState(), true));

  it('merges an order update into its row, appending the new event to the timeline once', () => {
    replaceOrders([order(2), order(1)]);
    const event = fill(order(2));
    expect(applyOrderUpdate(event)).toEqual({ status: 'QUEUED', filledQuantity: 0 });
    applyOrderUpdate(event);
    const merged = state().orders[0]!;
    expect(merged).toMatchObject({ orderId: 2, status: 'FILLED', filledQuantity: 10, averagePrice: 2845.1 });
    expect(merged.events.map((e) => e.kind)).toEqual(['queued', 'fill']);
    expect(state().orders[1]).toEqual(order(1));
  });

  it('puts an order placed elsewhere on top, and drops one that left the filtered status', () => {
    const placed = update(order(3), {}, order(3).events[0]!);
    expect(mergeOrderUpdate([order(2)], placed, null).map((o) => o.orderId)).toEqual([3, 2]);
    expect(mergeOrderUpdate([order(2)], placed, null)[0]?.events).toHaveLength(1);
    expect(mergeOrderUpdate([order(2, { status: 'OPEN' })], fill(order(2)), 'OPEN')).toEqual([]);
    expect(mergeOrderUpdate([], fill(order(2)), 'OPEN')).toEqual([]);
  });

  it('keeps a newer update when an older list answer arrives after it', () => {
    replaceOrders([order(1)]);
    applyOrderUpdate(fill(order(1)));
    replaceOrders([order(1)]);
    expect(state().orders[0]).toMatchObject({ status: 'FILLED', filledQuantity: 10 });
  });

  it('updates the selected order even when the filter hides its row', () => {
    replaceOrders([order(1, { status: 'OPEN' })]);
    selectOrder(1);
    setStatusFilter('OPEN');
    applyOrderUpdate(fill(order(1, { status: 'OPEN' })));
    expect(state().orders).toEqual([]);
    expect(state().selected).toMatchObject({ orderId: 1, status: 'FILLED' });
    expect(state().selected?.events.at(-1)?.kind).toBe('fill');
  });

  it("replaces a broker's positions and wallet with a portfolio snapshot, leaving the other broker's alone", () => {
    const live = position({ broker: 'upstox', instrumentKey: 'NSE_EQ|INE467B01029', tradingSymbol: 'TCS' });
    replacePositions([position(), live], wallet());
    applyPortfolio({ broker: 'paper', positions: [], wallet: wallet({ cash: 1_000_050, unrealisedPnl: 0 }) });
    expect(state().positions).toEqual([live]);
    expect(state().wallet?.cash).toBe(1_000_050);
    applyPortfolio({ broker: 'upstox', positions: [], wallet: wallet({ broker: 'upstox', cash: 5 }) });
    expect(state().positions).toEqual([]);
    expect(state().wallet?.broker).toBe('paper');
  });

  it('marks a position to each tick: (ltp - average) x net, to the paisa, for longs and shorts', () => {
    expect(unrealisedAt(position(), 2845.1)).toBe(451);
    expect(unrealisedAt(position({ netQuantity: -75, averagePrice: 24510.35 }), 24500.2)).toBe(761.25);
    expect(unrealisedAt(position({ averagePrice: 100.1, netQuantity: 3 }), 100.2)).toBe(0.3);
    // No price at all: the engine's own figure; a closed position has nothing unrealised.
    expect(unrealisedAt(position({ ltp: null }), null)).toBe(100);
    expect(unrealisedAt(position({ netQuantity: 0 }), 2900)).toBe(0);
  });

  it("marks the wallet's unrealised P&L and equity at the live prices of its own broker's positions", () => {
    const positions = [
      position(),
      position({ instrumentKey: 'NSE_FO|54321', netQuantity: -50, averagePrice: 120, ltp: 118, unrealisedPnl: 100 }),
      position({ broker: 'upstox', netQuantity: 1000 }),
    ];
    const ticks = { 'NSE_EQ|INE002A01018': { ltp: 2790 }, 'NSE_FO|54321': { ltp: 121.5 } };
    // (2790 - 2800) x 10 = -100; (121.5 - 120) x -50 = -75.
    expect(liveUnrealised('paper', positions, ticks)).toBe(-175);
    // Without a tick a position stays at its last mark: (2810 - 2800) x 10 + (118 - 120) x -50 = 200.
    expect(liveUnrealised('paper', positions, {})).toBe(200);
    expect(markWallet(wallet({ unrealisedPnl: 200, equity: 1_000_200 }), -175)).toMatchObject({
      unrealisedPnl: -175,
      equity: 999_825,
      cash: 972_000,
    });
  });

  it('gives each ticket opening a new number, so a ticket opened again starts afresh', () => {
    openTicket({ instrumentKey: 'NSE_EQ|INE002A01018', side: 'BUY' });
    const first = state().ticket?.nonce;
    openTicket({ instrumentKey: 'NSE_EQ|INE002A01018', side: 'BUY' });
    expect(state().ticket?.nonce).not.toBe(first);
  });
});

describe('orders store, fed by the engine', () => {
  let unwire: (() => void) | undefined;
  beforeEach(() => useOrdersStore.setState(useOrdersStore.getInitialState(), true));
  afterEach(() => {
    unwire?.();
    unwire = undefined;
  });

  const loads = {
    'orders.list': () => [order(1)],
    'positions.list': () => [position()],
    'wallet.get': () => wallet(),
    'ledger.list': () => [],
  };

  it('loads the blotter and portfolio, then follows order_update and portfolio_changed', async () => {
    const { bridge, emit, called } = fakeBridge(loads);
    const seen: [PreviousOrder | undefined, string][] = [];
    unwire = wireOrders(bridge, (previous, u) => seen.push([previous, u.status]));
    await vi.waitFor(() => expect(state()).toMatchObject({ ordersLoaded: true, positionsLoaded: true }));
    expect(called('positions.list')[0]?.input).toEqual({ includeClosed: true });

    emit('order_update', fill(order(1)));
    expect(state().orders[0]?.status).toBe('FILLED');
    expect(seen).toEqual([[{ status: 'QUEUED', filledQuantity: 0 }, 'FILLED']]);

    emit('portfolio_changed', { broker: 'paper', positions: [position({ netQuantity: 20 })], wallet: wallet() });
    expect(state().positions.map((p) => p.netQuantity)).toEqual([20]);
    // A fill changes the books: the ledger is asked for again.
    await vi.waitFor(() => expect(called('ledger.list').length).toBeGreaterThan(1));
  });

  it('asks the engine for the orders of a status when the filter changes', async () => {
    const { bridge, called } = fakeBridge(loads);
    unwire = wireOrders(bridge);
    await vi.waitFor(() => expect(state().ordersLoaded).toBe(true));
    setStatusFilter('REJECTED');
    await vi.waitFor(() => expect(called('orders.list').at(-1)?.input).toEqual({ status: 'REJECTED', limit: 100 }));
  });

  it('says which part failed to load', async () => {
    const { bridge } = fakeBridge({ ...loads, 'wallet.get': () => Promise.reject(new Error('engine away')) });
    unwire = wireOrders(bridge);
    await vi.waitFor(() => expect(state().errors).toEqual({ portfolio: 'engine away' }));
    expect(state().ordersLoaded).toBe(true);
  });

  it('empties everything, the open ticket too, when the world switches', async () => {
    const { bridge, emit } = fakeBridge(loads);
    unwire = wireOrders(bridge);
    await vi.waitFor(() => expect(state().ordersLoaded).toBe(true));
    openTicket({ instrumentKey: 'NSE_EQ|INE002A01018', side: 'SELL' });
    emit('world_changed', { world: 'live' });
    expect(state().ticket).toBeNull();
    await vi.waitFor(() => expect(state().ordersLoaded).toBe(true));
  });
});
