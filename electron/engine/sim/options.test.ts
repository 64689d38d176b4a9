import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startSim, stopSims } from '../../../tests/helpers/sim-client';
import type { UpstoxSimulator } from '.';
import type { ChainRow, ContractRow } from './option-chain';

// The test clock is Monday 2026-01-05 10:30 IST: NIFTY's weeklies expire on Tuesdays, the monthlies on the last one.
const NIFTY = 'NSE_INDEX|Nifty 50';
const BANKNIFTY = 'NSE_INDEX|Nifty Bank';
const RELIANCE = 'NSE_EQ|INE002A01018';
const MONTHLIES = ['2026-01-27', '2026-02-24', '2026-03-31'];
const NIFTY_EXPIRIES = ['2026-01-06', '2026-01-13', '2026-01-20', ...MONTHLIES];

const chainPath = (key: string, expiry: string) =>
  `/v2/option/chain?instrument_key=${encodeURIComponent(key)}&expiry_date=${expiry}`;

async function chainOf(sim: UpstoxSimulator, key: string, expiry: string): Promise<ChainRow[]> {
  const res = await api(sim, chainPath(key, expiry));
  expect(res.status).toBe(200);
  const body = (await res.json()) as { status: string; data: ChainRow[] };
  expect(body.status).toBe('success');
  return body.data;
}

