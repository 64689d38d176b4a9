import type { IncomingMessage } from 'node:http';
import type { OrderFaultKind } from './faults';
import type { DemoInstrument } from './universe';
import {
  freezeLimit,
  MAX_SLICES,
  sliceQuantities,
  type OrderKind,
  type OrderLogEntry,
  type OrderMarket,
  type OrderProduct,
  type OrderSide,
  type OrderSpec,
  type OrderValidity,
  type PlacementOutcome,
  type SimOrder,
  type SimOrderBook,
  type SimTrade,
} from './orders';
import { IST_OFFSET_MS } from './time';

/** A refused request: HTTP status and the one entry of Upstox's error envelope. */
export interface WireError {
  status: number;
  code: string;
  message: string;
  property: string | null;
  value: unknown;
}

export function errorEnvelope(error: WireError) {
  return {
    status: 'error' as const,
    errors: [
      {
        error_code: error.code,
        message: error.message,
        property_path: error.property,
        invalid_value: error.value ?? null,
      },
    ],
  };
}

export const INVALID_INPUT = 'UDAPI100036';
export const ORDER_NOT_FOUND = 'UDAPI100010';
/** Cancelling or modifying an order that is complete, cancelled or rejected. */
export const ORDER_FINAL = 'UDAPI100040';

/** No `order_id`, or one the book does not hold. */
export const orderNotFound = (orderId: string | null): WireError =>
  orderId
    ? { status: 400, code: ORDER_NOT_FOUND, message: 'Order not found', property: 'order_id', value: orderId }
    : { status: 400, code: INVALID_INPUT, message: 'order_id is required', property: 'order_id', value: null };

const SIDES: readonly OrderSide[] = ['BUY', 'SELL'];
const KINDS: readonly OrderKind[] = ['MARKET', 'LIMIT', 'SL', 'SL-M'];
const PRODUCTS: readonly OrderProduct[] = ['I', 'D', 'MTF'];
const VALIDITIES: readonly OrderValidity[] = ['DAY', 'IOC'];
const TAG = /^[A-Za-z0-9]{1,20}$/;

/** Thrown by the field checks below and turned into the answer by the parse functions; never leaves this module. */
class Refusal {
  constructor(readonly error: WireError) {}
}

function refuse(property: string | null, value: unknown, message: string, code = INVALID_INPUT): never {
  throw new Refusal({ status: 400, code, message, property, value: value === undefined ? null : value });
}

type Body = Record<string, unknown>;

function objectBody(body: unknown): Body {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) refuse(null, null, 'Invalid input');
  return body as Body;
}

function present(body: Body, key: string): unknown {
  const value = body[key];
  if (value === undefined || value === null) refuse(key, null, `${key} is required`);
  return value;
}

function oneOf<T extends string>(body: Body, key: string, allowed: readonly T[]): T {
  const value = present(body, key);
  if (!allowed.includes(value as T)) refuse(key, value, `${key} must be one of ${allowed.join(', ')}`);
  return value as T;
}

function wholeNumber(body: Body, key: string, min: number): number {
  const value = present(body, key);
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min)
    refuse(key, value, min > 0 ? `${key} must be a positive whole number` : `${key} must be a whole number, 0 or more`);
  return value;
}

function rupees(body: Body, key: string): number {
  const value = present(body, key);
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    refuse(key, value, `${key} must be a number, 0 or more`);
  return value;
}

function flag(body: Body, key: string, fallback?: boolean): boolean {
  const value = body[key];
  if ((value === undefined || value === null) && fallback !== undefined) return fallback;
  if (typeof value !== 'boolean') refuse(key, value ?? null, `${key} must be true or false`);
  return value;
}

/** Whole paise that are a whole number of ticks (every demo tick is a whole number of paise). */
function onTick(price: number, tick: number): boolean {
  const paise = price * 100;
  const tickPaise = Math.round(tick * 100);
  return Math.abs(paise - Math.round(paise)) < 1e-6 && Math.round(paise) % tickPaise === 0;
}

function tickPrice(key: string, price: number, instrument: DemoInstrument): void {
  if (!onTick(price, instrument.tickSize))
    refuse(key, price, `${key} must be a multiple of the tick size ${instrument.tickSize}`);
}

