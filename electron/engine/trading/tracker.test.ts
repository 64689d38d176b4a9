import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BrokerId } from '../../../shared/domain/trading';
import { FakeClock } from '../../../tests/helpers/fake-clock';
import { makeTempDir, removeTempDirs } from '../../../tests/helpers/temp-dir';
import type { Emit } from '../common/events';
import { createMemoryLogger } from '../common/logger';
import { openDatabase } from '../store/open';
import { createOrderStore } from '../store/orders';
import { createPortfolioStore } from '../store/portfolio';
import type { Db } from '../store/types';
import { createBook } from './book';
import type { Broker, BrokerOrderState, BrokerOrderStatus } from './brokers/broker';
import { createOrderLog } from './order-log';
import { tagFor } from './ticket';
import { combinedStatus, createOrderTracker } from './tracker';

const RELIANCE = 'NSE_EQ|INE002A01018';

const state = (
  status: BrokerOrderStatus,
  filledQuantity: number,
  averagePricePaise: number | null = null,
  extra: Partial<BrokerOrderState> = {},
): BrokerOrderState => ({
  brokerOrderId: 'B-1',
  tag: null,
  status,
  filledQuantity,
  averagePricePaise,
  message: null,
  ...extra,
});

describe('combinedStatus of a sliced order', () => {
  it('is FILLED once every slice has filled', () => {
    const slices = [
      state('FILLED', 1800, 2_400_000),
      state('FILLED', 1800, 2_400_000),
      state('FILLED', 900, 2_400_000),
    ];
    expect(combinedStatus(slices, 4500, 4500)).toBe('FILLED');
  });

  it('is working while one slice is: PARTIALLY_FILLED with fills, OPEN without', () => {
    expect(combinedStatus([state('FILLED', 1800, 2_400_000), state('OPEN', 0)], 1800, 3600)).toBe('PARTIALLY_FILLED');
    expect(combinedStatus([state('OPEN', 0), state('PARTIALLY_FILLED', 75, 2_400_000)], 75, 3600)).toBe(
      'PARTIALLY_FILLED',
    );
    expect(combinedStatus([state('OPEN', 0), state('OPEN', 0)], 0, 3600)).toBe('OPEN');
  });

  it('is CANCELLED when the slices stopped short of the quantity after partial fills', () => {
    expect(combinedStatus([state('FILLED', 1800, 2_400_000), state('CANCELLED', 225, 2_400_000)], 2025, 3600)).toBe(
      'CANCELLED',
    );
    expect(combinedStatus([state('CANCELLED', 0), state('CANCELLED', 0)], 0, 3600)).toBe('CANCELLED');
  });

  it('is REJECTED only when every slice was rejected', () => {
    expect(combinedStatus([state('REJECTED', 0), state('REJECTED', 0)], 0, 3600)).toBe('REJECTED');
  });
});

const opened: Db[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) if (db.open) db.close();
  removeTempDirs();
});

/** A broker whose `order()` answers whatever the test last scripted for each of its order ids. */
function scriptedBroker() {
  const answers = new Map<string, BrokerOrderState>();
  let calls = 0;
  const refuse = () => Promise.reject(new Error('not used by the tracker'));
  const broker: Broker = {
    id: 'paper',
    place: refuse,
    ordersByTag: refuse,
    modify: refuse,
    cancel: refuse,
    async order(brokerOrderId) {
      calls++;
      // A turn of the event loop, as a real answer takes: a second refresh has been asked for meanwhile.
      await new Promise((resolve) => setImmediate(resolve));
      const answer = answers.get(brokerOrderId);
      if (!answer) throw new Error(`no scripted answer for ${brokerOrderId}`);
      return { ...answer, brokerOrderId };
    },
  };
  return {
    broker,
    answer: (brokerOrderId: string, answer: BrokerOrderState) => answers.set(brokerOrderId, answer),
    calls: () => calls,
  };
}

const STARTING_CASH_PAISE = 100_000_000;

