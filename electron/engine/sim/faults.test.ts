import { afterEach, describe, expect, it } from 'vitest';
import { closeSockets, connectSocket } from '../../../tests/helpers/net';
import { waitFor } from '../../../tests/helpers/wait';
import { createSystemClock } from '../common/clock';
import { createMemoryLogger } from '../common/logger';
import { UpstoxApiError } from '../upstox/errors';
import { createUpstoxRest } from '../upstox/rest';
import { api, authorize, FeedClient, schema, startSim, stopSims, TOKEN } from '../../../tests/helpers/sim-client';
import type { UpstoxSimulator } from '.';

afterEach(async () => {
  closeSockets();
  await stopSims();
});

const RELIANCE = 'NSE_EQ|INE002A01018';

async function subscribedClient(options: Parameters<typeof startSim>[0] = {}) {
  const sim = await startSim({ ticksPerInterval: 'all', ...options });
  const client = await FeedClient.connect(sim);
  client.send('sub', [RELIANCE, 'NSE_INDEX|Nifty 50'], 'ltpc');
  await client.waitForFrame('live frames', (f) => f.type === 'live_feed');
  return { sim, client };
}

describe('simulator faults', () => {
  it('dropConnections kills sockets without a close frame (1006)', async () => {
    const { sim, client } = await subscribedClient();
    expect(sim.faults.dropConnections()).toBe(1);
    expect(sim.stats().openSockets).toBe(0);
    expect(await client.waitForClose()).toBe(1006);
    expect(sim.stats().subscriptions).toEqual({ ltpc: 0, full: 0, option_greeks: 0, full_d30: 0 });
  });

  it('closeWith closes with the given code', async () => {
    const { sim, client } = await subscribedClient();
    expect(sim.faults.closeWith(4001, 'maintenance')).toBe(1);
    expect(await client.waitForClose()).toBe(4001);
  });

  it('sendGarbage sends binary frames that no protobuf decoder accepts, and the feed goes on', async () => {
    const { sim, client } = await subscribedClient();
    sim.faults.sendGarbage(20);
    await waitFor(() => client.undecodable.length === 20, '20 garbage frames');
    for (const frame of client.undecodable) expect(() => schema.FeedResponse.decode(frame)).toThrow();
    const mark = client.frames.length;
    await client.waitForFrame(
      'a live frame after the garbage',
      (f) => f.type === 'live_feed' && client.frames.indexOf(f) >= mark,
    );
    expect(sim.stats().garbageSent).toBe(20);
  });

  it('stall: no data, no pings and no pongs for the period, the socket stays open, then frames resume', async () => {
    // The system clock stamps frames with their send time, which makes the check independent of delivery delays.
    const { sim, client } = await subscribedClient({ pingIntervalMs: 40, clock: createSystemClock() });
    await waitFor(() => client.pings.length >= 2, 'server pings');
    const answered = new Set<number>();
    client.ws.on('pong', (data: Buffer) => answered.add(Number(data.toString())));
    const sent: number[] = [];
    const pinger = setInterval(() => {
      const now = Date.now();
      sent.push(now);
      client.ws.ping(String(now));
    }, 25);
    try {
      await waitFor(() => answered.size >= 2, 'pongs before the stall');
      const start = Date.now();
      sim.faults.stall(600);
      await waitFor(() => client.frames.some((f) => f.currentTs >= start + 600), 'frames after the stall', 5_000);
      await waitFor(() => [...answered].some((t) => t >= start + 600), 'pongs after the stall');
      // A frame stamped in the millisecond of the stall() call may have been sent just before it.
      expect(
        client.frames.filter((f) => f.currentTs > start && f.currentTs < start + 600).map((f) => f.currentTs - start),
      ).toEqual([]);
      // Pings sent well inside the stall are never answered, not even late.
      const inside = sent.filter((t) => t > start && t < start + 500);
      expect(inside.length).toBeGreaterThan(5);
      expect(inside.filter((t) => answered.has(t))).toEqual([]);
      expect(client.pings.filter((t) => t > start + 200 && t < start + 500)).toEqual([]);
      expect(client.closeCode).toBeNull();
      expect(sim.stats().openSockets).toBe(1);
    } finally {
      clearInterval(pinger);
    }
  });

  it('failAuthorize fails the next N authorize calls with the given status', async () => {
    const sim = await startSim();
    sim.faults.failAuthorize(2, 403);
    for (let i = 0; i < 2; i++) {
      const res = await api(sim, '/v3/feed/market-data-feed/authorize');
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({
        status: 'error',
        errors: [{ error_code: 'UDAPI100050', message: expect.any(String), property_path: null, invalid_value: null }],
      });
    }
    expect((await api(sim, '/v3/feed/market-data-feed/authorize')).status).toBe(200);
    expect(sim.stats().authorizeCalls).toBe(3);
  });

  it('rejectUpgrade refuses the next N handshakes with the status, then accepts', async () => {
    const sim = await startSim();
    sim.faults.rejectUpgrade(2, 503);
    expect(await connectSocket(await authorize(sim))).toEqual({ kind: 'refused', statusCode: 503 });
    expect(await connectSocket(await authorize(sim))).toEqual({ kind: 'refused', statusCode: 503 });
    expect((await connectSocket(await authorize(sim))).kind).toBe('open');
  });

  it('slowHandshake delays the upgrade (and trips a client handshake timeout)', async () => {
    const sim = await startSim();
    sim.faults.slowHandshake(300, 2);
    const started = Date.now();
    expect((await connectSocket(await authorize(sim))).kind).toBe('open');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    await expect(connectSocket(await authorize(sim), { handshakeTimeout: 50 })).rejects.toThrow(/timed out/i);
    const quick = Date.now();
    expect((await connectSocket(await authorize(sim))).kind).toBe('open');
    expect(Date.now() - quick).toBeLessThan(250);
  });

  it('rateLimit answers the next N REST calls with 429 UDAPI10005', async () => {
    const sim = await startSim();
    sim.faults.rateLimit(2);
    for (const path of [
      '/v3/feed/market-data-feed/authorize',
      `/v3/historical-candle/intraday/${encodeURIComponent(RELIANCE)}/minutes/1`,
    ]) {
      const res = await api(sim, path);
      expect(res.status).toBe(429);
      expect(((await res.json()) as { errors: Array<{ error_code: string }> }).errors[0]!.error_code).toBe(
        'UDAPI10005',
      );
    }
    expect((await api(sim, '/v3/feed/market-data-feed/authorize')).status).toBe(200);
  });

  it('reset clears pending faults and ends a stall', async () => {
    const { sim, client } = await subscribedClient();
    sim.faults.failAuthorize(5);
    sim.faults.stall(60_000);
    sim.faults.reset();
    const mark = Date.now();
    await client.waitForFrame('frames right after reset', (f) => f.receivedAt > mark + 20);
    expect((await api(sim, '/v3/feed/market-data-feed/authorize')).status).toBe(200);
  });
});