/** The order's type, validity, quantity and prices, checked against each other and the instrument. */
function terms(body: Body, instrument: DemoInstrument, side: OrderSide) {
  const orderType = oneOf(body, 'order_type', KINDS);
  const validity = oneOf(body, 'validity', VALIDITIES);
  const stop = orderType === 'SL' || orderType === 'SL-M';
  if (stop && validity === 'IOC') refuse('validity', validity, 'IOC validity is not allowed for stop-loss orders');
  const quantity = wholeNumber(body, 'quantity', 1);
  if (quantity % instrument.lotSize !== 0)
    refuse('quantity', quantity, `quantity must be a multiple of the lot size ${instrument.lotSize}`);
  const price = rupees(body, 'price');
  if (orderType === 'MARKET' || orderType === 'SL-M') {
    if (price !== 0) refuse('price', price, `price must be 0 for a ${orderType} order`);
  } else {
    if (price === 0) refuse('price', price, `price must be above 0 for a ${orderType} order`);
    tickPrice('price', price, instrument);
  }
  const triggerPrice = rupees(body, 'trigger_price');
  if (stop) {
    if (triggerPrice === 0) refuse('trigger_price', triggerPrice, `trigger_price is required for a ${orderType} order`);
    tickPrice('trigger_price', triggerPrice, instrument);
    if (orderType === 'SL' && (side === 'BUY' ? triggerPrice > price : triggerPrice < price))
      refuse(
        'trigger_price',
        triggerPrice,
        side === 'BUY'
          ? 'trigger_price of a stop-loss BUY must not be above its price'
          : 'trigger_price of a stop-loss SELL must not be below its price',
      );
  } else if (triggerPrice !== 0)
    refuse('trigger_price', triggerPrice, `trigger_price must be 0 for a ${orderType} order`);
  const disclosedQuantity = wholeNumber(body, 'disclosed_quantity', 0);
  if (disclosedQuantity > quantity)
    refuse('disclosed_quantity', disclosedQuantity, 'disclosed_quantity must not be above quantity');
  return { orderType, validity, quantity, price, triggerPrice, disclosedQuantity };
}

export interface Placement {
  spec: OrderSpec;
  /** One per order to create: the whole quantity, or the children of a sliced one. */
  quantities: number[];
}

/** Checks a `POST /v3/order/place` body field by field, answering the first fault found. */
export function parsePlacement(body: unknown, market: OrderMarket): Placement | WireError {
  try {
    const b = objectBody(body);
    const key = present(b, 'instrument_token');
    const index = typeof key === 'string' ? market.indexOf(key) : undefined;
    if (index === undefined) refuse('instrument_token', key, 'Invalid instrument_token');
    const instrument = market.instrument(index);
    if (instrument.instrumentType === 'INDEX') refuse('instrument_token', key, 'An index cannot be traded');
    const side = oneOf(b, 'transaction_type', SIDES);
    const product = oneOf(b, 'product', PRODUCTS);
    if (product === 'MTF' && instrument.instrumentType !== 'EQ')
      refuse('product', product, 'MTF is available for equity shares only');
    const spec: OrderSpec = { index, side, product, ...terms(b, instrument, side), tag: null, isAmo: false };
    const tag = b.tag;
    if (tag !== undefined && tag !== null) {
      if (typeof tag !== 'string' || !TAG.test(tag)) refuse('tag', tag, 'tag must be 1 to 20 letters or digits');
      spec.tag = tag;
    }
    if (flag(b, 'is_amo')) refuse('is_amo', true, 'After market orders are not accepted while the market is open');
    const slice = flag(b, 'slice', false);
    const limit = freezeLimit(instrument);
    if (spec.quantity > limit && !slice)
      refuse(
        'quantity',
        spec.quantity,
        `quantity is above the freeze quantity ${instrument.freezeQuantity}: place it with slice`,
      );
    const quantities = sliceQuantities(spec.quantity, limit);
    if (quantities.length > MAX_SLICES)
      refuse('quantity', spec.quantity, `quantity needs more than ${MAX_SLICES} slices of ${limit}`);
    return { spec, quantities };
  } catch (error) {
    if (error instanceof Refusal) return error.error;
    throw error;
  }
}