/** The tracker over a freshly migrated database, with a working BUY 10 RELIANCE order the broker holds. */
function setup(brokerOrderIds: string[] = ['B-1'], quantity = 10) {
  const db = openDatabase(path.join(makeTempDir('tickdesk-tracker-'), 'test.db'));
  opened.push(db);
  const clock = new FakeClock();
  const orders = createOrderStore(db);
  const portfolio = createPortfolioStore(db);
  const events: string[] = [];
  const emit: Emit = (name) => void events.push(name);
  const log = createOrderLog({ db, orders, clock, emit });
  const book = createBook({
    db,
    portfolio,
    instruments: { get: () => [] },
    clock,
    ltp: () => null,
    startingCash: () => STARTING_CASH_PAISE / 100,
  });
  const scripted = scriptedBroker();
  const changed: BrokerId[] = [];
  const tracker = createOrderTracker({
    db,
    orders,
    log,
    book,
    broker: () => scripted.broker,
    clock,
    logger: createMemoryLogger(),
    // 0.1 % of the value: easy to follow by hand.
    chargesOf: (_order, valuePaise) => Math.round(valuePaise / 1000),
    portfolioChanged: (broker) => void changed.push(broker),
  });
  const at = clock.now();
  const id = orders.insert({
    clientOrderId: 'tracker-1',
    tag: tagFor('tracker-1'),
    broker: 'paper',
    instrumentKey: RELIANCE,
    tradingSymbol: 'RELIANCE',
    side: 'BUY',
    quantity,
    orderType: 'LIMIT',
    pricePaise: 250_100,
    triggerPricePaise: null,
    product: 'D',
    status: 'QUEUED',
    createdAt: at,
    updatedAt: at,
  });
  tracker.accepted(id, brokerOrderIds, `accepted as ${brokerOrderIds.join(', ')}`, 'accepted');
  const order = () => orders.get(id)!;
  const kinds = () => orders.events(id).map((e) => e.kind);
  const fills = () => portfolio.fills('paper');
  return { db, clock, orders, portfolio, book, tracker, scripted, changed, events, id, order, kinds, fills };
}

