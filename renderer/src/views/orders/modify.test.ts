import { describe, expect, it } from 'vitest';
import type { Order } from '../../../../shared/domain/trading';
import { WorkstationError } from '../../../../shared/errors';
import { mergeOrder } from '../../stores/orders';
import { buildModify, canModify, modifyDraftOf, modifyFailureOf, type ModifyDraft } from './modify';

const NIFTY_FUT = 'NSE_FO|53001';

const order = (patch: Partial<Order> = {}): Order => ({
  orderId: 7,
  clientOrderId: 'c7',
  tag: 'T7',
  instrumentKey: 'NSE_EQ|INE002A01018',
  tradingSymbol: 'RELIANCE',
  side: 'BUY',
  quantity: 10,
  orderType: 'LIMIT',
  price: 2450.5,
  triggerPrice: null,
  product: 'I',
  status: 'OPEN',
  broker: 'paper',
  brokerOrderId: 'P-7',
  brokerOrderIds: ['P-7'],
  filledQuantity: 0,
  averagePrice: null,
  attempts: 1,
  error: null,
  charges: 0,
  jobId: null,
  createdAt: '2025-01-06T09:20:00.000Z',
  updatedAt: '2025-01-06T09:20:01.000Z',
  events: [],
  ...patch,
});

/** The form as it opens on `base`, with the trader's edits. */
const draftOn = (base: Order, lotSize: number | null, patch: Partial<ModifyDraft> = {}): ModifyDraft => ({
  ...modifyDraftOf(base, lotSize),
  ...patch,
});

describe('which orders can be modified', () => {
  it('takes a working order that is one broker order', () => {
    expect(canModify(order({ status: 'OPEN' }))).toBe(true);
    expect(canModify(order({ status: 'PARTIALLY_FILLED', filledQuantity: 4 }))).toBe(true);
  });

  it('refuses an order sliced into several broker orders, one not at the broker yet, and one that is done', () => {
    expect(canModify(order({ brokerOrderIds: ['P-7', 'P-8'] }))).toBe(false);
    expect(canModify(order({ status: 'SUBMITTING', brokerOrderId: null, brokerOrderIds: [] }))).toBe(false);
    expect(canModify(order({ status: 'QUEUED', brokerOrderId: null, brokerOrderIds: [] }))).toBe(false);
    expect(canModify(order({ status: 'FILLED', filledQuantity: 10 }))).toBe(false);
    expect(canModify(order({ status: 'CANCELLED' }))).toBe(false);
  });
});

describe('the form as it opens', () => {
  it('shows an F&O quantity in lots and the prices to the paisa', () => {
    const fut = order({
      instrumentKey: NIFTY_FUT,
      quantity: 150,
      orderType: 'SL',
      price: 24510,
      triggerPrice: 24500.5,
    });
    expect(modifyDraftOf(fut, 75)).toEqual({
      quantity: '2',
      orderType: 'SL',
      price: '24510.00',
      triggerPrice: '24500.50',
    });
  });

  it('shows an equity quantity in shares and leaves a missing trigger empty', () => {
    expect(modifyDraftOf(order(), 1)).toEqual({
      quantity: '10',
      orderType: 'LIMIT',
      price: '2450.50',
      triggerPrice: '',
    });
  });
});

