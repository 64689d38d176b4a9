import { istDate } from '../../../shared/time';
import { istDayIndex } from './time';
import type { DemoInstrument } from './universe';

export type OrderSide = 'BUY' | 'SELL';
export type OrderKind = 'MARKET' | 'LIMIT' | 'SL' | 'SL-M';
export type OrderProduct = 'I' | 'D' | 'MTF';
export type OrderValidity = 'DAY' | 'IOC';

/** Upstox's status strings, in the order an order goes through them. */
export type OrderStatus =
  | 'put order req received'
  | 'validation pending'
  | 'open pending'
  | 'open'
  | 'trigger pending'
  | 'complete'
  | 'cancelled'
  | 'rejected';

const WORKING: ReadonlySet<OrderStatus> = new Set(['open', 'trigger pending']);
export const isWorking = (status: OrderStatus) => WORKING.has(status);

/** Upstox splits a sliced order into at most this many children. */
export const MAX_SLICES = 25;

/** A placement the wire accepted: prices in rupees on the instrument's tick grid, 0 where the type takes none. */
export interface OrderSpec {
  /** The instrument's index in the market model. */
  index: number;
  quantity: number;
  product: OrderProduct;
  validity: OrderValidity;
  orderType: OrderKind;
  side: OrderSide;
  price: number;
  triggerPrice: number;
  disclosedQuantity: number;
  tag: string | null;
  isAmo: boolean;
}

export interface SimOrder extends OrderSpec {
  orderId: string;
  instrument: DemoInstrument;
  /** Set once the exchange has the order (from `open` / `trigger pending` on), empty before. */
  exchangeOrderId: string;
  status: OrderStatus;
  statusMessage: string | null;
  filledQuantity: number;
  averagePrice: number;
  placedAt: number;
  exchangeAt: number | null;
}

/** The order as it stood when it reached `status`, at `at`. */
export interface OrderSnapshot {
  at: number;
  order: Readonly<SimOrder>;
}

export interface SimTrade {
  tradeId: string;
  at: number;
  quantity: number;
  price: number;
  order: Readonly<SimOrder>;
}

export type PlacementOutcome = 'created' | 'rejected' | 'failed' | 'invalid';

/** One place request as received, whatever its answer. */
export interface OrderLogEntry {
  at: number;
  /** As sent, when it was a string. */
  tag: string | null;
  instrumentToken: string | null;
  quantity: number | null;
  outcome: PlacementOutcome;
  orderIds: string[];
}

/** What the book needs of the market: instruments by key and the price orders match against. */
export interface OrderMarket {
  indexOf(instrumentKey: string): number | undefined;
  instrument(index: number): DemoInstrument;
  lastPrice(index: number): number;
}

/** The largest whole number of lots at or under the freeze quantity; no limit when the instrument has none. */
export function freezeLimit(instrument: DemoInstrument): number {
  const { freezeQuantity, lotSize } = instrument;
  if (freezeQuantity === null) return Infinity;
  const lot = Math.max(1, lotSize);
  return Math.max(lot, Math.floor(freezeQuantity / lot) * lot);
}

/** Child quantities of a sliced order: full ones at the freeze limit, the remainder last. */
export function sliceQuantities(quantity: number, limit: number): number[] {
  if (!(quantity > limit)) return [quantity];
  const out: number[] = [];
  for (let left = quantity; left > 0; left -= limit) out.push(Math.min(limit, left));
  return out;
}

/** Whether an order resting at `price` may trade at `ltp` now. */
function marketable(order: SimOrder, ltp: number): boolean {
  if (order.orderType === 'MARKET' || order.orderType === 'SL-M') return true;
  return order.side === 'BUY' ? ltp <= order.price : ltp >= order.price;
}

