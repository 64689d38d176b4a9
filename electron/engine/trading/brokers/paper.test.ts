import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DepthLevel, Tick } from '../../../../shared/domain/feed';
import { WorkstationError } from '../../../../shared/errors';
import { FakeClock } from '../../../../tests/helpers/fake-clock';
import { makeTempDir, removeTempDirs } from '../../../../tests/helpers/temp-dir';
import { openDatabase } from '../../store/open';
import { createPaperOrderStore } from '../../store/paper-orders';
import type { Db } from '../../store/types';
import type { BrokerOrderRequest } from './broker';
import { createPaperBroker, type PaperInstrument } from './paper';

const RELIANCE = 'NSE_EQ|INE002A01018';
const NIFTY_FUT = 'NSE_FO|43919';
const INSTRUMENTS: Record<string, PaperInstrument> = {
  [RELIANCE]: { tickSize: 0.05, freezeQuantity: null },
  [NIFTY_FUT]: { tickSize: 0.1, freezeQuantity: 1800 },
};
const signal = new AbortController().signal;

/** The tick source: remembers each instrument's latest tick and hands every batch to the broker. */
function fakeMarket() {
  const latest = new Map<string, Tick>();
  const handlers = new Set<(ticks: readonly Tick[]) => void>();
  return {
    latest: (instrumentKey: string) => latest.get(instrumentKey) ?? null,
    onTicks(handler: (ticks: readonly Tick[]) => void) {
      handlers.add(handler);
      return () => void handlers.delete(handler);
    },
    push(...ticks: Tick[]) {
      for (const tick of ticks) latest.set(tick.instrumentKey, tick);
      for (const handler of handlers) handler(ticks);
    },
  };
}
type FakeMarket = ReturnType<typeof fakeMarket>;

let receivedAt = Date.parse('2026-01-05T04:00:00.000Z');
/** A tick at `ltp`; with `book` rows of `[bidQty, bid, askQty, ask]`, a full-mode tick with that depth. */
function tick(instrumentKey: string, ltp: number, book: [number, number, number, number][] | null = null): Tick {
  receivedAt += 1;
  const depth: DepthLevel[] | null = book && book.map(([bidQty, bid, askQty, ask]) => ({ bidQty, bid, askQty, ask }));
  return {
    instrumentKey,
    mode: depth ? 'full' : 'ltpc',
    ltp,
    ltt: receivedAt,
    ltq: 1,
    cp: ltp,
    volume: null,
    oi: null,
    iv: null,
    atp: null,
    bid: depth?.[0]?.bid ?? null,
    ask: depth?.[0]?.ask ?? null,
    bidQty: depth?.[0]?.bidQty ?? null,
    askQty: depth?.[0]?.askQty ?? null,
    tbq: null,
    tsq: null,
    greeks: null,
    depth,
    exchangeTs: receivedAt,
    receivedAt,
  };
}

const ticket = (overrides: Partial<BrokerOrderRequest> = {}): BrokerOrderRequest => ({
  tag: 'T1',
  instrumentKey: RELIANCE,
  side: 'BUY',
  quantity: 10,
  orderType: 'MARKET',
  pricePaise: null,
  triggerPricePaise: null,
  product: 'D',
  ...overrides,
});

const opened: Db[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) if (db.open) db.close();
  removeTempDirs();
});

function setup(options: { file?: string; market?: FakeMarket; clock?: FakeClock } = {}) {
  const db = openDatabase(options.file ?? path.join(makeTempDir(), 'test.db'));
  opened.push(db);
  const clock = options.clock ?? new FakeClock();
  const market = options.market ?? fakeMarket();
  const changes: string[] = [];
  const settings = { slippageBps: 0 };
  const broker = createPaperBroker({
    book: createPaperOrderStore(db),
    db,
    clock,
    market,
    instrument: (key) => INSTRUMENTS[key] ?? null,
    slippageBps: () => settings.slippageBps,
    onChange: (id) => changes.push(id),
  });
  broker.start();
  /** Places an order and lets its first match (on the clock's next turn) run; answers its only id. */
  async function place(overrides: Partial<BrokerOrderRequest> = {}): Promise<string> {
    const outcome = await broker.place(ticket(overrides), signal);
    if (outcome.kind !== 'accepted') throw new Error(`rejected: ${outcome.message}`);
    clock.advance(0);
    return outcome.brokerOrderIds[0]!;
  }
  const state = (id: string) => broker.order(id, signal);
  return { db, clock, market, broker, changes, settings, place, state };
}

