/**
 * Order placement benchmark (`npm run bench:orders`): place → durable `202 QUEUED` through the Local API.
 *
 * The issue's bar: "Place → durable `202 QUEUED` through the Local API: p99 at most 10 ms over 1,000 orders (the
 * seed's target was under 100 ms), printed beside the p99 of `GET /api/v1/health` in the same run as the floor of
 * the transport."
 *
 * The real path: `createEngine` in the demo world (the built-in simulator and the paper broker, the feed started) on a
 * file database in a temp folder, and the real Local API (`startLocalApi`) on 127.0.0.1 with a bearer token. Requests
 * go out with Node's fetch (undici) over one keep-alive connection, one in flight at a time (latency, not
 * throughput), from a client in its own process (`orders-client.ts`), as a user's script or browser is.
 * A handful of liquid instruments stream in full mode, so the paper broker fills what is placed while the measurement
 * goes on: order jobs, fills, positions and the ledger keep the engine busy in the background, as they would for a
 * user. Health, which also reads the database, is the floor the place figure is read against.
 *
 * Each round: BENCH_ORDERS place requests (small MARKET and marketable LIMIT tickets, BUY and SELL in pairs so the
 * positions stay near flat, unique clientOrderIds) interleaved one for one with as many health requests, each timed
 * from send to the full body; then the wait until every order of the round is final (the drain). Every 202 must say
 * QUEUED with an order id never seen before. The rounds run on the same engine after one warm-up of
 * BENCH_WARMUP of each; the verdict is on the median of the rounds' p99s (these machines are noisy). At the end, with
 * the engine shut down, the orders table is read from its file: every order placed must be there.
 *
 * Knobs (environment): BENCH_ORDERS (default 1000), BENCH_ROUNDS (default 3), BENCH_WARMUP (default 50).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import type { Instrument } from '../shared/domain/instruments';
import type { SettingsView } from '../shared/domain/settings';
import { isFinalOrderStatus, type OrderStatus, type OrderUpdateEvent } from '../shared/domain/trading';
import { startLocalApi, type LocalApi } from '../electron/engine/api/server';
import { loadConfig } from '../electron/engine/config';
import { createEngine, type Engine } from '../electron/engine/index';
import {
  createProblemLogger,
  int,
  intFromEnv,
  machineLine,
  median,
  percentileSorted,
  printChecks,
  type Check,
} from './feed-util';
import { waitFor } from './feed-live';
import {
  createClient,
  latestPrices,
  LIMIT_BAND,
  MAX_TICKET_QUANTITY,
  type Client,
  type ClientJob,
  type ClientResult,
} from './orders-client';

const CLIENT = path.join(import.meta.dirname, 'orders-client.ts');

/** One timed block in the client process: `count` health and place requests, interleaved, one in flight at a time. */
function interleaved(job: ClientJob, seen: Set<number>): Promise<ClientResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLIENT], {
      env: { ...process.env, BENCH_CLIENT_JOB: JSON.stringify(job) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`the client process exited with ${code}`));
      const result = JSON.parse(output.trim().split('\n').at(-1)!) as ClientResult;
      for (const id of result.ids) {
        if (seen.has(id)) return reject(new Error(`order ${id} was answered twice`));
        seen.add(id);
      }
      resolve(result);
    });
  });
}

const ORDERS = intFromEnv('BENCH_ORDERS', 1_000);
const ROUNDS = intFromEnv('BENCH_ROUNDS', 3);
const WARMUP = intFromEnv('BENCH_WARMUP', 50);
const BAR_PLACE_P99_MS = 10;
const SEED_PLACE_P99_MS = 100;
const RELIANCE = 'NSE_EQ|INE002A01018';
const OTHER_SYMBOLS = ['TCS', 'INFY', 'HDFCBANK', 'SBIN', 'ICICIBANK'];
const DRAIN_TIMEOUT_MS = 120_000;

type Stats = Record<'p50' | 'p90' | 'p99' | 'max', number>;

interface Round {
  place: Stats;
  health: Stats;
  drainMs: number;
  statuses: Map<OrderStatus, number>;
}

const fixed = (x: number) => x.toFixed(2);
const statsOf = (times: readonly number[]): Stats => {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    p50: percentileSorted(sorted, 50),
    p90: percentileSorted(sorted, 90),
    p99: percentileSorted(sorted, 99),
    max: sorted.at(-1)!,
  };
};
const statsLine = (s: Stats) => `p50 ${fixed(s.p50)}, p90 ${fixed(s.p90)}, p99 ${fixed(s.p99)}, max ${fixed(s.max)} ms`;
const countsLine = (counts: Map<OrderStatus, number>) =>
  [...counts].map(([status, n]) => `${int(n)} ${status}`).join(', ');

async function until<T>(probe: () => Promise<T | null | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null && value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise<void>((resolve) => setTimeout(resolve, 100));
  }
}

