import { beforeEach, describe, expect, it } from 'vitest';
import type { OrderUpdateEvent } from '../../../../shared/domain/trading';
import { dismissToast, MAX_TOASTS, pushToast, useToastsStore } from '../../stores/toasts';
import { orderToast } from './order-toast';

const update = (patch: Partial<OrderUpdateEvent>): OrderUpdateEvent => ({
  orderId: 7,
  clientOrderId: 'c7',
  tag: 'T7',
  instrumentKey: 'NSE_EQ|INE002A01018',
  tradingSymbol: 'RELIANCE',
  side: 'BUY',
  quantity: 10,
  orderType: 'MARKET',
  price: null,
  triggerPrice: null,
  product: 'I',
  status: 'OPEN',
  broker: 'paper',
  brokerOrderId: 'PAPER-20260312-1',
  brokerOrderIds: ['PAPER-20260312-1'],
  filledQuantity: 0,
  averagePrice: null,
  attempts: 1,
  error: null,
  charges: 0,
  jobId: 3,
  createdAt: '2026-03-12T09:20:00.000+05:30',
  updatedAt: '2026-03-12T09:20:01.000+05:30',
  event: { at: '2026-03-12T09:20:01.000+05:30', kind: 'accepted', status: 'OPEN', message: 'accepted' },
  ...patch,
});

describe('order toasts', () => {
  it('says what was bought, how many and at what average price', () => {
    const filled = update({ status: 'FILLED', filledQuantity: 10, averagePrice: 2845.1 });
    expect(orderToast({ status: 'OPEN', filledQuantity: 0 }, filled)).toEqual({
      tone: 'ok',
      text: 'Bought 10 RELIANCE @ ₹2,845.10',
    });
    expect(orderToast({ status: 'FILLED', filledQuantity: 10 }, filled)).toBeNull();
    expect(orderToast(undefined, { ...filled, side: 'SELL' })?.text).toBe('Sold 10 RELIANCE @ ₹2,845.10');
  });

  it('tells each partial fill that adds quantity, once', () => {
    const part = update({ status: 'PARTIALLY_FILLED', quantity: 1800, filledQuantity: 600, averagePrice: 120.05 });
    expect(orderToast({ status: 'OPEN', filledQuantity: 0 }, part)?.text).toBe(
      'Part filled: bought 600 of 1,800 RELIANCE @ ₹120.05',
    );
    expect(orderToast({ status: 'PARTIALLY_FILLED', filledQuantity: 600 }, part)).toBeNull();
    expect(orderToast({ status: 'PARTIALLY_FILLED', filledQuantity: 300 }, part)).not.toBeNull();
  });

  it("keeps a rejection with the broker's reason until it is dismissed", () => {
    const rejected = update({ status: 'REJECTED', error: 'UDAPI1221: static IP required' });
    expect(orderToast({ status: 'SUBMITTING', filledQuantity: 0 }, rejected)).toEqual({
      tone: 'bad',
      text: 'Rejected: buy 10 RELIANCE — UDAPI1221: static IP required',
      sticky: true,
    });
    expect(orderToast(undefined, update({ status: 'FAILED', error: 'gave up after 3 sends' }))).toEqual({
      tone: 'bad',
      text: 'Failed: buy 10 RELIANCE — gave up after 3 sends',
    });
  });

  it('stays quiet about the steps in between', () => {
    expect(orderToast({ status: 'QUEUED', filledQuantity: 0 }, update({ status: 'OPEN' }))).toBeNull();
    expect(orderToast(undefined, update({ status: 'CANCELLED' }))).toBeNull();
  });
});

describe('toast store', () => {
  beforeEach(() => useToastsStore.setState(useToastsStore.getInitialState(), true));

  it('keeps a few, dropping the oldest that would leave anyway before a sticky one', () => {
    pushToast({ tone: 'bad', text: 'rejected', sticky: true });
    for (let i = 0; i < MAX_TOASTS; i++) pushToast({ tone: 'ok', text: `filled ${i}` });
    const texts = useToastsStore.getState().toasts.map((t) => t.text);
    expect(texts).toEqual(['rejected', 'filled 1', 'filled 2', 'filled 3', 'filled 4']);
    dismissToast(useToastsStore.getState().toasts[0]!.id);
    expect(useToastsStore.getState().toasts.map((t) => t.text)).not.toContain('rejected');
  });
});
