import type {
  BrokerId,
  OrderEventKind,
  OrderProduct,
  OrderSide,
  OrderStatus,
  OrderType,
} from '../../../shared/domain/trading';
import type { Db } from './types';

/** An order as the engine keeps it (migration 0012); money in integer paise. */
export interface OrderRecord {
  id: number;
  clientOrderId: string;
  tag: string;
  broker: BrokerId;
  instrumentKey: string;
  tradingSymbol: string;
  side: OrderSide;
  quantity: number;
  orderType: OrderType;
  pricePaise: number | null;
  triggerPricePaise: number | null;
  product: OrderProduct;
  status: OrderStatus;
  brokerOrderIds: string[];
  filledQuantity: number;
  filledValuePaise: number;
  chargesPaise: number;
  attempts: number;
  error: string | null;
  jobId: number | null;
  createdAt: number;
  updatedAt: number;
}

export type NewOrder = Omit<
  OrderRecord,
  'id' | 'brokerOrderIds' | 'filledQuantity' | 'filledValuePaise' | 'chargesPaise' | 'attempts' | 'error' | 'jobId'
>;

/** What changes over an order's life; the rest is the ticket and never changes. */
export type OrderChanges = Partial<
  Pick<
    OrderRecord,
    | 'status'
    | 'brokerOrderIds'
    | 'filledQuantity'
    | 'filledValuePaise'
    | 'chargesPaise'
    | 'attempts'
    | 'error'
    | 'jobId'
    // A modification at the broker changes these.
    | 'quantity'
    | 'orderType'
    | 'pricePaise'
    | 'triggerPricePaise'
  >
>;

export interface OrderEventRecord {
  id: number;
  orderId: number;
  at: number;
  kind: OrderEventKind;
  status: OrderStatus;
  message: string;
}

interface OrderRow {
  id: number;
  client_order_id: string;
  tag: string;
  broker: BrokerId;
  instrument_key: string;
  trading_symbol: string;
  side: OrderSide;
  quantity: number;
  order_type: OrderType;
  price_paise: number | null;
  trigger_price_paise: number | null;
  product: OrderProduct;
  status: OrderStatus;
  broker_order_ids: string;
  filled_quantity: number;
  filled_value_paise: number;
  charges_paise: number;
  attempts: number;
  error: string | null;
  job_id: number | null;
  created_at: number;
  updated_at: number;
}

