import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WorkstationError } from '../../../shared/errors';
import { makeTempDir, removeTempDirs } from '../../../tests/helpers/temp-dir';
import { createInstrumentService } from '../instruments/service';
import { createMemoryLogger } from '../common/logger';
import { UPSTOX_COMPLETE_MASTER_URL } from '../instruments/master-import';
import {
  createInstrumentStore,
  REPLACE_BATCH,
  SEARCH_RANKS,
  searchRanks,
  type InstrumentRecord,
  type InstrumentStore,
} from './instruments';
import { openDatabase } from './open';
import type { Db } from './types';
import { queryPlan } from '../../../tests/helpers/schema';

const base: InstrumentRecord = {
  instrumentKey: '',
  tradingSymbol: '',
  name: '',
  segment: 'NSE_EQ',
  exchange: 'NSE',
  instrumentType: 'EQ',
  lotSize: 1,
  tickSize: 0.05,
  expiry: null,
  strikePrice: null,
  underlyingKey: null,
  underlyingSymbol: null,
  isin: null,
  exchangeToken: null,
  freezeQuantity: null,
  weekly: null,
};

const MON: Record<string, string> = { '12': 'DEC', '01': 'JAN' };
const label = (expiry: string) => `${expiry.slice(8)} ${MON[expiry.slice(5, 7)]} ${expiry.slice(2, 4)}`;

const equity = (symbol: string, name: string, isin: string, exchange = 'NSE'): InstrumentRecord => ({
  ...base,
  instrumentKey: `${exchange}_EQ|${isin}`,
  tradingSymbol: symbol,
  name,
  segment: `${exchange}_EQ`,
  exchange,
  isin,
});
const index = (symbol: string, name: string): InstrumentRecord => ({
  ...base,
  instrumentKey: `NSE_INDEX|${name}`,
  tradingSymbol: symbol,
  name,
  segment: 'NSE_INDEX',
  instrumentType: 'INDEX',
  lotSize: null,
  tickSize: null,
});
let token = 40_000;
const derivative = (
  root: string,
  underlyingKey: string,
  expiry: string,
  type: 'FUT' | 'CE' | 'PE',
  strike: number | null,
  weekly: boolean,
): InstrumentRecord => ({
  ...base,
  instrumentKey: `NSE_FO|${token++}`,
  tradingSymbol: type === 'FUT' ? `${root} FUT ${label(expiry)}` : `${root} ${strike} ${type} ${label(expiry)}`,
  name: root,
  segment: 'NSE_FO',
  instrumentType: type,
  lotSize: 75,
  expiry,
  strikePrice: strike,
  underlyingKey,
  underlyingSymbol: root,
  weekly,
});

const NIFTY_50 = 'NSE_INDEX|Nifty 50';
const RELIANCE = 'NSE_EQ|INE002A01018';

/** A small master: indices, equities on two exchanges, and NIFTY / BANKNIFTY / RELIANCE futures and options. */
function fixture(): InstrumentRecord[] {
  token = 40_000;
  const rows: InstrumentRecord[] = [];
  // Options first and the index last: the stored order must come from the ranking, not from the file.
  for (const [expiry, weekly] of [
    ['2027-01-26', false],
    ['2026-12-22', true],
    ['2026-12-29', false],
  ] as const) {
    for (const strike of [23900, 24000, 24100])
      for (const type of ['CE', 'PE'] as const) rows.push(derivative('NIFTY', NIFTY_50, expiry, type, strike, weekly));
  }
  rows.push(
    derivative('RELIANCE', RELIANCE, '2026-12-29', 'CE', 1300, false),
    derivative('RELIANCE', RELIANCE, '2026-12-29', 'PE', 1300, false),
  );
  rows.push(derivative('BANKNIFTY', 'NSE_INDEX|Nifty Bank', '2026-12-29', 'CE', 52000, false));
  rows.push(
    derivative('NIFTY', NIFTY_50, '2027-01-26', 'FUT', null, false),
    derivative('NIFTY', NIFTY_50, '2026-12-29', 'FUT', null, false),
  );
  rows.push(
    derivative('RELIANCE', RELIANCE, '2026-12-29', 'FUT', null, false),
    derivative('BANKNIFTY', 'NSE_INDEX|Nifty Bank', '2026-12-29', 'FUT', null, false),
  );
  rows.push(
    equity('RELINFRA', 'RELIANCE INFRASTRUCTURE LTD', 'INE036A01016'),
    equity('RELIGARE', 'RELIGARE ENTERPRISES LTD', 'INE621H01010'),
    equity('RELIANCE', 'RELIANCE INDUSTRIES LTD', 'INE002A01018', 'BSE'),
    equity('RELIANCE', 'RELIANCE INDUSTRIES LTD', 'INE002A01018'),
    equity('HDFCBANK', 'HDFC BANK LTD', 'INE040A01034'),
    equity('M&M', 'MAHINDRA & MAHINDRA LTD', 'INE101A01026'),
    index('NIFTY AUTO', 'Nifty Auto'),
    index('NIFTY BANK', 'Nifty Bank'),
    index('NIFTY 50', 'Nifty 50'),
  );
  return rows;
}

