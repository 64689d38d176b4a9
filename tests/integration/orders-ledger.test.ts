import { afterEach, describe, expect, it } from 'vitest';
import {
  isFinalOrderStatus,
  LedgerEntrySchema,
  OrderSchema,
  PositionSchema,
  WalletSchema,
} from '../../shared/domain/trading';
import type { Instrument } from '../../shared/domain/instruments';
import type { Order, OrderTicket } from '../../shared/domain/trading';
import { startApi, stopAll, type TestApi } from '../helpers/engine';
import { removeTempDirs } from '../helpers/temp-dir';
import { waitFor } from '../helpers/wait';

afterEach(async () => {
  await stopAll();
  removeTempDirs();
});

// Answers are parsed with the contract's schemas where their fields are used; read loosely otherwise.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

const EQUITIES = ['RELIANCE', 'TCS', 'HDFCBANK', 'INFY', 'ITC'];
const ORDERS = 300;
const BATCH = 10;

async function get(app: TestApi, route: string): Promise<Loose> {
  const response = await app.call(route);
  expect(response.status, route).toBe(200);
  return response.json();
}

async function send(app: TestApi, method: string, route: string, body?: unknown) {
  const response = await app.call(route, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Loose };
}

/** mulberry32: the same run of tickets every time (the market's prices still move as they will). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const paise = (rupees: number) => Math.round(rupees * 100);

interface Touch {
  ltp: number;
  bid: number | null;
  ask: number | null;
}

/**
 * One random ticket: side, instrument, a few lots, MARKET, LIMIT a few ticks either side of the touch (some cross and
 * fill, some rest), or SL-M a few ticks beyond the last price; intraday or delivery. Every quantity stays under 100,
 * so that an order's value is recovered to the paisa from its average price (kept to 4 decimals).
 */
function randomTicket(random: () => number, instrument: Instrument, touch: Touch, i: number): OrderTicket {
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const side = random() < 0.5 ? 'BUY' : 'SELL';
  const lots = instrument.lotSize > 1 ? 1 : int(1, 20);
  const tick = paise(instrument.tickSize);
  const onTick = (rupees: number, ticks: number) => (Math.round(paise(rupees) / tick) + ticks) * (tick / 100);
  const base = {
    instrumentKey: instrument.instrumentKey,
    side,
    quantity: lots * Math.max(1, instrument.lotSize),
    product: random() < 0.5 ? 'I' : 'D',
    clientOrderId: `ledger-run-${i}`,
  } as const;
  const kind = random();
  if (kind < 0.4) return { ...base, orderType: 'MARKET' };
  if (kind < 0.75) {
    // A buy from 3 ticks under the ask to 1 over it; a sell from 1 under the bid to 3 over it.
    const price =
      side === 'BUY' ? onTick(touch.ask ?? touch.ltp, int(-3, 1)) : onTick(touch.bid ?? touch.ltp, int(-1, 3));
    return { ...base, orderType: 'LIMIT', price: round2(price) };
  }
  const trigger = onTick(touch.ltp, side === 'BUY' ? int(1, 4) : -int(1, 4));
  return { ...base, orderType: 'SL-M', triggerPrice: round2(trigger) };
}

const round2 = (rupees: number) => Math.round(rupees * 100) / 100;

async function allOrders(app: TestApi): Promise<Order[]> {
  return ((await get(app, '/api/v1/orders?limit=1000')) as unknown[]).map((o) => OrderSchema.parse(o));
}