describe('paper broker: market orders', () => {
  it('answers the placement first and fills at the last price right after, telling onChange', async () => {
    const { broker, market, clock, changes, state } = setup();
    market.push(tick(RELIANCE, 2500));
    const outcome = await broker.place(ticket({ quantity: 10 }), signal);
    expect(outcome).toEqual({ kind: 'accepted', brokerOrderIds: ['PAPER-20260105-1'] });
    expect(await state('PAPER-20260105-1')).toMatchObject({
      status: 'OPEN',
      filledQuantity: 0,
      averagePricePaise: null,
    });
    expect(changes).toEqual([]);
    clock.advance(0);
    expect(await state('PAPER-20260105-1')).toEqual({
      brokerOrderId: 'PAPER-20260105-1',
      tag: 'T1',
      status: 'FILLED',
      filledQuantity: 10,
      averagePricePaise: 250_000,
      message: null,
    });
    expect(changes).toEqual(['PAPER-20260105-1']);
  });

  it('waits without a live price and fills on the first tick', async () => {
    const { market, place, state } = setup();
    const id = await place({ side: 'SELL', quantity: 5 });
    expect((await state(id)).status).toBe('OPEN');
    market.push(tick(RELIANCE, 2480.35));
    expect(await state(id)).toMatchObject({ status: 'FILLED', filledQuantity: 5, averagePricePaise: 248_035 });
  });

  it('walks the ask side of the depth, filling only what it shows and the rest on later ticks', async () => {
    const { market, place, state, changes } = setup();
    const id = await place({ quantity: 300 });
    market.push(
      tick(RELIANCE, 2500, [
        [500, 2499.95, 100, 2500.05],
        [500, 2499.9, 50, 2500.1],
      ]),
    );
    // 100 × 2,500.05 + 50 × 2,500.10 = 3,75,010.00 for 150 shares.
    expect(await state(id)).toMatchObject({
      status: 'PARTIALLY_FILLED',
      filledQuantity: 150,
      averagePricePaise: 37_501_000 / 150,
    });
    market.push(tick(RELIANCE, 2500.2, [[500, 2500, 200, 2500.2]]));
    // + 150 × 2,500.20 = 3,75,030.00; 7,50,040.00 for 300 shares = 2,500.1333… a share.
    expect(await state(id)).toMatchObject({
      status: 'FILLED',
      filledQuantity: 300,
      averagePricePaise: 75_004_000 / 300,
    });
    expect(changes).toEqual([id, id]);
  });

  it('sells into the bid side', async () => {
    const { market, place, state } = setup();
    const id = await place({ side: 'SELL', quantity: 30 });
    market.push(
      tick(RELIANCE, 2500, [
        [20, 2499.95, 500, 2500.05],
        [20, 2499.9, 500, 2500.1],
      ]),
    );
    // 20 × 2,499.95 + 10 × 2,499.90 = 49,999.00 + 24,999.00 = 74,998.00 for 30.
    expect(await state(id)).toMatchObject({ status: 'FILLED', averagePricePaise: 7_499_800 / 30 });
  });

  it('pays the slippage, rounded to the tick size against the trader', async () => {
    const { market, place, state, settings } = setup();
    settings.slippageBps = 5;
    market.push(tick(RELIANCE, 1234.5));
    // buy: 1,234.50 × 1.0005 = 1,235.11725 → up to the next ₹0.05: 1,235.15.
    const buy = await place({ tag: 'B', quantity: 2 });
    expect(await state(buy)).toMatchObject({ status: 'FILLED', averagePricePaise: 123_515 });
    // sell: 1,234.50 × 0.9995 = 1,233.88275 → down to ₹0.05: 1,233.85.
    const sell = await place({ tag: 'S', side: 'SELL', quantity: 2 });
    expect(await state(sell)).toMatchObject({ status: 'FILLED', averagePricePaise: 123_385 });
  });

  it('slips each depth level it takes', async () => {
    const { market, place, state, settings } = setup();
    settings.slippageBps = 10;
    const id = await place({ quantity: 20 });
    // 2,000.00 × 1.001 = 2,002.00; 2,001.05 × 1.001 = 2,003.05105 → 2,003.10.
    market.push(
      tick(RELIANCE, 2000, [
        [10, 1999.95, 10, 2000],
        [10, 1999.9, 10, 2001.05],
      ]),
    );
    expect(await state(id)).toMatchObject({ status: 'FILLED', averagePricePaise: (10 * 200_200 + 10 * 200_310) / 20 });
  });
});