let db: Db;
let store: InstrumentStore;

beforeEach(() => {
  db = openDatabase(path.join(makeTempDir('tickdesk-instruments-'), 'test.db'));
  store = createInstrumentStore(db);
});

afterEach(() => {
  db.close();
  removeTempDirs();
});

const symbols = (q: string, limit = 50, segment?: string) =>
  store.search({ q, limit, segment }).map((i) => i.tradingSymbol);
const keys = (q: string, limit = 50) => store.search({ q, limit }).map((i) => i.instrumentKey);

describe('instrument store', () => {
  it('stores the master and returns DTOs by key, in the order asked, leaving unknown keys out', async () => {
    expect(await store.replaceAll(fixture())).toBe(34);
    expect(store.count()).toBe(34);
    const [reliance, nifty, future] = store.get([RELIANCE, 'NSE_EQ|UNKNOWN', NIFTY_50, 'NSE_FO|40022']);
    expect(reliance).toEqual({
      instrumentKey: RELIANCE,
      tradingSymbol: 'RELIANCE',
      name: 'RELIANCE INDUSTRIES LTD',
      segment: 'NSE_EQ',
      exchange: 'NSE',
      instrumentType: 'EQ',
      lotSize: 1,
      tickSize: 0.05,
      expiry: null,
      strike: null,
      underlyingKey: null,
      freezeQuantity: null,
    });
    // An index has no lot or tick in the master.
    expect(nifty).toMatchObject({ instrumentKey: NIFTY_50, instrumentType: 'INDEX', lotSize: 1, tickSize: 0 });
    expect(future).toMatchObject({
      tradingSymbol: 'NIFTY FUT 29 DEC 26',
      expiry: '2026-12-29',
      strike: null,
      underlyingKey: NIFTY_50,
      lotSize: 75,
    });
    expect(store.get([])).toEqual([]);
  });

  it('replaces the whole master: a row missing from the new one is gone and search no longer finds it', async () => {
    await store.replaceAll(fixture());
    const next = fixture().filter((r) => r.tradingSymbol !== 'RELIGARE');
    expect(await store.replaceAll(next)).toBe(33);
    expect(store.count()).toBe(33);
    expect(store.get(['NSE_EQ|INE621H01010'])).toEqual([]);
    expect(symbols('religare')).toEqual([]);
    expect(symbols('reli')).toContain('RELINFRA');
  });

  it('keeps the old master when the new one fails half-way, or when progress throws to cancel between batches', async () => {
    await store.replaceAll(fixture());
    const duplicate = [...fixture(), equity('RELIANCE', 'RELIANCE INDUSTRIES LTD', 'INE002A01018')];
    // The new master is written into the other table set (instruments_alt), hence the name.
    await expect(store.replaceAll(duplicate)).rejects.toThrow(
      /UNIQUE constraint failed: instruments_alt.instrument_key/,
    );
    expect(store.count()).toBe(34);

    const big = Array.from({ length: REPLACE_BATCH * 2 + 5 }, (_v, i) =>
      equity(`SYM${i}`, `COMPANY ${i}`, `INE${String(i).padStart(9, '0')}`),
    );
    const seen: [number, number][] = [];
    await expect(
      store.replaceAll(big, (stored, total) => {
        seen.push([stored, total]);
        if (stored >= REPLACE_BATCH * 2) throw new Error('cancelled');
      }),
    ).rejects.toThrow('cancelled');
    expect(seen).toEqual([
      [REPLACE_BATCH, big.length],
      [REPLACE_BATCH * 2, big.length],
    ]);
    expect(store.count()).toBe(34);
    expect(symbols('sym1')).toEqual([]);
    expect(symbols('nifty', 1)).toEqual(['NIFTY 50']);
  });

  it('answers searches from the whole old master while an import runs, and from the whole new one once it is done', async () => {
    await store.replaceAll(fixture());
    const before = symbols('reli');
    // RELIGARE goes, and thousands of new REL* equities come, spread over several batches.
    const next = [
      ...fixture().filter((r) => r.tradingSymbol !== 'RELIGARE'),
      ...Array.from({ length: REPLACE_BATCH * 3 }, (_v, i) =>
        equity(`REL${i}`, `RELIABLE ${i} LTD`, `INE${String(i).padStart(9, '0')}`),
      ),
    ];
    const staged = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM instruments_alt');
    const seen: { reli: string[]; count: number; staged: number }[] = [];
    let running = true;
    // Other event-loop work (an IPC search, the Local API) runs between the import's batches.
    const poll = () => {
      if (!running) return;
      seen.push({ reli: symbols('reli'), count: store.count(), staged: staged.get()!.n });
      setImmediate(poll);
    };
    setImmediate(poll);
    const batches: number[] = [];
    const imported = await store.replaceAll(next, (stored) => batches.push(stored));
    running = false;

    expect(imported).toBe(33 + REPLACE_BATCH * 3);
    expect(batches).toEqual([REPLACE_BATCH, REPLACE_BATCH * 2, REPLACE_BATCH * 3, imported]);
    // Searches ran while the new master was half written, and saw only the old one.
    expect(seen.some((s) => s.staged > 0 && s.staged < imported)).toBe(true);
    for (const s of seen) expect(s).toMatchObject({ reli: before, count: 34 });

    expect(store.count()).toBe(imported);
    expect(symbols('religare')).toEqual([]);
    expect(symbols('rel1234')).toEqual(['REL1234']);
    // The old master's rows are gone from the set that held them.
    expect(db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM instruments').get()!.n).toBe(0);
  });

  it('alternates between the two table sets, emptying the one left behind', async () => {
    const rows = (table: string) => db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).get()!.n;
    const live = () => db.prepare<[], { live: string | null }>('SELECT live FROM instruments_master').get()!.live;
    expect(live()).toBeNull();
    expect(store.count()).toBe(0);
    expect(symbols('reli')).toEqual([]);
    for (const [i, table] of ['instruments', 'instruments_alt', 'instruments', 'instruments_alt'].entries()) {
      const master = fixture().slice(i);
      await store.replaceAll(master);
      expect(live()).toBe(table);
      expect([rows('instruments'), rows('instruments_alt')]).toEqual(
        table === 'instruments' ? [master.length, 0] : [0, master.length],
      );
      expect(store.count()).toBe(master.length);
      expect(symbols('nifty', 1)).toEqual(['NIFTY 50']);
      expect(store.get([RELIANCE])).toHaveLength(1);
    }
    // Another store object on the same database follows the switch.
    expect(createInstrumentStore(db).count()).toBe(31);
  });

  describe('search', () => {
    beforeEach(async () => {
      await store.replaceAll(fixture());
    });

    it('"reli" puts the RELIANCE equity first, equities before its future before its options', () => {
      expect(keys('reli').slice(0, 2)).toEqual([RELIANCE, 'BSE_EQ|INE002A01018']);
      expect(symbols('reli')).toEqual([
        'RELIANCE',
        'RELIANCE',
        'RELIGARE',
        'RELINFRA',
        'RELIANCE FUT 29 DEC 26',
        'RELIANCE 1300 CE 29 DEC 26',
        'RELIANCE 1300 PE 29 DEC 26',
      ]);
    });

    it('"nifty" finds the NIFTY 50 index, then its futures, then options by expiry, before other NIFTY indices', () => {
      const found = store.search({ q: 'nifty', limit: 50 });
      expect(found.slice(0, 3).map((i) => i.tradingSymbol)).toEqual([
        'NIFTY 50',
        'NIFTY FUT 29 DEC 26',
        'NIFTY FUT 26 JAN 27',
      ]);
      const options = found.filter((i) => i.instrumentType === 'CE' || i.instrumentType === 'PE');
      expect(found.slice(3, 3 + 18)).toEqual(options.slice(0, 18));
      expect(options.slice(0, 18).map((i) => i.expiry)).toEqual([
        ...Array(6).fill('2026-12-22'),
        ...Array(6).fill('2026-12-29'),
        ...Array(6).fill('2027-01-26'),
      ]);
      expect(options.slice(0, 4).map((i) => i.tradingSymbol)).toEqual([
        'NIFTY 23900 CE 22 DEC 26',
        'NIFTY 23900 PE 22 DEC 26',
        'NIFTY 24000 CE 22 DEC 26',
        'NIFTY 24000 PE 22 DEC 26',
      ]);
      // Then the prefix rank, the index with derivatives first; BANKNIFTY contains the text, but only its future
      // is searched by substring (its options would drown everything else).
      expect(found.slice(21).map((i) => i.tradingSymbol)).toEqual([
        'NIFTY BANK',
        'NIFTY AUTO',
        'BANKNIFTY FUT 29 DEC 26',
      ]);
    });

    it('"nifty 24000 ce" finds that strike, nearest expiry first, in any case', () => {
      const expected = ['NIFTY 24000 CE 22 DEC 26', 'NIFTY 24000 CE 29 DEC 26', 'NIFTY 24000 CE 26 JAN 27'];
      expect(symbols('nifty 24000 ce')).toEqual(expected);
      expect(symbols('  Nifty 24000 Ce ')).toEqual(expected);
      expect(symbols('NIFTY 24000 CE 29 DEC')).toEqual(['NIFTY 24000 CE 29 DEC 26']);
    });

    it('"NIFTY26DEC24000CE" finds the December monthly contract first, then the weekly of the same month', () => {
      expect(symbols('NIFTY26DEC24000CE')).toEqual(['NIFTY 24000 CE 29 DEC 26', 'NIFTY 24000 CE 22 DEC 26']);
      expect(symbols('nifty26decfut')).toEqual(['NIFTY FUT 29 DEC 26']);
      // A prefix of the exchange-style symbol: the month's future, then its options.
      expect(symbols('NIFTY27JAN', 3)).toEqual([
        'NIFTY FUT 26 JAN 27',
        'NIFTY 23900 CE 26 JAN 27',
        'NIFTY 23900 PE 26 JAN 27',
      ]);
    });

    it('ranks exact symbol, then symbol prefix, then name word prefix, then contains', () => {
      // Exact symbol and family (RELIANCE's contracts), then RELINFRA whose name starts with the word.
      expect(symbols('reliance')).toEqual([
        'RELIANCE',
        'RELIANCE',
        'RELIANCE FUT 29 DEC 26',
        'RELIANCE 1300 CE 29 DEC 26',
        'RELIANCE 1300 PE 29 DEC 26',
        'RELINFRA',
      ]);
      expect(symbols('infra')).toEqual(['RELINFRA']);
      expect(symbols('enterprises')).toEqual(['RELIGARE']);
      // Only a substring of the symbol.
      expect(symbols('dfcban')).toEqual(['HDFCBANK']);
      // Prefix of the family (NIFTY BANK is BANKNIFTY's underlying), then the name word BANK, then contains.
      expect(symbols('bank')).toEqual([
        'NIFTY BANK',
        'BANKNIFTY FUT 29 DEC 26',
        'BANKNIFTY 52000 CE 29 DEC 26',
        'HDFCBANK',
      ]);
    });

    it('ignores punctuation, filters by segment and honours the limit', () => {
      expect(symbols('m&m')).toEqual(['M&M']);
      expect(symbols('M M')).toEqual(['M&M']);
      expect(symbols('%')).toEqual([]);
      expect(symbols('reliance', 50, 'BSE_EQ')).toEqual(['RELIANCE']);
      expect(symbols('nifty', 50, 'NSE_INDEX')).toEqual(['NIFTY 50', 'NIFTY BANK', 'NIFTY AUTO']);
      expect(symbols('nifty', 2)).toEqual(['NIFTY 50', 'NIFTY FUT 29 DEC 26']);
      expect(symbols('xyzzy')).toEqual([]);
    });

    it('answers every search step from an index, never by scanning the table', () => {
      const params = {
        q: 'NIFTY',
        qEnd: 'NIFTZ',
        qLike: '%NIFTY%',
        textLike: '%NIFTY%',
        words: '"NIFTY"*',
        segment: null,
        limit: 20,
      };
      const plan = (sql: string) => queryPlan(db, sql, [params]);
      const [exact, prefix, words, contains] = SEARCH_RANKS;
      expect(plan(exact.exactSymbol)).toEqual([
        'SEARCH instruments USING INDEX instruments_by_symbol (search_symbol=?)',
      ]);
      expect(plan(exact.exactRoot)).toEqual(['SEARCH instruments USING INDEX instruments_by_root (search_root=?)']);
      expect(plan(exact.exactAlias)).toEqual(['SEARCH instruments USING INDEX instruments_by_alias (search_alias=?)']);
      expect(plan(prefix.symbolPrefix)[0]).toBe(
        'SEARCH instruments USING INDEX instruments_by_symbol (search_symbol>? AND search_symbol<?)',
      );
      expect(plan(prefix.rootPrefix)[0]).toBe(
        'SEARCH instruments USING INDEX instruments_by_root (search_root>? AND search_root<?)',
      );
      expect(plan(prefix.aliasPrefix)[0]).toBe(
        'SEARCH instruments USING INDEX instruments_by_alias (search_alias>? AND search_alias<?)',
      );
      expect(plan(words.words)).toEqual([
        expect.stringMatching(/^SCAN w VIRTUAL TABLE INDEX/),
        'SEARCH i USING INTEGER PRIMARY KEY (rowid=?)',
      ]);
      expect(plan(contains.contains)[0]).toBe('SCAN instruments USING INDEX instruments_contains');

      // The other table set, which every second import fills, is searched through its own indexes the same way.
      const alt = searchRanks('instruments_alt');
      SEARCH_RANKS.forEach((rank, r) => {
        for (const [step, sql] of Object.entries(rank)) {
          const expected = plan(sql).map((detail) => detail.replace(/instruments/g, 'instruments_alt'));
          expect(plan((alt[r] as Record<string, string>)[step]!), step).toEqual(expected);
        }
      });
    });
  });
});

