import { create } from 'zustand';
import type {
  LedgerEntry,
  Order,
  OrderEvent,
  OrderProduct,
  OrderSide,
  OrderStatus,
  OrderType,
  OrderUpdateEvent,
  PortfolioChangedEvent,
  Position,
  Wallet,
} from '../../../shared/domain/trading';
import type { Bridge } from '../bridge';
import { coalesce } from '../lib/coalesce';
import { messageOf } from '../lib/use-command';
import { followEngine } from './follow';

/** What an order ticket opens with; everything left out takes the ticket's default. */
export interface TicketRequest {
  /** A new number per opening: each opening is a new ticket, with its own order id. */
  nonce: number;
  instrumentKey: string | null;
  side: OrderSide;
  /** Units to start with (a square-off's net quantity); one lot or one share when absent. */
  units?: number;
  orderType?: OrderType;
  product?: OrderProduct;
  /** Goes through the placement checks as soon as the preview is good: a square-off needs no editing. */
  submitWhenReady?: boolean;
}

/** The last order sent from a ticket: an identical one soon after is probably a double press. */
export interface LastPlaced {
  signature: string;
  at: number;
}

/** What a status change needs to know about the order before it: was it news? */
export interface PreviousOrder {
  status: OrderStatus;
  filledQuantity: number;
}

export type OrdersArea = 'orders' | 'portfolio' | 'ledger';

/** Orders, positions, the wallet and its ledger, and the open ticket. Fed by `wireOrders`. */
export interface OrdersState {
  /** Newest first, as `orders.list` answers, kept live by `order_update`. */
  orders: Order[];
  ordersLoaded: boolean;
  /** The blotter shows only orders in this status; null shows all. */
  statusFilter: OrderStatus | null;
  selectedOrderId: number | null;
  /** The selected order in full, kept even when the filter hides its row. */
  selected: Order | null;
  positions: Position[];
  positionsLoaded: boolean;
  wallet: Wallet | null;
  /** Newest first. */
  ledger: LedgerEntry[];
  ledgerLoaded: boolean;
  /** Why the last load of an area failed, until one succeeds. */
  errors: Partial<Record<OrdersArea, string>>;
  ticket: TicketRequest | null;
  ticketsOpened: number;
  lastPlaced: LastPlaced | null;
}

export const useOrdersStore = create<OrdersState>()(() => ({
  orders: [],
  ordersLoaded: false,
  statusFilter: null,
  selectedOrderId: null,
  selected: null,
  positions: [],
  positionsLoaded: false,
  wallet: null,
  ledger: [],
  ledgerLoaded: false,
  errors: {},
  ticket: null,
  ticketsOpened: 0,
  lastPlaced: null,
}));

const get = useOrdersStore.getState;
const set = useOrdersStore.setState;

/** Orders listed at most in the blotter. */
export const LISTED_ORDERS = 100;
/** Ledger entries listed. */
export const LISTED_LEDGER = 50;
const REFETCH_MS = 500;

const byNewest = (a: Order, b: Order) => b.orderId - a.orderId;

/** The fresher of two copies of an order: a list answered before an update arrived must not wind it back. */
function fresher(a: Order, b: Order): Order {
  if (a.updatedAt !== b.updatedAt) return a.updatedAt > b.updatedAt ? a : b;
  return a.events.length >= b.events.length ? a : b;
}

const sameEvent = (a: OrderEvent, b: OrderEvent) =>
  a.at === b.at && a.kind === b.kind && a.status === b.status && a.message === b.message;

/** The order an update describes: its fields, and its timeline with the new event at the end (once). */
export function orderFromUpdate(previous: Order | undefined, update: OrderUpdateEvent): Order {
  const { event, ...fields } = update;
  const events = previous?.events ?? [];
  return { ...fields, events: events.some((e) => sameEvent(e, event)) ? events : [...events, event] };
}

/**
 * Merges an update into the blotter: the order's row takes its new state, a new order goes on top, and an order that
 * left the filtered status leaves the list.
 */
export function mergeOrderUpdate(
  list: readonly Order[],
  update: OrderUpdateEvent,
  filter: OrderStatus | null,
): Order[] {
  const index = list.findIndex((o) => o.orderId === update.orderId);
  const shown = filter === null || update.status === filter;
  if (index < 0) return shown ? [orderFromUpdate(undefined, update), ...list].sort(byNewest) : [...list];
  if (!shown) return list.filter((_, i) => i !== index);
  return list.map((o, i) => (i === index ? orderFromUpdate(o, update) : o));
}