const DAYS_PATH = (key: string, to = '2025-12-31', from = '2025-12-01') =>
  `/v3/historical-candle/${encodeURIComponent(key)}/days/1/${to}/${from}`;
const TCS = 'NSE_EQ|INE467B01029';
type Row = [string, number, number, number, number, number, number];

/** The engine's REST client on the simulator, without retries, so each fault shows as the error it is. */
function restClient(sim: UpstoxSimulator, timeoutMs = 10_000) {
  return createUpstoxRest({
    apiUrl: sim.apiUrl,
    orderUrl: sim.apiUrl,
    token: () => TOKEN,
    fetch,
    clock: createSystemClock(),
    logger: createMemoryLogger(),
    maxRetries: 0,
    timeoutMs,
  });
}

async function rejection(promise: Promise<unknown>): Promise<UpstoxApiError> {
  const error = await promise.then(
    () => new Error('the request succeeded'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UpstoxApiError);
  return error as UpstoxApiError;
}

describe('simulator REST faults by share', () => {
  it('answers 429 UDAPI10005, 500 with an error envelope, an unusable 200, or nothing, and the client reads each as such', async () => {
    const sim = await startSim();
    const rest = restClient(sim, 300);
    const keys = sim
      .instruments()
      .filter((i) => i.instrumentType === 'EQ')
      .map((i) => i.instrumentKey);
    const [k429, k500, kTimeout, ...malformedKeys] = keys;
    sim.faults.restFaults({ share429: 1, paths: [`/v3/historical-candle/${k429}/`] });
    sim.faults.restFaults({ share500: 1, paths: [`/v3/historical-candle/${k500}/`] });
    sim.faults.restFaults({ shareTimeout: 1, paths: [`/v3/historical-candle/${kTimeout}/`] });
    sim.faults.restFaults({ shareMalformed: 1 });

    const tooMany = await api(sim, DAYS_PATH(k429!));
    expect(tooMany.status).toBe(429);
    expect(await tooMany.json()).toEqual({
      status: 'error',
      errors: [{ error_code: 'UDAPI10005', message: expect.any(String), property_path: null, invalid_value: null }],
    });
    const broken = await api(sim, DAYS_PATH(k500!));
    expect(broken.status).toBe(500);
    expect(((await broken.json()) as { errors: { error_code: string }[] }).errors[0]!.error_code).toBe('UDAPI100500');

    expect((await rejection(rest.historicalCandles(k429!, 'days', 1, '2025-12-31', '2025-12-01'))).kind).toBe(
      'rate_limited',
    );
    expect((await rejection(rest.historicalCandles(k500!, 'days', 1, '2025-12-31', '2025-12-01'))).kind).toBe(
      'transient',
    );
    const timedOut = await rejection(rest.historicalCandles(kTimeout!, 'days', 1, '2025-12-31', '2025-12-01'));
    expect(timedOut).toMatchObject({ kind: 'transient', message: expect.stringMatching(/timed out after 300 ms/) });

    // Both kinds of unusable body turn up over a few requests: truncated JSON and a row whose price is text.
    const reasons = new Set<string>();
    for (const key of malformedKeys.slice(0, 12)) {
      const res = await api(sim, DAYS_PATH(key));
      expect(res.status).toBe(200);
      const text = await res.text();
      let body: { data: { candles: unknown[][] } } | undefined;
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        reasons.add('truncated');
      }
      if (body) {
        expect(typeof body.data.candles[0]![1]).toBe('string');
        reasons.add('row');
      }
      const error = await rejection(rest.historicalCandles(key, 'days', 1, '2025-12-31', '2025-12-01'));
      expect(error.kind).toBe('bad_response');
    }
    expect([...reasons].sort()).toEqual(['row', 'truncated']);

    const report = sim.faults.restReport();
    expect(report.injected).toEqual({ '429': 2, '500': 2, timeout: 1, malformed: 24 });
    expect(report.served).toBe(0);
    expect(report.requests.filter((r) => r.instrumentKey === k429)).toEqual([
      {
        seq: 1,
        path: `/v3/historical-candle/${k429}/days/1/2025-12-31/2025-12-01`,
        instrumentKey: k429,
        timeframe: '1d',
        outcome: '429',
        candles: 0,
      },
      {
        seq: 3,
        path: `/v3/historical-candle/${k429}/days/1/2025-12-31/2025-12-01`,
        instrumentKey: k429,
        timeframe: '1d',
        outcome: '429',
        candles: 0,
      },
    ]);
  });

  it('holds a timed-out request open until the client gives up, and closing the simulator ends one still held', async () => {
    const sim = await startSim();
    sim.faults.restFaults({ shareTimeout: 1 });
    const headers = { authorization: `Bearer ${TOKEN}` };
    const started = Date.now();
    await expect(fetch(sim.apiUrl + DAYS_PATH(TCS), { headers, signal: AbortSignal.timeout(200) })).rejects.toThrow(
      /timeout|abort/i,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);

    const held = fetch(sim.apiUrl + DAYS_PATH(RELIANCE), { headers }).then(
      () => 'answered',
      () => 'ended',
    );
    await waitFor(() => sim.faults.restReport().injected.timeout === 2, 'the second request to be held');
    const closing = Date.now();
    await sim.close();
    expect(await held).toBe('ended');
    expect(Date.now() - closing).toBeLessThan(1_000);
  });

  it('draws the same faults for the same requests whatever their order, near the shares asked for', async () => {
    const keys = (sim: UpstoxSimulator) =>
      sim
        .instruments()
        .filter((i) => i.instrumentType === 'EQ')
        .slice(0, 50)
        .map((i) => i.instrumentKey);
    const outcomes = async (order: 'forward' | 'backward', seed: number) => {
      const sim = await startSim();
      sim.faults.restFaults({ share429: 0.2, share500: 0.2, shareMalformed: 0.2, seed });
      const paths = keys(sim).flatMap((key) => [
        DAYS_PATH(key),
        DAYS_PATH(key),
        DAYS_PATH(key, '2025-12-31', '2025-11-03'),
      ]);
      for (const path of order === 'forward' ? paths : [...paths].reverse()) await (await api(sim, path)).arrayBuffer();
      const report = sim.faults.restReport();
      // The n-th request of each path, whichever arrived first overall.
      const byPath = new Map<string, string[]>();
      for (const r of report.requests) byPath.set(r.path, [...(byPath.get(r.path) ?? []), r.outcome]);
      return { byPath: Object.fromEntries([...byPath].sort(([a], [b]) => a.localeCompare(b))), report };
    };
    const forward = await outcomes('forward', 7);
    const backward = await outcomes('backward', 7);
    const reseeded = await outcomes('forward', 8);
    expect(backward.byPath).toEqual(forward.byPath);
    expect(reseeded.byPath).not.toEqual(forward.byPath);
    const { injected, served } = forward.report;
    expect(served + injected['429'] + injected['500'] + injected.malformed).toBe(150);
    expect(injected.timeout).toBe(0);
    for (const count of [injected['429'], injected['500'], injected.malformed]) {
      expect(count).toBeGreaterThan(15);
      expect(count).toBeLessThan(50);
    }
  });

  it('counts the candles served per instrument and timeframe: every answer, and each bar once', async () => {
    const sim = await startSim();
    // A rule covering nothing the test asks for: it only records.
    sim.faults.restFaults({ share500: 1, paths: [/\/minutes\//] });
    const rows = async (path: string) =>
      ((await (await api(sim, path)).json()) as { data: { candles: Row[] } }).data.candles;
    const december = await rows(DAYS_PATH(TCS));
    const overlap = await rows(DAYS_PATH(TCS, '2026-01-02', '2025-12-20'));
    const weeks = await rows(`/v3/historical-candle/${encodeURIComponent(TCS)}/weeks/1/2025-12-31/2025-10-01`);
    const minutes = await api(sim, `/v3/historical-candle/${encodeURIComponent(TCS)}/minutes/30/2025-12-01/2025-12-01`);
    expect(minutes.status).toBe(500);
    const bars = (list: Row[]) => list.map((r) => Date.parse(r[0]));

    const report = sim.faults.restReport();
    expect(report.served).toBe(3);
    expect(report.injected).toEqual({ '429': 0, '500': 1, timeout: 0, malformed: 0 });
    expect(report.candles).toEqual({
      [TCS]: {
        '1d': {
          answers: 2,
          candles: december.length + overlap.length,
          bars: [...new Set([...bars(december), ...bars(overlap)])].sort((a, b) => a - b),
        },
        '1w': { answers: 1, candles: weeks.length, bars: bars(weeks).reverse() },
      },
    });
    expect(report.candles[TCS]!['1d']!.bars.length).toBeLessThan(december.length + overlap.length);
    expect(report.requests.map((r) => [r.timeframe, r.outcome, r.candles])).toEqual([
      ['1d', 'served', december.length],
      ['1d', 'served', overlap.length],
      ['1w', 'served', weeks.length],
      ['30m', '500', 0],
    ]);
    // A report is a copy.
    report.candles[TCS]!['1d']!.bars.length = 0;
    expect(sim.faults.restReport().candles[TCS]!['1d']!.bars.length).toBeGreaterThan(0);
  });

  it('the first rule covering a request decides, for its first `times` requests; reset removes the rules and the records', async () => {
    const sim = await startSim();
    sim.faults.restFaults({ share429: 1, times: 2, paths: [`/v3/historical-candle/${TCS}/`] });
    sim.faults.restFaults({ share500: 1 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await api(sim, DAYS_PATH(TCS))).status);
    statuses.push((await api(sim, DAYS_PATH(RELIANCE))).status);
    expect(statuses).toEqual([429, 429, 500, 500]);
    // Not a candle request: the rules never see it.
    expect((await api(sim, '/v3/feed/market-data-feed/authorize')).status).toBe(200);
    expect(sim.faults.restReport().requests).toHaveLength(4);

    sim.faults.reset();
    expect((await api(sim, DAYS_PATH(TCS))).status).toBe(200);
    expect(sim.faults.restReport()).toEqual({
      injected: { '429': 0, '500': 0, timeout: 0, malformed: 0 },
      served: 0,
      requests: [],
      candles: {},
    });
  });

  it('refuses shares outside [0, 1], shares adding up to more than 1, and a negative times', async () => {
    const sim = await startSim();
    expect(() => sim.faults.restFaults({ share429: 1.5 })).toThrow(RangeError);
    expect(() => sim.faults.restFaults({ share500: -0.1 })).toThrow(RangeError);
    expect(() => sim.faults.restFaults({ share500: Number.NaN })).toThrow(RangeError);
    expect(() => sim.faults.restFaults({ share429: 0.5, share500: 0.4, shareMalformed: 0.2 })).toThrow(/more than 1/);
    expect(() => sim.faults.restFaults({ share429: 1, times: -1 })).toThrow(RangeError);
    expect(sim.faults.restReport().requests).toEqual([]);
  });
});
