import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { api, RESOURCES_DIR, startSim, stopSims } from '../../../tests/helpers/sim-client';
import { MarketModel } from './market';
import { loadUniverseFiles } from '../common/universe-files';

afterEach(stopSims);

const NOW = Date.parse('2026-01-05T05:00:00.000Z'); // Monday 10:30 IST
const universes = loadUniverseFiles(RESOURCES_DIR);
const members = universes.flatMap((u) => u.members);

// The built-in equities as demo databases know them: [trading symbol, instrument key, exchange token].
const BUILT_IN_EQUITIES = [
  ['RELIANCE', 'NSE_EQ|INE002A01018', '2885'],
  ['TCS', 'NSE_EQ|INE467B01029', '11536'],
  ['HDFCBANK', 'NSE_EQ|INE040A01034', '1333'],
  ['INFY', 'NSE_EQ|INE009A01021', '1594'],
  ['ICICIBANK', 'NSE_EQ|INE090A01021', '4963'],
  ['SBIN', 'NSE_EQ|INE062A01020', '3045'],
  ['ITC', 'NSE_EQ|INE154A01025', '1660'],
  ['HINDUNILVR', 'NSE_EQ|INE030A01027', '1394'],
  ['BHARTIARTL', 'NSE_EQ|INE397D01024', '10604'],
  ['KOTAKBANK', 'NSE_EQ|INE237A01028', '1922'],
  ['LT', 'NSE_EQ|INE018A01030', '11483'],
  ['AXISBANK', 'NSE_EQ|INE238A01034', '5900'],
  ['ASIANPAINT', 'NSE_EQ|INE021A01026', '236'],
  ['MARUTI', 'NSE_EQ|INE585B01010', '10999'],
  ['SUNPHARMA', 'NSE_EQ|INE044A01036', '3351'],
  ['TITAN', 'NSE_EQ|INE280A01028', '3506'],
  ['WIPRO', 'NSE_EQ|INE075A01022', '3787'],
  ['HCLTECH', 'NSE_EQ|INE860A01027', '7229'],
  ['ULTRACEMCO', 'NSE_EQ|INE481G01011', '11532'],
  ['POWERGRID', 'NSE_EQ|INE752E01010', '14977'],
  ['NTPC', 'NSE_EQ|INE733E01010', '11630'],
  ['ONGC', 'NSE_EQ|INE213A01029', '2475'],
  ['M&M', 'NSE_EQ|INE101A01026', '2031'],
  ['ADANIENT', 'NSE_EQ|INE423A01024', '25'],
  ['ADANIPORTS', 'NSE_EQ|INE742F01042', '15083'],
  ['COALINDIA', 'NSE_EQ|INE522F01014', '20374'],
  ['JSWSTEEL', 'NSE_EQ|INE019A01038', '11723'],
  ['TECHM', 'NSE_EQ|INE669C01036', '13538'],
  ['TATASTEEL', 'NSE_EQ|INE081A01020', '3499'],
  ['BAJAJFINSV', 'NSE_EQ|INE918I01026', '16675'],
  ['BAJFINANCE', 'NSE_EQ|INEDEMO00319', '317'],
  ['HDFCLIFE', 'NSE_EQ|INE795G01014', '467'],
  ['SBILIFE', 'NSE_EQ|INE123W01016', '21808'],
  ['GRASIM', 'NSE_EQ|INE047A01021', '1232'],
  ['CIPLA', 'NSE_EQ|INE059A01026', '694'],
  ['EICHERMOT', 'NSE_EQ|INE066A01021', '910'],
  ['BRITANNIA', 'NSE_EQ|INE216A01030', '547'],
  ['HEROMOTOCO', 'NSE_EQ|INE158A01026', '1348'],
  ['DIVISLAB', 'NSE_EQ|INE361B01024', '10940'],
  ['APOLLOHOSP', 'NSE_EQ|INE437A01024', '157'],
  ['INDUSINDBK', 'NSE_EQ|INE095A01012', '5258'],
  ['BPCL', 'NSE_EQ|INE029A01011', '526'],
  ['TATACONSUM', 'NSE_EQ|INE192A01025', '3432'],
  ['HINDALCO', 'NSE_EQ|INE038A01020', '1363'],
  ['BAJAJ-AUTO', 'NSE_EQ|INE917I01010', '16669'],
  ['TRENT', 'NSE_EQ|INE849A01020', '1964'],
  ['NESTLEIND', 'NSE_EQ|INEDEMO00479', '17963'],
  ['DRREDDY', 'NSE_EQ|INEDEMO00489', '881'],
  ['BEL', 'NSE_EQ|INEDEMO00499', '383'],
  ['DMART', 'NSE_EQ|INE192R01011', '19913'],
] as const;

/** A resources folder with the feed schema and no universe files. */
function resourcesWithoutUniverses(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tickdesk-sim-resources-'));
  fs.cpSync(path.join(RESOURCES_DIR, 'proto'), path.join(dir, 'proto'), { recursive: true });
  return dir;
}