describe('paper broker: limit and stop orders', () => {
  it('fills a limit buy only at asks at or under its price, at those asks, without slippage', async () => {
    const { market, place, state, settings } = setup();
    settings.slippageBps = 50;
    const id = await place({ orderType: 'LIMIT', pricePaise: 250_050, quantity: 250 });
    market.push(
      tick(RELIANCE, 2500, [
        [100, 2499.95, 100, 2500],
        [100, 2499.9, 100, 2500.5],
        [100, 2499.85, 100, 2501],
      ]),
    );
    // 100 × 2,500.00 + 100 × 2,500.50; the ask at 2,501.00 is above the limit.
    expect(await state(id)).toMatchObject({
      status: 'PARTIALLY_FILLED',
      filledQuantity: 200,
      averagePricePaise: 250_025,
    });
  });

  it('fills a limit sell at bids at or over its price', async () => {
    const { market, place, state } = setup();
    const id = await place({ side: 'SELL', orderType: 'LIMIT', pricePaise: 250_000, quantity: 50 });
    market.push(tick(RELIANCE, 2499, [[40, 2499.95, 100, 2500.05]]));
    expect((await state(id)).status).toBe('OPEN');
    market.push(
      tick(RELIANCE, 2501, [
        [30, 2501, 100, 2501.05],
        [30, 2500, 100, 2501.1],
        [30, 2499.95, 100, 2501.15],
      ]),
    );
    // 30 × 2,501.00 + 20 × 2,500.00.
    expect(await state(id)).toMatchObject({ status: 'FILLED', averagePricePaise: (30 * 250_100 + 20 * 250_000) / 50 });
  });

  it('without depth fills a limit order in full at the last price once it crosses', async () => {
    const { market, place, state } = setup();
    const buy = await place({ tag: 'B', orderType: 'LIMIT', pricePaise: 250_000, quantity: 40 });
    const sell = await place({ tag: 'S', side: 'SELL', orderType: 'LIMIT', pricePaise: 251_000, quantity: 40 });
    market.push(tick(RELIANCE, 2505));
    expect([(await state(buy)).status, (await state(sell)).status]).toEqual(['OPEN', 'OPEN']);
    market.push(tick(RELIANCE, 2499.5));
    expect(await state(buy)).toMatchObject({ status: 'FILLED', filledQuantity: 40, averagePricePaise: 249_950 });
    market.push(tick(RELIANCE, 2512));
    expect(await state(sell)).toMatchObject({ status: 'FILLED', filledQuantity: 40, averagePricePaise: 251_200 });
  });

  it('triggers a stop-loss buy when the price rises to the trigger and keeps it triggered', async () => {
    const { db, market, place, state, changes } = setup();
    const id = await place({ orderType: 'SL', triggerPricePaise: 251_000, pricePaise: 251_200, quantity: 100 });
    market.push(tick(RELIANCE, 2505, [[100, 2504.95, 100, 2505.05]]));
    expect((await state(id)).status).toBe('OPEN');
    expect(changes).toEqual([]);
    // Triggered at 2,510.00, but the only ask (2,513.00) is above the limit: triggered, not filled, and said so.
    market.push(tick(RELIANCE, 2510, [[100, 2509.95, 100, 2513]]));
    expect(await state(id)).toMatchObject({ status: 'OPEN', filledQuantity: 0 });
    expect(changes).toEqual([id]);
    expect(db.prepare('SELECT triggered FROM paper_orders WHERE broker_order_id = ?').pluck().get(id)).toBe(1);
    // The price falls back under the trigger: the order is a limit order now and takes the ask at 2,511.00.
    market.push(tick(RELIANCE, 2508, [[100, 2507.95, 100, 2511]]));
    expect(await state(id)).toMatchObject({ status: 'FILLED', averagePricePaise: 251_100 });
  });

  it('triggers a stop-loss-market sell when the price falls to the trigger and fills it as a market order', async () => {
    const { market, place, state, settings } = setup();
    settings.slippageBps = 5;
    const id = await place({ side: 'SELL', orderType: 'SL-M', triggerPricePaise: 249_000, quantity: 10 });
    market.push(tick(RELIANCE, 2495));
    expect((await state(id)).status).toBe('OPEN');
    // 2,489.00 × 0.9995 = 2,487.7555 → down to ₹0.05: 2,487.75.
    market.push(tick(RELIANCE, 2489));
    expect(await state(id)).toMatchObject({ status: 'FILLED', averagePricePaise: 248_775 });
  });
});

