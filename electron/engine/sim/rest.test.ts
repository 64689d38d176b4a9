import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { api, startSim, stopSims, testClock, TOKEN } from '../../../tests/helpers/sim-client';

afterEach(stopSims);

const RELIANCE = encodeURIComponent('NSE_EQ|INE002A01018');
type Row = [string, number, number, number, number, number, number];

async function candles(res: Response): Promise<Row[]> {
  expect(res.status).toBe(200);
  const body = (await res.json()) as { status: string; data: { candles: Row[] } };
  expect(body.status).toBe('success');
  return body.data.candles;
}

function expectConsistent(rows: Row[]): void {
  for (const [ts, o, h, l, c, v] of rows) {
    expect(ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00\+05:30$/);
    expect(h).toBeGreaterThanOrEqual(Math.max(o, c));
    expect(l).toBeLessThanOrEqual(Math.min(o, c));
    expect(l).toBeGreaterThan(0);
    expect(v).toBeGreaterThanOrEqual(0);
  }
  const times = rows.map((r) => Date.parse(r[0]));
  for (let i = 1; i < times.length; i++) expect(times[i]!).toBeLessThan(times[i - 1]!);
}

describe('simulator REST', () => {
  it('requires a bearer token (401 UDAPI100050 envelope) and honours acceptToken', async () => {
    const sim = await startSim({ acceptToken: (t) => t === 'good' });
    for (const token of [null, 'bad']) {
      const res = await api(sim, '/v3/feed/market-data-feed/authorize', token);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({
        status: 'error',
        errors: [
          {
            error_code: 'UDAPI100050',
            message: 'Invalid token used to access API',
            property_path: null,
            invalid_value: null,
          },
        ],
      });
    }
    const res = await api(sim, '/v3/feed/market-data-feed/authorize', 'good');
    const body = (await res.json()) as {
      status: string;
      data: { authorized_redirect_uri: string; authorizedRedirectUri: string };
    };
    expect(body.data.authorizedRedirectUri).toBe(body.data.authorized_redirect_uri);
    expect(body.status).toBe('success');
    expect(body.data.authorized_redirect_uri).toMatch(
      new RegExp(
        `^ws://127\\.0\\.0\\.1:${sim.port}/market-data-feeder/v3/upstox-developer-api/feeds\\?requestId=[0-9a-f-]{36}&code=[0-9a-f-]{36}$`,
      ),
    );
    expect((await api(sim, '/v2/unknown', 'good')).status).toBe(404);
  });

  it("serves today's intraday candles newest first, from the 09:15 open to the current minute", async () => {
    // No ticks between the requests, so the day's volume can be compared with its minutes.
    const sim = await startSim({ tickIntervalMs: 60_000 });
    const rows = await candles(await api(sim, `/v3/historical-candle/intraday/${RELIANCE}/minutes/1`));
    // The test clock is 10:30 IST: 75 finished minutes since 09:15 plus the current one.
    expect(rows).toHaveLength(76);
    expect(rows[0]![0]).toBe('2026-01-05T10:30:00+05:30');
    expect(rows.at(-1)![0]).toBe('2026-01-05T09:15:00+05:30');
    expectConsistent(rows);
    const hourly = await candles(await api(sim, `/v3/historical-candle/intraday/${RELIANCE}/hours/1`));
    expect(hourly.map((r) => r[0])).toEqual(['2026-01-05T10:15:00+05:30', '2026-01-05T09:15:00+05:30']);
    expect(hourly[1]![2]).toBe(Math.max(...rows.filter((r) => r[0] < '2026-01-05T10:15').map((r) => r[2])));
    const [day] = await candles(await api(sim, `/v3/historical-candle/intraday/${RELIANCE}/days/1`));
    expect(day![0]).toBe('2026-01-05T00:00:00+05:30');
    expect(day![5]).toBe(rows.reduce((a, r) => a + r[5], 0));
  });

  it('generates deterministic past candles: the same day agrees across ranges and with its minutes', async () => {
    const sim = await startSim();
    const long = await candles(await api(sim, `/v3/historical-candle/${RELIANCE}/days/1/2025-12-31/2025-06-01`));
    const short = await candles(await api(sim, `/v3/historical-candle/${RELIANCE}/days/1/2025-12-10/2025-12-01`));
    expectConsistent(long);
    expect(long.every((r) => ![0, 6].includes(new Date(r[0].slice(0, 10)).getUTCDay()))).toBe(true);
    expect(long).toEqual(expect.arrayContaining(short));
    const dec1 = short.at(-1)!;
    expect(dec1[0]).toBe('2025-12-01T00:00:00+05:30');
    const minutes = await candles(await api(sim, `/v3/historical-candle/${RELIANCE}/minutes/1/2025-12-01/2025-12-01`));
    expect(minutes).toHaveLength(375);
    expectConsistent(minutes);
    expect(minutes.at(-1)![1]).toBe(dec1[1]);
    expect(minutes[0]![4]).toBe(dec1[4]);
    expect(Math.max(...minutes.map((r) => r[2]))).toBe(dec1[2]);
    expect(Math.min(...minutes.map((r) => r[3]))).toBe(dec1[3]);
    expect(minutes.reduce((a, r) => a + r[5], 0)).toBe(dec1[5]);
    const thirty = await candles(await api(sim, `/v3/historical-candle/${RELIANCE}/minutes/30/2025-12-01/2025-12-01`));
    expect(thirty).toHaveLength(13);
    expect(thirty.at(-1)![0]).toBe('2025-12-01T09:15:00+05:30');
    const weeks = await candles(await api(sim, `/v3/historical-candle/${RELIANCE}/weeks/1/2025-12-31/2025-01-01`));
    expect(weeks.length).toBeGreaterThanOrEqual(52);
  });

  it('prices derivative history off the underlying and rejects bad requests the Upstox way', async () => {
    const sim = await startSim();
    const future = sim.instruments().find((i) => i.instrumentType === 'FUT')!;
    const rows = await candles(
      await api(sim, `/v3/historical-candle/${encodeURIComponent(future.instrumentKey)}/days/1/2026-01-02/2025-12-29`),
    );
    expect(rows).toHaveLength(5);
    expect(rows.every((r) => r[6] > 0)).toBe(true);
    const unknown = await api(
      sim,
      `/v3/historical-candle/${encodeURIComponent('NSE_EQ|INE000NOPE00')}/days/1/2026-01-02/2025-12-01`,
    );
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { errors: Array<{ error_code: string }> }).errors[0]!.error_code).toBe(
      'UDAPI1087',
    );
    expect((await api(sim, `/v3/historical-candle/${RELIANCE}/minutes/1/2025-12-31/2025-01-01`)).status).toBe(400);
    expect((await api(sim, `/v3/historical-candle/${RELIANCE}/seconds/1/2025-12-31/2025-12-01`)).status).toBe(400);
    expect((await api(sim, `/v3/historical-candle/${RELIANCE}/toString/1/2025-12-31/2025-12-01`)).status).toBe(400);
    expect((await api(sim, `/v3/historical-candle/intraday/${RELIANCE}/weeks/1`)).status).toBe(400);
  });

  it('serves the instrument master as complete.json.gz in the Upstox row format', async () => {
    const sim = await startSim();
    const res = await api(sim, '/market-quote/instruments/exchange/complete.json.gz', null);
    expect(res.status).toBe(200);
    const rows = JSON.parse(gunzipSync(Buffer.from(await res.arrayBuffer())).toString('utf8')) as Array<
      Record<string, unknown>
    >;
    expect(rows).toHaveLength(sim.instruments().length);
    const byType = (t: string) => rows.filter((r) => r.instrument_type === t);
    // The built-in instruments come first; the members of the universe files follow (universe.test.ts).
    expect(byType('EQ').length).toBeGreaterThan(50);
    expect(
      byType('INDEX')
        .slice(0, 3)
        .map((r) => r.instrument_key),
    ).toEqual(['NSE_INDEX|Nifty 50', 'NSE_INDEX|Nifty Bank', 'NSE_INDEX|India VIX']);
    // NIFTY's and BANKNIFTY's, and two for each of the 208 stocks of the F&O universe file.
    expect(byType('FUT')).toHaveLength(4 + 2 * 208);
    expect(byType('CE')).toHaveLength(21);
    expect(byType('PE')).toHaveLength(21);
    expect(rows.find((r) => r.trading_symbol === 'RELIANCE')).toMatchObject({
      segment: 'NSE_EQ',
      exchange: 'NSE',
      isin: 'INE002A01018',
      instrument_key: 'NSE_EQ|INE002A01018',
      lot_size: 1,
      exchange_token: '2885',
      tick_size: 10,
    });
    const ce = byType('CE')[0]!;
    expect(ce).toMatchObject({
      segment: 'NSE_FO',
      underlying_key: 'NSE_INDEX|Nifty 50',
      underlying_type: 'INDEX',
      underlying_symbol: 'NIFTY',
      tick_size: 5,
      weekly: expect.any(Boolean),
    });
    expect(ce.trading_symbol).toMatch(/^NIFTY \d+ CE \d\d [A-Z]{3} \d\d$/);
    // Expiry in epoch ms at 23:59:59 IST on a Tuesday.
    const expiry = new Date((ce.expiry as number) + 330 * 60_000);
    expect([expiry.getUTCDay(), expiry.getUTCHours(), expiry.getUTCMinutes(), expiry.getUTCSeconds()]).toEqual([
      2, 23, 59, 59,
    ]);
    expect(byType('FUT').every((r) => typeof r.expiry === 'number' && (r.minimum_lot as number) > 0)).toBe(true);
  });
});