describe('simulator instruments from the universe files', () => {
  it('lists every member of every universe file: equities by symbol and ISIN key, indices by key', async () => {
    expect(universes.map((u) => u.id)).toEqual(['fno', 'indices', 'nifty50', 'niftybank', 'niftynext50']);
    const sim = await startSim();
    const instruments = sim.instruments();
    const bySymbol = new Map(instruments.filter((i) => i.segment === 'NSE_EQ').map((i) => [i.tradingSymbol, i]));
    const keys = new Set(instruments.map((i) => i.instrumentKey));
    for (const m of members) {
      if (m.isin === undefined) {
        expect(keys, m.instrumentKey).toContain(m.instrumentKey);
        continue;
      }
      const listed = bySymbol.get(m.symbol);
      expect(listed, m.symbol).toBeDefined();
      // The built-in equities the simulator keys by a demo ISIN keep their key; an import finds them by symbol.
      if (listed!.isin!.startsWith('INEDEMO')) continue;
      expect(listed!.instrumentKey, m.symbol).toBe(`NSE_EQ|${m.isin}`);
    }
    const demoKeyed = members.filter((m) => m.isin && bySymbol.get(m.symbol)!.isin!.startsWith('INEDEMO'));
    expect(new Set(demoKeyed.map((m) => m.symbol))).toEqual(new Set(['BAJFINANCE', 'NESTLEIND', 'DRREDDY', 'BEL']));
    expect(keys.size).toBe(instruments.length);
    expect(new Set(instruments.map((i) => i.exchangeToken)).size).toBe(instruments.length);
  });

  it('keeps the built-in instruments as they were: keys, tokens, parameters and the session so far', async () => {
    const sim = await startSim();
    const equities = sim.instruments().filter((i) => i.instrumentType === 'EQ');
    expect(equities.slice(0, 50).map((i) => [i.tradingSymbol, i.instrumentKey, i.exchangeToken])).toEqual(
      BUILT_IN_EQUITIES,
    );
    const builtIn = new MarketModel({ seed: 1, now: NOW });
    const extended = new MarketModel({ seed: 1, now: NOW, universeMembers: members });
    expect(extended.size).toBeGreaterThan(builtIn.size + 150);
    builtIn.universe.forEach((entry, i) => {
      const index = extended.indexOf(entry.instrument.instrumentKey)!;
      expect(extended.universe[index]).toEqual(entry);
      expect(extended.minuteBars(index)).toEqual(builtIn.minuteBars(i));
    });
  });

  it('serves the added instruments in the master file and in historical and intraday candles', async () => {
    const sim = await startSim();
    const key = 'NSE_EQ|INE931S01010';
    const res = await api(sim, '/market-quote/instruments/exchange/complete.json.gz', null);
    const rows = JSON.parse(gunzipSync(Buffer.from(await res.arrayBuffer())).toString('utf8')) as Array<
      Record<string, unknown>
    >;
    expect(rows.find((r) => r.instrument_key === key)).toMatchObject({
      segment: 'NSE_EQ',
      instrument_type: 'EQ',
      trading_symbol: 'ADANIENSOL',
      isin: 'INE931S01010',
      lot_size: 1,
    });
    expect(rows.find((r) => r.instrument_key === 'NSE_INDEX|Nifty Fin Service')).toMatchObject({
      instrument_type: 'INDEX',
      trading_symbol: 'FINNIFTY',
    });
    for (const path of [
      `/v3/historical-candle/${encodeURIComponent(key)}/days/1/2025-12-31/2025-12-01`,
      `/v3/historical-candle/intraday/${encodeURIComponent(key)}/minutes/1`,
      `/v3/historical-candle/${encodeURIComponent('NSE_INDEX|Nifty IT')}/days/1/2025-12-31/2025-12-01`,
    ]) {
      const answer = await api(sim, path);
      expect(answer.status, path).toBe(200);
      const body = (await answer.json()) as { data: { candles: Array<[string, number, number, number, number]> } };
      expect(body.data.candles.length, path).toBeGreaterThan(0);
      for (const [, open, high, low, close] of body.data.candles) {
        expect(low).toBeGreaterThan(0);
        expect(high).toBeGreaterThanOrEqual(Math.max(open, close));
      }
    }
  });

  it('starts with the built-in set alone when the resources hold no universe files', async () => {
    const dir = resourcesWithoutUniverses();
    try {
      const sim = await startSim({ resourcesDir: dir });
      const count = (type: string) => sim.instruments().filter((i) => i.instrumentType === type).length;
      expect([count('EQ'), count('INDEX')]).toEqual([50, 3]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a universe file the schema does not accept, naming it', () => {
    const dir = resourcesWithoutUniverses();
    try {
      fs.mkdirSync(path.join(dir, 'universes'));
      fs.writeFileSync(path.join(dir, 'universes', 'broken.json'), JSON.stringify({ id: 'broken', members: [] }));
      expect(() => loadUniverseFiles(dir)).toThrow(/broken\.json is not a universe file/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
