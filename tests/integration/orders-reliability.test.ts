import { afterEach, describe, expect, it } from 'vitest';
import { tagFor } from '../../electron/engine/trading/ticket';
import { ORDER_WORKER } from '../fixtures/order-worker';
import { killAllWorkers, spawnJobWorker } from '../fixtures/job-worker';
import { liveApp, liveEnv, startUpstox, type Cleanups, type LiveApp } from '../helpers/live-app';
import { makeTempDir, removeTempDirs } from '../helpers/temp-dir';
import { waitFor } from '../helpers/wait';

const cleanups: Cleanups = [];

afterEach(async () => {
  await killAllWorkers();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  removeTempDirs();
});

// Answers are compared by field; read loosely here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

const RELIANCE = 'NSE_EQ|INE002A01018';

/** The live engine trading on the simulator's Upstox, with resends 1 s after a reconcile that found nothing. */
async function liveTrading(seed: number) {
  const sim = await startUpstox(seed, cleanups);
  const app = await liveApp(sim, cleanups, 'tickdesk-orders-');
  const settings = await app.send('PUT', '/api/v1/settings', { tradingMode: 'live', orderRetryDelaySeconds: 1 });
  expect(settings.status).toBe(200);
  return { sim, app };
}

// The live world here has no feed running: LIMIT orders, which need no live price to be valued.
const limitBuy = (clientOrderId: string, price = 10) => ({
  instrumentKey: RELIANCE,
  side: 'BUY',
  quantity: 1,
  orderType: 'LIMIT',
  price,
  product: 'D',
  clientOrderId,
});

const settledOrder = (app: LiveApp, id: number, done = (o: Loose) => !['QUEUED', 'SUBMITTING'].includes(o.status)) =>
  waitFor(
    async () => {
      const order = await app.get(`/api/v1/orders/${id}`);
      return done(order) ? order : undefined;
    },
    `order ${id}`,
    40_000,
  );

describe('live orders on Upstox (the simulator), when answers are unclear', () => {
  it('accepts and then times out: the reconcile finds the order by its tag, and nothing is sent again', async () => {
    const { sim, app } = await liveTrading(21);
    sim.faults.orderFaults('accept-then-hang');
    const placed = await app.send('POST', '/api/v1/orders', limitBuy('hang-1'));
    expect(placed.status).toBe(202);
    const order = await settledOrder(app, placed.body.orderId);
    expect(order).toMatchObject({ status: 'OPEN', broker: 'upstox', attempts: 1 });
    expect(sim.faults.ordersByTag(order.tag)).toHaveLength(1);
    expect(order.brokerOrderId).toBe(sim.faults.ordersByTag(order.tag)[0]!.order_id);
    expect(order.events.map((e: Loose) => e.kind)).toEqual(['queued', 'sent', 'unclear', 'reconciled']);
    expect(order.events[2].message).toMatch(/timed out/);
    expect(sim.faults.orderLog().filter((entry) => entry.tag === order.tag)).toHaveLength(1);
  }, 60_000);

  it('accepts and then answers 500: the reconcile finds it, no duplicate', async () => {
    const { sim, app } = await liveTrading(22);
    sim.faults.orderFaults('accept-then-500');
    const placed = await app.send('POST', '/api/v1/orders', limitBuy('five-hundred-after'));
    const order = await settledOrder(app, placed.body.orderId);
    expect(order).toMatchObject({ status: 'OPEN', attempts: 1 });
    expect(sim.faults.ordersByTag(order.tag)).toHaveLength(1);
    expect(sim.faults.orderLog().filter((entry) => entry.tag === order.tag)).toHaveLength(1);
  }, 60_000);

  it('answers 500 before accepting: the reconcile finds nothing, the resend makes exactly one broker order', async () => {
    const { sim, app } = await liveTrading(23);
    sim.faults.orderFaults('500-before-accept');
    const placed = await app.send('POST', '/api/v1/orders', limitBuy('five-hundred-before'));
    const order = await settledOrder(app, placed.body.orderId);
    expect(order).toMatchObject({ status: 'OPEN', attempts: 2 });
    expect(order.events.map((e: Loose) => e.kind)).toEqual([
      'queued',
      'sent',
      'unclear',
      'reconciled',
      'reconciled',
      'resent',
      'accepted',
    ]);
    expect(sim.faults.ordersByTag(order.tag)).toHaveLength(1);
    expect(sim.faults.orderLog().filter((entry) => entry.tag === order.tag)).toHaveLength(2);
  }, 60_000);

  it('a 429 is unclear too: reconciled, then sent again once', async () => {
    const { sim, app } = await liveTrading(24);
    sim.faults.orderFaults('429');
    const placed = await app.send('POST', '/api/v1/orders', limitBuy('rate-limited'));
    const order = await settledOrder(app, placed.body.orderId);
    expect(order).toMatchObject({ status: 'OPEN', attempts: 2 });
    expect(sim.faults.ordersByTag(order.tag)).toHaveLength(1);
  }, 60_000);

  it("a 4xx rejection is final: REJECTED with the broker's message, never sent again", async () => {
    const { sim, app } = await liveTrading(25);
    sim.faults.orderFaults('reject');
    const placed = await app.send('POST', '/api/v1/orders', limitBuy('rejected'));
    const order = await settledOrder(app, placed.body.orderId);
    expect(order).toMatchObject({ status: 'REJECTED', attempts: 1 });
    expect(order.error).toMatch(/Insufficient funds/);
    expect(order.events.at(-1)).toMatchObject({ kind: 'rejected', status: 'REJECTED' });
    expect(sim.faults.orderLog().filter((entry) => entry.tag === order.tag)).toHaveLength(1);
    expect(sim.faults.ordersByTag(order.tag)).toHaveLength(0);
  }, 60_000);

  it('status after placing comes from the broker: a marketable limit order fills there', async () => {
    const { sim, app } = await liveTrading(26);
    const placed = await app.send('POST', '/api/v1/orders', limitBuy('marketable', 100_000));
    const order = await settledOrder(app, placed.body.orderId, (o) => o.status === 'FILLED');
    const [broker] = sim.faults.ordersByTag(order.tag);
    expect(broker!.status).toBe('complete');
    expect(order.averagePrice).toBeCloseTo(broker!.average_price, 2);
    const [position] = await app.get('/api/v1/positions?broker=upstox');
    expect(position).toMatchObject({ broker: 'upstox', instrumentKey: RELIANCE, netQuantity: 1 });
  }, 60_000);
});

