import { createHash } from 'node:crypto';
import type { Instrument } from '../../../shared/domain/instruments';
import type { Settings } from '../../../shared/domain/settings';
import type { OrderTicket } from '../../../shared/domain/trading';
import { WorkstationError, type ErrorDetail } from '../../../shared/errors';
import { toPaise } from './book';

/** A ticket checked against its instrument and the user's limits, in paise, ready to store. */
export interface CheckedTicket {
  instrument: Instrument;
  pricePaise: number | null;
  triggerPricePaise: number | null;
  /** The price the order is valued at: its own price, else its trigger, else the live price. */
  referencePaise: number | null;
  valuePaise: number | null;
  slices: number;
}

const formatRupees = (value: number) =>
  `₹${value.toLocaleString('en-IN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** Indices and anything else without a lot cannot be ordered. */
const TRADABLE_TYPES = new Set(['EQ', 'FUT', 'CE', 'PE']);
/** Upstox slices an order into at most this many. */
export const MAX_SLICES = 25;

/**
 * Checks what the shape alone cannot: the instrument exists and trades, the quantity is whole lots, prices sit on the
 * tick grid, a stop's trigger is on the right side of its price, and the fat-finger limits. Every problem is named by
 * its field, all at once, and nothing is stored.
 */
export function checkTicket(
  ticket: OrderTicket,
  instrument: Instrument | undefined,
  limits: Pick<Settings, 'maxOrderValue' | 'maxOrderQuantity'> | null,
  livePrice: number | null,
): CheckedTicket {
  if (!instrument)
    throw new WorkstationError('VALIDATION_FAILED', `unknown instrument ${ticket.instrumentKey}`, [
      { path: ['instrumentKey'], message: 'is not in the instrument master; import the master or pick another' },
    ]);
  const problems: ErrorDetail[] = [];
  if (!TRADABLE_TYPES.has(instrument.instrumentType))
    problems.push({ path: ['instrumentKey'], message: `${instrument.tradingSymbol} is an index: it cannot be traded` });
  const lot = Math.max(1, instrument.lotSize);
  if (ticket.quantity % lot !== 0)
    problems.push({
      path: ['quantity'],
      message: `must be a whole number of lots of ${lot} (${Math.floor(ticket.quantity / lot) * lot} or ${
        (Math.floor(ticket.quantity / lot) + 1) * lot
      })`,
    });
  const tickPaise = Math.round(instrument.tickSize * 100);
  const onTick = (field: 'price' | 'triggerPrice', value: number | undefined): number | null => {
    if (value === undefined) return null;
    const paise = toPaise(value);
    if (tickPaise > 0 && paise % tickPaise !== 0)
      problems.push({ path: [field], message: `must be a multiple of the tick size ₹${instrument.tickSize}` });
    return paise;
  };
  const pricePaise = onTick('price', ticket.price);
  const triggerPricePaise = onTick('triggerPrice', ticket.triggerPrice);
  if (ticket.orderType === 'SL' && pricePaise !== null && triggerPricePaise !== null) {
    if (ticket.side === 'BUY' && triggerPricePaise > pricePaise)
      problems.push({ path: ['triggerPrice'], message: 'of a BUY stop-loss must not be above its price' });
    if (ticket.side === 'SELL' && triggerPricePaise < pricePaise)
      problems.push({ path: ['triggerPrice'], message: 'of a SELL stop-loss must not be below its price' });
  }
  const freeze = instrument.freezeQuantity && instrument.freezeQuantity > 0 ? instrument.freezeQuantity : null;
  const slices = freeze ? Math.ceil(ticket.quantity / freeze) : 1;
  if (slices > MAX_SLICES)
    problems.push({
      path: ['quantity'],
      message: `needs ${slices} slices of the freeze quantity ${freeze}; at most ${MAX_SLICES} are allowed`,
    });
  if (problems.length > 0) throw new WorkstationError('VALIDATION_FAILED', 'the order ticket is not valid', problems);

  const referencePaise = pricePaise ?? triggerPricePaise ?? (livePrice === null ? null : toPaise(livePrice));
  const valuePaise = referencePaise === null ? null : referencePaise * ticket.quantity;
  if (limits) {
    if (ticket.quantity > limits.maxOrderQuantity)
      throw new WorkstationError(
        'ORDER_LIMIT_EXCEEDED',
        `quantity ${ticket.quantity} is above the limit maxOrderQuantity (${limits.maxOrderQuantity})`,
        [
          {
            path: ['quantity'],
            message: `is above maxOrderQuantity (${limits.maxOrderQuantity})`,
            code: 'maxOrderQuantity',
          },
        ],
      );
    if (valuePaise === null)
      throw new WorkstationError('VALIDATION_FAILED', `no live price for ${instrument.tradingSymbol}`, [
        {
          path: ['orderType'],
          message: `a MARKET order needs a live price to be checked against maxOrderValue; wait for the feed or give a price`,
        },
      ]);
    const maxPaise = toPaise(limits.maxOrderValue);
    if (valuePaise > maxPaise)
      throw new WorkstationError(
        'ORDER_LIMIT_EXCEEDED',
        `order value ${formatRupees(valuePaise / 100)} is above the limit maxOrderValue (${formatRupees(limits.maxOrderValue)})`,
        [
          {
            path: ['quantity'],
            message: `makes an order value above maxOrderValue (${formatRupees(limits.maxOrderValue)})`,
            code: 'maxOrderValue',
          },
        ],
      );
  }
  return { instrument, pricePaise, triggerPricePaise, referencePaise, valuePaise, slices };
}

/**
 * What the broker knows an order by: 20 alphanumeric characters at most (Upstox's limit), the same for the same
 * clientOrderId in every process and after every restart, so a reconcile can always ask for it.
 */
export function tagFor(clientOrderId: string): string {
  return `TD${createHash('sha256').update(clientOrderId).digest('hex').slice(0, 18).toUpperCase()}`;
}
