import { afterEach, describe, expect, it } from 'vitest';
import { closeSockets, connectSocket } from '../../../tests/helpers/net';
import { waitFor } from '../../../tests/helpers/wait';
import { createSystemClock } from '../common/clock';
import { api, authorize, FeedClient, schema, startSim, stopSims } from '../../../tests/helpers/sim-client';

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