/** RELIANCE and the other liquid equities the demo master has, found as a user would, by search. */
async function findInstruments(client: Client): Promise<Instrument[]> {
  const search = (q: string) =>
    client.get<Instrument[]>(`/api/v1/instruments/search?q=${encodeURIComponent(q)}&segment=NSE_EQ`);
  const reliance = await until(
    async () => (await search('RELIANCE')).find((i) => i.instrumentKey === RELIANCE),
    60_000,
    'the demo instrument master to hold RELIANCE',
  );
  const others: Instrument[] = [];
  for (const symbol of OTHER_SYMBOLS) {
    const found = (await search(symbol)).find((i) => i.tradingSymbol === symbol && i.instrumentType === 'EQ');
    if (found) others.push(found);
  }
  if (others.length < 2) throw new Error(`the demo master has too few of ${OTHER_SYMBOLS.join(', ')}`);
  return [reliance, ...others];
}

/** Subscribes the instruments in full mode, waits for a price of each, and makes room under the fat-finger limits. */
async function prepareMarket(client: Client, instruments: readonly Instrument[]): Promise<string> {
  const keys = instruments.map((i) => i.instrumentKey);
  await client.send('POST', '/api/v1/feed/subscriptions', { instrumentKeys: keys, mode: 'full' });
  const prices = await until(
    async () => {
      const found = await latestPrices(client, keys);
      return found.size === keys.length ? found : null;
    },
    30_000,
    `ticks of ${keys.join(', ')}`,
  );
  const largest = Math.max(...prices.values()) * (1 + LIMIT_BAND) * MAX_TICKET_QUANTITY;
  const { values } = await client.get<SettingsView>('/api/v1/settings');
  // Ten times the largest ticket: the market may move over the rounds.
  const limits = {
    maxOrderValue: Math.max(values.maxOrderValue, Math.ceil(largest * 10)),
    maxOrderQuantity: Math.max(values.maxOrderQuantity, MAX_TICKET_QUANTITY),
  };
  const raised = limits.maxOrderValue !== values.maxOrderValue || limits.maxOrderQuantity !== values.maxOrderQuantity;
  if (raised) await client.send('PUT', '/api/v1/settings', limits);
  const quoted = instruments.map((i) => `${i.tradingSymbol} ₹${fixed(prices.get(i.instrumentKey)!)}`).join(', ');
  return (
    `${quoted}; fat-finger limits ${raised ? 'raised to' : 'left at'} ₹${int(limits.maxOrderValue)} a ticket, ` +
    `${int(limits.maxOrderQuantity)} shares`
  );
}

/** Every order's latest status from its `order_update` events, and a wait until a set of orders is final. */
function trackOrders(engine: Engine) {
  const latest = new Map<number, OrderStatus>();
  const stop = engine.events.subscribe(({ event, payload }) => {
    if (event === 'order_update')
      latest.set((payload as OrderUpdateEvent).orderId, (payload as OrderUpdateEvent).status);
  });
  const isFinal = (id: number) => {
    const status = latest.get(id);
    return status !== undefined && isFinalOrderStatus(status);
  };
  return {
    stop,
    async drained(ids: readonly number[]): Promise<Map<OrderStatus, number>> {
      let open = ids.filter((id) => !isFinal(id));
      await waitFor(
        () => (open = open.filter((id) => !isFinal(id))).length === 0,
        DRAIN_TIMEOUT_MS,
        `${open.length} orders to reach a final status`,
      );
      const counts = new Map<OrderStatus, number>();
      for (const id of ids) counts.set(latest.get(id)!, (counts.get(latest.get(id)!) ?? 0) + 1);
      return counts;
    },
  };
}

async function measure(base: Omit<ClientJob, 'count' | 'run'>, engine: Engine, seen: Set<number>): Promise<Round[]> {
  const tracker = trackOrders(engine);
  try {
    const warm = await interleaved({ ...base, count: WARMUP, run: 'warmup' }, seen);
    const warmStatuses = await tracker.drained(warm.ids);
    console.log(`warm-up: ${WARMUP} of each, not counted (${countsLine(warmStatuses)})`);
    const rounds: Round[] = [];
    for (let r = 1; r <= ROUNDS; r++) {
      const timed = await interleaved({ ...base, count: ORDERS, run: `round${r}` }, seen);
      const drainFrom = performance.now();
      const statuses = await tracker.drained(timed.ids);
      const round: Round = {
        place: statsOf(timed.place),
        health: statsOf(timed.health),
        drainMs: performance.now() - drainFrom,
        statuses,
      };
      rounds.push(round);
      console.log('');
      console.log(`round ${r}: ${int(ORDERS)} place and ${int(ORDERS)} health requests, interleaved`);
      console.log(`  POST /api/v1/orders → 202 QUEUED  ${statsLine(round.place)}`);
      console.log(`  GET  /api/v1/health             ${statsLine(round.health)}`);
      console.log(
        `  place p99 / health p99 ${(round.place.p99 / round.health.p99).toFixed(1)}x; drained ${fixed(round.drainMs)} ms ` +
          `after the last 202 (${countsLine(statuses)})`,
      );
    }
    return rounds;
  } finally {
    tracker.stop();
  }
}