const toRecord = (row: OrderRow): OrderRecord => ({
  id: row.id,
  clientOrderId: row.client_order_id,
  tag: row.tag,
  broker: row.broker,
  instrumentKey: row.instrument_key,
  tradingSymbol: row.trading_symbol,
  side: row.side,
  quantity: row.quantity,
  orderType: row.order_type,
  pricePaise: row.price_paise,
  triggerPricePaise: row.trigger_price_paise,
  product: row.product,
  status: row.status,
  brokerOrderIds: JSON.parse(row.broker_order_ids) as string[],
  filledQuantity: row.filled_quantity,
  filledValuePaise: row.filled_value_paise,
  chargesPaise: row.charges_paise,
  attempts: row.attempts,
  error: row.error,
  jobId: row.job_id,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const COLUMNS = `id, client_order_id, tag, broker, instrument_key, trading_symbol, side, quantity, order_type, price_paise,
  trigger_price_paise, product, status, broker_order_ids, filled_quantity, filled_value_paise, charges_paise, attempts,
  error, job_id, created_at, updated_at`;

/** Orders and their timelines. Archived orders stay (the ledger names them) but leave the blotter. */
export function createOrderStore(db: Db) {
  const s = {
    insert: db.prepare<
      [
        string,
        string,
        string,
        string,
        string,
        string,
        number,
        string,
        number | null,
        number | null,
        string,
        string,
        number,
        number,
      ],
      { id: number }
    >(
      `INSERT INTO orders (client_order_id, tag, broker, instrument_key, trading_symbol, side, quantity, order_type,
         price_paise, trigger_price_paise, product, status, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    ),
    byId: db.prepare<[number], OrderRow>(`SELECT ${COLUMNS} FROM orders WHERE id = ?`),
    byClientOrderId: db.prepare<[string], OrderRow>(`SELECT ${COLUMNS} FROM orders WHERE client_order_id = ?`),
    byTag: db.prepare<[string], OrderRow>(`SELECT ${COLUMNS} FROM orders WHERE tag = ?`),
    list: db.prepare<[number], OrderRow>(
      `SELECT ${COLUMNS} FROM orders WHERE archived_at IS NULL ORDER BY id DESC LIMIT ?`,
    ),
    listByStatus: db.prepare<[string, number], OrderRow>(
      `SELECT ${COLUMNS} FROM orders INDEXED BY orders_by_status
       WHERE status = ? AND archived_at IS NULL ORDER BY id DESC LIMIT ?`,
    ),
    inStatus: db.prepare<[string], OrderRow>(
      `SELECT ${COLUMNS} FROM orders WHERE status IN (SELECT value FROM json_each(?)) ORDER BY id`,
    ),
    update: db.prepare<
      [
        string,
        string,
        number,
        number,
        number,
        number,
        string | null,
        number | null,
        number,
        string,
        number | null,
        number | null,
        number,
        number,
      ]
    >(
      `UPDATE orders SET status = ?, broker_order_ids = ?, filled_quantity = ?, filled_value_paise = ?,
         charges_paise = ?, attempts = ?, error = ?, job_id = ?, quantity = ?, order_type = ?, price_paise = ?,
         trigger_price_paise = ?, updated_at = ? WHERE id = ?`,
    ),
    addEvent: db.prepare<[number, number, string, string, string]>(
      'INSERT INTO order_events (order_id, at, kind, status, message) VALUES (?, ?, ?, ?, ?)',
    ),
    events: db.prepare<
      [number],
      { id: number; order_id: number; at: number; kind: OrderEventKind; status: OrderStatus; message: string }
    >('SELECT id, order_id, at, kind, status, message FROM order_events WHERE order_id = ? ORDER BY id'),
    archive: db.prepare<[number, number]>(
      `UPDATE orders SET archived_at = ?
       WHERE archived_at IS NULL AND status IN ('FAILED', 'REJECTED', 'CANCELLED') AND filled_quantity = 0
         AND updated_at < ?`,
    ),
  };

  const get = (id: number): OrderRecord | null => {
    const row = s.byId.get(id);
    return row ? toRecord(row) : null;
  };

  return {
    /** Inside the transaction that enqueues the order's job. */
    insert(order: NewOrder): number {
      return s.insert.get(
        order.clientOrderId,
        order.tag,
        order.broker,
        order.instrumentKey,
        order.tradingSymbol,
        order.side,
        order.quantity,
        order.orderType,
        order.pricePaise,
        order.triggerPricePaise,
        order.product,
        order.status,
        order.createdAt,
        order.updatedAt,
      )!.id;
    },
    get,
    byClientOrderId(clientOrderId: string): OrderRecord | null {
      const row = s.byClientOrderId.get(clientOrderId);
      return row ? toRecord(row) : null;
    },
    byTag(tag: string): OrderRecord | null {
      const row = s.byTag.get(tag);
      return row ? toRecord(row) : null;
    },
    /** The blotter, newest first. */
    list(status: OrderStatus | undefined, limit: number): OrderRecord[] {
      return (status ? s.listByStatus.all(status, limit) : s.list.all(limit)).map(toRecord);
    },
    inStatus(statuses: readonly OrderStatus[]): OrderRecord[] {
      return s.inStatus.all(JSON.stringify(statuses)).map(toRecord);
    },
    /** Saves the changes and returns the order as it now is. */
    update(id: number, changes: OrderChanges, at: number): OrderRecord {
      const current = get(id);
      if (!current) throw new Error(`order ${id} does not exist`);
      const next = { ...current, ...changes, updatedAt: at };
      s.update.run(
        next.status,
        JSON.stringify(next.brokerOrderIds),
        next.filledQuantity,
        next.filledValuePaise,
        next.chargesPaise,
        next.attempts,
        next.error,
        next.jobId,
        next.quantity,
        next.orderType,
        next.pricePaise,
        next.triggerPricePaise,
        at,
        id,
      );
      return next;
    },
    addEvent(
      orderId: number,
      at: number,
      kind: OrderEventKind,
      status: OrderStatus,
      message: string,
    ): OrderEventRecord {
      const id = Number(s.addEvent.run(orderId, at, kind, status, message).lastInsertRowid);
      return { id, orderId, at, kind, status, message };
    },
    events(orderId: number): OrderEventRecord[] {
      return s.events.all(orderId).map((row) => ({
        id: row.id,
        orderId: row.order_id,
        at: row.at,
        kind: row.kind,
        status: row.status,
        message: row.message,
      }));
    },
    /** Takes finished orders that never filled, last changed before `before`, out of the blotter; returns how many. */
    archiveUnfilledBefore(before: number, at: number): number {
      return s.archive.run(at, before).changes;
    },
  };
}
export type OrderStore = ReturnType<typeof createOrderStore>;