/** Upstox's order timestamps: IST wall time, `2026-01-05 10:30:00`. */
export function istStamp(ms: number): string {
  return new Date(ms + IST_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** Whom the demo account's orders are placed by. */
export const PLACED_BY = 'DEMO01';

const exchangeOf = (instrument: DemoInstrument) => (instrument.segment === 'NSE_FO' ? 'NFO' : 'NSE');
const refOf = (order: Readonly<SimOrder>) => `SIM-${order.orderId}`;

/** The order as details and the order book show it; a history row passes the time it reached its status. */
export function orderRow(order: Readonly<SimOrder>, at = order.placedAt) {
  const working = order.status !== 'complete' && order.status !== 'cancelled' && order.status !== 'rejected';
  return {
    exchange: exchangeOf(order.instrument),
    product: order.product,
    price: order.price,
    quantity: order.quantity,
    status: order.status,
    tag: order.tag,
    instrument_token: order.instrument.instrumentKey,
    placed_by: PLACED_BY,
    trading_symbol: order.instrument.tradingSymbol,
    order_type: order.orderType,
    validity: order.validity,
    trigger_price: order.triggerPrice,
    disclosed_quantity: order.disclosedQuantity,
    transaction_type: order.side,
    average_price: order.averagePrice,
    filled_quantity: order.filledQuantity,
    pending_quantity: working ? order.quantity - order.filledQuantity : 0,
    status_message: order.statusMessage,
    status_message_raw: order.statusMessage,
    exchange_order_id: order.exchangeOrderId,
    parent_order_id: null,
    order_id: order.orderId,
    variety: 'SIMPLE' as const,
    order_timestamp: istStamp(at),
    exchange_timestamp: order.exchangeAt === null ? null : istStamp(order.exchangeAt),
    is_amo: order.isAmo,
    order_request_id: '1',
    order_ref_id: refOf(order),
  };
}

export function tradeRow(trade: SimTrade) {
  const { order } = trade;
  return {
    exchange: exchangeOf(order.instrument),
    product: order.product,
    trading_symbol: order.instrument.tradingSymbol,
    instrument_token: order.instrument.instrumentKey,
    order_type: order.orderType,
    transaction_type: order.side,
    quantity: trade.quantity,
    exchange_order_id: order.exchangeOrderId,
    order_id: order.orderId,
    exchange_timestamp: istStamp(trade.at),
    average_price: trade.price,
    trade_id: trade.tradeId,
    order_ref_id: refOf(order),
    order_timestamp: istStamp(order.placedAt),
  };
}

export type UpstoxOrderRow = ReturnType<typeof orderRow>;
export type UpstoxTradeRow = ReturnType<typeof tradeRow>;

/** Margin an order blocks: its value, a fifth of it intraday, a quarter on MTF. */
function requiredMargin(spec: OrderSpec, market: OrderMarket): number {
  const price = spec.price > 0 ? spec.price : market.lastPrice(spec.index);
  const share = spec.product === 'I' ? 0.2 : spec.product === 'MTF' ? 0.25 : 1;
  return spec.quantity * price * share;
}

/** The funds shortfall the risk check reports: the demo account holds two fifths of the margin asked. */
export function insufficientFunds(spec: OrderSpec, market: OrderMarket): { required: string; available: string } {
  const required = requiredMargin(spec, market);
  return { required: required.toFixed(2), available: (required * 0.4).toFixed(2) };
}

export const PLACE_PATH = '/v3/order/place';
export const SERVER_ERROR = 'Something went wrong... please contact Upstox support';

/** How an order route answers: through the REST layer's writer, which holds answers for the configured latency. */
export interface OrderAnswer {
  reply(status: number, body: unknown): void;
  /** Milliseconds from the request's arrival to its answer, for a write's `metadata.latency`. */
  latencyMs(): number;
}

const MAX_BODY_BYTES = 64 * 1024;

/** `PUT /v3/order/modify`: new terms for a working order, checked as a placement's are. */
export async function answerModification(book: SimOrderBook, req: IncomingMessage, out: OrderAnswer): Promise<void> {
  const body = await readJson(req);
  const refused = (error: WireError) => out.reply(error.status, errorEnvelope(error));
  let orderId: string;
  let outcome: ReturnType<SimOrderBook['modify']>;
  try {
    const b = objectBody(body);
    const id = present(b, 'order_id');
    if (typeof id !== 'string') refuse('order_id', id, 'order_id must be a string');
    orderId = id;
    const order = book.get(orderId);
    if (!order) return refused(orderNotFound(orderId));
    outcome = book.modify(orderId, terms(b, order.instrument, order.side));
  } catch (error) {
    if (error instanceof Refusal) return refused(error.error);
    throw error;
  }
  if (outcome === 'final' || outcome === 'below-filled') {
    const message = outcome === 'final' ? 'Order is already final' : 'quantity must stay above the filled quantity';
    return refused({ status: 400, code: ORDER_FINAL, message, property: 'order_id', value: orderId });
  }
  out.reply(200, { status: 'success', data: { order_id: orderId }, metadata: { latency: out.latencyMs() } });
}

/** The JSON body, or undefined when it is not JSON (or too big to be an order). */
async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function fieldOf<T>(body: unknown, key: string, type: 'string' | 'number'): T | null {
  const value = typeof body === 'object' && body !== null ? (body as Body)[key] : undefined;
  return typeof value === type ? (value as T) : null;
}

function logEntry(body: unknown, at: number, outcome: PlacementOutcome, orderIds: string[] = []): OrderLogEntry {
  return {
    at,
    tag: fieldOf<string>(body, 'tag', 'string'),
    instrumentToken: fieldOf<string>(body, 'instrument_token', 'string'),
    quantity: fieldOf<number>(body, 'quantity', 'number'),
    outcome,
    orderIds,
  };
}

/** Logs a place request the REST layer refused before it reached the book (401, 429). */
export async function logRefusedPlacement(book: SimOrderBook, req: IncomingMessage): Promise<void> {
  const at = book.now();
  book.record(logEntry(await readJson(req), at, 'failed'));
}

/**
 * `POST /v3/order/place`. A bad body gets its 400 whatever faults are pending; a valid one takes the next order fault,
 * which decides whether an order is created and what, if anything, the client hears.
 */
export async function answerPlacement(
  book: SimOrderBook,
  takeFault: () => OrderFaultKind | null,
  req: IncomingMessage,
  out: OrderAnswer,
): Promise<void> {
  const at = book.now();
  const body = await readJson(req);
  const error = (status: number, code: string, message: string) =>
    out.reply(status, errorEnvelope({ status, code, message, property: null, value: null }));
  const placement = parsePlacement(body, book.market);
  if ('status' in placement) {
    book.record(logEntry(body, at, 'invalid'));
    return out.reply(placement.status, errorEnvelope(placement));
  }
  const fault = takeFault();
  if (fault === '429' || fault === '500-before-accept') {
    book.record(logEntry(body, at, 'failed'));
    return fault === '429'
      ? error(429, 'UDAPI10005', 'Too Many Request Sent')
      : error(500, 'UDAPI100500', SERVER_ERROR);
  }
  const funds = insufficientFunds(placement.spec, book.market);
  if (fault === 'reject') {
    book.record(logEntry(body, at, 'rejected'));
    return error(
      400,
      'UDAPI1026',
      `Insufficient funds: required margin ${funds.required}, available ${funds.available}`,
    );
  }
  const rejection =
    fault === 'accept-then-reject'
      ? `RMS:Margin Exceeds, Required:${funds.required}, Available:${funds.available}`
      : null;
  const orderIds = book.place(placement.spec, placement.quantities, rejection).map((o) => o.orderId);
  book.record(logEntry(body, at, 'created', orderIds));
  // The order stands but its answer is lost: nothing is written until the client gives up or the simulator closes.
  if (fault === 'accept-then-hang') return;
  if (fault === 'accept-then-500') return error(500, 'UDAPI100500', SERVER_ERROR);
  out.reply(200, { status: 'success', data: { order_ids: orderIds }, metadata: { latency: out.latencyMs() } });
}