describe('live orders modified and cancelled at Upstox (the simulator)', () => {
  it('modifies an open order there, and cancels it there', async () => {
    const { sim, app } = await liveTrading(28);
    const placed = await app.send('POST', '/api/v1/orders', limitBuy('modify-live'));
    const order = await settledOrder(app, placed.body.orderId);
    expect(order.status).toBe('OPEN');
    const modified = await app.send('POST', `/api/v1/orders/${order.orderId}/modify`, { quantity: 3, price: 11 });
    expect(modified.status).toBe(200);
    expect(modified.body).toMatchObject({ status: 'OPEN', quantity: 3, price: 11 });
    const [atBroker] = sim.faults.ordersByTag(order.tag);
    expect(atBroker).toMatchObject({ quantity: 3, price: 11, status: 'open' });

    const cancelled = await app.send('POST', `/api/v1/orders/${order.orderId}/cancel`);
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED' });
    expect(sim.faults.ordersByTag(order.tag)[0]!.status).toBe('cancelled');
    const again = await app.send('POST', `/api/v1/orders/${order.orderId}/modify`, { quantity: 4 });
    expect(again.status).toBe(409);
  }, 60_000);
});

describe('live orders across a crash', () => {
  it('kill -9 between send and acknowledgement, three times: after each restart exactly one broker order', async () => {
    const sim = await startUpstox(27, cleanups);
    const dataDir = makeTempDir('tickdesk-order-crash-');
    for (const round of [1, 2, 3]) {
      const clientOrderId = `crash-${round}`;
      // The broker takes the order and never answers: the worker is killed while it waits.
      sim.faults.orderFaults('accept-then-hang');
      const env = { ...liveEnv(sim), TICKDESK_CLIENT_ORDER_ID: clientOrderId };
      const first = spawnJobWorker({ dataDir, script: ORDER_WORKER, env });
      const ready = await first.waitForLine(/^READY \d+ placed$/, 40_000);
      const orderId = Number(ready.split(' ')[1]);
      const tag = tagFor(clientOrderId);
      await waitFor(
        () => sim.faults.orderLog().some((entry) => entry.tag === tag && entry.outcome === 'created'),
        'the broker to receive the order',
        20_000,
      );
      first.child.kill('SIGKILL');
      expect((await first.exited).signal).toBe('SIGKILL');

      const second = spawnJobWorker({ dataDir, script: ORDER_WORKER, env });
      await second.waitForLine(new RegExp(`^READY ${orderId} resumed$`), 40_000);
      const done = await second.waitForLine(/^DONE /, 60_000);
      expect(done, second.output()).toMatch(new RegExp(`^DONE ${orderId} (OPEN|FILLED) 1$`));
      expect((await second.exited).code).toBe(0);
      expect(sim.faults.ordersByTag(tag)).toHaveLength(1);
      expect(sim.faults.orderLog().filter((entry) => entry.tag === tag)).toHaveLength(1);
    }
    expect(sim.faults.orderLog().filter((entry) => entry.outcome === 'created')).toHaveLength(3);
  }, 240_000);
});