export function replaceOrders(list: readonly Order[]): void {
  set((s) => {
    const known = new Map(s.orders.map((o) => [o.orderId, o]));
    const orders = list.map((o) => (known.has(o.orderId) ? fresher(o, known.get(o.orderId)!) : o)).sort(byNewest);
    const listed = s.selected && orders.find((o) => o.orderId === s.selected!.orderId);
    return { orders, ordersLoaded: true, selected: listed ? fresher(listed, s.selected!) : s.selected };
  });
}

/** Merges an `order_update` everywhere it shows; answers the order as it was before, if it was known here. */
export function applyOrderUpdate(update: OrderUpdateEvent): PreviousOrder | undefined {
  const s = get();
  const before =
    s.orders.find((o) => o.orderId === update.orderId) ??
    (s.selected?.orderId === update.orderId ? s.selected : undefined);
  set({
    orders: mergeOrderUpdate(s.orders, update, s.statusFilter),
    selected: s.selected?.orderId === update.orderId ? orderFromUpdate(s.selected, update) : s.selected,
  });
  return before ? { status: before.status, filledQuantity: before.filledQuantity } : undefined;
}

/**
 * Merges an order a command answered with (a modify) into the blotter: its row takes it unless the row is newer
 * already, and it leaves the list when it is no longer in the filtered status.
 */
export function mergeOrder(list: readonly Order[], order: Order, filter: OrderStatus | null): Order[] {
  const index = list.findIndex((o) => o.orderId === order.orderId);
  const merged = index < 0 ? order : fresher(order, list[index]!);
  const shown = filter === null || merged.status === filter;
  if (index < 0) return shown ? [merged, ...list].sort(byNewest) : [...list];
  if (!shown) return list.filter((_, i) => i !== index);
  return list.map((o, i) => (i === index ? merged : o));
}

/** An order a command answered with, everywhere it shows: an `order_update` may bring the same state later, or never. */
export function applyOrder(order: Order): void {
  set((s) => ({
    orders: mergeOrder(s.orders, order, s.statusFilter),
    selected: s.selected?.orderId === order.orderId ? fresher(order, s.selected) : s.selected,
  }));
}

export function selectOrder(orderId: number | null): void {
  set((s) => ({
    selectedOrderId: orderId,
    selected: orderId === null ? null : (s.orders.find((o) => o.orderId === orderId) ?? null),
  }));
}

export function replaceSelected(order: Order): void {
  set((s) => (s.selectedOrderId === order.orderId ? { selected: s.selected ? fresher(order, s.selected) : order } : s));
}

export function setStatusFilter(statusFilter: OrderStatus | null): void {
  set({ statusFilter, orders: get().orders.filter((o) => statusFilter === null || o.status === statusFilter) });
}

/** A portfolio snapshot replaces that broker's positions, and the wallet when it is the one shown. */
export function applyPortfolio(portfolio: PortfolioChangedEvent): void {
  set((s) => ({
    positions: [...s.positions.filter((p) => p.broker !== portfolio.broker), ...portfolio.positions],
    positionsLoaded: true,
    wallet: s.wallet === null || s.wallet.broker === portfolio.broker ? portfolio.wallet : s.wallet,
  }));
}

export function replacePositions(positions: Position[], wallet: Wallet): void {
  set({ positions, positionsLoaded: true, wallet });
}

export function replaceLedger(entries: readonly LedgerEntry[]): void {
  set({ ledger: [...entries].sort((a, b) => b.id - a.id), ledgerLoaded: true });
}

export function openTicket(request: Omit<TicketRequest, 'nonce'>): void {
  set((s) => ({ ticket: { ...request, nonce: s.ticketsOpened + 1 }, ticketsOpened: s.ticketsOpened + 1 }));
}

export function closeTicket(): void {
  set({ ticket: null });
}

export function notePlaced(signature: string, at: number): void {
  set({ lastPlaced: { signature, at } });
}

/** The live price of a position: the newest tick when the instrument streams, else the engine's last mark. */
export function liveLtp(
  position: Position,
  ticks: Readonly<Record<string, { ltp: number } | undefined>>,
): number | null {
  return ticks[position.instrumentKey]?.ltp ?? position.ltp;
}

