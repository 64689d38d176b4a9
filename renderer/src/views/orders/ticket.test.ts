import { describe, expect, it } from 'vitest';
import { SETTINGS_DEFAULTS } from '../../../../shared/domain/settings';
import { WorkstationError } from '../../../../shared/errors';
import { fieldErrorsOf, fieldSentence } from './field-errors';
import { formatPnl, formatRupees } from './format';
import {
  checkTicket,
  clientOrderIdFor,
  describeQuantity,
  duplicateAge,
  isTransportError,
  needsConfirmation,
  newClientOrderId,
  priceTextAt,
  quantityText,
  sideForDirection,
  squareOffRequest,
  TICKET_FIELDS,
  ticketSignature,
  type TicketDraft,
} from './ticket';

const NIFTY_FUT = 'NSE_FO|53001';
const RELIANCE = 'NSE_EQ|INE002A01018';

const draft = (patch: Partial<TicketDraft> = {}): TicketDraft => ({
  instrumentKey: RELIANCE,
  side: 'BUY',
  quantity: '10',
  orderType: 'MARKET',
  price: '',
  triggerPrice: '',
  product: 'I',
  ...patch,
});

describe('lots and units', () => {
  it('sends F&O quantities in units: 2 lots of 75 are 150', () => {
    const check = checkTicket(draft({ instrumentKey: NIFTY_FUT, quantity: '2' }), 75);
    expect(check.ok && check.ticket.quantity).toBe(150);
    expect(describeQuantity(150, 75)).toBe('2 lots = 150 units');
    expect(describeQuantity(75, 75)).toBe('1 lot = 75 units');
  });

  it('takes an equity quantity in shares', () => {
    const check = checkTicket(draft({ quantity: '10' }), 1);
    expect(check.ok && check.ticket.quantity).toBe(10);
    expect(describeQuantity(10, 1)).toBe('10 shares');
    expect(describeQuantity(1, null)).toBe('1 share');
  });

  it('shows a number of units in the field as lots for F&O and shares otherwise', () => {
    expect(quantityText(150, 75)).toBe('2');
    expect(quantityText(150, 1)).toBe('150');
    expect(quantityText(1800, 1800)).toBe('1');
  });

  it('refuses part of a lot', () => {
    expect(checkTicket(draft({ quantity: '1.5' }), 75)).toEqual({
      ok: false,
      errors: { quantity: 'must be a whole number of lots' },
    });
  });
});

describe('checking a ticket before the engine sees it', () => {
  it('asks for a price only where the order type takes one, and ignores a stale one otherwise', () => {
    expect(checkTicket(draft({ orderType: 'LIMIT' }), 1).errors).toEqual({ price: 'a LIMIT order needs a price' });
    expect(checkTicket(draft({ orderType: 'SL-M', price: '2800' }), 1).errors).toEqual({
      triggerPrice: 'a SL-M order needs a trigger price',
    });
    const limit = checkTicket(draft({ orderType: 'SL', price: '2,845.10', triggerPrice: '2840' }), 1);
    expect(limit.ok && limit.ticket).toMatchObject({ price: 2845.1, triggerPrice: 2840 });
    const market = checkTicket(draft({ price: '2845' }), 1);
    expect(market.ok && market.ticket.price).toBeUndefined();
  });

  it('names the field of each problem', () => {
    const check = checkTicket(
      draft({ instrumentKey: null, quantity: 'ten', orderType: 'LIMIT', price: '2845.123' }),
      1,
    );
    expect(check.errors).toEqual({
      instrumentKey: 'Choose an instrument',
      quantity: 'must be a number',
      price: 'must be whole paise (two decimals)',
    });
    expect(checkTicket(draft({ quantity: '' }), 1).errors).toEqual({ quantity: 'Enter a quantity' });
    expect(checkTicket(draft({ quantity: '0' }), 1).errors).toEqual({ quantity: 'must be above zero' });
  });

  it('rounds a price seeded from the live one to the tick grid', () => {
    expect(priceTextAt(2845.13, 0.05)).toBe('2845.15');
    expect(priceTextAt(101.02, 0.1)).toBe('101.00');
    expect(priceTextAt(99.99, null)).toBe('100.00');
  });
});

describe("the engine's errors, next to their fields", () => {
  it('puts each detail under the field its path names and the rest on the form', () => {
    const error = new WorkstationError('ORDER_LIMIT_EXCEEDED', 'the order is over your limits', [
      { path: ['quantity'], message: 'above the largest order quantity of 10,000' },
      { path: ['price'], message: 'not a multiple of the tick size 0.05' },
      { path: ['orderValue'], message: 'worth more than ₹10,00,000.00' },
    ]);
    expect(fieldErrorsOf(error, TICKET_FIELDS)).toEqual({
      quantity: 'above the largest order quantity of 10,000',
      price: 'not a multiple of the tick size 0.05',
      form: 'worth more than ₹10,00,000.00',
    });
  });

  it('shows the message of an error without details on the form', () => {
    expect(fieldErrorsOf(new WorkstationError('UNAVAILABLE', 'the engine is not reachable'), TICKET_FIELDS)).toEqual({
      form: 'the engine is not reachable',
    });
    // A plain body, as contextBridge delivers it before revival.
    expect(
      fieldErrorsOf(
        { code: 'VALIDATION_FAILED', message: 'bad', details: [{ path: ['triggerPrice'], message: 'too far' }] },
        TICKET_FIELDS,
      ),
    ).toEqual({ triggerPrice: 'too far' });
  });

  it('reads each error as a sentence about its field', () => {
    expect(fieldSentence('Trigger price', 'of a SELL stop-loss must not be below its price')).toBe(
      'Trigger price of a SELL stop-loss must not be below its price',
    );
    expect(fieldSentence('Quantity', 'must be above zero')).toBe('Quantity must be above zero');
    expect(fieldSentence('Price', 'a LIMIT order needs a price')).toBe('A LIMIT order needs a price');
    expect(fieldSentence('Quantity', 'Enter a quantity')).toBe('Enter a quantity');
  });

  it('tells a lost request from a refusal', () => {
    expect(isTransportError(new WorkstationError('UNAVAILABLE', 'away'))).toBe(true);
    expect(isTransportError(new TypeError('Failed to fetch'))).toBe(true);
    expect(isTransportError(new WorkstationError('VALIDATION_FAILED', 'bad'))).toBe(false);
    expect(isTransportError(new WorkstationError('LIVE_TRADING_UNAVAILABLE', 'no token'))).toBe(false);
  });
});

