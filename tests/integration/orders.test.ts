import { afterEach, describe, expect, it } from 'vitest';
import { OrderSchema, PositionSchema, WalletSchema } from '../../shared/domain/trading';
import { startApi, stopAll, type TestApi } from '../helpers/engine';
import { removeTempDirs } from '../helpers/temp-dir';
import { waitFor } from '../helpers/wait';

afterEach(async () => {
  await stopAll();
  removeTempDirs();
});

// Answers are checked against the contract's schemas or compared by field; read loosely here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

const RELIANCE = 'NSE_EQ|INE002A01018';

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

/** The demo engine with its feed streaming RELIANCE (in full mode, with depth). */
async function demoApp(): Promise<TestApi> {
  const app = await startApi({ feed: true });
  app.engine.start();
  await waitFor(
    async () => (await get(app, '/api/v1/instruments/search?q=RELIANCE')).length > 0,
    'the demo instrument master',
    20_000,
  );
  await send(app, 'POST', '/api/v1/feed/subscriptions', { instrumentKeys: [RELIANCE], mode: 'full' });
  await waitFor(
    async () => (await get(app, `/api/v1/feed/latest-ticks?keys=${encodeURIComponent(RELIANCE)}`))[RELIANCE],
    'a RELIANCE tick',
    20_000,
  );
  return app;
}

const orderSettled = (app: TestApi, id: number, statuses = ['FILLED', 'REJECTED', 'CANCELLED', 'FAILED']) =>
  waitFor(
    async () => {
      const order = await get(app, `/api/v1/orders/${id}`);
      return statuses.includes(order.status) ? order : undefined;
    },
    `order ${id} in ${statuses.join('/')}`,
    20_000,
  );

const ticket = (extra: Record<string, unknown> = {}) => ({
  instrumentKey: RELIANCE,
  side: 'BUY',
  quantity: 10,
  orderType: 'MARKET',
  product: 'I',
  ...extra,
});