describe('paper broker: shared depth', () => {
  it('lets two orders in one tick batch take each depth level once, oldest first', async () => {
    const { market, place, state } = setup();
    const first = await place({ tag: 'A', quantity: 80 });
    const second = await place({ tag: 'B', quantity: 80 });
    market.push(
      tick(RELIANCE, 2500, [
        [0, 0, 100, 2500],
        [0, 0, 100, 2501],
      ]),
    );
    expect(await state(first)).toMatchObject({ status: 'FILLED', averagePricePaise: 250_000 });
    // 20 left at 2,500.00, then 60 at 2,501.00.
    expect(await state(second)).toMatchObject({
      status: 'FILLED',
      averagePricePaise: (20 * 250_000 + 60 * 250_100) / 80,
    });
  });

  it('does not give a new order the depth an earlier order took from the same book', async () => {
    const { market, place, state } = setup();
    const resting = await place({ tag: 'A', quantity: 80 });
    market.push(tick(RELIANCE, 2500, [[0, 0, 100, 2500]]));
    expect((await state(resting)).status).toBe('FILLED');
    const late = await place({ tag: 'B', quantity: 50 });
    expect(await state(late)).toMatchObject({ status: 'PARTIALLY_FILLED', filledQuantity: 20 });
    // A new book shows its depth afresh.
    market.push(tick(RELIANCE, 2500, [[0, 0, 100, 2500]]));
    expect(await state(late)).toMatchObject({ status: 'FILLED', filledQuantity: 50, averagePricePaise: 250_000 });
  });
});