describe('the duplicate guard', () => {
  const ticket = { instrumentKey: RELIANCE, side: 'BUY', quantity: 10, orderType: 'MARKET', product: 'I' } as const;
  const signature = ticketSignature(ticket);

  it('asks about the same order placed under five seconds ago', () => {
    expect(duplicateAge({ signature, at: 10_000 }, signature, 12_600)).toBe(3);
    expect(duplicateAge({ signature, at: 10_000 }, signature, 10_200)).toBe(1);
    expect(duplicateAge({ signature, at: 10_000 }, signature, 15_000)).toBeNull();
    expect(duplicateAge(null, signature, 10_000)).toBeNull();
  });

  it('lets a different order through: any of instrument, side, quantity, type, price, trigger or product', () => {
    const last = { signature, at: 10_000 };
    for (const other of [
      { ...ticket, side: 'SELL' as const },
      { ...ticket, quantity: 11 },
      { ...ticket, product: 'D' as const },
      { ...ticket, orderType: 'LIMIT' as const, price: 2845 },
      { ...ticket, instrumentKey: 'NSE_EQ|INE467B01029' },
    ])
      expect(duplicateAge(last, ticketSignature(other), 11_000)).toBeNull();
    expect(ticketSignature({ ...ticket, clientOrderId: 'abc' })).toBe(signature);
  });
});

describe('client order ids', () => {
  it('are uuids without dashes, within what the engine accepts', () => {
    expect(newClientOrderId(() => '0b5c2a4e-1f3d-4c6b-9a8e-7d6c5b4a3f21')).toBe('0b5c2a4e1f3d4c6b9a8e7d6c5b4a3f21');
    expect(newClientOrderId()).toMatch(/^[0-9a-f]{32}$/);
  });

  it('stay the same when the same ticket is sent again, so a resend can never make a second order', () => {
    let n = 0;
    const fresh = () => `id${++n}`;
    const first = clientOrderIdFor({}, 'A', fresh);
    const again = clientOrderIdFor(first.sent, 'A', fresh);
    expect(again.clientOrderId).toBe('id1');
    const changed = clientOrderIdFor(again.sent, 'B', fresh);
    expect(changed.clientOrderId).toBe('id2');
    expect(clientOrderIdFor(changed.sent, 'A', fresh).clientOrderId).toBe('id1');
  });
});

describe('confirmation', () => {
  it('follows the setting for paper orders and always confirms live ones', () => {
    expect(needsConfirmation(SETTINGS_DEFAULTS, 'paper')).toBe(true);
    expect(needsConfirmation({ confirmOrders: false, tradingMode: 'paper' }, 'paper')).toBe(false);
    expect(needsConfirmation({ confirmOrders: false, tradingMode: 'live' }, 'paper')).toBe(true);
    expect(needsConfirmation({ confirmOrders: false, tradingMode: 'paper' }, 'upstox')).toBe(true);
    expect(needsConfirmation(null, 'paper')).toBe(true);
  });
});

describe('tickets opened from elsewhere', () => {
  it('squares off a long by selling, and a short by buying, its whole net quantity at market', () => {
    const position = {
      broker: 'paper',
      instrumentKey: NIFTY_FUT,
      tradingSymbol: 'NIFTY FUT',
      product: 'D',
      netQuantity: -150,
      averagePrice: 24510,
      ltp: 24500,
      realisedPnl: 0,
      unrealisedPnl: 1500,
      updatedAt: '2026-03-12T10:00:00.000+05:30',
    } as const;
    expect(squareOffRequest(position)).toEqual({
      instrumentKey: NIFTY_FUT,
      side: 'BUY',
      units: 150,
      orderType: 'MARKET',
      product: 'D',
      submitWhenReady: true,
    });
    expect(squareOffRequest({ ...position, netQuantity: 10 })).toMatchObject({ side: 'SELL', units: 10 });
  });

  it("trades a report's direction: short sells, long and neutral buy", () => {
    expect(sideForDirection('SHORT')).toBe('SELL');
    expect(sideForDirection('LONG')).toBe('BUY');
    expect(sideForDirection('NEUTRAL')).toBe('BUY');
  });
});

describe('money', () => {
  it('shows rupees with the Indian grouping, and P&L with its sign', () => {
    expect(formatRupees(100000)).toBe('₹1,00,000.00');
    expect(formatRupees(12345678.9)).toBe('₹1,23,45,678.90');
    expect(formatRupees(null)).toBe('—');
    expect(formatPnl(451)).toBe('+₹451.00');
    expect(formatPnl(-1234.5)).toBe('−₹1,234.50');
    expect(formatPnl(-0.001)).toBe('₹0.00');
  });
});