function triggered(order: SimOrder, ltp: number): boolean {
  return order.side === 'BUY' ? ltp >= order.triggerPrice : ltp <= order.triggerPrice;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/**
 * The simulator's order book for one trading day: orders match against the market model's last price whenever the
 * book is placed into or read, so a resting order fills on the first look after the price crosses it, and no timer
 * runs. Orders of an earlier IST day are forgotten, as Upstox keeps them one day.
 */
export class SimOrderBook {
  private orders: SimOrder[] = [];
  private readonly byId = new Map<string, SimOrder>();
  private histories = new Map<string, OrderSnapshot[]>();
  private dayTrades: SimTrade[] = [];
  private readonly placements: OrderLogEntry[] = [];
  private orderSeq = 0;
  private tradeSeq = 0;
  private day: number;

  constructor(
    readonly market: OrderMarket,
    readonly now: () => number,
  ) {
    this.day = istDayIndex(now());
  }

  /**
   * Creates the order (or, when sliced, its children) and matches it at once. With `rejection`, the risk check
   * refuses it after acceptance: it is created, then `rejected` with that message, never reaching the exchange.
   */
  place(spec: OrderSpec, childQuantities: readonly number[], rejection: string | null = null): SimOrder[] {
    this.sweep();
    const at = this.now();
    return childQuantities.map((quantity) => {
      const order: SimOrder = {
        ...spec,
        quantity,
        orderId: this.nextOrderId(at),
        instrument: this.market.instrument(spec.index),
        exchangeOrderId: '',
        status: 'put order req received',
        statusMessage: null,
        filledQuantity: 0,
        averagePrice: 0,
        placedAt: at,
        exchangeAt: null,
      };
      this.orders.push(order);
      this.byId.set(order.orderId, order);
      this.histories.set(order.orderId, []);
      this.moveTo(order, 'put order req received', at);
      this.moveTo(order, 'validation pending', at);
      if (rejection !== null) {
        order.statusMessage = rejection;
        this.moveTo(order, 'rejected', at);
        return order;
      }
      this.moveTo(order, 'open pending', at);
      order.exchangeOrderId = `13${pad(this.orderSeq, 14)}`;
      order.exchangeAt = at;
      this.moveTo(order, order.orderType === 'SL' || order.orderType === 'SL-M' ? 'trigger pending' : 'open', at);
      this.match(order, at);
      if (order.validity === 'IOC' && isWorking(order.status)) {
        order.statusMessage = 'IOC order cancelled: no match at the limit price';
        this.moveTo(order, 'cancelled', at);
      }
      return order;
    });
  }

  get(orderId: string): Readonly<SimOrder> | undefined {
    this.sweep();
    return this.byId.get(orderId);
  }

  /** Today's orders, oldest first. */
  all(): readonly Readonly<SimOrder>[] {
    this.sweep();
    return this.orders;
  }

  byTag(tag: string): Readonly<SimOrder>[] {
    return this.all().filter((o) => o.tag === tag);
  }

  /** Every status the order went through, oldest first. */
  history(orderId: string): readonly OrderSnapshot[] {
    this.sweep();
    return this.histories.get(orderId) ?? [];
  }

  trades(): readonly SimTrade[] {
    this.sweep();
    return this.dayTrades;
  }

  /** New terms for a working order (`PUT /v3/order/modify`); it is matched again at once. */
  modify(
    orderId: string,
    terms: Pick<OrderSpec, 'quantity' | 'orderType' | 'price' | 'triggerPrice' | 'validity' | 'disclosedQuantity'>,
  ): 'modified' | 'not-found' | 'final' | 'below-filled' {
    this.sweep();
    const order = this.byId.get(orderId);
    if (!order) return 'not-found';
    if (!isWorking(order.status)) return 'final';
    if (terms.quantity <= order.filledQuantity) return 'below-filled';
    Object.assign(order, terms);
    const at = this.now();
    const waiting = order.orderType === 'SL' || order.orderType === 'SL-M' ? 'trigger pending' : 'open';
    this.moveTo(order, waiting, at);
    this.match(order, at);
    return 'modified';
  }

  cancel(orderId: string): 'cancelled' | 'not-found' | 'final' {
    this.sweep();
    const order = this.byId.get(orderId);
    if (!order) return 'not-found';
    if (!isWorking(order.status)) return 'final';
    this.moveTo(order, 'cancelled', this.now());
    return 'cancelled';
  }

  record(entry: OrderLogEntry): void {
    this.placements.push(entry);
  }

  /** A copy of every place request received, in order. */
  log(): OrderLogEntry[] {
    return this.placements.map((e) => ({ ...e, orderIds: [...e.orderIds] }));
  }

  /** Forgets an earlier day's orders, then lets every working order trade at the current price. */
  private sweep(): void {
    const at = this.now();
    const today = istDayIndex(at);
    if (today !== this.day) {
      this.day = today;
      this.orders = [];
      this.byId.clear();
      this.histories = new Map();
      this.dayTrades = [];
    }
    for (const order of this.orders) if (isWorking(order.status)) this.match(order, at);
  }

  private match(order: SimOrder, at: number): void {
    const ltp = this.market.lastPrice(order.index);
    if (order.status === 'trigger pending') {
      if (!triggered(order, ltp)) return;
      this.moveTo(order, 'open', at);
    }
    if (order.status !== 'open' || !marketable(order, ltp)) return;
    order.filledQuantity = order.quantity;
    order.averagePrice = ltp;
    order.exchangeAt = at;
    this.tradeSeq++;
    this.moveTo(order, 'complete', at);
    this.dayTrades.push({
      tradeId: String(50_000_000 + this.tradeSeq),
      at,
      quantity: order.quantity,
      price: ltp,
      order,
    });
  }

  private moveTo(order: SimOrder, status: OrderStatus, at: number): void {
    order.status = status;
    this.histories.get(order.orderId)!.push({ at, order: { ...order } });
  }

  /** `YYMMDD` of the IST day, then a sequence number unique to this book: `260105000000001`. */
  private nextOrderId(at: number): string {
    this.orderSeq++;
    return `${istDate(at).slice(2).replaceAll('-', '')}${pad(this.orderSeq, 9)}`;
  }
}
