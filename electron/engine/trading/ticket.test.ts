import { describe, expect, it } from 'vitest';
import type { Instrument } from '../../../shared/domain/instruments';
import type { OrderTicket } from '../../../shared/domain/trading';
import { WorkstationError } from '../../../shared/errors';
import { checkTicket, tagFor } from './ticket';

const RELIANCE: Instrument = {
  instrumentKey: 'NSE_EQ|INE002A01018',
  tradingSymbol: 'RELIANCE',
  name: 'RELIANCE INDUSTRIES LTD',
  segment: 'NSE_EQ',
  exchange: 'NSE',
  instrumentType: 'EQ',
  lotSize: 1,
  tickSize: 0.05,
  expiry: null,
  strike: null,
  underlyingKey: null,
  freezeQuantity: null,
};

const NIFTY_FUT: Instrument = {
  instrumentKey: 'NSE_FO|43919',
  tradingSymbol: 'NIFTY26JANFUT',
  name: 'NIFTY',
  segment: 'NSE_FO',
  exchange: 'NSE',
  instrumentType: 'FUT',
  lotSize: 75,
  tickSize: 0.1,
  expiry: '2026-01-27',
  strike: null,
  underlyingKey: 'NSE_INDEX|Nifty 50',
  freezeQuantity: 1800,
};

const NIFTY_INDEX: Instrument = {
  instrumentKey: 'NSE_INDEX|Nifty 50',
  tradingSymbol: 'NIFTY',
  name: 'Nifty 50',
  segment: 'NSE_INDEX',
  exchange: 'NSE',
  instrumentType: 'INDEX',
  lotSize: 0,
  tickSize: 0.01,
  expiry: null,
  strike: null,
  underlyingKey: null,
  freezeQuantity: null,
};

const LIMITS = { maxOrderValue: 1_000_000, maxOrderQuantity: 10_000 };

const limitBuy = (instrument: Instrument, extra: Partial<OrderTicket> = {}): OrderTicket => ({
  instrumentKey: instrument.instrumentKey,
  side: 'BUY',
  quantity: instrument.lotSize || 1,
  orderType: 'LIMIT',
  price: 2500,
  product: 'D',
  ...extra,
});

/** The WorkstationError `run` throws (failing the test if it throws nothing or something else). */
function refusal(run: () => unknown): WorkstationError {
  try {
    run();
  } catch (error) {
    if (error instanceof WorkstationError) return error;
    throw error;
  }
  throw new Error('expected the ticket to be refused');
}

const paths = (error: WorkstationError) => (error.details ?? []).map((d) => d.path);

describe('checkTicket: the instrument', () => {
  it('refuses an instrument the master does not know, naming instrumentKey', () => {
    const error = refusal(() => checkTicket(limitBuy(RELIANCE), undefined, LIMITS, null));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(paths(error)).toEqual([['instrumentKey']]);
  });

  it('refuses an index: it has no lot and cannot be traded', () => {
    const ticket = limitBuy(NIFTY_INDEX, { quantity: 1, price: 24000 });
    const error = refusal(() => checkTicket(ticket, NIFTY_INDEX, LIMITS, 24000));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details).toEqual([{ path: ['instrumentKey'], message: 'NIFTY is an index: it cannot be traded' }]);
  });
});