/** What the orders table holds, read from the file once the engine has closed it. */
function storedOrders(file: string): { rows: number; filled: number } {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const count = "SELECT COUNT(*) AS rows, COALESCE(SUM(status = 'FILLED'), 0) AS filled FROM orders";
    return db.prepare<[], { rows: number; filled: number }>(count).get()!;
  } finally {
    db.close();
  }
}

function verdict(rounds: readonly Round[], placed: number, stored: { rows: number; filled: number }): Check[] {
  const placeP99 = median(rounds.map((r) => r.place.p99));
  const healthP99 = median(rounds.map((r) => r.health.p99));
  const drainMs = median(rounds.map((r) => r.drainMs));
  const filled = rounds.reduce((sum, r) => sum + (r.statuses.get('FILLED') ?? 0), 0);
  const timed = ORDERS * ROUNDS;
  console.log('');
  console.log(`medians of the ${ROUNDS} rounds:`);
  console.log(`  place p50 ${fixed(median(rounds.map((r) => r.place.p50)))} ms, p99 ${fixed(placeP99)} ms`);
  console.log(`  health p50 ${fixed(median(rounds.map((r) => r.health.p50)))} ms, p99 ${fixed(healthP99)} ms`);
  console.log(`  place p99 / health p99 ${(placeP99 / healthP99).toFixed(1)}x; drain ${fixed(drainMs)} ms`);
  console.log(
    `  ${int(filled)} of ${int(timed)} timed orders FILLED; orders table after shutdown: ${int(stored.rows)} rows ` +
      `(${int(stored.filled)} FILLED) for ${int(placed)} orders placed (warm-up included)`,
  );
  const p99Value = `${fixed(placeP99)} ms (health ${fixed(healthP99)} ms)`;
  const check = (figure: string, value: string, bar: string, pass: boolean): Check => ({ figure, value, bar, pass });
  return [
    check('place → 202 QUEUED p99, median', p99Value, `≤ ${BAR_PLACE_P99_MS} ms`, placeP99 <= BAR_PLACE_P99_MS),
    check("  against the seed's target", p99Value, `< ${SEED_PLACE_P99_MS} ms`, placeP99 < SEED_PLACE_P99_MS),
    check(
      'timed orders filled',
      `${int(filled)} of ${int(timed)} (drain ${fixed(drainMs)} ms)`,
      'all',
      filled === timed,
    ),
    check('orders stored (durable)', `${int(stored.rows)} rows`, `= ${int(placed)} placed`, stored.rows === placed),
  ];
}

async function main(): Promise<void> {
  const benchStart = performance.now();
  console.log('Tickdesk order placement benchmark (place → durable 202 QUEUED through the Local API)');
  console.log(machineLine());

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tickdesk-bench-orders-'));
  const logger = createProblemLogger();
  const token = randomBytes(24).toString('hex');
  const seen = new Set<number>();
  let engine: Engine | undefined;
  let api: LocalApi | undefined;
  let dbFile: string;
  let rounds: Round[];
  try {
    engine = createEngine(loadConfig({ TICKDESK_DATA_DIR: dataDir }), { logger, startFeed: true });
    engine.start();
    if (engine.world !== 'demo') throw new Error(`expected the demo world, got ${engine.world}`);
    dbFile = engine.db.name;
    api = await startLocalApi({
      router: engine.router,
      events: engine.events,
      logger: engine.logger.child('api'),
      token,
      port: 0,
    });
    const client = createClient(api.origin, token);
    const setupStart = performance.now();
    const instruments = await findInstruments(client);
    const market = await prepareMarket(client, instruments);
    console.log(
      `settings: ${int(ORDERS)} orders and ${int(ORDERS)} health requests a round, ${ROUNDS} rounds, warm-up ` +
        `${WARMUP} of each; one request in flight over keep-alive; demo engine (paper broker, feed in full mode) ` +
        `on a file database in ${os.tmpdir()}, Local API on ${api.origin}`,
    );
    console.log(`market (setup ${fixed(performance.now() - setupStart)} ms): ${market}`);
    rounds = await measure(
      {
        origin: api.origin,
        token,
        instruments: instruments.map((i) => ({ instrumentKey: i.instrumentKey, tickSize: i.tickSize })),
      },
      engine,
      seen,
    );
  } finally {
    await api?.close();
    await engine?.shutdown();
  }
  let checks: Check[];
  try {
    checks = verdict(rounds, seen.size, storedOrders(dbFile));
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }

  printChecks(checks, [36, 40, 16]);
  const problems = new Map<string, number>();
  for (const p of logger.problems) problems.set(p, (problems.get(p) ?? 0) + 1);
  if (problems.size > 0) console.log('the engine logged:');
  for (const [problem, count] of problems) console.log(`  ${count} × ${problem}`);
  if (checks.some((c) => !c.pass)) process.exitCode = 1;
  console.log(`total bench time ${fixed((performance.now() - benchStart) / 1000)} s`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