describe('building the modify input', () => {
  it('sends nothing when nothing differs, even a price typed with fewer decimals', () => {
    const base = order();
    expect(buildModify(base, draftOn(base, 1), 1)).toEqual({ kind: 'unchanged' });
    expect(buildModify(base, draftOn(base, 1, { price: '2450.5', quantity: ' 10 ' }), 1)).toEqual({
      kind: 'unchanged',
    });
  });

  it('sends only the price when only the price changed', () => {
    const base = order();
    expect(buildModify(base, draftOn(base, 1, { price: '2448.25' }), 1)).toEqual({
      kind: 'ok',
      input: { id: 7, price: 2448.25 },
    });
  });

  it('sends an F&O quantity in units: 3 lots of 75 are 225', () => {
    const fut = order({ instrumentKey: NIFTY_FUT, quantity: 150, price: 24510 });
    expect(buildModify(fut, draftOn(fut, 75, { quantity: '3' }), 75)).toEqual({
      kind: 'ok',
      input: { id: 7, quantity: 225 },
    });
  });

  it('clears the price when a LIMIT order becomes MARKET', () => {
    const base = order();
    expect(buildModify(base, draftOn(base, 1, { orderType: 'MARKET' }), 1)).toEqual({
      kind: 'ok',
      input: { id: 7, orderType: 'MARKET', price: null },
    });
  });

  it('clears the price and keeps the trigger when an SL order becomes SL-M', () => {
    const sl = order({ side: 'SELL', orderType: 'SL', price: 2400, triggerPrice: 2405 });
    expect(buildModify(sl, draftOn(sl, 1, { orderType: 'SL-M' }), 1)).toEqual({
      kind: 'ok',
      input: { id: 7, orderType: 'SL-M', price: null },
    });
  });

  it('clears the trigger when an SL-M order becomes LIMIT, and sends the new price', () => {
    const slm = order({ side: 'SELL', orderType: 'SL-M', price: null, triggerPrice: 2405 });
    expect(buildModify(slm, draftOn(slm, 1, { orderType: 'LIMIT', price: '2410' }), 1)).toEqual({
      kind: 'ok',
      input: { id: 7, orderType: 'LIMIT', price: 2410, triggerPrice: null },
    });
  });

  it('asks for the prices a new type needs', () => {
    const slm = order({ orderType: 'SL-M', price: null, triggerPrice: 2405 });
    expect(buildModify(slm, draftOn(slm, 1, { orderType: 'SL' }), 1)).toEqual({
      kind: 'invalid',
      errors: { price: 'a SL order needs a price' },
    });
    const market = order({ orderType: 'MARKET', price: null });
    expect(buildModify(market, draftOn(market, 1, { orderType: 'SL-M' }), 1)).toEqual({
      kind: 'invalid',
      errors: { triggerPrice: 'a SL-M order needs a trigger price' },
    });
  });

  it('refuses part of a lot and a quantity not above what has filled', () => {
    const fut = order({ instrumentKey: NIFTY_FUT, quantity: 150, price: 24510, filledQuantity: 75 });
    expect(buildModify(fut, draftOn(fut, 75, { quantity: '2.5' }), 75)).toEqual({
      kind: 'invalid',
      errors: { quantity: 'must be a whole number of lots' },
    });
    expect(buildModify(fut, draftOn(fut, 75, { quantity: '1' }), 75)).toEqual({
      kind: 'invalid',
      errors: { quantity: 'must be more than the 1 lot (75 units) already filled' },
    });
    const part = order({ status: 'PARTIALLY_FILLED', filledQuantity: 4 });
    expect(buildModify(part, draftOn(part, 1, { quantity: '4' }), 1)).toEqual({
      kind: 'invalid',
      errors: { quantity: 'must be more than the 4 shares already filled' },
    });
    expect(buildModify(part, draftOn(part, 1, { quantity: '5' }), 1)).toEqual({
      kind: 'ok',
      input: { id: 7, quantity: 5 },
    });
  });

  it('names the field of a shape problem: an empty quantity, a price in fractions of a paisa, zero', () => {
    const base = order();
    expect(buildModify(base, draftOn(base, 1, { quantity: '' }), 1)).toEqual({
      kind: 'invalid',
      errors: { quantity: 'Enter a quantity' },
    });
    expect(buildModify(base, draftOn(base, 1, { price: '2450.555' }), 1)).toEqual({
      kind: 'invalid',
      errors: { price: 'must be whole paise (two decimals)' },
    });
    expect(buildModify(base, draftOn(base, 1, { quantity: '0' }), 1)).toEqual({
      kind: 'invalid',
      errors: { quantity: 'must be above zero' },
    });
    expect(buildModify(base, draftOn(base, 1, { price: 'abc' }), 1)).toEqual({
      kind: 'invalid',
      errors: { price: 'must be a number' },
    });
  });
});

describe('what a refused save shows', () => {
  it('puts validation and limit errors beside the field their path names', () => {
    const tick = new WorkstationError('VALIDATION_FAILED', 'invalid modify', [
      { path: ['price'], message: 'must be a multiple of the tick 0.05' },
    ]);
    expect(modifyFailureOf(tick)).toEqual({ conflict: null, errors: { price: 'must be a multiple of the tick 0.05' } });
    const limit = new WorkstationError('ORDER_LIMIT_EXCEEDED', 'too big', [
      { path: ['quantity'], message: 'makes an order value above maxOrderValue (₹5,00,000.00)' },
    ]);
    expect(modifyFailureOf(limit).errors.quantity).toBe('makes an order value above maxOrderValue (₹5,00,000.00)');
  });

  it('shows CONFLICT as a banner, also when it arrives as a plain body', () => {
    expect(
      modifyFailureOf(new WorkstationError('CONFLICT', 'order 7 is FILLED: only a working order changes')),
    ).toEqual({ conflict: 'order 7 is FILLED: only a working order changes', errors: {} });
    expect(modifyFailureOf({ code: 'CONFLICT', message: 'order 7 is being sent' })).toEqual({
      conflict: 'order 7 is being sent',
      errors: {},
    });
  });

  it('keeps an error about no field for the form', () => {
    expect(modifyFailureOf(new WorkstationError('UNAVAILABLE', 'the engine is not reachable'))).toEqual({
      conflict: null,
      errors: { form: 'the engine is not reachable' },
    });
  });
});

describe('the saved order in the blotter', () => {
  const before = order({ quantity: 10, updatedAt: '2025-01-06T09:20:01.000Z' });
  const saved = order({
    quantity: 15,
    price: 2448.25,
    updatedAt: '2025-01-06T09:21:00.000Z',
    events: [{ at: '2025-01-06T09:21:00.000Z', kind: 'modified', status: 'OPEN', message: 'quantity 10 → 15' }],
  });
  const other = order({ orderId: 9, quantity: 3 });

  it('takes the new quantity and price in its row', () => {
    const list = mergeOrder([other, before], saved, null);
    expect(list.map((o) => [o.orderId, o.quantity, o.price])).toEqual([
      [9, 3, 2450.5],
      [7, 15, 2448.25],
    ]);
  });

  it('is not wound back by an answer older than the row', () => {
    const list = mergeOrder([saved], before, null);
    expect(list[0]?.quantity).toBe(15);
  });

  it('leaves a list filtered to another status', () => {
    expect(mergeOrder([before], saved, 'PARTIALLY_FILLED')).toEqual([]);
  });
});
