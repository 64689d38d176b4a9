import {
  OrderModifySchema,
  type Order,
  type OrderModify,
  type OrderStatus,
  type OrderType,
} from '../../../../shared/domain/trading';
import type { ErrorBody } from '../../../../shared/errors';
import { WorkstationError } from '../../../../shared/errors';
import { reviveBridgedError } from '../../bridge';
import { fieldErrorsOf, type FieldErrors } from './field-errors';
import { formatUnits } from './format';
import { needsPrice, needsTrigger, quantityText, tradesInLots, unitsPerStep } from './ticket';

export const MODIFY_FIELDS = ['quantity', 'orderType', 'price', 'triggerPrice'] as const;
export type ModifyField = (typeof MODIFY_FIELDS)[number];
export type ModifyErrors = FieldErrors<ModifyField>;

/** A change to an order as the form holds it: text as typed, the quantity in lots when the instrument trades in lots. */
export interface ModifyDraft {
  quantity: string;
  orderType: OrderType;
  price: string;
  triggerPrice: string;
}

const WORKING: ReadonlySet<OrderStatus> = new Set(['OPEN', 'PARTIALLY_FILLED']);

/**
 * Whether the broker can still change the order: it is working there, as exactly one broker order. A sliced order is
 * several orders at the broker, which one change cannot keep consistent; one not sent yet has nothing to change.
 */
export function canModify(order: Pick<Order, 'status' | 'brokerOrderIds'>): boolean {
  return WORKING.has(order.status) && order.brokerOrderIds.length === 1;
}

const priceText = (price: number | null): string => (price === null ? '' : price.toFixed(2));

/** The form as it opens: the order as it stands now. */
export function modifyDraftOf(
  order: Pick<Order, 'quantity' | 'orderType' | 'price' | 'triggerPrice'>,
  lotSize: number | null | undefined,
): ModifyDraft {
  return {
    quantity: quantityText(order.quantity, lotSize),
    orderType: order.orderType,
    price: priceText(order.price),
    triggerPrice: priceText(order.triggerPrice),
  };
}

function parseNumber(text: string): number | undefined | null {
  const trimmed = text.trim().replace(/,/g, '');
  if (trimmed === '') return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : null;
}

// Typed text and the stored price differ in float noise ("2450.50" against 2450.5): prices compare in paise.
const samePaise = (a: number, b: number | null) => b !== null && Math.round(a * 100) === Math.round(b * 100);

/** "4 shares", or "1 lot (75 units)" where the quantity field counts lots. */
export function describeFilled(units: number, lotSize: number | null | undefined): string {
  if (!tradesInLots(lotSize)) return `${formatUnits(units)} ${units === 1 ? 'share' : 'shares'}`;
  const lots = units / unitsPerStep(lotSize);
  return `${formatUnits(lots)} ${lots === 1 ? 'lot' : 'lots'} (${formatUnits(units)} units)`;
}

export type ModifyCheck =
  { kind: 'ok'; input: OrderModify } | { kind: 'unchanged' } | { kind: 'invalid'; errors: ModifyErrors };

/**
 * The `orders.modify` input for a draft: only what differs from the order (the engine keeps what is left out), the
 * quantity in units, and a price the new type takes none of cleared with null. The shape checks the engine makes show
 * next to their fields before any request.
 */
export function buildModify(order: Order, draft: ModifyDraft, lotSize: number | null | undefined): ModifyCheck {
  const errors: ModifyErrors = {};
  const input: OrderModify = { id: order.orderId };

  const steps = parseNumber(draft.quantity);
  if (steps === undefined) errors.quantity = 'Enter a quantity';
  else if (steps === null) errors.quantity = 'must be a number';
  else {
    const units = steps * unitsPerStep(lotSize);
    if (units !== order.quantity) {
      if (tradesInLots(lotSize) && !Number.isInteger(steps)) errors.quantity = 'must be a whole number of lots';
      else if (order.filledQuantity > 0 && units <= order.filledQuantity)
        errors.quantity = `must be more than the ${describeFilled(order.filledQuantity, lotSize)} already filled`;
      else input.quantity = units;
    }
  }

  const type = draft.orderType;
  if (type !== order.orderType) input.orderType = type;

  if (needsPrice(type)) {
    const price = parseNumber(draft.price);
    if (price === undefined) errors.price = `a ${type} order needs a price`;
    else if (price === null) errors.price = 'must be a number';
    else if (!samePaise(price, order.price)) input.price = price;
  } else if (order.price !== null) input.price = null;

  if (needsTrigger(type)) {
    const trigger = parseNumber(draft.triggerPrice);
    if (trigger === undefined) errors.triggerPrice = `a ${type} order needs a trigger price`;
    else if (trigger === null) errors.triggerPrice = 'must be a number';
    else if (!samePaise(trigger, order.triggerPrice)) input.triggerPrice = trigger;
  } else if (order.triggerPrice !== null) input.triggerPrice = null;

  if (Object.keys(errors).length > 0) return { kind: 'invalid', errors };
  if (Object.keys(input).length === 1) return { kind: 'unchanged' };

  const parsed = OrderModifySchema.safeParse(input);
  if (parsed.success) return { kind: 'ok', input: parsed.data };
  for (const issue of parsed.error.issues) {
    const head = issue.path[0];
    const field = (MODIFY_FIELDS as readonly unknown[]).includes(head) ? (head as ModifyField) : 'form';
    errors[field] ??= issue.message;
  }
  return { kind: 'invalid', errors };
}

/** Why a save failed, as the form shows it: beside the fields the engine named, or one banner. */
export interface ModifyFailure {
  /** The order cannot be changed any more (not working, sliced, being sent): nothing in the form would help. */
  conflict: string | null;
  errors: ModifyErrors;
}

export function modifyFailureOf(thrown: unknown): ModifyFailure {
  // The IPC bridge revives what it rejects with; anything else that reaches here is made a typed error the same way.
  const error =
    thrown instanceof WorkstationError ? thrown : reviveBridgedError(thrown as Partial<ErrorBody> | undefined);
  if (error.code === 'CONFLICT') return { conflict: error.message, errors: {} };
  return { conflict: null, errors: fieldErrorsOf(error, MODIFY_FIELDS) };
}
