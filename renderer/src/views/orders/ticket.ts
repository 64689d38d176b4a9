import type { Direction } from '../../../../shared/domain/analysis';
import type { Settings } from '../../../../shared/domain/settings';
import {
  OrderTicketSchema,
  type BrokerId,
  type OrderProduct,
  type OrderSide,
  type OrderTicket,
  type OrderType,
  type Position,
} from '../../../../shared/domain/trading';
import type { LastPlaced, TicketRequest } from '../../stores/orders';
import type { FieldErrors } from './field-errors';
import { formatUnits } from './format';

export const TICKET_FIELDS = [
  'instrumentKey',
  'side',
  'quantity',
  'orderType',
  'price',
  'triggerPrice',
  'product',
] as const;
export type TicketField = (typeof TICKET_FIELDS)[number];
export type TicketErrors = FieldErrors<TicketField>;

/** The ticket as the form holds it: text as typed, the quantity in lots or shares. */
export interface TicketDraft {
  instrumentKey: string | null;
  side: OrderSide;
  /** Lots when the instrument trades in lots (F&O), else shares. */
  quantity: string;
  orderType: OrderType;
  price: string;
  triggerPrice: string;
  product: OrderProduct;
}

export const needsPrice = (type: OrderType): boolean => type === 'LIMIT' || type === 'SL';
export const needsTrigger = (type: OrderType): boolean => type === 'SL' || type === 'SL-M';

/** Units in one step of the quantity: the lot for F&O, one share for an equity (whose lot size is 1). */
export function unitsPerStep(lotSize: number | null | undefined): number {
  return lotSize && lotSize > 1 ? lotSize : 1;
}

export const tradesInLots = (lotSize: number | null | undefined): boolean => unitsPerStep(lotSize) > 1;

/** The quantity field's text for a number of units: lots for F&O, shares otherwise. */
export function quantityText(units: number, lotSize: number | null | undefined): string {
  return String(units / unitsPerStep(lotSize));
}

/** "2 lots = 150 units", or "10 shares". */
export function describeQuantity(units: number, lotSize: number | null | undefined): string {
  const step = unitsPerStep(lotSize);
  if (step === 1) return `${formatUnits(units)} ${units === 1 ? 'share' : 'shares'}`;
  const lots = units / step;
  return `${formatUnits(lots)} ${lots === 1 ? 'lot' : 'lots'} = ${formatUnits(units)} units`;
}

/** A price the exchange accepts: the nearest multiple of the tick, as the price field shows it. */
export function priceTextAt(price: number, tickSize: number | null | undefined): string {
  const tick = tickSize && tickSize > 0 ? tickSize : 0.05;
  return (Math.round(price / tick) * tick).toFixed(2);
}

function parseNumber(text: string): number | undefined | null {
  const trimmed = text.trim().replace(/,/g, '');
  if (trimmed === '') return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : null;
}

export type TicketCheck = { ok: true; ticket: OrderTicket; errors: TicketErrors } | { ok: false; errors: TicketErrors };

/**
 * The draft as the ticket `orders.place` takes (quantity in units), or the problems to show next to each field: the
 * same shape checks the engine makes, so most mistakes show before any request.
 */
