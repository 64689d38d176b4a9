import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OptionChainSchema } from '../../../shared/domain/analysis';
import { api, startSim, stopSims, testClock, TOKEN } from '../../../tests/helpers/sim-client';
import { createMemoryLogger } from '../common/logger';
import type { UpstoxSimulator } from '../sim';
import { UpstoxApiError } from './errors';
import { parseOptionChain, parseOptionExpiries } from './options';
import { createUpstoxRest, type UpstoxRest } from './rest';

const NIFTY = 'NSE_INDEX|Nifty 50';
const RELIANCE = 'NSE_EQ|INE002A01018';

async function failureOf(promise: Promise<unknown>): Promise<UpstoxApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UpstoxApiError);
  return error as UpstoxApiError;
}

describe('the REST client reads option chains and expiries from the simulator', () => {
  let sim: UpstoxSimulator;
  let rest: UpstoxRest;
  let calls = 0;
  beforeAll(async () => {
    sim = await startSim({ ticksPerInterval: 0 });
    rest = createUpstoxRest({
      apiUrl: sim.apiUrl,
      orderUrl: sim.apiUrl,
      token: () => TOKEN,
      fetch: (input, init) => {
        calls++;
        return globalThis.fetch(input, init);
      },
      clock: testClock(),
      logger: createMemoryLogger(),
      backoff: { baseMs: 1, maxMs: 5 },
    });
  });
  afterAll(stopSims);

  it('parses the NIFTY weekly: strikes ascending, IV as a fraction of what Upstox states in percent', async () => {
    const chain = await rest.optionChain(NIFTY, '2026-01-06');
    expect(OptionChainSchema.parse(chain)).toEqual(chain);
    const raw = (await (
      await api(sim, `/v2/option/chain?instrument_key=${encodeURIComponent(NIFTY)}&expiry_date=2026-01-06`)
    ).json()) as {
      data: Array<{
        strike_price: number;
        underlying_spot_price: number;
        call_options: { market_data: { ltp: number; oi: number; prev_oi: number; volume: number } };
        put_options: { option_greeks: { iv: number; delta: number } };
      }>;
    };
    expect(chain.underlyingKey).toBe(NIFTY);
    expect(chain.expiry).toBe('2026-01-06');
    expect(chain.spot).toBe(raw.data[0]!.underlying_spot_price);
    expect(chain.strikes.map((s) => s.strike)).toEqual(raw.data.map((r) => r.strike_price));
    for (let i = 1; i < chain.strikes.length; i++)
      expect(chain.strikes[i]!.strike).toBeGreaterThan(chain.strikes[i - 1]!.strike);
    chain.strikes.forEach((strike, i) => {
      const { ltp, oi, prev_oi: prevOi, volume } = raw.data[i]!.call_options.market_data;
      expect(strike.call).toMatchObject({ ltp, oi, prevOi, volume });
      expect(strike.put!.iv).toBeCloseTo(raw.data[i]!.put_options.option_greeks.iv / 100, 10);
      expect(strike.put!.delta).toBe(raw.data[i]!.put_options.option_greeks.delta);
      expect(strike.put!.iv!).toBeGreaterThan(0.03);
      expect(strike.put!.iv!).toBeLessThan(0.6);
    });
  });

  it('lists the expiries ascending, each once: NIFTY weekly and monthly, a stock monthly', async () => {
    expect(await rest.optionExpiries(NIFTY)).toEqual([
      '2026-01-06',
      '2026-01-13',
      '2026-01-20',
      '2026-01-27',
      '2026-02-24',
      '2026-03-31',
    ]);
    expect(await rest.optionExpiries(RELIANCE)).toEqual(['2026-01-27', '2026-02-24', '2026-03-31']);
    const chain = await rest.optionChain(RELIANCE, '2026-02-24');
    expect(chain.strikes).toHaveLength(41);
  });

  it("refuses a bad expiry without asking Upstox, and reports Upstox's refusal and an empty chain as such", async () => {
    const before = calls;
    const badDate = await failureOf(rest.optionChain(NIFTY, '06-01-2026'));
    expect(badDate.code).toBe('VALIDATION_FAILED');
    expect(badDate.details).toEqual([{ path: ['expiry'], message: expect.stringContaining('YYYY-MM-DD') }]);
    const noKey = await failureOf(rest.optionExpiries(' '));
    expect(noKey.details?.[0]?.path).toEqual(['underlyingKey']);
    expect(calls).toBe(before);

    const unknown = await failureOf(rest.optionChain('NSE_EQ|INE000NOPE00', '2026-01-06'));
    expect([unknown.kind, unknown.upstoxCode, unknown.code]).toEqual([
      'invalid_request',
      'UDAPI1087',
      'VALIDATION_FAILED',
    ]);
    const unlisted = await failureOf(rest.optionChain(NIFTY, '2026-01-07'));
    expect([unlisted.kind, unlisted.code]).toEqual(['not_found', 'NOT_FOUND']);
  });
});

