import { afterEach, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../../shared/contract';
import type { Tick } from '../../../shared/domain/feed';
import type { Job } from '../../../shared/domain/jobs';
import { SETTINGS_DEFAULTS, type Settings } from '../../../shared/domain/settings';
import type { OrderProduct, OrderSide, OrderTicket, PortfolioChangedEvent } from '../../../shared/domain/trading';
import { DAY_MS } from '../../../shared/time';
import { FakeClock } from '../../../tests/helpers/fake-clock';
import { closeTestJobs, createTestJobs } from '../../../tests/helpers/jobs';
import { removeTempDirs } from '../../../tests/helpers/temp-dir';
import { waitFor } from '../../../tests/helpers/wait';
import { createEventHub } from '../common/events';
import { createMemoryLogger } from '../common/logger';
import type { InstrumentRecord } from '../store/instruments';
import { createTradingModule, type TradingModule, type TradingModuleDeps } from './module';

/**
 * The trading module alone on the job runner, a real database and a FakeClock, with a hand-fed market: the
 * maintenance jobs run through their schedules' "run now", as a user would start them.
 */

const RELIANCE = 'NSE_EQ|INE002A01018';
const TCS = 'NSE_EQ|INE467B01029';
const INFY = 'NSE_EQ|INE009A01021';
const HDFCBANK = 'NSE_EQ|INE040A01034';
const NIFTY_JAN = 'NSE_FO|49001';
const BANKNIFTY_JAN = 'NSE_FO|49002';
const NIFTY_FEB = 'NSE_FO|49003';
const NIFTY_DEC = 'NSE_FO|49004';

/** Monday 5 January 2026, 15:20 IST: the square-off minute of a trading day. */
const SQUARE_OFF_TIME = '2026-01-05T09:50:00.000Z';

const equity = (instrumentKey: string, tradingSymbol: string, token: string): InstrumentRecord => ({
  instrumentKey,
  tradingSymbol,
  name: tradingSymbol,
  segment: 'NSE_EQ',
  exchange: 'NSE',
  instrumentType: 'EQ',
  lotSize: 1,
  tickSize: 0.05,
  expiry: null,
  strikePrice: null,
  underlyingKey: null,
  underlyingSymbol: null,
  isin: instrumentKey.split('|')[1]!,
  exchangeToken: token,
  freezeQuantity: null,
  weekly: null,
});

const future = (instrumentKey: string, tradingSymbol: string, expiry: string, lotSize: number): InstrumentRecord => ({
  instrumentKey,
  tradingSymbol,
  name: tradingSymbol.startsWith('BANK') ? 'BANKNIFTY' : 'NIFTY',
  segment: 'NSE_FO',
  exchange: 'NSE',
  instrumentType: 'FUT',
  lotSize,
  tickSize: 0.1,
  expiry,
  strikePrice: null,
  underlyingKey: tradingSymbol.startsWith('BANK') ? 'NSE_INDEX|Nifty Bank' : 'NSE_INDEX|Nifty 50',
  underlyingSymbol: tradingSymbol.startsWith('BANK') ? 'BANKNIFTY' : 'NIFTY',
  isin: null,
  exchangeToken: instrumentKey.split('|')[1]!,
  freezeQuantity: 1800,
  weekly: false,
});

const MASTER: InstrumentRecord[] = [
  equity(RELIANCE, 'RELIANCE', '2885'),
  equity(TCS, 'TCS', '11536'),
  equity(INFY, 'INFY', '1594'),
  equity(HDFCBANK, 'HDFCBANK', '1333'),
  // Expiring today (settled after the close), a month out, and one whose expiry has passed.
  future(NIFTY_JAN, 'NIFTY26JAN05FUT', '2026-01-05', 75),
  future(BANKNIFTY_JAN, 'BANKNIFTY26JAN05FUT', '2026-01-05', 30),
  future(NIFTY_FEB, 'NIFTY26FEBFUT', '2026-02-24', 75),
  future(NIFTY_DEC, 'NIFTY25DECFUT', '2025-12-30', 75),
];

/** The feed as the trading module sees it: the latest tick of each instrument, and each new batch. */
function handFedMarket(clock: FakeClock) {
  const latest = new Map<string, Tick>();
  const handlers = new Set<(ticks: readonly Tick[]) => void>();
  // Arriving now: the paper broker fills only against a fresh tick.
  const tick = (instrumentKey: string, ltp: number): Tick => {
    const receivedAt = clock.now();
    return {
      instrumentKey,
      mode: 'ltpc',
      ltp,
      ltt: receivedAt,
      ltq: 1,
      cp: ltp,
      volume: null,
      oi: null,
      iv: null,
      atp: null,
      bid: null,
      ask: null,
      bidQty: null,
      askQty: null,
      tbq: null,
      tsq: null,
      greeks: null,
      depth: null,
      exchangeTs: receivedAt,
      receivedAt,
    };
  };
  const feed = {
    pipeline: {
      latest: (keys: readonly string[] = [...latest.keys()]) =>
        new Map(keys.flatMap((k) => (latest.has(k) ? [[k, latest.get(k)!] as const] : []))),
      onTicks(handler: (ticks: readonly Tick[]) => void) {
        handlers.add(handler);
        return () => void handlers.delete(handler);
      },
    },
    source: () => null,
    service: { subscribe: () => ({ subscribed: 0, rejected: [] }) },
    isSubscribed: () => true,
  };
  return {
    // Only what the trading module reads of the feed module is here.
    feed: feed as unknown as TradingModuleDeps['market'],
    /** Sets the last prices without a trade reaching the paper book (as before the first tick of a batch). */
    setPrices(prices: Record<string, number>) {
      for (const [key, ltp] of Object.entries(prices)) latest.set(key, tick(key, ltp));
    },
    /** No price any more: an expired contract's feed has stopped. */
    forget(instrumentKey: string) {
      latest.delete(instrumentKey);
    },
    /** New ticks, handed to the paper broker as the feed would. */
    push(prices: Record<string, number>) {
      const ticks = Object.entries(prices).map(([key, ltp]) => tick(key, ltp));
      for (const t of ticks) latest.set(t.instrumentKey, t);
      for (const handler of handlers) handler(ticks);
    },
  };
}

const modules: TradingModule[] = [];
afterEach(async () => {
  for (const module of modules.splice(0)) await module.stop();
  await closeTestJobs();
  removeTempDirs();
});

async function setup() {
  const clock = new FakeClock(SQUARE_OFF_TIME);
  const harness = createTestJobs({ clock });
  await harness.stores.instruments.replaceAll(MASTER);
  const market = handFedMarket(clock);
  const hub = createEventHub({ clock, logger: createMemoryLogger(), validate: true });
  const events: EventEnvelope[] = [];
  hub.subscribe((envelope) => events.push(envelope));
  // Slippage off, so that every paper fill is at the last price and the sums below are by hand.
  const settings: Settings = { ...SETTINGS_DEFAULTS, paperSlippageBps: 0 };
  const trading = createTradingModule({
    stores: harness.stores,
    clock,
    logger: createMemoryLogger(),
    emit: hub.emit,
    jobs: harness.jobs.service,
    settings: { values: () => settings, upstoxToken: () => null },
    market: market.feed,
  });
  modules.push(trading);
  harness.jobs.register(trading);
  trading.start();
  harness.jobs.start();
  const { orders, portfolio, db } = harness.stores;

  const orderOf = (id: number) => orders.get(id)!;
  /** Waits until the order is in one of `statuses`, letting the paper book's first match (a zero-delay timer) run. */
  const settled = (id: number, statuses: readonly string[]) =>
    waitFor(
      () => {
        clock.advance(0);
        return statuses.includes(orderOf(id).status) ? orderOf(id) : undefined;
      },
      `order ${id} to be ${statuses.join('/')}`,
    );

  /** A MARKET order filled at `price`: how a position comes to be. */
  async function trade(instrumentKey: string, side: OrderSide, quantity: number, product: OrderProduct, price: number) {
    market.setPrices({ [instrumentKey]: price });
    const { orderId } = trading.service.place({ instrumentKey, side, quantity, orderType: 'MARKET', product });
    return settled(orderId, ['FILLED']);
  }

  async function runSchedule(name: string): Promise<Job> {
    const { jobId } = harness.jobs.scheduler.runNow(name);
    return harness.waitForStatus(jobId, ['SUCCEEDED', 'FAILED', 'CANCELLED']);
  }

  const position = (instrumentKey: string, product: OrderProduct) =>
    portfolio.position('paper', instrumentKey, product);

  return {
    clock,
    harness,
    market,
    trading,
    events,
    orders,
    portfolio,
    db,
    orderOf,
    settled,
    trade,
    runSchedule,
    position,
  };
}

type Setup = Awaited<ReturnType<typeof setup>>;

/** Long 10 RELIANCE and short 5 TCS intraday, long 20 INFY for delivery, and a closed intraday HDFCBANK. */
async function dayOfTrading(t: Setup) {
  await t.trade(RELIANCE, 'BUY', 10, 'I', 2500);
  await t.trade(TCS, 'SELL', 5, 'I', 3250);
  await t.trade(INFY, 'BUY', 20, 'D', 1600);
  await t.trade(HDFCBANK, 'BUY', 10, 'I', 990);
  await t.trade(HDFCBANK, 'SELL', 10, 'I', 995);
}

interface SquareOffResult {
  cancelled: number;
  squareOffOrders: number[];
  failed: { instrumentKey: string; error: string }[];
}

const ticketOf = (t: Setup, id: number): Partial<OrderTicket> & { clientOrderId: string } => {
  const o = t.orderOf(id);
  return {
    instrumentKey: o.instrumentKey,
    side: o.side,
    quantity: o.quantity,
    orderType: o.orderType,
    product: o.product,
    clientOrderId: o.clientOrderId,
  };
};

describe('the 15:20 intraday square-off', () => {
  it('places an opposite MARKET order for each open intraday position only, and a second run places nothing new', async () => {
    const t = await setup();
    await dayOfTrading(t);
    // A working intraday limit order is cancelled first; a delivery one is the user's and stays.
    const intradayLimit = t.trading.service.place(limit(RELIANCE, 'BUY', 5, 'I', 2000)).orderId;
    const deliveryLimit = t.trading.service.place(limit(INFY, 'BUY', 5, 'D', 1200)).orderId;
    await t.settled(intradayLimit, ['OPEN']);
    await t.settled(deliveryLimit, ['OPEN']);
    const ordersBefore = t.orders.list(undefined, 1000).length;
    // No tick for a few minutes: the square-off orders wait for a fresh price.
    t.clock.advance(3 * 60_000);

    const first = await t.runSchedule('intraday-square-off');
    expect(first.status).toBe('SUCCEEDED');
    const result = first.result as SquareOffResult;
    expect(result.cancelled).toBe(1);
    expect(t.orderOf(intradayLimit).status).toBe('CANCELLED');
    expect(t.orderOf(deliveryLimit).status).toBe('OPEN');

    const tickets = result.squareOffOrders.map((id) => ticketOf(t, id));
    expect(tickets.map(({ clientOrderId: _id, ...rest }) => rest).sort(bySymbol)).toEqual([
      { instrumentKey: RELIANCE, side: 'SELL', quantity: 10, orderType: 'MARKET', product: 'I' },
      { instrumentKey: TCS, side: 'BUY', quantity: 5, orderType: 'MARKET', product: 'I' },
    ]);
    for (const ticket of tickets) expect(ticket.clientOrderId).toMatch(/^squareoff-2026-01-05-TD[0-9A-F]{18}$/);
    // Sent to the paper broker like any order; unfilled without a fresh tick.
    for (const id of result.squareOffOrders) await t.settled(id, ['OPEN']);
    expect(t.orders.list(undefined, 1000)).toHaveLength(ordersBefore + 2);

    const second = await t.runSchedule('intraday-square-off');
    expect(second.status).toBe('SUCCEEDED');
    const numerically = (a: number, b: number) => a - b;
    expect((second.result as SquareOffResult).squareOffOrders.sort(numerically)).toEqual(
      [...result.squareOffOrders].sort(numerically),
    );
    expect(t.orders.list(undefined, 1000)).toHaveLength(ordersBefore + 2);
  });

  it('leaves the square-off orders of an earlier run working when it runs again', async () => {
    const t = await setup();
    await t.trade(RELIANCE, 'BUY', 10, 'I', 2500);
    t.clock.advance(3 * 60_000);
    const first = (await t.runSchedule('intraday-square-off')).result as SquareOffResult;
    const [squareOff] = first.squareOffOrders;
    await t.settled(squareOff!, ['OPEN']);

    // A retry after a failed attempt, or a manual "run now" after the 15:20 run.
    const second = await t.runSchedule('intraday-square-off');
    expect(second.status).toBe('SUCCEEDED');
    // The position is still open: the order closing it must still be working, not cancelled by the job itself.
    expect(t.position(RELIANCE, 'I')?.netQuantity).toBe(10);
    expect(t.orderOf(squareOff!).status).toBe('OPEN');
    expect((second.result as SquareOffResult).cancelled).toBe(0);
  });

  it('closes the intraday positions at the market, realising their P&L, and then has nothing left to do', async () => {
    const t = await setup();
    await dayOfTrading(t);
    t.market.setPrices({ [RELIANCE]: 2510, [TCS]: 3240 });
    const result = (await t.runSchedule('intraday-square-off')).result as SquareOffResult;
    for (const id of result.squareOffOrders) await t.settled(id, ['FILLED']);

    // RELIANCE: 10 bought at ₹2,500, sold at ₹2,510: ₹100. TCS: 5 sold at ₹3,250, bought back at ₹3,240: ₹50.
    expect(t.position(RELIANCE, 'I')).toMatchObject({ netQuantity: 0, costPaise: 0, realisedPaise: 10_000 });
    expect(t.position(TCS, 'I')).toMatchObject({ netQuantity: 0, costPaise: 0, realisedPaise: 5_000 });
    expect(t.position(INFY, 'D')).toMatchObject({ netQuantity: 20, costPaise: 3_200_000 });
    expect(t.trading.book.reconcile('paper').mismatches).toEqual([]);

    const again = (await t.runSchedule('intraday-square-off')).result as SquareOffResult;
    expect(again).toEqual({ cancelled: 0, squareOffOrders: [], failed: [] });
  });
});

function limit(instrumentKey: string, side: OrderSide, quantity: number, product: OrderProduct, price: number) {
  return { instrumentKey, side, quantity, orderType: 'LIMIT' as const, price, product };
}

const bySymbol = (a: { instrumentKey?: string }, b: { instrumentKey?: string }) =>
  (a.instrumentKey ?? '').localeCompare(b.instrumentKey ?? '');

interface SettleResult {
  settled: string[];
  unpriced: string[];
}

describe('settling expired futures', () => {
  it('settles expired futures at their last price, long or short, and leaves unexpired and unpriced ones', async () => {
    const t = await setup();
    // Guards off (a lot of NIFTY is above the default ₹10 lakh limit): the settlement is what is under test.
    const buyOrSell = async (instrumentKey: string, side: OrderSide, quantity: number, price: number) => {
      t.market.setPrices({ [instrumentKey]: price });
      const { orderId } = t.trading.service.place(
        { instrumentKey, side, quantity, orderType: 'MARKET', product: 'D' },
        { guards: false },
      );
      await t.settled(orderId, ['FILLED']);
    };
    // Bought in December, before that contract expired on the 30th; its feed has stopped since.
    t.clock.set('2025-12-29T05:00:00.000Z');
    await buyOrSell(NIFTY_DEC, 'BUY', 75, 23800);
    t.market.forget(NIFTY_DEC);
    // 15:30 IST on the expiry day of the January contracts: the close (the schedule itself fires at 15:35).
    t.clock.set('2026-01-05T10:00:00.000Z');
    await buyOrSell(NIFTY_JAN, 'BUY', 75, 24000);
    await buyOrSell(BANKNIFTY_JAN, 'SELL', 30, 52000);
    await buyOrSell(NIFTY_FEB, 'BUY', 75, 24150);
    // The expiry-day closes.
    t.market.setPrices({ [NIFTY_JAN]: 24100.5, [BANKNIFTY_JAN]: 51900, [NIFTY_FEB]: 24200 });
    const cashBefore = t.portfolio.wallet('paper')!.cashPaise;

    const job = await t.runSchedule('settle-expiries');
    expect(job.status).toBe('SUCCEEDED');
    expect((job.result as SettleResult).settled.sort()).toEqual(['BANKNIFTY26JAN05FUT', 'NIFTY26JAN05FUT']);
    expect((job.result as SettleResult).unpriced).toEqual(['NIFTY25DECFUT']);

    // NIFTY: 75 bought at ₹24,000 (180,000,000 paise), settled at ₹24,100.50: 75 × 2,410,050 = 180,753,750,
    // realising 753,750 paise (₹7,537.50).
    expect(t.position(NIFTY_JAN, 'D')).toMatchObject({ netQuantity: 0, costPaise: 0, realisedPaise: 753_750 });
    // BANKNIFTY: 30 sold at ₹52,000, bought back at ₹51,900: ₹3,000.
    expect(t.position(BANKNIFTY_JAN, 'D')).toMatchObject({ netQuantity: 0, costPaise: 0, realisedPaise: 300_000 });
    expect(t.position(NIFTY_FEB, 'D')).toMatchObject({ netQuantity: 75, costPaise: 181_125_000, realisedPaise: 0 });
    expect(t.position(NIFTY_DEC, 'D')).toMatchObject({ netQuantity: 75, costPaise: 178_500_000 });
    // Cash in for the long, out for the short: no charges on a settlement.
    expect(t.portfolio.wallet('paper')!.cashPaise).toBe(cashBefore + 180_753_750 - 30 * 5_190_000);

    const settlements = t.portfolio.entries('paper', 100).filter((e) => e.kind === 'settlement');
    expect(settlements.map((e) => e.description).sort()).toEqual([
      'BANKNIFTY26JAN05FUT expired: 30 settled at ₹51900',
      'NIFTY26JAN05FUT expired: 75 settled at ₹24100.5',
    ]);
    const nifty = settlements.find((e) => e.description.startsWith('NIFTY'))!;
    expect(nifty.lines).toEqual(
      expect.arrayContaining([
        { account: 'cash', amountPaise: 180_753_750 },
        { account: 'positions', amountPaise: -180_000_000 },
        { account: 'realised_pnl', amountPaise: -753_750 },
      ]),
    );
    expect(t.portfolio.fills('paper').filter((f) => f.source === 'settlement')).toHaveLength(2);
    // Windows showing positions hear of it: the next portfolio_changed (a moment later) has the settled book.
    t.clock.advance(1_000);
    const announced = t.events.filter((e) => e.event === 'portfolio_changed').at(-1)?.payload as PortfolioChangedEvent;
    expect(announced.positions.find((p) => p.instrumentKey === NIFTY_JAN)).toMatchObject({
      netQuantity: 0,
      realisedPnl: 7_537.5,
    });
    expect(announced.wallet.cash).toBe(t.portfolio.wallet('paper')!.cashPaise / 100);
    expect(t.trading.book.reconcile('paper').mismatches).toEqual([]);
  });
});

describe('the nightly ledger reconciliation', () => {
  it('passes on a consistent book, and fails with LEDGER_MISMATCH and a critical error once the wallet is a paisa off', async () => {
    const t = await setup();
    await dayOfTrading(t);
    const good = await t.runSchedule('ledger-reconciliation');
    expect(good.status).toBe('SUCCEEDED');
    const figures = good.result as Record<string, number>;
    expect(figures.walletCash).toBe(figures.ledgerCash);
    expect(figures.positionsAtCost).toBe(figures.ledgerPositions);
    // Open: 20 INFY at ₹1,600 and 10 RELIANCE at ₹2,500, less 5 TCS short at ₹3,250.
    expect(figures.positionsAtCost).toBe(3_200_000 + 2_500_000 - 1_625_000);
    expect(figures.realised).toBe(5_000);
    expect(figures.unbalancedEntries).toBe(0);
    expect(t.events.some((e) => e.event === 'critical_error')).toBe(false);

    t.db.prepare("UPDATE wallets SET cash_paise = cash_paise + 1 WHERE broker = 'paper'").run();
    const bad = await t.runSchedule('ledger-reconciliation');
    expect(bad.status).toBe('FAILED');
    expect(bad.error?.code).toBe('LEDGER_MISMATCH');
    expect(bad.error?.message).toContain('wallet cash against the ledger');
    const critical = t.events.filter((e) => e.event === 'critical_error').map((e) => e.payload);
    expect(critical).toEqual([
      expect.objectContaining({ severity: 'critical', component: 'trading', errorCode: 'LEDGER_MISMATCH' }),
    ]);
    expect(JSON.stringify(critical[0])).toContain('wallet cash against the ledger');
  });
});

describe('archiving old orders', () => {
  it('takes only finished orders that never filled, older than the retention, out of the blotter', async () => {
    const t = await setup();
    const now = t.clock.now();
    const old = now - 40 * DAY_MS;
    const recent = now - 5 * DAY_MS;
    const make = (
      name: string,
      at: number,
      status: 'CANCELLED' | 'REJECTED' | 'FAILED' | 'FILLED' | 'OPEN',
      filled = 0,
    ) => {
      const id = t.orders.insert({
        clientOrderId: name,
        tag: `TAG${name.toUpperCase().replaceAll('-', '')}`,
        broker: 'paper',
        instrumentKey: RELIANCE,
        tradingSymbol: 'RELIANCE',
        side: 'BUY',
        quantity: 10,
        orderType: 'LIMIT',
        pricePaise: 250_000,
        triggerPricePaise: null,
        product: 'D',
        status: 'QUEUED',
        createdAt: at,
        updatedAt: at,
      });
      t.orders.update(id, { status, filledQuantity: filled, filledValuePaise: filled * 250_000 }, at);
      return id;
    };
    make('old-cancelled', old, 'CANCELLED');
    make('old-rejected', old, 'REJECTED');
    make('old-failed', old, 'FAILED');
    make('old-filled', old, 'FILLED', 10);
    make('old-part-filled', old, 'CANCELLED', 4);
    make('recent-cancelled', recent, 'CANCELLED');
    make('old-open', old, 'OPEN');

    const job = await t.runSchedule('archive-orders');
    expect(job.status).toBe('SUCCEEDED');
    expect(job.result).toEqual({ archived: 3 });
    expect(
      t.trading.service
        .list({ limit: 100 })
        .map((o) => o.clientOrderId)
        .sort(),
    ).toEqual(['old-filled', 'old-open', 'old-part-filled', 'recent-cancelled']);
    // Still there for the ledger and a direct look-up.
    expect(t.orders.byClientOrderId('old-cancelled')?.status).toBe('CANCELLED');
    expect((await t.runSchedule('archive-orders')).result).toEqual({ archived: 0 });
  });
});