export function checkTicket(draft: TicketDraft, lotSize: number | null | undefined): TicketCheck {
  const errors: TicketErrors = {};
  if (!draft.instrumentKey) errors.instrumentKey = 'Choose an instrument';
  const steps = parseNumber(draft.quantity);
  if (steps === undefined) errors.quantity = 'Enter a quantity';
  else if (steps === null) errors.quantity = 'must be a number';
  else if (tradesInLots(lotSize) && !Number.isInteger(steps)) errors.quantity = 'must be a whole number of lots';
  const price = needsPrice(draft.orderType) ? parseNumber(draft.price) : undefined;
  if (price === null) errors.price = 'must be a number';
  const triggerPrice = needsTrigger(draft.orderType) ? parseNumber(draft.triggerPrice) : undefined;
  if (triggerPrice === null) errors.triggerPrice = 'must be a number';

  const candidate = {
    instrumentKey: draft.instrumentKey ?? '',
    side: draft.side,
    quantity: typeof steps === 'number' ? steps * unitsPerStep(lotSize) : 0,
    orderType: draft.orderType,
    product: draft.product,
    ...(typeof price === 'number' ? { price } : {}),
    ...(typeof triggerPrice === 'number' ? { triggerPrice } : {}),
  };
  const parsed = OrderTicketSchema.safeParse(candidate);
  if (!parsed.success)
    for (const issue of parsed.error.issues) {
      const head = issue.path[0];
      const field = (TICKET_FIELDS as readonly unknown[]).includes(head) ? (head as TicketField) : 'form';
      errors[field] ??= issue.message;
    }
  return parsed.success && Object.keys(errors).length === 0
    ? { ok: true, ticket: parsed.data, errors }
    : { ok: false, errors };
}

/** What makes two tickets the same order to a trader. */
export function ticketSignature(ticket: OrderTicket): string {
  const { instrumentKey, side, quantity, orderType, price, triggerPrice, product } = ticket;
  return JSON.stringify([instrumentKey, side, quantity, orderType, price ?? null, triggerPrice ?? null, product]);
}

export const DUPLICATE_WINDOW_MS = 5_000;

/** Seconds since the same order was placed, when that was under five seconds ago: then it is probably a double press. */
export function duplicateAge(last: LastPlaced | null, signature: string, now: number): number | null {
  if (!last || last.signature !== signature) return null;
  const ms = now - last.at;
  if (ms < 0 || ms >= DUPLICATE_WINDOW_MS) return null;
  return Math.max(1, Math.round(ms / 1000));
}

export function newClientOrderId(uuid: () => string = () => crypto.randomUUID()): string {
  return uuid().replace(/-/g, '');
}

/**
 * The clientOrderId a submission goes with: the one it went with before when the same ticket is sent again (after a
 * transport error the engine may have it already, and the same id makes the resend that order, never a second one),
 * a fresh one for a ticket not sent yet.
 */
export function clientOrderIdFor(
  sent: Readonly<Record<string, string>>,
  signature: string,
  fresh: () => string = newClientOrderId,
): { clientOrderId: string; sent: Record<string, string> } {
  const known = sent[signature];
  if (known) return { clientOrderId: known, sent: { ...sent } };
  const clientOrderId = fresh();
  return { clientOrderId, sent: { ...sent, [signature]: clientOrderId } };
}

/** Codes that mean the request never reached a decision: sending the same order again is safe and may work. */
const TRANSPORT_CODES: ReadonlySet<string> = new Set(['UNAVAILABLE', 'INTERNAL', 'RATE_LIMITED']);

export function isTransportError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code !== 'string' || TRANSPORT_CODES.has(code);
}

/** Every ticket is confirmed when the setting says so, and a live one always: that is real money. */
export function needsConfirmation(
  settings: Pick<Settings, 'confirmOrders' | 'tradingMode'> | null | undefined,
  broker: BrokerId | null | undefined,
): boolean {
  return broker === 'upstox' || settings?.tradingMode === 'live' || settings?.confirmOrders !== false;
}

/** Closing a position: the opposite side, its whole net quantity, at market, in the same product. */
export function squareOffRequest(position: Position): Omit<TicketRequest, 'nonce'> {
  return {
    instrumentKey: position.instrumentKey,
    side: position.netQuantity > 0 ? 'SELL' : 'BUY',
    units: Math.abs(position.netQuantity),
    orderType: 'MARKET',
    product: position.product,
    submitWhenReady: true,
  };
}

/** A report's direction as the side of a trade on it: short sells, anything else buys. */
export function sideForDirection(direction: Direction): OrderSide {
  return direction === 'SHORT' ? 'SELL' : 'BUY';
}
