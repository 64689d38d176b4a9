import type { Order, OrderEvent, OrderEventKind } from '../../../shared/domain/trading';
import type { Clock } from '../common/clock';
import type { Emit } from '../common/events';
import type { OrderChanges, OrderEventRecord, OrderRecord, OrderStore } from '../store/orders';
import type { Db } from '../store/types';
import { rupees } from './book';

const eventView = (e: OrderEventRecord): OrderEvent => ({
  at: new Date(e.at).toISOString(),
  kind: e.kind,
  status: e.status,
  message: e.message,
});

export function orderView(record: OrderRecord, events: readonly OrderEventRecord[]): Order {
  return {
    orderId: record.id,
    clientOrderId: record.clientOrderId,
    tag: record.tag,
    instrumentKey: record.instrumentKey,
    tradingSymbol: record.tradingSymbol,
    side: record.side,
    quantity: record.quantity,
    orderType: record.orderType,
    price: record.pricePaise === null ? null : rupees(record.pricePaise),
    triggerPrice: record.triggerPricePaise === null ? null : rupees(record.triggerPricePaise),
    product: record.product,
    status: record.status,
    broker: record.broker,
    brokerOrderId: record.brokerOrderIds[0] ?? null,
    brokerOrderIds: record.brokerOrderIds,
    filledQuantity: record.filledQuantity,
    averagePrice:
      record.filledQuantity > 0 ? Math.round((record.filledValuePaise / record.filledQuantity) * 100) / 10_000 : null,
    attempts: record.attempts,
    error: record.error,
    charges: rupees(record.chargesPaise),
    jobId: record.jobId,
    createdAt: new Date(record.createdAt).toISOString(),
    updatedAt: new Date(record.updatedAt).toISOString(),
    events: events.map(eventView),
  };
}

/**
 * Every change of an order goes through here: saved with its timeline event in one transaction, then announced as
 * `order_update`, so the blotter, the timeline and the event stream never disagree.
 */
export function createOrderLog(deps: { db: Db; orders: OrderStore; clock: Clock; emit: Emit }) {
  const { db, orders, clock, emit } = deps;

  function announce(record: OrderRecord, event: OrderEventRecord): void {
    const { events: _events, ...order } = orderView(record, []);
    void _events;
    emit('order_update', { ...order, event: eventView(event) });
  }

  return {
    announce,
    /** Applies `changes` (possibly none) and records what happened. */
    transition(id: number, changes: OrderChanges, kind: OrderEventKind, message: string): OrderRecord {
      const at = clock.now();
      const { record, event } = db.transaction(() => {
        const saved = orders.update(id, changes, at);
        return { record: saved, event: orders.addEvent(id, at, kind, saved.status, message) };
      })();
      announce(record, event);
      return record;
    },
    view(id: number): Order | null {
      const record = orders.get(id);
      return record ? orderView(record, orders.events(id)) : null;
    },
  };
}
export type OrderLog = ReturnType<typeof createOrderLog>;
