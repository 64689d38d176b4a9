import { IST_OFFSET_MINUTES } from '../../../shared/constants';
import type { Db } from './types';

export type PaperOrderStatus = 'OPEN' | 'PARTIALLY_FILLED' | 'FILLED' | 'REJECTED' | 'CANCELLED';

/** One order of the paper broker's own book (migration 0012), money in integer paise. */
export interface PaperOrder {
  brokerOrderId: string;
  tag: string;
  instrumentKey: string;
  side: 'BUY' | 'SELL';
  quantity: number;
  orderType: 'MARKET' | 'LIMIT' | 'SL' | 'SL-M';
  pricePaise: number | null;
  triggerPricePaise: number | null;
  product: 'I' | 'D';
  status: PaperOrderStatus;
  /** An SL or SL-M order whose trigger price has been reached: from then on a LIMIT or MARKET order. */
  triggered: boolean;
  filledQuantity: number;
  filledValuePaise: number;
  message: string | null;
  createdAt: number;
  updatedAt: number;
}

/** An order as it enters the book: OPEN, untriggered, nothing filled. */
export type NewPaperOrder = Omit<
  PaperOrder,
  'brokerOrderId' | 'status' | 'triggered' | 'filledQuantity' | 'filledValuePaise' | 'message' | 'updatedAt'
>;

/** Everything about an order that moves after it is placed. */
export type PaperOrderChange = Pick<
  PaperOrder,
  'status' | 'triggered' | 'filledQuantity' | 'filledValuePaise' | 'message' | 'updatedAt'
>;

interface PaperOrderRow extends Omit<PaperOrder, 'triggered'> {
  triggered: number;
}

const COLUMNS = `broker_order_id AS brokerOrderId, tag, instrument_key AS instrumentKey, side, quantity,
  order_type AS orderType, price_paise AS pricePaise, trigger_price_paise AS triggerPricePaise, product, status,
  triggered, filled_quantity AS filledQuantity, filled_value_paise AS filledValuePaise, message,
  created_at AS createdAt, updated_at AS updatedAt`;

/** The same condition as the partial index `paper_orders_working`, so the scan can use it. */
const WORKING = `status IN ('OPEN', 'PARTIALLY_FILLED')`;

const IST_MS = IST_OFFSET_MINUTES * 60_000;

/**
 * `PAPER-<IST trading date>-<n>`. `n` is the row's rowid, which only grows while no row is deleted (the book is
 * never pruned), so ids stay unique across restarts and days.
 */
export function paperOrderId(at: number, n: number): string {
  const date = new Date(at + IST_MS).toISOString().slice(0, 10).replaceAll('-', '');
  return `PAPER-${date}-${n}`;
}

const fromRow = (row: PaperOrderRow): PaperOrder => ({ ...row, triggered: row.triggered === 1 });

/** The paper broker's order book. */
export function createPaperOrderStore(db: Db) {
  const s = {
    nextRowid: db.prepare<[], number>('SELECT COALESCE(MAX(rowid), 0) + 1 FROM paper_orders').pluck(),
    insert: db.prepare<Record<string, unknown>>(
      `INSERT INTO paper_orders (rowid, broker_order_id, tag, instrument_key, side, quantity, order_type, price_paise,
         trigger_price_paise, product, status, created_at, updated_at)
       VALUES (@rowid, @brokerOrderId, @tag, @instrumentKey, @side, @quantity, @orderType, @pricePaise,
         @triggerPricePaise, @product, 'OPEN', @createdAt, @createdAt)`,
    ),
    get: db.prepare<[string], PaperOrderRow>(`SELECT ${COLUMNS} FROM paper_orders WHERE broker_order_id = ?`),
    byTag: db.prepare<[string], PaperOrderRow>(`SELECT ${COLUMNS} FROM paper_orders WHERE tag = ? ORDER BY rowid`),
    working: db.prepare<[], PaperOrderRow>(`SELECT ${COLUMNS} FROM paper_orders WHERE ${WORKING} ORDER BY rowid`),
    workingOf: db.prepare<[string], PaperOrderRow>(
      `SELECT ${COLUMNS} FROM paper_orders WHERE instrument_key = ? AND ${WORKING} ORDER BY rowid`,
    ),
    modify: db.prepare<Record<string, unknown>>(
      `UPDATE paper_orders SET quantity = @quantity, order_type = @orderType, price_paise = @pricePaise,
         trigger_price_paise = @triggerPricePaise, triggered = 0, updated_at = @updatedAt
       WHERE broker_order_id = @brokerOrderId`,
    ),
    update: db.prepare<Record<string, unknown>>(
      `UPDATE paper_orders SET status = @status, triggered = @triggered, filled_quantity = @filledQuantity,
         filled_value_paise = @filledValuePaise, message = @message, updated_at = @updatedAt
       WHERE broker_order_id = @brokerOrderId`,
    ),
  };
  return {
    /** Adds an OPEN order and answers the id it was given. */
    insert(order: NewPaperOrder): string {
      const rowid = s.nextRowid.get() ?? 1;
      const brokerOrderId = paperOrderId(order.createdAt, rowid);
      s.insert.run({ ...order, rowid, brokerOrderId });
      return brokerOrderId;
    },
    get(brokerOrderId: string): PaperOrder | undefined {
      const row = s.get.get(brokerOrderId);
      return row && fromRow(row);
    },
    /** Every order placed with `tag` (a sliced order has several), oldest first. */
    byTag: (tag: string): PaperOrder[] => s.byTag.all(tag).map(fromRow),
    /** OPEN and PARTIALLY_FILLED orders, of one instrument or of all, oldest first: the matching queue. */
    working: (instrumentKey?: string): PaperOrder[] =>
      (instrumentKey === undefined ? s.working.all() : s.workingOf.all(instrumentKey)).map(fromRow),
    /** A new quantity, type or price for a working order; its trigger is armed again. */
    modify(
      brokerOrderId: string,
      change: Pick<PaperOrder, 'quantity' | 'orderType' | 'pricePaise' | 'triggerPricePaise' | 'updatedAt'>,
    ): boolean {
      return s.modify.run({ brokerOrderId, ...change }).changes > 0;
    },
    update(brokerOrderId: string, change: PaperOrderChange): boolean {
      const { status, triggered, filledQuantity, filledValuePaise, message, updatedAt } = change;
      const row = {
        brokerOrderId,
        status,
        triggered: triggered ? 1 : 0,
        filledQuantity,
        filledValuePaise,
        message,
        updatedAt,
      };
      return s.update.run(row).changes > 0;
    },
  };
}
export type PaperOrderStore = ReturnType<typeof createPaperOrderStore>;