describe('instrument service', () => {
  it('validates queries as the contract does, and leaves the default master to be resolved when the import runs', async () => {
    const service = createInstrumentService({
      store,
      fetch: (() => Promise.reject(new Error('offline'))) as typeof fetch,
      logger: createMemoryLogger(),
    });
    await store.replaceAll(fixture());
    expect(service.count()).toBe(34);
    expect(service.search({ q: 'reli', limit: '2' }).map((i) => i.instrumentKey)).toEqual([
      RELIANCE,
      'BSE_EQ|INE002A01018',
    ]);
    expect(service.search({ q: 'nifty' })).toHaveLength(20);
    expect(() => service.search({ q: '   ' })).toThrow(
      expect.objectContaining({
        code: 'VALIDATION_FAILED',
        message: expect.stringMatching(/^invalid instrument search: q:/),
      }),
    );
    expect(() => service.search({ q: 'x', segment: 'nse_eq' })).toThrow(WorkstationError);
    expect(service.get([NIFTY_50]).map((i) => i.tradingSymbol)).toEqual(['NIFTY 50']);
    expect(service.importKind.kind).toBe('instruments.import');
    expect(service.importPayload()).toEqual({});
    expect(service.importPayload({ source: UPSTOX_COMPLETE_MASTER_URL })).toEqual({
      source: UPSTOX_COMPLETE_MASTER_URL,
    });
    expect(service.importPayload({ source: '/tmp/complete.json.gz' })).toEqual({ source: '/tmp/complete.json.gz' });
    expect(() => service.importPayload({ source: 'https://example.com/complete.json.gz' })).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED', details: [expect.objectContaining({ path: ['source'] })] }),
    );

    let host = 'http://127.0.0.1:1';
    const local = createInstrumentService({
      store,
      fetch,
      logger: createMemoryLogger(),
      defaultSource: () => `${host}/market-quote/instruments/exchange/complete.json.gz`,
    });
    host = 'http://127.0.0.1:2';
    const master = (origin: string) => ({ source: `${origin}/market-quote/instruments/exchange/complete.json.gz` });
    expect(local.importPayload(master('http://127.0.0.1:2'))).toEqual(master('http://127.0.0.1:2'));
    expect(() => local.importPayload(master('http://127.0.0.1:1'))).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
    expect(() => local.importPayload({ source: '' })).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });
});