describe('parseOptionChain', () => {
  const side = (ltp: number, iv: number) => ({
    instrument_key: 'NSE_FO|1',
    market_data: {
      ltp,
      volume: 10,
      oi: 100,
      prev_oi: 90,
      close_price: ltp,
      bid_price: ltp,
      bid_qty: 1,
      ask_price: ltp,
      ask_qty: 1,
    },
    option_greeks: { vega: 1, theta: -1, gamma: 0.001, delta: 0.5, iv, pop: 50 },
  });
  const row = (strike: number, call: unknown, put: unknown) => ({
    expiry: '2026-01-27',
    pcr: 1,
    strike_price: strike,
    underlying_key: RELIANCE,
    underlying_spot_price: 1450.5,
    call_options: call,
    put_options: put,
  });

  it('sorts strikes, makes a side without market data null, and an IV of 0 (none computed) null', () => {
    const chain = parseOptionChain(
      [
        row(1460, side(12, 21.4), side(20, 22)),
        row(1440, side(25, 0), { instrument_key: 'NSE_FO|2' }),
        row(1450, null, side(15.5, 18.5)),
      ],
      RELIANCE,
      '2026-01-27',
    );
    expect(chain).toEqual({
      underlyingKey: RELIANCE,
      expiry: '2026-01-27',
      spot: 1450.5,
      strikes: [
        { strike: 1440, call: { ltp: 25, oi: 100, prevOi: 90, volume: 10, iv: null, delta: 0.5 }, put: null },
        { strike: 1450, call: null, put: { ltp: 15.5, oi: 100, prevOi: 90, volume: 10, iv: 0.185, delta: 0.5 } },
        { strike: 1460, call: expect.objectContaining({ iv: 0.214 }), put: expect.objectContaining({ iv: 0.22 }) },
      ],
    });
  });

  it('calls a malformed answer unusable and an empty one not found', () => {
    const malformed = (() => {
      try {
        parseOptionChain([{ strike_price: '1450' }], RELIANCE, '2026-01-27');
      } catch (e) {
        return e as UpstoxApiError;
      }
    })();
    expect(malformed).toBeInstanceOf(UpstoxApiError);
    expect(malformed!.kind).toBe('bad_response');
    expect(() => parseOptionChain([], RELIANCE, '2026-01-27')).toThrow(
      /no options of NSE_EQ\|INE002A01018 expiring 2026-01-27/,
    );
    expect(() => parseOptionExpiries([{ expiry: 1769452199000 }])).toThrow(UpstoxApiError);
    expect(parseOptionExpiries([{ expiry: '2026-02-24' }, { expiry: '2026-01-27' }, { expiry: '2026-02-24' }])).toEqual(
      ['2026-01-27', '2026-02-24'],
    );
  });
});
