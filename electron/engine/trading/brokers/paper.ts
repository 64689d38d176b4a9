import type { Tick } from '../../../../shared/domain/feed';
import { WorkstationError } from '../../../../shared/errors';
import type { Clock, TimerHandle } from '../../common/clock';
import type { PaperOrder, PaperOrderStore } from '../../store/paper-orders';
import type { Db } from '../../store/types';
import type { Broker, BrokerOrderChange, BrokerOrderRequest, BrokerOrderState, PlaceOutcome } from './broker';
import { matchTick, toPaise, type MatchRules, type TakenDepth } from './paper-fills';

/** Upstox's `slice: true` splits an order into at most this many children; a larger one is refused. */
export const MAX_SLICES = 25;

export interface PaperInstrument {
  /** Rupees, e.g. 0.05. */
  tickSize: number;
  freezeQuantity: number | null;
}

export interface PaperBrokerDeps {
  book: PaperOrderStore;
  /** For transactions (db.transaction). */
  db: Db;
  clock: Clock;
  /** Latest tick of an instrument, or null; and a subscription to every batch of new ticks. */
  market: {
    latest(instrumentKey: string): Tick | null;
    onTicks(handler: (ticks: readonly Tick[]) => void): () => void;
  };
  /** Tick size (rupees) and freeze quantity of an instrument; null when unknown. */
  instrument(instrumentKey: string): PaperInstrument | null;
  slippageBps: () => number;
  /**
   * Called after an order's state changed (a fill, a trigger, a cancel), with its broker order id, once the change
   * is committed. It should not throw: the other orders of the same change are still told, then the first error is
   * rethrown to whoever delivered the ticks.
   */
  onChange(brokerOrderId: string): void;
}

export type PaperBroker = Broker & { start(): void; stop(): void };

const isWorking = (order: PaperOrder) => order.status === 'OPEN' || order.status === 'PARTIALLY_FILLED';

/** Freeze-quantity children first, the remainder last, as Upstox slices. */
export function sliceQuantities(quantity: number, freezeQuantity: number | null): number[] {
  if (freezeQuantity === null || freezeQuantity <= 0 || quantity <= freezeQuantity) return [quantity];
  const slices = Array.from({ length: Math.floor(quantity / freezeQuantity) }, () => freezeQuantity);
  if (quantity % freezeQuantity > 0) slices.push(quantity % freezeQuantity);
  return slices;
}

/** An unknown tick size is taken as one paisa, so an order is never stuck for want of it. */
const tickPaiseOf = (instrument: PaperInstrument | null) => Math.max(1, toPaise(instrument?.tickSize ?? 0));

const rupees = (paise: number) => `₹${(paise / 100).toFixed(2)}`;

/** What a broker (or the exchange behind it) refuses outright; null when the order can go in the book. */
function refusalOf(order: BrokerOrderRequest, instrument: PaperInstrument): string | null {
  if (!Number.isSafeInteger(order.quantity) || order.quantity <= 0)
    return `quantity must be a whole number above zero, got ${order.quantity}`;
  const needsPrice = order.orderType === 'LIMIT' || order.orderType === 'SL';
  const needsTrigger = order.orderType === 'SL' || order.orderType === 'SL-M';
  if (needsPrice && (order.pricePaise === null || order.pricePaise <= 0))
    return `a ${order.orderType} order needs a price`;
  if (needsTrigger && (order.triggerPricePaise === null || order.triggerPricePaise <= 0))
    return `a ${order.orderType} order needs a trigger price`;
  const tick = tickPaiseOf(instrument);
  for (const [name, price] of [
    ['price', needsPrice ? order.pricePaise : null],
    ['trigger price', needsTrigger ? order.triggerPricePaise : null],
  ] as const) {
    if (price !== null && price % tick !== 0)
      return `${name} ${rupees(price)} is not a multiple of the tick size ${rupees(tick)}`;
  }
  const slices = sliceQuantities(order.quantity, instrument.freezeQuantity).length;
  if (slices > MAX_SLICES)
    return `quantity ${order.quantity} needs ${slices} slices at the freeze quantity ${instrument.freezeQuantity}; at most ${MAX_SLICES} are allowed`;
  return null;
}