/** Unrealised P&L at a price, to the paisa: (ltp - average) x net quantity; the engine's figure without a price. */
export function unrealisedAt(position: Position, ltp: number | null): number {
  if (position.netQuantity === 0) return 0;
  if (ltp === null || position.averagePrice === null) return position.unrealisedPnl;
  return Math.round((ltp - position.averagePrice) * position.netQuantity * 100) / 100;
}

/** The unrealised P&L of a broker's positions at the live prices, to the paisa. */
export function liveUnrealised(
  broker: Wallet['broker'],
  positions: readonly Position[],
  ticks: Readonly<Record<string, { ltp: number } | undefined>>,
): number {
  let sum = 0;
  for (const p of positions) if (p.broker === broker) sum += unrealisedAt(p, liveLtp(p, ticks));
  return Math.round(sum * 100) / 100;
}

/**
 * The wallet marked at an unrealised P&L: equity is cash plus the positions at market, so it moves by exactly the
 * change in unrealised P&L since the engine's figure.
 */
export function markWallet(wallet: Wallet, unrealisedPnl: number): Wallet {
  const equity = Math.round((wallet.equity + unrealisedPnl - wallet.unrealisedPnl) * 100) / 100;
  return { ...wallet, unrealisedPnl, equity };
}

const setError = (area: OrdersArea, message: string | null) =>
  set((s) => {
    if ((s.errors[area] ?? null) === message) return s;
    const errors = { ...s.errors };
    if (message === null) delete errors[area];
    else errors[area] = message;
    return { errors };
  });

/** Told of every order update with the order as it was before it, for the toasts. */
export type OrderUpdateListener = (previous: PreviousOrder | undefined, update: OrderUpdateEvent) => void;

/**
 * Feeds the orders store: the blotter, positions, wallet and ledger on load, the selected order's detail when the
 * selection changes, then `order_update` and `portfolio_changed`. A switch of world empties it, the ticket included:
 * an order meant for one world must never be sent in the other.
 */
export function wireOrders(bridge: Bridge, onUpdate?: OrderUpdateListener): () => void {
  const guarded = (area: OrdersArea, task: () => Promise<void>) => async () => {
    try {
      await task();
      setError(area, null);
    } catch (error) {
      setError(area, messageOf(error));
    }
  };
  const ordersLoader = coalesce(
    guarded('orders', async () => {
      const status = get().statusFilter;
      const list = await bridge.invoke(
        'orders.list',
        status ? { status, limit: LISTED_ORDERS } : { limit: LISTED_ORDERS },
      );
      // The filter changed meanwhile: this answer is for the old one, and the request for the new one follows.
      if (get().statusFilter === status) replaceOrders(list);
    }),
    REFETCH_MS,
  );
  const detailLoader = coalesce(
    guarded('orders', async () => {
      const id = get().selectedOrderId;
      if (id !== null) replaceSelected(await bridge.invoke('orders.get', { id }));
    }),
    0,
  );
  const portfolioLoader = coalesce(
    guarded('portfolio', async () => {
      const [positions, wallet] = await Promise.all([
        bridge.invoke('positions.list', { includeClosed: true }),
        bridge.invoke('wallet.get', {}),
      ]);
      replacePositions(positions, wallet);
    }),
    REFETCH_MS,
  );
  const ledgerLoader = coalesce(
    guarded('ledger', async () => replaceLedger(await bridge.invoke('ledger.list', { limit: LISTED_LEDGER }))),
    REFETCH_MS,
  );
  const loaders = [ordersLoader, detailLoader, portfolioLoader, ledgerLoader];
  const load = () => {
    ordersLoader.request();
    detailLoader.request();
    portfolioLoader.request();
    ledgerLoader.request();
  };

  const offs = [
    followEngine(bridge, load, () => set(useOrdersStore.getInitialState(), true)),
    useOrdersStore.subscribe((state, previous) => {
      if (state.statusFilter !== previous.statusFilter) ordersLoader.request();
      if (state.selectedOrderId !== previous.selectedOrderId && state.selectedOrderId !== null) detailLoader.request();
    }),
    bridge.on('order_update', ({ payload }) => {
      const before = applyOrderUpdate(payload);
      onUpdate?.(before, payload);
      if (payload.event.kind === 'fill') ledgerLoader.request();
    }),
    bridge.on('portfolio_changed', ({ payload }) => {
      applyPortfolio(payload);
      ledgerLoader.request();
    }),
  ];
  return () => {
    loaders.forEach((loader) => loader.cancel());
    offs.forEach((off) => off());
  };
}