describe('createOrderTracker', () => {
  it('books a fill once when two refreshes race over the same broker answer', async () => {
    const t = setup();
    t.scripted.answer('B-1', state('PARTIALLY_FILLED', 4, 250_000));
    await Promise.all([t.tracker.refresh(t.id), t.tracker.refresh(t.id)]);
    expect(t.fills()).toHaveLength(1);
    expect(t.fills()[0]).toMatchObject({ quantity: 4, valuePaise: 1_000_000, chargesPaise: 1_000 });
    expect(t.order()).toMatchObject({ status: 'PARTIALLY_FILLED', filledQuantity: 4, filledValuePaise: 1_000_000 });

    t.scripted.answer('B-1', state('FILLED', 10, 250_000));
    await Promise.all([t.tracker.refresh(t.id), t.tracker.refresh(t.id), t.tracker.refresh(t.id)]);
    expect(t.fills().map((f) => f.quantity)).toEqual([4, 6]);
    expect(t.kinds()).toEqual(['accepted', 'fill', 'fill']);
    // The wallet paid for 10, not for 14 or 20: ₹25,000 and ₹25 of charges.
    expect(t.portfolio.wallet('paper')?.cashPaise).toBe(STARTING_CASH_PAISE - 2_500_000 - 2_500);
    expect(t.portfolio.position('paper', RELIANCE, 'D')).toMatchObject({ netQuantity: 10, costPaise: 2_500_000 });
    expect(t.changed).toEqual(['paper', 'paper']);
  });

  it('changes nothing on a stale answer that shows less filled than already booked', async () => {
    const t = setup();
    t.scripted.answer('B-1', state('PARTIALLY_FILLED', 6, 250_000));
    await t.tracker.refresh(t.id);
    const before = t.order();
    const eventsBefore = t.events.length;
    t.clock.advance(1_000);

    t.scripted.answer('B-1', state('PARTIALLY_FILLED', 4, 250_000));
    await t.tracker.refresh(t.id);
    t.scripted.answer('B-1', state('OPEN', 0));
    await t.tracker.refresh(t.id);

    expect(t.order()).toEqual(before);
    expect(t.fills()).toHaveLength(1);
    expect(t.kinds()).toEqual(['accepted', 'fill']);
    expect(t.events.length).toBe(eventsBefore);
  });

  it('books a partial fill and then the rest, the two fills summing to the order’s value', async () => {
    const t = setup();
    // 4 at an average of ₹2,500.125 (1,000,050 paise), then all 10 at ₹2,500.317 on average (2,500,317 paise):
    // the second fill is the other 6 for 1,500,267.
    t.scripted.answer('B-1', state('PARTIALLY_FILLED', 4, 250_012.5));
    await t.tracker.refresh(t.id);
    t.scripted.answer('B-1', state('FILLED', 10, 250_031.7));
    await t.tracker.refresh(t.id);

    expect(t.fills().map((f) => [f.quantity, f.valuePaise, f.chargesPaise])).toEqual([
      [4, 1_000_050, 1_000],
      [6, 1_500_267, 1_500],
    ]);
    expect(t.order()).toMatchObject({
      status: 'FILLED',
      filledQuantity: 10,
      filledValuePaise: 2_500_317,
      chargesPaise: 2_500,
    });
    expect(orderEventMessages(t)).toEqual([
      'accepted as B-1',
      '4 filled at ₹2,500.13 (4 of 10)',
      '6 filled at ₹2,500.45 (10 of 10)',
    ]);
    expect(t.portfolio.position('paper', RELIANCE, 'D')).toMatchObject({ netQuantity: 10, costPaise: 2_500_317 });
    expect(t.portfolio.wallet('paper')?.cashPaise).toBe(STARTING_CASH_PAISE - 2_500_317 - 2_500);
    expect(t.book.reconcile('paper').mismatches).toEqual([]);
  });

  it('keeps the broker’s message as the error of a REJECTED order, booking nothing', async () => {
    const t = setup();
    const message = 'UDAPI100036: insufficient funds for the order';
    t.scripted.answer('B-1', state('REJECTED', 0, null, { message }));
    await t.tracker.refresh(t.id);
    expect(t.order()).toMatchObject({ status: 'REJECTED', error: message, filledQuantity: 0 });
    expect(orderEventMessages(t).at(-1)).toBe(message);
    expect(t.kinds()).toEqual(['accepted', 'rejected']);
    expect(t.fills()).toEqual([]);
    expect(t.changed).toEqual([]);

    // A final order is never touched again, whatever the broker says later.
    t.scripted.answer('B-1', state('FILLED', 10, 250_000));
    await t.tracker.refresh(t.id);
    expect(t.order().status).toBe('REJECTED');
    expect(t.fills()).toEqual([]);
  });

  it('books a sliced order’s fills across its slices, CANCELLED once the working slice is cancelled', async () => {
    const t = setup(['B-1', 'B-2'], 3600);
    t.scripted.answer('B-1', state('FILLED', 1800, 250_000));
    t.scripted.answer('B-2', state('PARTIALLY_FILLED', 300, 250_100));
    await t.tracker.refresh(t.id);
    expect(t.order()).toMatchObject({ status: 'PARTIALLY_FILLED', filledQuantity: 2100 });

    t.scripted.answer('B-2', state('CANCELLED', 300, 250_100));
    await t.tracker.refresh(t.id);
    // 1,800 × 2,50,000 + 300 × 2,50,100 paise, booked as one fill; the cancel books nothing more.
    expect(t.fills().map((f) => [f.quantity, f.valuePaise])).toEqual([[2100, 525_030_000]]);
    expect(t.order()).toMatchObject({ status: 'CANCELLED', filledQuantity: 2100, filledValuePaise: 525_030_000 });
    expect(t.kinds()).toEqual(['accepted', 'fill', 'cancelled']);
  });
});

function orderEventMessages(t: ReturnType<typeof setup>): string[] {
  return t.orders.events(t.id).map((e) => e.message);
}