describe('paper broker: the order book', () => {
  it('cancels a working order, keeping what it filled, and fills no more of it', async () => {
    const { market, place, broker, state, changes } = setup();
    const id = await place({ quantity: 100 });
    market.push(tick(RELIANCE, 2500, [[0, 0, 40, 2500]]));
    await broker.cancel(id, signal);
    expect(await state(id)).toMatchObject({ status: 'CANCELLED', filledQuantity: 40, averagePricePaise: 250_000 });
    expect(changes).toEqual([id, id]);
    market.push(tick(RELIANCE, 2500, [[0, 0, 500, 2500]]));
    expect((await state(id)).filledQuantity).toBe(40);
  });

  it('refuses to cancel a final order, naming its status, and an unknown one', async () => {
    const { market, place, broker } = setup();
    market.push(tick(RELIANCE, 2500));
    const id = await place();
    await expect(broker.cancel(id, signal)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('FILLED'),
    });
    await expect(broker.cancel('PAPER-20260105-99', signal)).rejects.toBeInstanceOf(WorkstationError);
    await expect(broker.cancel('PAPER-20260105-99', signal)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(broker.order('PAPER-20260105-99', signal)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('slices an order above the freeze quantity into children under one tag', async () => {
    const { broker, clock, market } = setup();
    const outcome = await broker.place(
      ticket({ tag: 'BIG', instrumentKey: NIFTY_FUT, orderType: 'LIMIT', pricePaise: 2_450_000, quantity: 4_000 }),
      signal,
    );
    expect(outcome).toEqual({
      kind: 'accepted',
      brokerOrderIds: ['PAPER-20260105-1', 'PAPER-20260105-2', 'PAPER-20260105-3'],
    });
    clock.advance(0);
    await broker.place(ticket({ tag: 'OTHER' }), signal);
    market.push(tick(NIFTY_FUT, 24_400));
    const states = await broker.ordersByTag('BIG', signal);
    expect(states.map((s) => [s.brokerOrderId, s.status, s.filledQuantity])).toEqual([
      ['PAPER-20260105-1', 'FILLED', 1_800],
      ['PAPER-20260105-2', 'FILLED', 1_800],
      ['PAPER-20260105-3', 'FILLED', 400],
    ]);
    expect(states.every((s) => s.tag === 'BIG' && s.averagePricePaise === 2_440_000)).toBe(true);
    expect(await broker.ordersByTag('NONE', signal)).toEqual([]);
  });

  it('rejects an unknown instrument, a price off the tick size and an order of too many slices, storing nothing', async () => {
    const { broker, db } = setup();
    expect(await broker.place(ticket({ instrumentKey: 'NSE_EQ|INE000000000' }), signal)).toEqual({
      kind: 'rejected',
      message: 'unknown instrument NSE_EQ|INE000000000',
    });
    expect(await broker.place(ticket({ orderType: 'LIMIT', pricePaise: 250_003 }), signal)).toEqual({
      kind: 'rejected',
      message: 'price ₹2500.03 is not a multiple of the tick size ₹0.05',
    });
    expect(await broker.place(ticket({ instrumentKey: NIFTY_FUT, quantity: 1_800 * 25 + 1 }), signal)).toMatchObject({
      kind: 'rejected',
      message: expect.stringContaining('26 slices'),
    });
    expect(await broker.place(ticket({ orderType: 'SL', pricePaise: 250_000 }), signal)).toEqual({
      kind: 'rejected',
      message: 'a SL order needs a trigger price',
    });
    expect(db.prepare('SELECT COUNT(*) FROM paper_orders').pluck().get()).toBe(0);
  });

  it('goes on matching the open orders after a restart', async () => {
    const file = path.join(makeTempDir(), 'test.db');
    const before = setup({ file });
    const id = await before.place({ orderType: 'LIMIT', pricePaise: 249_000, quantity: 10 });
    before.broker.stop();
    before.db.close();
    const after = setup({ file });
    after.market.push(tick(RELIANCE, 2489.5));
    expect(await after.state(id)).toMatchObject({ status: 'FILLED', averagePricePaise: 248_950 });
    expect(after.changes).toEqual([id]);
    expect((await after.broker.place(ticket({ tag: 'T2' }), signal)).kind).toBe('accepted');
    expect((await after.broker.ordersByTag('T2', signal))[0]?.brokerOrderId).toBe('PAPER-20260105-2');
  });

  it('stops matching once stopped, including a placement not yet matched', async () => {
    const { broker, market, clock, state } = setup();
    market.push(tick(RELIANCE, 2500));
    const outcome = await broker.place(ticket(), signal);
    broker.stop();
    clock.advance(0);
    market.push(tick(RELIANCE, 2500));
    const id = outcome.kind === 'accepted' ? outcome.brokerOrderIds[0]! : '';
    expect((await state(id)).status).toBe('OPEN');
  });
});