describe('checkTicket: lots and ticks', () => {
  it('refuses a NIFTY future quantity off its lot of 75, offering the lots either side', () => {
    const error = refusal(() =>
      checkTicket(limitBuy(NIFTY_FUT, { quantity: 100, price: 24000 }), NIFTY_FUT, null, null),
    );
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details).toEqual([
      { path: ['quantity'], message: 'must be a whole number of lots of 75 (75 or 150)' },
    ]);
  });

  it('accepts whole lots of the future', () => {
    const checked = checkTicket(limitBuy(NIFTY_FUT, { quantity: 150, price: 24000.1 }), NIFTY_FUT, null, null);
    expect(checked).toMatchObject({ pricePaise: 2_400_010, valuePaise: 150 * 2_400_010, slices: 1 });
  });

  it('accepts prices on the ₹0.05 grid that binary floating point cannot hold exactly', () => {
    // In doubles 2845.15 % 0.05 is 0.04999…, and 1.15 × 100 is 114.99999999999999: the check must work in paise.
    for (const price of [2845.15, 1.15, 0.3, 4.35, 1234.55, 99999.95]) {
      const checked = checkTicket(limitBuy(RELIANCE, { price }), RELIANCE, null, null);
      expect(checked.pricePaise, String(price)).toBe(Math.round(price * 100));
      expect(checked.pricePaise! % 5, String(price)).toBe(0);
    }
  });

  it('refuses a price off the tick grid, naming price and the tick size', () => {
    const error = refusal(() => checkTicket(limitBuy(RELIANCE, { price: 2845.12 }), RELIANCE, LIMITS, null));
    expect(error.details).toEqual([{ path: ['price'], message: 'must be a multiple of the tick size ₹0.05' }]);
    const future = refusal(() =>
      checkTicket(limitBuy(NIFTY_FUT, { quantity: 75, price: 24000.05 }), NIFTY_FUT, null, null),
    );
    expect(future.details).toEqual([{ path: ['price'], message: 'must be a multiple of the tick size ₹0.1' }]);
  });

  it('refuses a trigger price off the tick grid, naming triggerPrice', () => {
    const ticket: OrderTicket = { ...limitBuy(RELIANCE), orderType: 'SL-M', price: undefined, triggerPrice: 2500.01 };
    const error = refusal(() => checkTicket(ticket, RELIANCE, LIMITS, null));
    expect(paths(error)).toEqual([['triggerPrice']]);
  });

  it('names every problem at once', () => {
    const error = refusal(() =>
      checkTicket(limitBuy(NIFTY_FUT, { quantity: 80, price: 24000.03 }), NIFTY_FUT, LIMITS, 24000),
    );
    expect(paths(error)).toEqual([['quantity'], ['price']]);
  });
});

describe('checkTicket: stop-loss triggers', () => {
  const sl = (side: 'BUY' | 'SELL', price: number, triggerPrice: number): OrderTicket => ({
    ...limitBuy(RELIANCE),
    side,
    orderType: 'SL',
    price,
    triggerPrice,
  });

  it('refuses a BUY stop-loss whose trigger is above its price', () => {
    const error = refusal(() => checkTicket(sl('BUY', 2500, 2510), RELIANCE, LIMITS, 2490));
    expect(error.details).toEqual([
      { path: ['triggerPrice'], message: 'of a BUY stop-loss must not be above its price' },
    ]);
  });

  it('refuses a SELL stop-loss whose trigger is below its price', () => {
    const error = refusal(() => checkTicket(sl('SELL', 2500, 2490), RELIANCE, LIMITS, 2510));
    expect(error.details).toEqual([
      { path: ['triggerPrice'], message: 'of a SELL stop-loss must not be below its price' },
    ]);
  });

  it('accepts a trigger at or on the right side of the price, valuing the order at its price', () => {
    expect(checkTicket(sl('BUY', 2500, 2500), RELIANCE, LIMITS, null)).toMatchObject({
      pricePaise: 250_000,
      triggerPricePaise: 250_000,
      referencePaise: 250_000,
    });
    expect(checkTicket(sl('BUY', 2500, 2495.5), RELIANCE, LIMITS, null).triggerPricePaise).toBe(249_550);
    expect(checkTicket(sl('SELL', 2500, 2504.95), RELIANCE, LIMITS, null).referencePaise).toBe(250_000);
  });
});

describe('checkTicket: slices at the freeze quantity', () => {
  const futureOf = (quantity: number) =>
    checkTicket(limitBuy(NIFTY_FUT, { quantity, price: 24000 }), NIFTY_FUT, null, null).slices;

  it('counts the slices Upstox will make: one per freeze quantity of 1,800, the remainder in one more', () => {
    expect(futureOf(75)).toBe(1);
    expect(futureOf(1800)).toBe(1);
    expect(futureOf(1875)).toBe(2);
    expect(futureOf(3600)).toBe(2);
    expect(futureOf(3675)).toBe(3);
    expect(futureOf(45_000)).toBe(25);
    // Without a freeze quantity an order is never sliced.
    expect(checkTicket(limitBuy(RELIANCE, { quantity: 9_999 }), RELIANCE, null, null).slices).toBe(1);
  });

  it('refuses an order that needs more than 25 slices, naming quantity', () => {
    const error = refusal(() =>
      checkTicket(limitBuy(NIFTY_FUT, { quantity: 45_075, price: 24000 }), NIFTY_FUT, null, null),
    );
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details).toEqual([
      { path: ['quantity'], message: 'needs 26 slices of the freeze quantity 1800; at most 25 are allowed' },
    ]);
  });
});