describe('the paper ledger after a randomised run of orders', () => {
  it('keeps cash + positions at cost = starting cash − charges + realised P&L to the paisa', async () => {
    const app = await startApi({ feed: true });
    app.engine.start();
    await waitFor(
      async () => (await get(app, '/api/v1/instruments/search?q=RELIANCE')).length > 0,
      'the demo instrument master',
      20_000,
    );
    const instruments: Instrument[] = [];
    for (const symbol of EQUITIES) {
      const found: Instrument[] = await get(app, `/api/v1/instruments/search?q=${symbol}&segment=NSE_EQ`);
      instruments.push(found.find((i) => i.tradingSymbol === symbol)!);
    }
    const [future] = (await get(app, '/api/v1/instruments/search?q=NIFTY%20FUT&segment=NSE_FO')) as Instrument[];
    expect(future!.lotSize).toBeLessThan(100);
    instruments.push(future!);
    const keys = instruments.map((i) => i.instrumentKey);
    expect(keys.every(Boolean)).toBe(true);

    // A lot of NIFTY is worth more than the default ₹10 lakh limit.
    expect((await send(app, 'PUT', '/api/v1/settings', { maxOrderValue: 5_000_000 })).status).toBe(200);
    const subscribed = await send(app, 'POST', '/api/v1/feed/subscriptions', { instrumentKeys: keys, mode: 'full' });
    expect(subscribed.body.rejected).toEqual([]);
    const latestRoute = `/api/v1/feed/latest-ticks?keys=${keys.map(encodeURIComponent).join(',')}`;
    await waitFor(
      async () => {
        const latest = await get(app, latestRoute);
        return keys.every((k) => latest[k]?.bid > 0 && latest[k]?.ask > 0);
      },
      'a full-mode tick of every instrument',
      20_000,
    );
    const start = WalletSchema.parse(await get(app, '/api/v1/wallet'));

    const random = seeded(12_2026);
    for (let first = 0; first < ORDERS; first += BATCH) {
      const latest = await get(app, latestRoute);
      const tickets = Array.from({ length: BATCH }, (_, j) => {
        const instrument = instruments[Math.floor(random() * instruments.length)]!;
        return randomTicket(random, instrument, latest[instrument.instrumentKey], first + j);
      });
      const answers = await Promise.all(tickets.map((ticket) => send(app, 'POST', '/api/v1/orders', ticket)));
      answers.forEach((answer, j) => expect(answer.status, JSON.stringify(tickets[j])).toBe(202));
    }

    // Every order reaches the paper book; then the market moves on a while, so resting orders get their chance.
    await waitFor(
      async () => (await allOrders(app)).every((o) => o.status !== 'QUEUED' && o.status !== 'SUBMITTING'),
      'every order at the broker',
      30_000,
    );
    const ticksSoFar = (await get(app, '/api/v1/feed/status')).ticksTotal;
    await waitFor(
      async () => (await get(app, '/api/v1/feed/status')).ticksTotal >= ticksSoFar + 20 * keys.length,
      'more ticks of the subscribed instruments',
      20_000,
    );
    for (const order of await allOrders(app)) {
      if (isFinalOrderStatus(order.status)) continue;
      const cancelled = await send(app, 'POST', `/api/v1/orders/${order.orderId}/cancel`);
      // 409: it filled between the list and the cancel.
      expect([200, 409], JSON.stringify(cancelled.body)).toContain(cancelled.status);
    }
    const orders = await waitFor(
      async () => {
        const all = await allOrders(app);
        return all.every((o) => isFinalOrderStatus(o.status)) ? all : undefined;
      },
      'every order final',
      20_000,
    );
    expect(orders).toHaveLength(ORDERS);
    expect(orders.filter((o) => o.status === 'FAILED' || o.status === 'REJECTED')).toEqual([]);
    const filled = orders.filter((o) => o.filledQuantity > 0);
    expect(filled.length).toBeGreaterThan(ORDERS / 3);
    expect(orders.some((o) => o.status === 'CANCELLED')).toBe(true);

    // (a) From the wallet and the positions.
    const wallet = WalletSchema.parse(await get(app, '/api/v1/wallet'));
    const positions = ((await get(app, '/api/v1/positions?includeClosed=true')) as unknown[]).map((p) =>
      PositionSchema.parse(p),
    );
    const realised = positions.reduce((sum, p) => sum + paise(p.realisedPnl), 0);
    expect(realised).toBe(paise(wallet.realisedPnl));
    // Closing trades happened, so the check is about real P&L, not zeros.
    expect(realised).not.toBe(0);
    expect(paise(wallet.startingCash)).toBe(paise(start.startingCash));
    expect(paise(wallet.cash) + paise(wallet.positionsAtCost)).toBe(
      paise(wallet.startingCash) - paise(wallet.charges) + realised,
    );

    // (b) Independently, from the orders' fills: what was bought, sold and charged.
    let bought = 0;
    let sold = 0;
    let charges = 0;
    for (const order of filled) {
      const value = Math.round(order.averagePrice! * order.filledQuantity * 100);
      if (order.side === 'BUY') bought += value;
      else sold += value;
      charges += paise(order.charges);
    }
    expect(charges).toBeGreaterThan(0);
    expect(paise(wallet.charges)).toBe(charges);
    expect(paise(wallet.cash)).toBe(paise(start.cash) - bought + sold - charges);
    // What is still held at cost, less what was realised, is what was paid for net of what was sold.
    expect(paise(wallet.positionsAtCost) - realised).toBe(bought - sold);
    expect(paise(start.cash) - bought + sold - charges + paise(wallet.positionsAtCost)).toBe(
      paise(wallet.startingCash) - charges + realised,
    );

    // Every ledger entry balances, and the ledger's cash is the wallet's.
    const ledger = ((await get(app, '/api/v1/ledger?limit=1000')) as unknown[]).map((e) => LedgerEntrySchema.parse(e));
    expect(ledger.at(-1)?.kind).toBe('deposit');
    for (const entry of ledger)
      expect(
        entry.lines.reduce((sum, line) => sum + paise(line.amount), 0),
        entry.description,
      ).toBe(0);
    const ledgerTotal = (account: string) =>
      ledger.flatMap((e) => e.lines).reduce((sum, l) => (l.account === account ? sum + paise(l.amount) : sum), 0);
    expect(ledgerTotal('cash')).toBe(paise(wallet.cash));
    expect(ledgerTotal('charges')).toBe(charges);
    expect(ledger.filter((e) => e.kind === 'fill').length).toBeGreaterThanOrEqual(filled.length);

    // The nightly reconciliation, run now, agrees.
    const run = await send(app, 'POST', '/api/v1/schedules/ledger-reconciliation/run');
    expect(run.status).toBe(202);
    const job = await waitFor(
      async () => {
        const current = await get(app, `/api/v1/jobs/${run.body.jobId}`);
        return ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(current.status) ? current : undefined;
      },
      'the ledger reconciliation',
      20_000,
    );
    expect(job).toMatchObject({ status: 'SUCCEEDED', error: null });
    expect(job.result.walletCash).toBe(paise(wallet.cash));
    expect(job.result.unbalancedEntries).toBe(0);
  }, 90_000);
});
