import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, RESOURCES_DIR, startSim, stopSims } from '../../../tests/helpers/sim-client';
import { loadUniverseFiles } from '../common/universe-files';
import type { UpstoxSimulator } from '.';
import { MarketModel } from './market';
import { stockLotSize } from './stock-futures';

const NOW = Date.parse('2026-01-05T05:00:00.000Z'); // Monday 10:30 IST, the helpers' clock
const universes = loadUniverseFiles(RESOURCES_DIR);
const members = universes.flatMap((u) => u.members);
const fno = universes.find((u) => u.id === 'fno')!.members;

type Row = [string, number, number, number, number, number, number];

async function dailyCandles(sim: UpstoxSimulator, key: string, to: string, from: string): Promise<Row[]> {
  const res = await api(sim, `/v3/historical-candle/${encodeURIComponent(key)}/days/1/${to}/${from}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: { candles: Row[] } }).data.candles.reverse();
}

describe('stock futures in the simulated market', () => {
  let sim: UpstoxSimulator;
  beforeAll(async () => {
    sim = await startSim();
  });
  afterAll(stopSims);

  it('sizes a lot to about ₹7.5 lakh, in multiples of 25 while a share costs under ₹30,000', () => {
    expect([stockLotSize(1450), stockLotSize(16_000), stockLotSize(410), stockLotSize(50)]).toEqual([
      525, 50, 1825, 15_000,
    ]);
    expect([stockLotSize(40_000), stockLotSize(2_000_000)]).toEqual([19, 1]);
  });

  it('lists the current- and next-month future of every F&O stock on its stock key, in the master file too', async () => {
    const instruments = sim.instruments();
    const stocks = new Map(instruments.filter((i) => i.instrumentType === 'EQ').map((i) => [i.tradingSymbol, i]));
    const futures = instruments.filter((i) => i.instrumentType === 'FUT' && i.underlyingKey?.startsWith('NSE_EQ|'));
    expect(futures).toHaveLength(2 * fno.length);
    for (const member of fno) {
      const stock = stocks.get(member.symbol)!;
      const own = futures.filter((f) => f.underlyingKey === stock.instrumentKey);
      expect(
        own.map((f) => [f.tradingSymbol, f.expiry, f.segment, f.lotSize]),
        member.symbol,
      ).toEqual([
        [`${member.symbol} FUT 27 JAN 26`, '2026-01-27', 'NSE_FO', own[0]!.lotSize],
        [`${member.symbol} FUT 24 FEB 26`, '2026-02-24', 'NSE_FO', own[0]!.lotSize],
      ]);
      expect(own[0]!.lotSize).toBeGreaterThanOrEqual(1);
    }
    const reliance = futures.find((f) => f.tradingSymbol === 'RELIANCE FUT 27 JAN 26')!;
    expect(reliance).toMatchObject({
      underlyingKey: 'NSE_EQ|INE002A01018',
      underlyingSymbol: 'RELIANCE',
      lotSize: 525,
    });

    const res = await api(sim, '/market-quote/instruments/exchange/complete.json.gz', null);
    const rows = JSON.parse(gunzipSync(Buffer.from(await res.arrayBuffer())).toString('utf8')) as Array<
      Record<string, unknown>
    >;
    expect(rows.find((r) => r.instrument_key === reliance.instrumentKey)).toMatchObject({
      instrument_type: 'FUT',
      underlying_key: 'NSE_EQ|INE002A01018',
      underlying_type: 'EQUITY',
      asset_type: 'EQUITY',
      underlying_symbol: 'RELIANCE',
      lot_size: 525,
      minimum_lot: 525,
      trading_symbol: 'RELIANCE FUT 27 JAN 26',
    });
    expect(rows.find((r) => r.trading_symbol === 'NIFTY FUT 27 JAN 26')).toMatchObject({ underlying_type: 'INDEX' });
  });

  it('adds them after every other instrument, so no earlier key or token moves', () => {
    const without = new MarketModel({ seed: 1, now: NOW, universeMembers: members });
    const withFutures = new MarketModel({ seed: 1, now: NOW, universeMembers: members, fnoMembers: fno });
    expect(withFutures.size).toBe(without.size + 2 * fno.length);
    expect(withFutures.universe.slice(0, without.size)).toEqual(without.universe);
    expect(withFutures.universe.slice(without.size).every((e) => e.kind === 'future')).toBe(true);
  });

  it('serves daily candles with moving open interest, where price and OI show all four build-ups across stocks and days', async () => {
    const instruments = sim.instruments();
    const current = instruments.filter(
      (i) => i.instrumentType === 'FUT' && i.expiry === '2026-01-27' && i.underlyingKey!.startsWith('NSE_EQ|'),
    );
    const seen = new Set<string>();
    for (const future of current.slice(0, 12)) {
      const bars = await dailyCandles(sim, future.instrumentKey, '2026-01-05', '2025-11-03');
      expect(bars.length, future.tradingSymbol).toBeGreaterThan(40);
      expect(bars.every((b) => b[6] > 0 && b[6] % future.lotSize === 0)).toBe(true);
      expect(new Set(bars.map((b) => b[6])).size).toBeGreaterThan(bars.length / 2);
      for (let i = 1; i < bars.length; i++) {
        const [price, oi] = [Math.sign(bars[i]![4] - bars[i - 1]![4]), Math.sign(bars[i]![6] - bars[i - 1]![6])];
        if (price !== 0 && oi !== 0)
          seen.add(`${price > 0 ? 'price up' : 'price down'}, ${oi > 0 ? 'OI up' : 'OI down'}`);
      }
      // A past day's candle is the same whatever range asked for it.
      expect(await dailyCandles(sim, future.instrumentKey, '2025-12-12', '2025-12-08')).toEqual(
        bars.filter((b) => b[0] >= '2025-12-08' && b[0] < '2025-12-13'),
      );
    }
    expect(seen).toEqual(new Set(['price up, OI up', 'price down, OI up', 'price up, OI down', 'price down, OI down']));
  });
});
