/**
 * The client side of `npm run bench:orders`, in its own process, as a user's script or the browser is: the timed
 * requests never share the engine's event loop. Run by the benchmark with `BENCH_CLIENT_JOB` (JSON: origin, token,
 * count, run, instruments); prints one JSON line with the timings and the order ids. Also the benchmark's HTTP
 * client for its set-up.
 */
import { performance } from 'node:perf_hooks';
import type { Instrument } from '../shared/domain/instruments';
import type { LatestTicks } from '../shared/domain/feed';
import type { OrderPlaced, OrderTicket } from '../shared/domain/trading';

/** The live prices marketable LIMIT tickets are priced from are read again every this many orders. */
const PRICE_BLOCK = 50;
/** A BUY LIMIT this far above the last price (a SELL this far below) still fills at once if the market moves. */
export const LIMIT_BAND = 0.02;
export const MAX_TICKET_QUANTITY = 5;

export interface ClientJob {
  origin: string;
  token: string;
  count: number;
  run: string;
  instruments: Pick<Instrument, 'instrumentKey' | 'tickSize'>[];
}

export interface ClientResult {
  place: number[];
  health: number[];
  ids: number[];
}

export /** The Local API as a user's script sees it: JSON over keep-alive with the bearer token. */
function createClient(origin: string, token: string) {
  const authorization = `Bearer ${token}`;
  async function request<T>(method: string, route: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(origin + route, {
      method,
      headers:
        body === undefined ? { authorization } : { authorization, 'content-type': 'application/json; charset=utf-8' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as T };
  }
  async function ok<T>(method: string, route: string, body?: unknown): Promise<T> {
    const answer = await request<T>(method, route, body);
    if (answer.status !== 200)
      throw new Error(`${method} ${route} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
    return answer.body;
  }
  return { request, get: <T>(route: string) => ok<T>('GET', route), send: ok };
}
export type Client = ReturnType<typeof createClient>;

export async function latestPrices(client: Client, keys: readonly string[]): Promise<Map<string, number>> {
  const ticks = await client.get<LatestTicks>(
    `/api/v1/feed/latest-ticks?keys=${keys.map((k) => encodeURIComponent(k)).join(',')}`,
  );
  const prices = new Map<string, number>();
  for (const key of keys) {
    const ltp = ticks[key]?.ltp;
    if (typeof ltp === 'number' && ltp > 0) prices.set(key, ltp);
  }
  return prices;
}

/**
 * The n-th ticket: BUY then SELL of the same quantity of one instrument (so positions stay near flat), every fourth
 * pair a LIMIT priced to fill at once, the rest MARKET.
 */
function ticketFor(
  n: number,
  run: string,
  instruments: ClientJob['instruments'],
  prices: ReadonlyMap<string, number>,
): OrderTicket {
  const pair = Math.floor(n / 2);
  const instrument = instruments[pair % instruments.length]!;
  const side = n % 2 === 0 ? 'BUY' : 'SELL';
  const quantity = 1 + (pair % MAX_TICKET_QUANTITY);
  const base = { instrumentKey: instrument.instrumentKey, side, quantity, product: 'I', clientOrderId: `${run}-${n}` };
  const ltp = prices.get(instrument.instrumentKey);
  if (pair % 4 !== 3 || ltp === undefined) return { ...base, orderType: 'MARKET' } as OrderTicket;
  const tickPaise = Math.max(1, Math.round(instrument.tickSize * 100));
  const target = ltp * 100 * (side === 'BUY' ? 1 + LIMIT_BAND : 1 - LIMIT_BAND);
  return { ...base, orderType: 'LIMIT', price: (Math.round(target / tickPaise) * tickPaise) / 100 } as OrderTicket;
}

/** Sequential, interleaved: a health request, then a place request, `count` times; each timed to its full body. */
async function interleaved(
  client: Client,
  count: number,
  run: string,
  instruments: ClientJob['instruments'],
): Promise<ClientResult> {
  const keys = instruments.map((i) => i.instrumentKey);
  const place: number[] = [];
  const health: number[] = [];
  const ids: number[] = [];
  let prices = new Map<string, number>();
  for (let n = 0; n < count; n++) {
    if (n % PRICE_BLOCK === 0) prices = await latestPrices(client, keys);
    const ticket = ticketFor(n, run, instruments, prices);

    let started = performance.now();
    const healthy = await client.request<{ status: string }>('GET', '/api/v1/health');
    health.push(performance.now() - started);
    if (healthy.status !== 200 || healthy.body.status !== 'ok')
      throw new Error(`health answered ${healthy.status}: ${JSON.stringify(healthy.body)}`);

    started = performance.now();
    const placed = await client.request<OrderPlaced>('POST', '/api/v1/orders', ticket);
    place.push(performance.now() - started);
    const body = placed.body;
    if (placed.status !== 202 || body.status !== 'QUEUED' || body.duplicate)
      throw new Error(`order ${ticket.clientOrderId} answered ${placed.status}: ${JSON.stringify(body).slice(0, 300)}`);
    ids.push(body.orderId);
  }
  return { place, health, ids };
}

if (process.env.BENCH_CLIENT_JOB) {
  const job = JSON.parse(process.env.BENCH_CLIENT_JOB) as ClientJob;
  interleaved(createClient(job.origin, job.token), job.count, job.run, job.instruments).then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