describe('checkTicket: the fat-finger limits', () => {
  it('refuses a quantity above maxOrderQuantity with ORDER_LIMIT_EXCEEDED', () => {
    const error = refusal(() =>
      checkTicket(limitBuy(RELIANCE, { quantity: 10_001, price: 50 }), RELIANCE, LIMITS, null),
    );
    expect(error.code).toBe('ORDER_LIMIT_EXCEEDED');
    expect(error.message).toContain('maxOrderQuantity (10000)');
    expect(error.details).toEqual([
      { path: ['quantity'], message: 'is above maxOrderQuantity (10000)', code: 'maxOrderQuantity' },
    ]);
    // At the limit: 10,000 × ₹50 = ₹5,00,000, within both.
    expect(checkTicket(limitBuy(RELIANCE, { quantity: 10_000, price: 50 }), RELIANCE, LIMITS, null).valuePaise).toBe(
      50_000_000,
    );
  });

  it('refuses an order value above maxOrderValue, and takes one exactly at it', () => {
    // 400 × ₹2,500 = ₹10,00,000: at the limit. 401 is ₹10,02,500.
    expect(checkTicket(limitBuy(RELIANCE, { quantity: 400 }), RELIANCE, LIMITS, null).valuePaise).toBe(100_000_000);
    const error = refusal(() => checkTicket(limitBuy(RELIANCE, { quantity: 401 }), RELIANCE, LIMITS, null));
    expect(error.code).toBe('ORDER_LIMIT_EXCEEDED');
    expect(error.message).toBe('order value ₹10,02,500.00 is above the limit maxOrderValue (₹10,00,000.00)');
    expect(error.details).toEqual([
      {
        path: ['quantity'],
        message: 'makes an order value above maxOrderValue (₹10,00,000.00)',
        code: 'maxOrderValue',
      },
    ]);
  });

  it('values a MARKET order at the live price and an SL-M order at its trigger', () => {
    const market: OrderTicket = { ...limitBuy(RELIANCE, { quantity: 10 }), orderType: 'MARKET', price: undefined };
    expect(checkTicket(market, RELIANCE, LIMITS, 2845.15)).toMatchObject({
      pricePaise: null,
      referencePaise: 284_515,
      valuePaise: 2_845_150,
    });
    const stop: OrderTicket = { ...market, orderType: 'SL-M', triggerPrice: 2850 };
    expect(checkTicket(stop, RELIANCE, LIMITS, 2845.15)).toMatchObject({
      referencePaise: 285_000,
      valuePaise: 2_850_000,
    });
    // The live price counts against the limit too: 400 at ₹2,500.05 is ₹10,00,020.
    const large = refusal(() => checkTicket({ ...market, quantity: 400 }, RELIANCE, LIMITS, 2500.05));
    expect(large.details?.[0]?.code).toBe('maxOrderValue');
  });

  it('refuses a MARKET order without a live price while the limits apply, and takes it when they do not', () => {
    const market: OrderTicket = { ...limitBuy(RELIANCE, { quantity: 10 }), orderType: 'MARKET', price: undefined };
    const error = refusal(() => checkTicket(market, RELIANCE, LIMITS, null));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(paths(error)).toEqual([['orderType']]);
    expect(error.details?.[0]?.message).toContain('live price');
    // The engine's own orders (the 15:20 square-off) go without the limits: no price is needed to check them.
    expect(checkTicket(market, RELIANCE, null, null)).toMatchObject({ referencePaise: null, valuePaise: null });
  });
});

describe('tagFor', () => {
  it('is at most 20 letters and digits, the same for the same clientOrderId every time', () => {
    for (const id of ['buy-reliance-1', 'a', 'x'.repeat(64), 'squareoff-2026-01-05-TDABC', '0123456789abcdef_-']) {
      expect(tagFor(id)).toMatch(/^[A-Za-z0-9]{1,20}$/);
      expect(tagFor(id)).toBe(tagFor(id));
    }
    expect(tagFor('buy-reliance-1')).toBe('TD5D599E99D29857DBEB');
  });

  it('differs for different clientOrderIds, even ones a character apart', () => {
    const ids = Array.from({ length: 5_000 }, (_, i) => `order-${i}`);
    expect(new Set(ids.map(tagFor)).size).toBe(ids.length);
    expect(tagFor('order-1')).not.toBe(tagFor('order-10'));
    expect(tagFor('Order-1')).not.toBe(tagFor('order-1'));
  });
});