describe('simulator REST latency and rate limits', () => {
  const AUTHORIZE = '/v3/feed/market-data-feed/authorize';
  const timed = async (sim: Awaited<ReturnType<typeof startSim>>) => {
    const started = performance.now();
    const res = await api(sim, AUTHORIZE);
    await res.arrayBuffer();
    return performance.now() - started;
  };

  it('holds each answer for a latency drawn in [min, max], errors too', async () => {
    const sim = await startSim({ restLatencyMs: { min: 40, max: 70 } });
    const took = await Promise.all(Array.from({ length: 12 }, () => timed(sim)));
    // Timers may fire a little early against performance.now(); the upper side leaves room for a noisy machine.
    for (const ms of took) expect(ms).toBeGreaterThanOrEqual(39);
    expect(Math.max(...took)).toBeLessThan(70 + 400);
    expect(Math.max(...took) - Math.min(...took)).toBeGreaterThan(3);
    const refused = performance.now();
    expect((await api(sim, '/v2/unknown')).status).toBe(404);
    expect(performance.now() - refused).toBeGreaterThanOrEqual(39);

    const prompt = await startSim();
    expect(Math.min(...(await Promise.all(Array.from({ length: 5 }, () => timed(prompt)))))).toBeLessThan(39);
  });

  it("answers 429 UDAPI10005 past a token's sliding windows, counts each in the stats, and frees a slot as requests age out", async () => {
    const clock = testClock();
    const sim = await startSim({ clock, rateLimits: { perSecond: 3, perMinute: 5 } });
    const status = async (token = TOKEN) => (await api(sim, AUTHORIZE, token)).status;
    expect([await status(), await status(), await status()]).toEqual([200, 200, 200]);
    const refused = await api(sim, AUTHORIZE);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual({
      status: 'error',
      errors: [
        { error_code: 'UDAPI10005', message: 'Too Many Request Sent', property_path: null, invalid_value: null },
      ],
    });
    // Per token: another user's budget is untouched; a refused token is not counted at all.
    expect(await status('other-user')).toBe(200);
    expect(await status('')).toBe(401);

    clock.advance(999);
    expect(await status()).toBe(429);
    clock.advance(1);
    // The minute window (5) binds now: 3 went in the first second, 2 fit in this one.
    expect([await status(), await status(), await status()]).toEqual([200, 200, 429]);
    clock.advance(60_000);
    expect(await status()).toBe(200);
    // The candle route and the instrument master: the first is counted, the public file never.
    expect(
      (await api(sim, `/v3/historical-candle/${RELIANCE}/days/1/2025-12-10/2025-12-01`, 'other-user')).status,
    ).toBe(200);
    for (let i = 0; i < 3; i++)
      expect((await api(sim, '/market-quote/instruments/exchange/complete.json.gz', null)).status).toBe(200);
    sim.faults.rateLimit(1);
    expect(await status('third-user')).toBe(429);
    expect(sim.stats().rateLimited).toBe(3);
  });

  it('answers the same candles from kept past sessions as from their minutes, whatever the budget', async () => {
    const routes = [
      `/v3/historical-candle/${RELIANCE}/hours/1/2025-12-31/2025-12-01`,
      `/v3/historical-candle/${RELIANCE}/minutes/30/2025-12-10/2025-12-08`,
      `/v3/historical-candle/${RELIANCE}/minutes/1/2025-12-02/2025-12-01`,
      `/v3/historical-candle/${RELIANCE}/hours/5/2026-01-02/2025-12-29`,
    ];
    const plain = await startSim();
    const kept = await startSim({ pastSessionCacheBars: 1_000_000 });
    const tight = await startSim({ pastSessionCacheBars: 10 });
    for (const route of routes) {
      const expected = await candles(await api(plain, route));
      expect(expected.length, route).toBeGreaterThan(0);
      for (const sim of [kept, kept, tight, tight])
        expect(await candles(await api(sim, route)), route).toEqual(expected);
    }
  });

  it("enforces Upstox's 50 a second by default once asked, and nothing unless asked", async () => {
    const clock = testClock();
    const limited = await startSim({ clock, rateLimits: {} });
    const unlimited = await startSim({ clock });
    const statuses = async (sim: Awaited<ReturnType<typeof startSim>>, n: number) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push((await api(sim, AUTHORIZE)).status);
      return out;
    };
    expect(await statuses(limited, 51)).toEqual([...Array<number>(50).fill(200), 429]);
    expect(new Set(await statuses(unlimited, 60))).toEqual(new Set([200]));
    expect(unlimited.stats().rateLimited).toBe(0);
  });
});