describe('orders on the paper broker (demo market)', () => {
  it('queues a market order at once, fills it from the live price, and books the position, wallet and ledger', async () => {
    const app = await demoApp();
    const before = WalletSchema.parse(await get(app, '/api/v1/wallet'));
    expect(before).toMatchObject({ cash: 1_000_000, startingCash: 1_000_000, positionsAtCost: 0, equity: 1_000_000 });

    const placed = await send(app, 'POST', '/api/v1/orders', ticket({ clientOrderId: 'buy-reliance-1' }));
    expect(placed.status).toBe(202);
    expect(placed.body).toMatchObject({ clientOrderId: 'buy-reliance-1', status: 'QUEUED', duplicate: false });
    expect(placed.body.statusUrl).toBe(`/api/v1/orders/${placed.body.orderId}`);

    const order = OrderSchema.parse(await orderSettled(app, placed.body.orderId));
    expect(order).toMatchObject({ status: 'FILLED', broker: 'paper', filledQuantity: 10, attempts: 1, error: null });
    expect(order.tag).toMatch(/^[A-Z0-9]{1,20}$/);
    expect(order.brokerOrderId).toMatch(/^PAPER-/);
    expect(order.events.map((e) => e.kind)).toEqual(['queued', 'sent', 'accepted', 'fill']);
    expect(order.charges).toBeGreaterThan(0);

    const [position] = (await get(app, '/api/v1/positions')).map((p: unknown) => PositionSchema.parse(p));
    expect(position).toMatchObject({ instrumentKey: RELIANCE, product: 'I', netQuantity: 10, realisedPnl: 0 });
    expect(position!.averagePrice).toBeCloseTo(order.averagePrice!, 2);

    const wallet = WalletSchema.parse(await get(app, '/api/v1/wallet'));
    const cost = Math.round(order.averagePrice! * 10 * 100) / 100;
    expect(wallet.cash).toBeCloseTo(1_000_000 - cost - order.charges, 2);
    expect(wallet.positionsAtCost).toBeCloseTo(cost, 2);
    expect(wallet.charges).toBeCloseTo(order.charges, 2);

    const ledger = await get(app, '/api/v1/ledger');
    expect(ledger.map((e: Loose) => e.kind)).toEqual(['fill', 'deposit']);
    for (const entry of ledger)
      expect(entry.lines.reduce((sum: number, line: Loose) => sum + Math.round(line.amount * 100), 0)).toBe(0);
  });

  it('gives back the first order for the same clientOrderId, however many arrive at once', async () => {
    const app = await demoApp();
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => send(app, 'POST', '/api/v1/orders', ticket({ clientOrderId: 'same-50' }))),
    );
    const ids = new Set(answers.map((a) => a.body.orderId));
    expect(answers.every((a) => a.status === 202)).toBe(true);
    expect(ids.size).toBe(1);
    expect(answers.filter((a) => a.body.duplicate === false)).toHaveLength(1);
    const [id] = [...ids];
    const order = await orderSettled(app, id);
    expect(order.attempts).toBe(1);
    expect(await get(app, '/api/v1/orders')).toHaveLength(1);
    // One broker call: the paper book holds one order with the tag.
    const paperOrders = app.engine.db.prepare('SELECT COUNT(*) AS n FROM paper_orders WHERE tag = ?').get(order.tag);
    expect(paperOrders).toEqual({ n: 1 });

    const different = await send(app, 'POST', '/api/v1/orders', ticket({ clientOrderId: 'same-50', quantity: 20 }));
    expect(different.status).toBe(409);
    expect(different.body.error.details[0].path).toEqual(['clientOrderId']);
  });

  it('refuses bad tickets naming the field, and stores nothing', async () => {
    const app = await demoApp();
    const cases: [Record<string, unknown>, string[], string][] = [
      [{ quantity: 0 }, ['quantity'], 'VALIDATION_FAILED'],
      [{ quantity: -5 }, ['quantity'], 'VALIDATION_FAILED'],
      [{ quantity: 2.5 }, ['quantity'], 'VALIDATION_FAILED'],
      [{ instrumentKey: 'NSE_EQ|INE000X00000' }, ['instrumentKey'], 'VALIDATION_FAILED'],
      [{ instrumentKey: 'NSE_INDEX|Nifty 50' }, ['instrumentKey'], 'VALIDATION_FAILED'],
      [{ orderType: 'LIMIT' }, ['price'], 'VALIDATION_FAILED'],
      [{ orderType: 'SL', price: 100 }, ['triggerPrice'], 'VALIDATION_FAILED'],
      [{ orderType: 'LIMIT', price: 100.03 }, ['price'], 'VALIDATION_FAILED'],
      [{ orderType: 'MARKET', price: 100 }, ['price'], 'VALIDATION_FAILED'],
      [{ side: 'HOLD' }, ['side'], 'VALIDATION_FAILED'],
      [{ quantity: 20_000 }, ['quantity'], 'ORDER_LIMIT_EXCEEDED'],
      [{ quantity: 5_000 }, ['quantity'], 'ORDER_LIMIT_EXCEEDED'],
    ];
    for (const [change, path, code] of cases) {
      const answer = await send(app, 'POST', '/api/v1/orders', ticket(change));
      expect(answer.body.error?.code, JSON.stringify(change)).toBe(code);
      expect(answer.status).toBe(code === 'ORDER_LIMIT_EXCEEDED' ? 422 : 400);
      expect(answer.body.error.details.map((d: Loose) => d.path)).toContainEqual(path);
    }
    // A lot-sized future: 75 is one lot of NIFTY, 100 is not.
    const future = (await get(app, '/api/v1/instruments/search?q=NIFTY%20FUT&segment=NSE_FO'))[0];
    const offLot = await send(
      app,
      'POST',
      '/api/v1/orders',
      ticket({ instrumentKey: future.instrumentKey, quantity: future.lotSize + 1 }),
    );
    expect(offLot.body.error.details[0]).toMatchObject({ path: ['quantity'] });
    expect(offLot.body.error.details[0].message).toContain(`lots of ${future.lotSize}`);
    expect(await get(app, '/api/v1/orders')).toEqual([]);
    expect((await get(app, '/api/v1/jobs?kind=trading.order')).length).toBe(0);
  });

  it('keeps a limit order working until cancelled, and cancels it at the broker', async () => {
    const app = await demoApp();
    const ltp = (await get(app, `/api/v1/feed/latest-ticks?keys=${encodeURIComponent(RELIANCE)}`))[RELIANCE].ltp;
    const far = Math.round(ltp * 0.5 * 10) / 10;
    const placed = await send(app, 'POST', '/api/v1/orders', ticket({ orderType: 'LIMIT', price: far }));
    await orderSettled(app, placed.body.orderId, ['OPEN']);
    const cancelled = await send(app, 'POST', `/api/v1/orders/${placed.body.orderId}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', filledQuantity: 0 });
    expect(cancelled.body.events.map((e: Loose) => e.kind)).toEqual([
      'queued',
      'sent',
      'accepted',
      'cancel-requested',
      'cancelled',
    ]);
    const again = await send(app, 'POST', `/api/v1/orders/${placed.body.orderId}/cancel`);
    expect(again.status).toBe(409);
  });

  it('modifies a working limit order at the broker, checked like a new ticket, until it fills', async () => {
    const app = await demoApp();
    const ltp = (await get(app, `/api/v1/feed/latest-ticks?keys=${encodeURIComponent(RELIANCE)}`))[RELIANCE].ltp;
    const far = Math.round(ltp * 0.5 * 10) / 10;
    const placed = await send(app, 'POST', '/api/v1/orders', ticket({ orderType: 'LIMIT', price: far }));
    const id = placed.body.orderId;
    await orderSettled(app, id, ['OPEN']);

    const offTick = await send(app, 'POST', `/api/v1/orders/${id}/modify`, { price: far + 0.03 });
    expect(offTick.status).toBe(400);
    expect(offTick.body.error.details[0].path).toEqual(['price']);
    const tooBig = await send(app, 'POST', `/api/v1/orders/${id}/modify`, { quantity: 20_000 });
    expect(tooBig.body.error.code).toBe('ORDER_LIMIT_EXCEEDED');
    const nothing = await send(app, 'POST', `/api/v1/orders/${id}/modify`, {});
    expect(nothing.status).toBe(400);
    expect((await get(app, `/api/v1/orders/${id}`)).price).toBe(far);

    const cheaper = await send(app, 'POST', `/api/v1/orders/${id}/modify`, { quantity: 20, price: far - 1 });
    expect(cheaper.status).toBe(200);
    expect(cheaper.body).toMatchObject({ status: 'OPEN', quantity: 20, price: far - 1 });
    expect(cheaper.body.events.at(-1)).toMatchObject({ kind: 'modified' });
    expect(cheaper.body.events.at(-1).message).toContain('quantity 10 → 20');

    // Marketable now: it fills, at the new quantity.
    const marketable = await send(app, 'POST', `/api/v1/orders/${id}/modify`, { orderType: 'MARKET' });
    expect(marketable.status).toBe(200);
    const filled = await orderSettled(app, id);
    expect(filled).toMatchObject({ status: 'FILLED', filledQuantity: 20, orderType: 'MARKET', price: null });
    const final = await send(app, 'POST', `/api/v1/orders/${id}/modify`, { quantity: 30 });
    expect(final.status).toBe(409);
  });

  it('refuses live trading while no Upstox token is set', async () => {
    const app = await demoApp();
    const answer = await send(app, 'PUT', '/api/v1/settings', { tradingMode: 'live' });
    expect(answer.status).toBe(409);
    expect(answer.body.error).toMatchObject({ code: 'LIVE_TRADING_UNAVAILABLE', details: [{ path: ['tradingMode'] }] });
    expect((await get(app, '/api/v1/settings')).values.tradingMode).toBe('paper');
  });
});
