import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../../tests/helpers/wait';
import { api, startSim, stopSims, TOKEN } from '../../../tests/helpers/sim-client';
import type { UpstoxOrderRow, UpstoxSimulator, UpstoxTradeRow } from '.';

afterEach(stopSims);

const RELIANCE = 'NSE_EQ|INE002A01018';
/** No market step for an hour: the price a test reads is the price its orders meet. */
const STILL = { tickIntervalMs: 3_600_000 };
/** Every instrument moves every 20 ms, so resting orders get crossed. */
const MOVING = { tickIntervalMs: 20, ticksPerInterval: 'all' as const };

type Envelope<T> = { status: string; data: T; metadata?: { latency: number } };
type ErrorEnvelope = {
  status: 'error';
  errors: { error_code: string; message: string; property_path: string | null; invalid_value: unknown }[];
};

function order(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    quantity: 5,
    product: 'D',
    validity: 'DAY',
    price: 0,
    tag: 'ticket1',
    instrument_token: RELIANCE,
    order_type: 'MARKET',
    transaction_type: 'BUY',
    disclosed_quantity: 0,
    trigger_price: 0,
    is_amo: false,
    ...overrides,
  };
}

function send(
  sim: UpstoxSimulator,
  method: string,
  path: string,
  body?: unknown,
  init: { token?: string | null; signal?: AbortSignal } = {},
) {
  const token = init.token === undefined ? TOKEN : init.token;
  return fetch(sim.apiUrl + path, {
    method,
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    ...(init.signal ? { signal: init.signal } : {}),
  });
}

const place = (sim: UpstoxSimulator, body: unknown, init?: { token?: string | null; signal?: AbortSignal }) =>
  send(sim, 'POST', '/v3/order/place', body, init);

async function placed(sim: UpstoxSimulator, body: unknown): Promise<string[]> {
  const res = await place(sim, body);
  const json = (await res.json()) as Envelope<{ order_ids: string[] }>;
  expect(res.status, JSON.stringify(json)).toBe(200);
  expect(json.status).toBe('success');
  expect(json.metadata?.latency).toEqual(expect.any(Number));
  return json.data.order_ids;
}

async function data<T>(res: Response): Promise<T> {
  const json = (await res.json()) as Envelope<T>;
  expect(res.status, JSON.stringify(json)).toBe(200);
  expect(json.status).toBe('success');
  return json.data;
}

const details = async (sim: UpstoxSimulator, id: string) =>
  data<UpstoxOrderRow>(await api(sim, `/v2/order/details?order_id=${id}`));
const history = async (sim: UpstoxSimulator, query: string) =>
  data<UpstoxOrderRow[]>(await api(sim, `/v2/order/history?${query}`));
const trades = async (sim: UpstoxSimulator) =>
  data<UpstoxTradeRow[]>(await api(sim, '/v2/order/trades/get-trades-for-day'));

async function refusal(res: Response, status: number) {
  const json = (await res.json()) as ErrorEnvelope;
  expect(res.status, JSON.stringify(json)).toBe(status);
  expect(json.status).toBe('error');
  expect(json.errors).toHaveLength(1);
  return json.errors[0]!;
}

const ltp = (sim: UpstoxSimulator, key = RELIANCE) => sim.orders.lastPrice(key)!;
const tickOf = (sim: UpstoxSimulator, key = RELIANCE) =>
  sim.instruments().find((i) => i.instrumentKey === key)!.tickSize;
/** `ticks` ticks away from `price`, rounded to the paisa as the wire carries it. */
const offset = (price: number, tick: number, ticks: number) => Math.round((price + tick * ticks) * 100) / 100;
const onGrid = (price: number, tick: number) => Math.abs(Math.round(price / tick) * tick - price) < 1e-9;
const statuses = (rows: UpstoxOrderRow[]) => rows.map((r) => r.status);

function future(sim: UpstoxSimulator) {
  return sim.instruments().find((i) => i.instrumentType === 'FUT' && i.underlyingSymbol === 'NIFTY')!;
}

