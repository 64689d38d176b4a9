import { isFinalOrderStatus, type BrokerId, type OrderStatus } from '../../../shared/domain/trading';
import type { Clock, TimerHandle } from '../common/clock';
import type { Logger } from '../common/logger';
import type { OrderRecord, OrderStore } from '../store/orders';
import type { Db } from '../store/types';
import type { Book } from './book';
import type { Broker, BrokerOrderState } from './brokers/broker';
import type { OrderLog } from './order-log';

export interface TrackerDeps {
  db: Db;
  orders: OrderStore;
  log: OrderLog;
  book: Book;
  broker(id: BrokerId): Broker;
  clock: Clock;
  logger: Logger;
  /** Estimated charges (paise) of a fill of `valuePaise` of this order. */
  chargesOf(order: OrderRecord, valuePaise: number): number;
  /** Called after fills changed the positions of a broker. */
  portfolioChanged(broker: BrokerId): void;
  /** How often live orders that are still working are asked for their state. */
  pollMs?: number;
}

/** One status for an order from the states of its slices. */
export function combinedStatus(states: readonly BrokerOrderState[], filled: number, quantity: number): OrderStatus {
  if (states.some((s) => s.status === 'OPEN' || s.status === 'PARTIALLY_FILLED'))
    return filled > 0 ? 'PARTIALLY_FILLED' : 'OPEN';
  if (filled >= quantity) return 'FILLED';
  if (filled === 0 && states.every((s) => s.status === 'REJECTED')) return 'REJECTED';
  return 'CANCELLED';
}

const price = (paise: number) =>
  `₹${(paise / 100).toLocaleString('en-IN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/**
 * Follows orders the broker has accepted until they are final: what the broker says is the truth, and each increase
 * of the filled quantity is booked once as a fill. Refreshes of one order run one after another, so a slow answer
 * can never book the same fill twice.
 */
export function createOrderTracker(deps: TrackerDeps) {
  const { db, orders, log, book, clock } = deps;
  const pollMs = deps.pollMs ?? 2_000;
  const chains = new Map<number, Promise<void>>();
  let timer: TimerHandle | undefined;
  let running = false;

  /** Applies what the broker said, in one transaction; stale answers (less filled than known) change nothing. */
  function apply(orderId: number, states: readonly BrokerOrderState[]): void {
    let filledBroker: BrokerId | null = null;
    db.transaction(() => {
      const order = orders.get(orderId);
      if (!order || isFinalOrderStatus(order.status) || states.length === 0) return;
      const filled = states.reduce((n, s) => n + s.filledQuantity, 0);
      const value = states.reduce((n, s) => n + Math.round((s.averagePricePaise ?? 0) * s.filledQuantity), 0);
      if (filled < order.filledQuantity) return;
      const status = combinedStatus(states, filled, order.quantity);
      const fillQuantity = filled - order.filledQuantity;
      const fillValue = value - order.filledValuePaise;
      if (fillQuantity > 0 && fillValue >= 0) {
        const charges = deps.chargesOf(order, fillValue);
        book.book({
          source: 'order',
          orderId,
          broker: order.broker,
          instrumentKey: order.instrumentKey,
          product: order.product,
          side: order.side,
          quantity: fillQuantity,
          valuePaise: fillValue,
          chargesPaise: charges,
          description: `${order.side === 'BUY' ? 'Bought' : 'Sold'} ${fillQuantity} ${order.tradingSymbol} @ ${price(fillValue / fillQuantity)}`,
        });
        log.transition(
          orderId,
          { status, filledQuantity: filled, filledValuePaise: value, chargesPaise: order.chargesPaise + charges },
          'fill',
          `${fillQuantity} filled at ${price(fillValue / fillQuantity)} (${filled} of ${order.quantity})`,
        );
        filledBroker = order.broker;
        return;
      }
      if (status === order.status) return;
      const message = states.map((s) => s.message).find((m) => m) ?? null;
      if (status === 'REJECTED')
        log.transition(
          orderId,
          { status, error: message ?? 'rejected by the broker' },
          'rejected',
          message ?? 'rejected',
        );
      else if (status === 'CANCELLED') {
        // Slices the broker rejected keep its reason on the order, not only in the timeline.
        const rejected = states.find((s) => s.status === 'REJECTED' && s.message)?.message ?? null;
        log.transition(
          orderId,
          { status, error: rejected },
          'cancelled',
          message ?? `cancelled with ${filled} of ${order.quantity} filled`,
        );
      } else log.transition(orderId, { status }, 'status', `the broker reports ${status}`);
    })();
    if (filledBroker) deps.portfolioChanged(filledBroker);
  }

  async function fetchAndApply(orderId: number): Promise<void> {
    const order = orders.get(orderId);
    if (!order || isFinalOrderStatus(order.status) || order.brokerOrderIds.length === 0) return;
    const broker = deps.broker(order.broker);
    const signal = AbortSignal.timeout(15_000);
    const states = await Promise.all(order.brokerOrderIds.map((id) => broker.order(id, signal)));
    apply(orderId, states);
  }

  function refresh(orderId: number): Promise<void> {
    const previous = chains.get(orderId) ?? Promise.resolve();
    const next = previous
      .then(() => fetchAndApply(orderId))
      .catch((error: unknown) => deps.logger.warn('order status refresh failed', { orderId, error }))
      .finally(() => {
        if (chains.get(orderId) === next) chains.delete(orderId);
      });
    chains.set(orderId, next);
    return next;
  }

  async function poll(): Promise<void> {
    const working = orders.inStatus(['OPEN', 'PARTIALLY_FILLED']).filter((o) => o.broker !== 'paper');
    await Promise.all(working.map((o) => refresh(o.id)));
  }

  function schedule(): void {
    if (!running) return;
    timer = clock.setTimeout(() => {
      void poll().finally(schedule);
    }, pollMs);
  }

  return {
    apply,
    refresh,
    /** Every working order, now: at start, so what changed while the engine was down is booked. */
    refreshWorking: () => Promise.all(orders.inStatus(['OPEN', 'PARTIALLY_FILLED']).map((o) => refresh(o.id))),
    /** The broker has the order: from now on its state comes from there. */
    accepted(orderId: number, brokerOrderIds: readonly string[], message: string, kind: 'accepted' | 'reconciled') {
      log.transition(orderId, { status: 'OPEN', brokerOrderIds: [...brokerOrderIds], error: null }, kind, message);
    },
    start(): void {
      running = true;
      schedule();
    },
    async stop(): Promise<void> {
      running = false;
      clock.clearTimeout(timer);
      await Promise.all([...chains.values()]);
    },
  };
}
export type OrderTracker = ReturnType<typeof createOrderTracker>;