function stateOf(order: PaperOrder): BrokerOrderState {
  return {
    brokerOrderId: order.brokerOrderId,
    tag: order.tag,
    status: order.status,
    filledQuantity: order.filledQuantity,
    averagePricePaise: order.filledQuantity > 0 ? order.filledValuePaise / order.filledQuantity : null,
    message: order.message,
  };
}

/** Two ticks are the same book when they carry the same frame time, arrival and trade. */
const bookId = (tick: Tick) => `${tick.exchangeTs}|${tick.receivedAt}|${tick.ltt}|${tick.ltp}`;

/**
 * The paper broker: orders live in `paper_orders` and fill against live ticks (see paper-fills.ts for the rules).
 *
 * `place` answers as soon as the order is in the book; it is first matched against the instrument's latest tick on
 * the clock's next turn (a zero-delay timer), so the caller has recorded the broker ids before the first
 * `onChange`, just as a live order's first fill arrives after Upstox has answered the placement. After that, every
 * tick batch matches the working orders of the ticked instruments, oldest first. A new broker over the same database
 * goes on matching the orders the previous one left working.
 */
export function createPaperBroker(deps: PaperBrokerDeps): PaperBroker {
  /** Per instrument, the book last matched against and what paper orders took from it. */
  const lastBook = new Map<string, { id: string; taken: TakenDepth }>();
  const pending = new Set<TimerHandle>();
  let unsubscribe: (() => void) | null = null;

  const rulesOf = (instrumentKey: string): MatchRules => ({
    tickPaise: tickPaiseOf(deps.instrument(instrumentKey)),
    slippageBps: deps.slippageBps(),
  });

  function findOrder(brokerOrderId: string): PaperOrder {
    const order = deps.book.get(brokerOrderId);
    if (!order) throw new WorkstationError('NOT_FOUND', `no paper order ${brokerOrderId}`);
    return order;
  }

  /** Writes every changed order in one transaction, then tells each. */
  function commit(changed: readonly PaperOrder[]): void {
    if (changed.length === 0) return;
    const updatedAt = deps.clock.now();
    deps.db.transaction(() => {
      for (const order of changed) deps.book.update(order.brokerOrderId, { ...order, updatedAt });
    })();
    let failure: { error: unknown } | null = null;
    for (const order of changed) {
      try {
        deps.onChange(order.brokerOrderId);
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  }

  /** Matches `orders` of one instrument against `ticks` in order, sharing `taken` across them. */
  function matchAll(instrumentKey: string, orders: PaperOrder[], ticks: readonly Tick[], taken: TakenDepth) {
    const rules = rulesOf(instrumentKey);
    let current = orders;
    for (const tick of ticks) current = matchTick(current, tick, rules, taken);
    return current.filter((order, i) => order !== orders[i]);
  }

  function onTicks(ticks: readonly Tick[]): void {
    const working = deps.book.working();
    if (working.length === 0) return;
    const ordersByKey = new Map<string, PaperOrder[]>();
    for (const order of working)
      ordersByKey.set(order.instrumentKey, [...(ordersByKey.get(order.instrumentKey) ?? []), order]);
    const ticksByKey = new Map<string, Tick[]>();
    for (const tick of ticks) {
      if (ordersByKey.has(tick.instrumentKey))
        ticksByKey.set(tick.instrumentKey, [...(ticksByKey.get(tick.instrumentKey) ?? []), tick]);
    }
    const changed: PaperOrder[] = [];
    for (const [instrumentKey, keyTicks] of ticksByKey) {
      const taken: TakenDepth = new Map();
      changed.push(...matchAll(instrumentKey, ordersByKey.get(instrumentKey) ?? [], keyTicks, taken));
      lastBook.set(instrumentKey, { id: bookId(keyTicks[keyTicks.length - 1]!), taken });
    }
    commit(changed);
  }

  /** A placement's first match: against the latest tick, sharing what earlier orders took from that same book. */
  function matchPlaced(instrumentKey: string, brokerOrderIds: readonly string[]): void {
    const tick = deps.market.latest(instrumentKey);
    if (!tick) return;
    const orders = brokerOrderIds.map((id) => deps.book.get(id)).filter((o): o is PaperOrder => !!o && isWorking(o));
    if (orders.length === 0) return;
    let book = lastBook.get(instrumentKey);
    if (!book || book.id !== bookId(tick)) {
      book = { id: bookId(tick), taken: new Map() };
      lastBook.set(instrumentKey, book);
    }
    commit(matchAll(instrumentKey, orders, [tick], book.taken));
  }

  return {
    id: 'paper',

    async place(order: BrokerOrderRequest, signal: AbortSignal): Promise<PlaceOutcome> {
      signal.throwIfAborted();
      const instrument = deps.instrument(order.instrumentKey);
      if (!instrument) return { kind: 'rejected', message: `unknown instrument ${order.instrumentKey}` };
      const refusal = refusalOf(order, instrument);
      if (refusal) return { kind: 'rejected', message: refusal };
      const createdAt = deps.clock.now();
      const brokerOrderIds = deps.db.transaction(() =>
        sliceQuantities(order.quantity, instrument.freezeQuantity).map((quantity) =>
          deps.book.insert({
            tag: order.tag,
            instrumentKey: order.instrumentKey,
            side: order.side,
            quantity,
            orderType: order.orderType,
            pricePaise: order.pricePaise,
            triggerPricePaise: order.triggerPricePaise,
            product: order.product,
            createdAt,
          }),
        ),
      )();
      const timer = deps.clock.setTimeout(() => {
        pending.delete(timer);
        matchPlaced(order.instrumentKey, brokerOrderIds);
      }, 0);
      pending.add(timer);
      return { kind: 'accepted', brokerOrderIds };
    },

    async ordersByTag(tag: string, signal: AbortSignal): Promise<BrokerOrderState[]> {
      signal.throwIfAborted();
      return deps.book.byTag(tag).map(stateOf);
    },

    async order(brokerOrderId: string, signal: AbortSignal): Promise<BrokerOrderState> {
      signal.throwIfAborted();
      return stateOf(findOrder(brokerOrderId));
    },

    async modify(brokerOrderId: string, change: BrokerOrderChange, signal: AbortSignal): Promise<void> {
      signal.throwIfAborted();
      const order = findOrder(brokerOrderId);
      if (!isWorking(order))
        throw new WorkstationError(
          'CONFLICT',
          `paper order ${brokerOrderId} is ${order.status} and cannot be modified`,
        );
      if (change.quantity <= order.filledQuantity)
        throw new WorkstationError(
          'CONFLICT',
          `paper order ${brokerOrderId} has ${order.filledQuantity} filled: the quantity must stay above that`,
        );
      const instrument = deps.instrument(order.instrumentKey);
      const refusal = instrument ? refusalOf({ ...order, ...change }, instrument) : 'unknown instrument';
      if (refusal) throw new WorkstationError('CONFLICT', `paper order ${brokerOrderId} not modified: ${refusal}`);
      deps.book.modify(brokerOrderId, { ...change, updatedAt: deps.clock.now() });
      deps.onChange(brokerOrderId);
      const timer = deps.clock.setTimeout(() => {
        pending.delete(timer);
        matchPlaced(order.instrumentKey, [brokerOrderId]);
      }, 0);
      pending.add(timer);
    },

    async cancel(brokerOrderId: string, signal: AbortSignal): Promise<void> {
      signal.throwIfAborted();
      const order = findOrder(brokerOrderId);
      if (!isWorking(order)) {
        throw new WorkstationError(
          'CONFLICT',
          `paper order ${brokerOrderId} is ${order.status} and cannot be cancelled`,
        );
      }
      commit([{ ...order, status: 'CANCELLED', message: 'cancelled on request' }]);
    },

    start(): void {
      unsubscribe ??= deps.market.onTicks(onTicks);
    },

    stop(): void {
      unsubscribe?.();
      unsubscribe = null;
      for (const timer of pending) deps.clock.clearTimeout(timer);
      pending.clear();
    },
  };
}