describe('simulator order routes', () => {
  it("fills a MARKET order at once at the last price, and shows it in details, the book, its history and the day's trades", async () => {
    const sim = await startSim(STILL);
    // The day candle's close is the last price a client sees; the order matches against the same.
    const dayBar = await data<{ candles: number[][] }>(
      await api(sim, `/v3/historical-candle/intraday/${encodeURIComponent(RELIANCE)}/days/1`),
    );
    const price = ltp(sim);
    expect(dayBar.candles[0]![4]).toBe(price);
    const [id] = await placed(sim, order({ tag: 'mkt1' }));
    expect(id).toMatch(/^260105\d{9}$/);
    const row = await details(sim, id!);
    expect(row).toMatchObject({
      exchange: 'NSE',
      product: 'D',
      price: 0,
      quantity: 5,
      status: 'complete',
      tag: 'mkt1',
      instrument_token: RELIANCE,
      trading_symbol: 'RELIANCE',
      order_type: 'MARKET',
      validity: 'DAY',
      trigger_price: 0,
      transaction_type: 'BUY',
      average_price: price,
      filled_quantity: 5,
      pending_quantity: 0,
      status_message: null,
      order_id: id,
      variety: 'SIMPLE',
      order_timestamp: '2026-01-05 10:30:00',
      exchange_timestamp: '2026-01-05 10:30:00',
      is_amo: false,
    });
    expect(row.exchange_order_id).toMatch(/^\d{16}$/);
    expect(onGrid(row.average_price, tickOf(sim))).toBe(true);
    expect(await data<UpstoxOrderRow[]>(await api(sim, '/v2/order/retrieve-all'))).toEqual([row]);
    const steps = await history(sim, `order_id=${id}`);
    expect(statuses(steps)).toEqual([
      'put order req received',
      'validation pending',
      'open pending',
      'open',
      'complete',
    ]);
    expect(steps.slice(0, 3).map((s) => s.exchange_order_id)).toEqual(['', '', '']);
    expect(steps.at(-1)).toEqual(row);
    expect(await history(sim, 'tag=mkt1')).toEqual(steps);
    expect(await trades(sim)).toEqual([
      expect.objectContaining({
        exchange: 'NSE',
        product: 'D',
        trading_symbol: 'RELIANCE',
        instrument_token: RELIANCE,
        order_type: 'MARKET',
        transaction_type: 'BUY',
        quantity: 5,
        exchange_order_id: row.exchange_order_id,
        order_id: id,
        exchange_timestamp: '2026-01-05 10:30:00',
        average_price: price,
        trade_id: expect.stringMatching(/^\d+$/),
        order_timestamp: '2026-01-05 10:30:00',
      }),
    ]);
  });

  it('rests a LIMIT order away from the market as open, fills a marketable one at the better last price, and cancels an IOC that cannot fill', async () => {
    const sim = await startSim(STILL);
    const price = ltp(sim);
    const tick = tickOf(sim);
    const below = offset(price, tick, -10);
    const [resting] = await placed(sim, order({ order_type: 'LIMIT', price: below, tag: 'rest' }));
    expect(await details(sim, resting!)).toMatchObject({
      status: 'open',
      price: below,
      filled_quantity: 0,
      pending_quantity: 5,
      average_price: 0,
    });
    // A SELL limit below the market trades at the market, not at its limit.
    const [sell] = await placed(sim, order({ transaction_type: 'SELL', order_type: 'LIMIT', price: below }));
    expect(await details(sim, sell!)).toMatchObject({ status: 'complete', average_price: price, filled_quantity: 5 });
    const [ioc] = await placed(sim, order({ order_type: 'LIMIT', price: below, validity: 'IOC', tag: 'ioc' }));
    const iocRow = await details(sim, ioc!);
    expect(iocRow).toMatchObject({ status: 'cancelled', filled_quantity: 0, pending_quantity: 0 });
    expect(iocRow.status_message).toMatch(/IOC/);
    expect((await trades(sim)).map((t) => t.order_id)).toEqual([sell]);
    expect(statuses(await history(sim, 'tag=rest'))).toEqual([
      'put order req received',
      'validation pending',
      'open pending',
      'open',
    ]);
  });

  it('holds SL and SL-M orders as trigger pending until the price crosses, fires one already crossed, and cancels only working orders', async () => {
    const sim = await startSim(STILL);
    const price = ltp(sim);
    const tick = tickOf(sim);
    const [stop] = await placed(
      sim,
      order({ order_type: 'SL', trigger_price: offset(price, tick, 5), price: offset(price, tick, 6), tag: 'stop' }),
    );
    expect(await details(sim, stop!)).toMatchObject({ status: 'trigger pending', filled_quantity: 0 });
    // A SELL stop above the market is crossed already: it fires and trades at the market.
    const [fired] = await placed(
      sim,
      order({ order_type: 'SL-M', transaction_type: 'SELL', trigger_price: offset(price, tick, 3), tag: 'fired' }),
    );
    expect(await details(sim, fired!)).toMatchObject({ status: 'complete', average_price: price });
    expect(statuses(await history(sim, `order_id=${fired}`))).toEqual([
      'put order req received',
      'validation pending',
      'open pending',
      'trigger pending',
      'open',
      'complete',
    ]);

    const cancelled = await send(sim, 'DELETE', `/v3/order/cancel?order_id=${stop}`);
    expect(cancelled.status).toBe(200);
    expect(await cancelled.json()).toEqual({
      status: 'success',
      data: { order_id: stop },
      metadata: { latency: expect.any(Number) },
    });
    expect(await details(sim, stop!)).toMatchObject({ status: 'cancelled', pending_quantity: 0 });
    expect(statuses(await history(sim, 'tag=stop')).at(-1)).toBe('cancelled');
    for (const id of [stop, fired]) {
      const again = await refusal(await send(sim, 'DELETE', `/v3/order/cancel?order_id=${id}`), 400);
      expect(again.error_code).toBe('UDAPI100040');
      expect(again.message).toMatch(/already (cancelled|complete)/);
      expect(again.property_path).toBe('order_id');
    }
    expect((await details(sim, fired!)).status).toBe('complete');
  });

  it('fills resting LIMIT, SL and SL-M orders once the moving market crosses them, at prices on the tick grid within their limits', async () => {
    const sim = await startSim(MOVING);
    const tick = tickOf(sim);
    const price = ltp(sim);
    const [buy] = await placed(sim, order({ order_type: 'LIMIT', price: offset(price, tick, -1), tag: 'buy' }));
    const [sell] = await placed(
      sim,
      order({ transaction_type: 'SELL', order_type: 'LIMIT', price: offset(price, tick, 1), tag: 'sell' }),
    );
    const [stopBuy] = await placed(sim, order({ order_type: 'SL-M', trigger_price: offset(price, tick, 1) }));
    const [stopSell] = await placed(
      sim,
      order({
        transaction_type: 'SELL',
        order_type: 'SL',
        trigger_price: offset(price, tick, -1),
        price: offset(price, tick, -30),
      }),
    );
    const ids = [buy!, sell!, stopBuy!, stopSell!];
    const rows = await waitFor(async () => {
      const all = await Promise.all(ids.map((id) => details(sim, id)));
      return all.every((r) => r.status === 'complete') ? all : null;
    }, 'every resting order to fill');
    const [b, s, sb, ss] = rows;
    expect(b!.average_price).toBeLessThanOrEqual(b!.price);
    expect(s!.average_price).toBeGreaterThanOrEqual(s!.price);
    expect(sb!.average_price).toBeGreaterThanOrEqual(sb!.trigger_price);
    expect(ss!.average_price).toBeLessThanOrEqual(ss!.trigger_price);
    expect(ss!.average_price).toBeGreaterThanOrEqual(ss!.price);
    for (const row of rows) {
      expect(onGrid(row.average_price, tick)).toBe(true);
      expect(row.filled_quantity).toBe(5);
    }
    expect(statuses(await history(sim, `order_id=${stopSell}`)).slice(3)).toEqual([
      'trigger pending',
      'open',
      'complete',
    ]);
    const fills = await trades(sim);
    expect(fills.map((t) => t.order_id).sort()).toEqual([...ids].sort());
    for (const row of rows)
      expect(fills.find((t) => t.order_id === row.order_id)!.average_price).toBe(row.average_price);
  });

  it('slices an order above the freeze quantity into children, and refuses it unsliced or past 25 slices', async () => {
    const sim = await startSim(STILL);
    const fut = future(sim);
    const lot = fut.lotSize;
    expect(fut.freezeQuantity).toBe(24 * lot);
    const big = order({ instrument_token: fut.instrumentKey, quantity: 50 * lot, product: 'I', tag: 'sliced' });
    const unsliced = await refusal(await place(sim, big), 400);
    expect(unsliced).toMatchObject({ error_code: 'UDAPI100036', property_path: 'quantity', invalid_value: 50 * lot });
    const ids = await placed(sim, { ...big, slice: true });
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(3);
    const rows = sim.faults.ordersByTag('sliced');
    expect(rows.map((r) => r.order_id)).toEqual(ids);
    expect(rows.map((r) => r.quantity)).toEqual([24 * lot, 24 * lot, 2 * lot]);
    expect(rows.every((r) => r.status === 'complete' && r.exchange === 'NFO')).toBe(true);
    expect(rows.every((r) => r.average_price === ltp(sim, fut.instrumentKey))).toBe(true);
    expect(await history(sim, 'tag=sliced')).toHaveLength(15);
    // Exactly at the freeze quantity is one order; 25 full slices and one more is too many.
    expect(await placed(sim, { ...big, quantity: 24 * lot, slice: true })).toHaveLength(1);
    expect(await placed(sim, { ...big, quantity: 25 * 24 * lot, slice: true })).toHaveLength(25);
    const tooMany = await refusal(await place(sim, { ...big, quantity: (25 * 24 + 1) * lot, slice: true }), 400);
    expect(tooMany.property_path).toBe('quantity');
    expect(sim.orders.all()).toHaveLength(3 + 1 + 25);
  });

  it('refuses every invalid field with a 400 naming its property_path, and creates nothing', async () => {
    const sim = await startSim(STILL);
    const price = ltp(sim);
    const tick = tickOf(sim);
    const fut = future(sim);
    const cases: [Record<string, unknown>, string, unknown][] = [
      [{ instrument_token: 'NSE_EQ|INE000NOPE00' }, 'instrument_token', 'NSE_EQ|INE000NOPE00'],
      [{ instrument_token: 'NSE_INDEX|Nifty 50' }, 'instrument_token', 'NSE_INDEX|Nifty 50'],
      [{ instrument_token: undefined }, 'instrument_token', null],
      [{ transaction_type: 'HOLD' }, 'transaction_type', 'HOLD'],
      [{ order_type: 'STOP' }, 'order_type', 'STOP'],
      [{ product: 'CO' }, 'product', 'CO'],
      [{ product: 'MTF', instrument_token: fut.instrumentKey, quantity: fut.lotSize }, 'product', 'MTF'],
      [{ validity: 'GTC' }, 'validity', 'GTC'],
      [{ quantity: 0 }, 'quantity', 0],
      [{ quantity: 2.5 }, 'quantity', 2.5],
      [{ quantity: '5' }, 'quantity', '5'],
      [{ instrument_token: fut.instrumentKey, quantity: fut.lotSize + 1 }, 'quantity', fut.lotSize + 1],
      [{ order_type: 'LIMIT', price: 0 }, 'price', 0],
      [{ order_type: 'LIMIT', price: offset(price, tick, 0.5) }, 'price', offset(price, tick, 0.5)],
      [{ price: price }, 'price', price],
      [{ order_type: 'SL', price: offset(price, tick, 2), trigger_price: 0 }, 'trigger_price', 0],
      [{ order_type: 'SL', price: offset(price, tick, 2), trigger_price: undefined }, 'trigger_price', null],
      [{ order_type: 'SL-M', trigger_price: offset(price, tick, 1.5) }, 'trigger_price', offset(price, tick, 1.5)],
      [
        { order_type: 'SL', price: offset(price, tick, 2), trigger_price: offset(price, tick, 3) },
        'trigger_price',
        offset(price, tick, 3),
      ],
      [{ order_type: 'LIMIT', price: offset(price, tick, -2), trigger_price: price }, 'trigger_price', price],
      [{ order_type: 'SL-M', trigger_price: offset(price, tick, 2), validity: 'IOC' }, 'validity', 'IOC'],
      [{ disclosed_quantity: 6 }, 'disclosed_quantity', 6],
      [{ tag: 'a'.repeat(21) }, 'tag', 'a'.repeat(21)],
      [{ tag: 'has-dash' }, 'tag', 'has-dash'],
      [{ is_amo: true }, 'is_amo', true],
      [{ slice: 'yes' }, 'slice', 'yes'],
    ];
    for (const [change, property, value] of cases) {
      const error = await refusal(await place(sim, order(change)), 400);
      expect(error, JSON.stringify(change)).toMatchObject({
        error_code: 'UDAPI100036',
        property_path: property,
        invalid_value: value,
      });
      expect(error.message.length).toBeGreaterThan(5);
    }
    for (const body of ['{not json', '[1,2]']) {
      const error = await refusal(await place(sim, body), 400);
      expect(error).toMatchObject({ error_code: 'UDAPI100036', property_path: null });
    }
    expect(sim.orders.all()).toEqual([]);
    expect(await trades(sim)).toEqual([]);
    const log = sim.faults.orderLog();
    expect(log).toHaveLength(cases.length + 2);
    expect(new Set(log.map((e) => e.outcome))).toEqual(new Set(['invalid']));
    expect(log[0]).toMatchObject({ tag: 'ticket1', instrumentToken: 'NSE_EQ|INE000NOPE00', quantity: 5, orderIds: [] });
  });

  it('answers unknown orders, missing parameters, wrong methods and missing tokens the Upstox way', async () => {
    const sim = await startSim(STILL);
    const missing = await refusal(await api(sim, '/v2/order/details?order_id=260105999999999'), 400);
    expect(missing).toMatchObject({ error_code: 'UDAPI100010', message: 'Order not found', property_path: 'order_id' });
    expect((await refusal(await api(sim, '/v2/order/details'), 400)).property_path).toBe('order_id');
    expect((await refusal(await api(sim, '/v2/order/history?order_id=260105999999999'), 400)).error_code).toBe(
      'UDAPI100010',
    );
    expect((await refusal(await api(sim, '/v2/order/history'), 400)).error_code).toBe('UDAPI100036');
    expect(await history(sim, 'tag=nothing')).toEqual([]);
    expect(
      (await refusal(await send(sim, 'DELETE', '/v3/order/cancel?order_id=260105999999999'), 400)).error_code,
    ).toBe('UDAPI100010');
    expect((await refusal(await api(sim, '/v3/order/place'), 404)).error_code).toBe('UDAPI10000');
    expect((await refusal(await place(sim, order(), { token: null }), 401)).error_code).toBe('UDAPI100050');
    expect(sim.orders.all()).toEqual([]);
    await waitFor(() => sim.faults.orderLog().length === 1, 'the refused placement in the log');
    expect(sim.faults.orderLog()[0]).toMatchObject({ tag: 'ticket1', outcome: 'failed', orderIds: [] });
  });

  it('numbers orders by date and sequence, unique per simulator, and reports the configured latency', async () => {
    const sim = await startSim({ ...STILL, restLatencyMs: { min: 30, max: 30 } });
    const res = await place(sim, order());
    expect(((await res.json()) as Envelope<unknown>).metadata).toEqual({ latency: 30 });
    const ids = [...(await placed(sim, order())), ...(await placed(sim, order({ tag: 'other' })))];
    const all = sim.orders.all().map((r) => r.order_id);
    expect(all.slice(1)).toEqual(ids);
    expect(new Set(all).size).toBe(3);
    expect(all.map((id) => Number(id.slice(6)))).toEqual([1, 2, 3]);
    expect(all.every((id) => id.startsWith('260105'))).toBe(true);
  });
});