async function contractsOf(sim: UpstoxSimulator, query: string): Promise<ContractRow[]> {
  const res = await api(sim, `/v2/option/contract?${query}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: ContractRow[] }).data;
}

async function errorOf(res: Response): Promise<[number, string]> {
  const body = (await res.json()) as { status: string; errors: Array<{ error_code: string }> };
  expect(body.status).toBe('error');
  return [res.status, body.errors[0]!.error_code];
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** The strike where option writers lose least at expiry. */
function maxPain(rows: ChainRow[]): number {
  let best = { strike: NaN, pain: Infinity };
  for (const { strike_price: settle } of rows) {
    const pain = sum(
      rows.map(
        (r) =>
          Math.max(0, settle - r.strike_price) * r.call_options.market_data.oi +
          Math.max(0, r.strike_price - settle) * r.put_options.market_data.oi,
      ),
    );
    if (pain < best.pain) best = { strike: settle, pain };
  }
  return best.strike;
}

describe('simulated option chains', () => {
  let sim: UpstoxSimulator;
  beforeAll(async () => {
    // Nothing ticks, so every answer reads the same market.
    sim = await startSim({ ticksPerInterval: 0 });
  });
  afterAll(stopSims);

  it('answers the NIFTY weekly in Upstox shape: 41 strikes ascending around the money, the listed contracts under their master keys', async () => {
    const rows = await chainOf(sim, NIFTY, '2026-01-06');
    expect(rows).toHaveLength(41);
    const spot = rows[0]!.underlying_spot_price;
    expect(spot).toBeGreaterThan(20_000);
    expect(rows[0]).toEqual({
      expiry: '2026-01-06',
      pcr: expect.any(Number),
      strike_price: expect.any(Number),
      underlying_key: NIFTY,
      underlying_spot_price: spot,
      call_options: {
        instrument_key: expect.stringMatching(/^NSE_FO\|\d+$/),
        market_data: {
          ltp: expect.any(Number),
          volume: expect.any(Number),
          oi: expect.any(Number),
          close_price: expect.any(Number),
          bid_price: expect.any(Number),
          bid_qty: expect.any(Number),
          ask_price: expect.any(Number),
          ask_qty: expect.any(Number),
          prev_oi: expect.any(Number),
        },
        option_greeks: {
          vega: expect.any(Number),
          theta: expect.any(Number),
          gamma: expect.any(Number),
          delta: expect.any(Number),
          iv: expect.any(Number),
          pop: expect.any(Number),
        },
      },
      put_options: expect.objectContaining({ instrument_key: expect.stringMatching(/^NSE_FO\|\d+$/) }),
    });
    const strikes = rows.map((r) => r.strike_price);
    for (let i = 1; i < strikes.length; i++) expect(strikes[i]! - strikes[i - 1]!).toBe(50);
    expect(Math.abs(strikes[20]! - spot)).toBeLessThan(10 * 50);
    // Calls cheapen up the strikes and puts dear up, with deltas to match; IV is in percent, as Upstox states it.
    for (let i = 1; i < rows.length; i++) {
      expect(rows[i]!.call_options.market_data.ltp).toBeLessThanOrEqual(rows[i - 1]!.call_options.market_data.ltp);
      expect(rows[i]!.put_options.market_data.ltp).toBeGreaterThanOrEqual(rows[i - 1]!.put_options.market_data.ltp);
    }
    for (const r of rows) {
      expect(r.call_options.option_greeks.delta).toBeGreaterThanOrEqual(0);
      expect(r.put_options.option_greeks.delta).toBeLessThanOrEqual(0);
      expect(r.call_options.option_greeks.iv).toBeGreaterThan(5);
      expect(r.call_options.option_greeks.iv).toBeLessThan(60);
      const { bid_price: bid, ask_price: ask, ltp } = r.call_options.market_data;
      expect(bid).toBeLessThanOrEqual(ltp);
      expect(ask).toBeGreaterThanOrEqual(ltp);
    }
    const master = new Map(
      sim
        .instruments()
        .filter((i) => i.instrumentType === 'CE' && i.expiry === '2026-01-06')
        .map((i) => [i.strike, i.instrumentKey]),
    );
    const listedInChain = rows.filter((r) => master.has(r.strike_price));
    expect(listedInChain.length).toBeGreaterThan(15);
    for (const r of listedInChain) expect(r.call_options.instrument_key).toBe(master.get(r.strike_price));
  });

  it('looks like a real chain: OI piled in calls above the money and puts below, a smile with a put skew, PCR and max pain near the money', async () => {
    for (const [key, expiry] of [
      [NIFTY, '2026-01-06'],
      [BANKNIFTY, '2026-01-27'],
      [RELIANCE, '2026-01-27'],
    ] as const) {
      const rows = await chainOf(sim, key, expiry);
      const spot = rows[0]!.underlying_spot_price;
      const step = rows[1]!.strike_price - rows[0]!.strike_price;
      const callOi = rows.map((r) => r.call_options.market_data.oi);
      const putOi = rows.map((r) => r.put_options.market_data.oi);
      const weightedStrike = (oi: number[]) => sum(rows.map((r, i) => r.strike_price * oi[i]!)) / sum(oi);
      expect(weightedStrike(callOi), key).toBeGreaterThan(spot);
      expect(weightedStrike(putOi), key).toBeLessThan(spot);
      const pcr = sum(putOi) / sum(callOi);
      expect(pcr, key).toBeGreaterThan(0.4);
      expect(pcr, key).toBeLessThan(2.5);
      for (const r of rows) expect(r.pcr).toBeCloseTo(r.put_options.market_data.oi / r.call_options.market_data.oi, 3);
      expect(Math.abs(maxPain(rows) - spot), key).toBeLessThan(6 * step);
      // Yesterday's open interest is a few percent off today's.
      for (const side of rows.flatMap((r) => [r.call_options, r.put_options])) {
        const { oi, prev_oi: prevOi } = side.market_data;
        expect(Math.abs(oi - prevOi)).toBeLessThanOrEqual(0.25 * oi + 1);
      }
      // Puts below the money dearer in volatility than calls as far above it; the far wings above the trough.
      const iv = rows.map((r) => r.put_options.option_greeks.iv);
      const atm = rows.findIndex(
        (r) => r.strike_price === Math.min(...rows.map((x) => x.strike_price).filter((k) => k >= spot)),
      );
      expect(iv[0]!, key).toBeGreaterThan(iv[atm]!);
      expect(iv[atm - 10]!, key).toBeGreaterThan(iv[atm + 10]!);
      const trough = Math.min(...iv);
      expect(iv[0]!, key).toBeGreaterThan(trough);
      if (key === NIFTY) expect(iv.at(-1)!, key).toBeGreaterThan(trough);
    }
  });

  it('refuses a missing or bad parameter and an unknown key the Upstox way; an expiry with no contracts has no rows', async () => {
    const nifty = encodeURIComponent(NIFTY);
    expect(await errorOf(await api(sim, `/v2/option/chain?expiry_date=2026-01-06`))).toEqual([400, 'UDAPI1087']);
    expect(await errorOf(await api(sim, `/v2/option/chain?instrument_key=${nifty}`))).toEqual([400, 'UDAPI100036']);
    expect(await errorOf(await api(sim, `/v2/option/chain?instrument_key=${nifty}&expiry_date=06-01-2026`))).toEqual([
      400,
      'UDAPI100036',
    ]);
    expect(await errorOf(await api(sim, chainPath('NSE_EQ|INE000NOPE00', '2026-01-06')))).toEqual([400, 'UDAPI1087']);
    expect(await errorOf(await api(sim, '/v2/option/contract'))).toEqual([400, 'UDAPI1087']);
    expect(await errorOf(await api(sim, chainPath(NIFTY, '2026-01-06'), null))).toEqual([401, 'UDAPI100050']);
    expect(await chainOf(sim, NIFTY, '2026-01-07')).toEqual([]);
    expect(await chainOf(sim, 'NSE_INDEX|India VIX', '2026-01-27')).toEqual([]);
  });

  it('lists the option contracts of an underlying: NIFTY weeklies and monthlies, a stock its three monthlies', async () => {
    const nifty = await contractsOf(sim, `instrument_key=${encodeURIComponent(NIFTY)}`);
    expect([...new Set(nifty.map((c) => c.expiry))]).toEqual(NIFTY_EXPIRIES);
    expect(nifty.filter((c) => c.expiry === '2026-01-06')).toHaveLength(82);
    expect(nifty.find((c) => c.expiry === '2026-01-13')!.weekly).toBe(true);
    expect(nifty.find((c) => c.expiry === '2026-01-27')!.weekly).toBe(false);
    const reliance = await contractsOf(sim, `instrument_key=${encodeURIComponent(RELIANCE)}&expiry_date=2026-02-24`);
    expect(new Set(reliance.map((c) => c.expiry))).toEqual(new Set(['2026-02-24']));
    const future = sim.instruments().find((i) => i.instrumentType === 'FUT' && i.underlyingKey === RELIANCE)!;
    expect(reliance[0]).toEqual({
      name: 'RELIANCE',
      segment: 'NSE_FO',
      exchange: 'NSE',
      expiry: '2026-02-24',
      weekly: false,
      instrument_key: `NSE_FO|${reliance[0]!.exchange_token}`,
      exchange_token: expect.stringMatching(/^\d+$/),
      trading_symbol: `RELIANCE ${reliance[0]!.strike_price} ${reliance[0]!.instrument_type} 24 FEB 26`,
      tick_size: 5,
      lot_size: future.lotSize,
      instrument_type: 'CE',
      freeze_quantity: future.lotSize * 24,
      underlying_key: RELIANCE,
      underlying_type: 'EQUITY',
      underlying_symbol: 'RELIANCE',
      strike_price: expect.any(Number),
      minimum_lot: future.lotSize,
    });
    const all = await contractsOf(sim, `instrument_key=${encodeURIComponent(RELIANCE)}`);
    expect([...new Set(all.map((c) => c.expiry))]).toEqual(MONTHLIES);
    // A contract's key is its chain entry's.
    const chain = await chainOf(sim, RELIANCE, '2026-02-24');
    const keys = new Set(reliance.map((c) => c.instrument_key));
    for (const r of chain) expect(keys).toContain(r.put_options.instrument_key);
  });
});

describe('simulated option chains across simulators', () => {
  afterAll(stopSims);

  it('are the same JSON for the same seed and time, another for another seed, and 101 strikes when asked for 50 a side', async () => {
    const [a, b, other, wide] = await Promise.all([
      startSim({ ticksPerInterval: 0, seed: 7 }),
      startSim({ ticksPerInterval: 0, seed: 7 }),
      startSim({ ticksPerInterval: 0, seed: 8 }),
      startSim({ ticksPerInterval: 0, optionStrikesEachSide: 50 }),
    ]);
    const text = async (sim: UpstoxSimulator, key: string, expiry: string) =>
      (await api(sim, chainPath(key, expiry))).text();
    for (const [key, expiry] of [
      [NIFTY, '2026-01-13'],
      [RELIANCE, '2026-01-27'],
    ] as const) {
      const first = await text(a, key, expiry);
      expect(await text(b, key, expiry)).toBe(first);
      expect(await text(a, key, expiry)).toBe(first);
      expect(await text(other, key, expiry)).not.toBe(first);
    }
    const niftyWide = await chainOf(wide, NIFTY, '2026-03-31');
    expect(niftyWide).toHaveLength(101);
    expect(niftyWide.every((r) => r.call_options.market_data.ltp > 0 && r.put_options.market_data.ltp > 0)).toBe(true);
    const stockWide = await chainOf(wide, RELIANCE, '2026-01-27');
    expect(stockWide).toHaveLength(101);
    expect(stockWide[0]!.strike_price).toBeGreaterThan(0);
    await expect(startSim({ optionStrikesEachSide: 0 })).rejects.toThrow(/optionStrikesEachSide/);
  });
});