describe('simulator order faults', () => {
  const tagged = (tag: string) => order({ tag });

  it('accept-then-hang creates the order but never answers; the client gives up and finds it by tag', async () => {
    const sim = await startSim(STILL);
    sim.faults.orderFaults('accept-then-hang');
    await expect(place(sim, tagged('hang1'), { signal: AbortSignal.timeout(300) })).rejects.toThrow();
    const rows = await history(sim, 'tag=hang1');
    expect(statuses(rows).at(-1)).toBe('complete');
    expect(rows.at(-1)!.average_price).toBe(ltp(sim));
    expect(sim.faults.ordersByTag('hang1')).toHaveLength(1);
    expect(sim.faults.orderLog()).toEqual([
      expect.objectContaining({ tag: 'hang1', outcome: 'created', orderIds: [rows[0]!.order_id] }),
    ]);
    // The fault was used once: the resend is answered.
    expect(await placed(sim, tagged('hang1'))).toHaveLength(1);
    expect(sim.faults.ordersByTag('hang1')).toHaveLength(2);
  });

  it('closing the simulator ends a placement still held open', async () => {
    const sim = await startSim(STILL);
    sim.faults.orderFaults('accept-then-hang');
    const pending = place(sim, tagged('held'));
    await waitFor(() => sim.faults.ordersByTag('held').length === 1, 'the held order');
    const started = performance.now();
    await sim.close();
    expect(performance.now() - started).toBeLessThan(2_000);
    await expect(pending).rejects.toThrow();
  });

  it('accept-then-500 creates the order and answers 500; 500-before-accept and 429 create nothing', async () => {
    const sim = await startSim(STILL);
    sim.faults.orderFaults('accept-then-500');
    sim.faults.orderFaults('500-before-accept');
    sim.faults.orderFaults('429', 2);
    expect((await refusal(await place(sim, tagged('a500')), 500)).error_code).toBe('UDAPI100500');
    expect(sim.faults.ordersByTag('a500').map((r) => r.status)).toEqual(['complete']);
    expect((await refusal(await place(sim, tagged('b500')), 500)).error_code).toBe('UDAPI100500');
    expect(sim.faults.ordersByTag('b500')).toEqual([]);
    // An invalid request gets its 400 and leaves the pending faults for the valid ones.
    expect((await refusal(await place(sim, order({ tag: 'bad', quantity: 0 })), 400)).property_path).toBe('quantity');
    for (let i = 0; i < 2; i++) {
      const limited = await refusal(await place(sim, tagged('r429')), 429);
      expect(limited).toMatchObject({ error_code: 'UDAPI10005', message: 'Too Many Request Sent' });
    }
    expect(sim.faults.ordersByTag('r429')).toEqual([]);
    expect(await placed(sim, tagged('r429'))).toHaveLength(1);
    expect(sim.faults.orderLog().map((e) => [e.tag, e.outcome])).toEqual([
      ['a500', 'created'],
      ['b500', 'failed'],
      ['bad', 'invalid'],
      ['r429', 'failed'],
      ['r429', 'failed'],
      ['r429', 'created'],
    ]);
  });

  it('reject answers 400 with the margin shortfall and creates no order; accept-then-reject creates one the risk check rejects', async () => {
    const sim = await startSim(STILL);
    const price = ltp(sim);
    sim.faults.orderFaults('reject');
    const rejected = await refusal(await place(sim, order({ tag: 'poor', quantity: 10 })), 400);
    const required = (10 * price).toFixed(2);
    const available = (10 * price * 0.4).toFixed(2);
    expect(rejected).toMatchObject({
      error_code: 'UDAPI1026',
      message: `Insufficient funds: required margin ${required}, available ${available}`,
    });
    expect(sim.faults.ordersByTag('poor')).toEqual([]);

    sim.faults.orderFaults('accept-then-reject');
    const [id] = await placed(sim, order({ tag: 'rms', quantity: 10, product: 'I' }));
    const row = await details(sim, id!);
    expect(row).toMatchObject({ status: 'rejected', filled_quantity: 0, exchange_order_id: '', pending_quantity: 0 });
    expect(row.status_message).toBe(
      `RMS:Margin Exceeds, Required:${(10 * price * 0.2).toFixed(2)}, Available:${(10 * price * 0.08).toFixed(2)}`,
    );
    expect(statuses(await history(sim, 'tag=rms'))).toEqual([
      'put order req received',
      'validation pending',
      'rejected',
    ]);
    expect((await refusal(await send(sim, 'DELETE', `/v3/order/cancel?order_id=${id}`), 400)).error_code).toBe(
      'UDAPI100040',
    );
    expect(await trades(sim)).toEqual([]);
    expect(sim.faults.orderLog().map((e) => e.outcome)).toEqual(['rejected', 'created']);
  });

  it('rateLimit refuses order routes too, and reset drops pending order faults but keeps the orders', async () => {
    const sim = await startSim(STILL);
    const [id] = await placed(sim, tagged('kept'));
    sim.faults.rateLimit(2);
    expect((await refusal(await place(sim, tagged('limited')), 429)).error_code).toBe('UDAPI10005');
    expect((await refusal(await api(sim, `/v2/order/details?order_id=${id}`), 429)).error_code).toBe('UDAPI10005');
    await waitFor(() => sim.faults.orderLog().length === 2, 'the rate-limited placement in the log');
    expect(sim.faults.orderLog()[1]).toMatchObject({ tag: 'limited', outcome: 'failed', orderIds: [] });

    sim.faults.orderFaults('500-before-accept', 3);
    sim.faults.reset();
    expect(await placed(sim, tagged('after'))).toHaveLength(1);
    expect((await details(sim, id!)).status).toBe('complete');
    expect(sim.orders.all().map((r) => r.tag)).toEqual(['kept', 'after']);
    expect(() => sim.faults.orderFaults('sometimes' as never)).toThrow(RangeError);
  });
});
