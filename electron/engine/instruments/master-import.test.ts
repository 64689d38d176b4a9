import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeTempDir, removeTempDirs } from '../../../tests/helpers/temp-dir';
import type { JobContext } from '../jobs/context';
import { classifyError, JobStoppedError } from '../jobs/errors';
import { instrumentsImportKind, instrumentsImportPayloadSchema } from './import.job';
import type { ProgressUpdate } from '../jobs/progress';
import { createMemoryLogger } from '../common/logger';
import { createInstrumentStore, REPLACE_BATCH, type InstrumentStore } from '../store/instruments';
import { openDatabase } from '../store/open';
import type { Db } from '../store/types';
import { importInstruments, InstrumentImportError, parseJsonArray, type ImportProgress } from './master-import';

const IST_OFFSET_MS = 5.5 * 3600_000;
/** An instant given as an IST wall-clock time, in epoch ms as the master files carry it. */
const ist = (iso: string) => Date.parse(`${iso}Z`) - IST_OFFSET_MS;

const NIFTY_50 = 'NSE_INDEX|Nifty 50';

const equity = (symbol: string, isin: string) => ({
  segment: 'NSE_EQ',
  name: `${symbol} LTD`,
  exchange: 'NSE',
  isin,
  instrument_type: 'EQ',
  instrument_key: `NSE_EQ|${isin}`,
  lot_size: 1,
  freeze_quantity: 100000.0,
  exchange_token: '2885',
  tick_size: 10.0,
  trading_symbol: symbol,
  short_name: symbol,
  security_type: 'NORMAL',
});

const option = (token: number, strike: number, type: 'CE' | 'PE', expiry: number, label: string, weekly = false) => ({
  weekly,
  segment: 'NSE_FO',
  name: 'NIFTY',
  exchange: 'NSE',
  expiry,
  instrument_type: type,
  asset_symbol: 'NIFTY',
  underlying_symbol: 'NIFTY',
  instrument_key: `NSE_FO|${token}`,
  lot_size: 75,
  freeze_quantity: 1800.0,
  exchange_token: String(token),
  minimum_lot: 75,
  asset_key: NIFTY_50,
  underlying_key: NIFTY_50,
  tick_size: 5.0,
  asset_type: 'INDEX',
  underlying_type: 'INDEX',
  trading_symbol: `NIFTY ${strike} ${type} ${label}`,
  strike_price: strike,
  qty_multiplier: 1.0,
});

/** Rows shaped as in complete.json.gz: an index, two equities, a future and options, plus 4 bad rows. */
function masterRows() {
  return [
    {
      segment: 'NSE_INDEX',
      name: 'Nifty 50',
      exchange: 'NSE',
      instrument_type: 'INDEX',
      instrument_key: NIFTY_50,
      exchange_token: '26000',
      trading_symbol: 'NIFTY 50',
    },
    equity('RELIANCE', 'INE002A01018'),
    equity('INFY', 'INE009A01021'),
    {
      weekly: false,
      segment: 'NSE_FO',
      name: 'NIFTY',
      exchange: 'NSE',
      // The docs' sample: 25-Jan-2024 23:59:59 IST.
      expiry: 1706207399000,
      instrument_type: 'FUT',
      underlying_symbol: 'NIFTY',
      instrument_key: 'NSE_FO|35001',
      lot_size: 50,
      exchange_token: 35001,
      underlying_key: NIFTY_50,
      tick_size: 10.0,
      trading_symbol: 'NIFTY FUT 25 JAN 24',
      strike_price: 0.0,
    },
    option(43919, 21300, 'CE', ist('2024-01-25T23:59:59'), '25 JAN 24'),
    // An expiry at IST midnight is still the previous day in UTC: the date must be the IST one.
    option(43920, 21300, 'PE', ist('2024-01-18T00:00:00'), '18 JAN 24', true),
    { ...equity('BROKEN', 'INE000000001'), instrument_key: 'no segment' },
    { ...equity('BADLOT', 'INE000000002'), lot_size: '1' },
    null,
    equity('RELIANCE', 'INE002A01018'),
  ];
}

const gz = (value: unknown) => zlib.gzipSync(typeof value === 'string' ? value : JSON.stringify(value));

let dir: string;
let db: Db;
let store: InstrumentStore;

beforeEach(() => {
  dir = makeTempDir('tickdesk-instruments-import-');
  db = openDatabase(path.join(dir, 'test.db'));
  store = createInstrumentStore(db);
});

afterEach(() => {
  db.close();
  removeTempDirs();
});

const write = (name: string, data: Buffer) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, data);
  return file;
};

const ASSETS = 'https://assets.example.test';
const noFetch = (() => Promise.reject(new Error('no network in this test'))) as typeof fetch;

describe('importInstruments', () => {
  it('imports a local file: valid rows stored with IST expiry dates, bad and duplicate rows skipped and counted', async () => {
    const file = write('complete.json.gz', gz(masterRows()));
    const result = await importInstruments({ source: file, fetch: noFetch, store });
    expect(result).toMatchObject({ imported: 6, skipped: 4, source: file });
    expect(result.skippedSamples.map((s) => s.index)).toEqual([6, 7, 8, 9]);
    expect(result.skippedSamples[0]!.reason).toMatch(/^instrument_key: not a SEGMENT\|ID key/);
    expect(result.skippedSamples[1]!.reason).toMatch(/^lot_size/);
    expect(result.skippedSamples[3]!.reason).toBe('duplicate instrument_key NSE_EQ|INE002A01018');
    expect(store.count()).toBe(6);

    const [future, call, put, index] = store.get(['NSE_FO|35001', 'NSE_FO|43919', 'NSE_FO|43920', NIFTY_50]);
    expect(future).toMatchObject({
      instrumentType: 'FUT',
      expiry: '2024-01-25',
      strike: null,
      lotSize: 50,
      // Upstox's 10.0 is paise: ₹0.10.
      tickSize: 0.1,
      underlyingKey: NIFTY_50,
    });
    expect(call).toMatchObject({
      tradingSymbol: 'NIFTY 21300 CE 25 JAN 24',
      expiry: '2024-01-25',
      strike: 21300,
      lotSize: 75,
      tickSize: 0.05,
    });
    expect(put).toMatchObject({ expiry: '2024-01-18' });
    expect(index).toMatchObject({ tradingSymbol: 'NIFTY 50', expiry: null, strike: null });
    const counts = Object.fromEntries(
      db
        .prepare<[], { instrument_type: string; n: number }>(
          'SELECT instrument_type, COUNT(*) AS n FROM instruments GROUP BY instrument_type',
        )
        .all()
        .map((r) => [r.instrument_type, r.n]),
    );
    expect(counts).toEqual({ INDEX: 1, EQ: 2, FUT: 1, CE: 1, PE: 1 });
    expect(
      db
        .prepare(
          "SELECT isin, exchange_token, freeze_quantity, weekly FROM instruments WHERE instrument_key = 'NSE_EQ|INE002A01018'",
        )
        .get(),
    ).toEqual({
      isin: 'INE002A01018',
      exchange_token: '2885',
      freeze_quantity: 100000,
      weekly: null,
    });
    expect(
      db.prepare("SELECT exchange_token, weekly FROM instruments WHERE instrument_key = 'NSE_FO|43920'").get(),
    ).toEqual({
      exchange_token: '43920',
      weekly: 1,
    });
  });

  it('downloads an http(s) source through the injected fetch, reporting progress by phase', async () => {
    const body = gz(masterRows());
    const fetchFn = vi.fn(
      async (_url: string | URL | Request, _init?: RequestInit) =>
        new Response(body, { headers: { 'content-length': String(body.length) } }),
    );
    const seen: ImportProgress[] = [];
    const source = 'https://assets.example.test/market-quote/instruments/exchange/complete.json.gz';
    const result = await importInstruments({
      source,
      fetch: fetchFn as typeof fetch,
      store,
      progress: (p) => seen.push(p),
    });
    expect(result).toMatchObject({ imported: 6, skipped: 4, source });
    expect(fetchFn).toHaveBeenCalledWith(source, { signal: expect.any(AbortSignal) });
    expect([...new Set(seen.map((p) => p.phase))]).toEqual(['download', 'parse', 'store']);
    expect(seen.filter((p) => p.phase === 'download').at(-1)).toEqual({
      phase: 'download',
      done: body.length,
      total: body.length,
    });
    expect(seen.filter((p) => p.phase === 'parse').at(-1)).toEqual({ phase: 'parse', done: 10, total: 10 });
    expect(seen.at(-1)).toEqual({ phase: 'store', done: 6, total: 6 });
  });

  it('answers one error for a local path whatever is wrong with it, keeping the reason for the log', async () => {
    const cases: [string, RegExp][] = [
      [path.join(dir, 'missing.json.gz'), /ENOENT/],
      [write('plain.json.gz', Buffer.from('root:x:0:0')), /not gzip-compressed/],
    ];
    fs.symlinkSync('/etc/hostname', path.join(dir, 'link.json.gz'));
    cases.push([path.join(dir, 'link.json.gz'), /not a \.json\.gz file/]);
    for (const [source, detail] of cases) {
      const error = await importInstruments({ source, fetch: noFetch, store }).catch((e: unknown) => e);
      expect(error, source).toMatchObject({
        code: 'NOT_A_MASTER',
        message: `${source} is not a valid instrument master`,
        detail: expect.stringMatching(detail),
      });
    }
    expect(store.count()).toBe(0);
  });

  it('replaces the previous master: an instrument missing from the new file is gone', async () => {
    await importInstruments({ source: write('day1.json.gz', gz(masterRows())), fetch: noFetch, store });
    const day2 = masterRows().filter((r) => r?.trading_symbol !== 'INFY');
    await expect(
      importInstruments({ source: write('day2.json.gz', gz(day2)), fetch: noFetch, store }),
    ).resolves.toMatchObject({ imported: 5 });
    expect(store.get(['NSE_EQ|INE009A01021'])).toEqual([]);
    expect(store.search({ q: 'infy', limit: 10 })).toEqual([]);
    expect(store.count()).toBe(5);
  });

  it('refuses a damaged or wrong file with a clear error and keeps the previous master', async () => {
    await importInstruments({ source: write('good.json.gz', gz(masterRows())), fetch: noFetch, store });
    const before = store.search({ q: 'reliance', limit: 10 });
    const good = gz(masterRows());
    const truncated = Buffer.concat([good.subarray(0, 40), Buffer.alloc(40, 0x55)]);
    const cases: [string, Buffer, InstrumentImportError['code'], RegExp][] = [
      ['corrupt.json.gz', truncated, 'NOT_GZIP', /damaged gzip file/],
      ['plain.json', Buffer.from(JSON.stringify(masterRows())), 'NOT_GZIP', /not gzip-compressed/],
      ['garbage.json.gz', gz('{"instrument_key": '), 'NOT_JSON_ARRAY', /not valid JSON/],
      ['object.json.gz', gz({ data: masterRows() }), 'NOT_JSON_ARRAY', /not a JSON array/],
      ['empty.json.gz', gz([]), 'NO_VALID_ROWS', /no valid rows: 0 skipped/],
      [
        'junk.json.gz',
        gz([1, { instrument_key: 'NSE_EQ|X' }]),
        'NO_VALID_ROWS',
        /no valid rows: 2 skipped \(first problem: row 0: /,
      ],
    ];
    // Downloaded, so the error says what is wrong (a local path gets one answer: see below).
    for (const [name, data, code, message] of cases) {
      const serve = (async () => new Response(new Uint8Array(data))) as typeof fetch;
      const error = await importInstruments({
        source: `${ASSETS}/market-quote/instruments/exchange/${name}`,
        fetch: serve,
        store,
      }).catch((e: unknown) => e);
      expect(error, name).toBeInstanceOf(InstrumentImportError);
      expect((error as InstrumentImportError).code, name).toBe(code);
      expect((error as Error).message, name).toMatch(message);
    }
    const missing = await importInstruments({ source: path.join(dir, 'missing.json.gz'), fetch: noFetch, store }).catch(
      (e: unknown) => e,
    );
    expect(missing).toMatchObject({
      code: 'NOT_A_MASTER',
      message: expect.stringMatching(/missing\.json\.gz is not a valid instrument master$/),
    });
    expect(store.count()).toBe(6);
    expect(store.search({ q: 'reliance', limit: 10 })).toEqual(before);
  });

  it('tells retryable download failures (5xx, network) from permanent ones (404)', async () => {
    const respond = (status: number) => (async () => new Response('nope', { status })) as typeof fetch;
    const source = 'https://assets.example.test/complete.json.gz';
    await expect(importInstruments({ source, fetch: respond(503), store })).rejects.toMatchObject({
      code: 'DOWNLOAD_FAILED',
      retryable: true,
      message: expect.stringMatching(/HTTP 503/),
    });
    await expect(importInstruments({ source, fetch: respond(404), store })).rejects.toMatchObject({
      code: 'DOWNLOAD_FAILED',
      retryable: false,
    });
    await expect(importInstruments({ source, fetch: noFetch, store })).rejects.toMatchObject({
      code: 'DOWNLOAD_FAILED',
      retryable: true,
      message: expect.stringMatching(/no network/),
    });
  });

  it('stops before touching the store when aborted', async () => {
    const controller = new AbortController();
    controller.abort('cancel');
    const error = await importInstruments({
      source: write('m.json.gz', gz(masterRows())),
      fetch: noFetch,
      store,
      signal: controller.signal,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(store.count()).toBe(0);
  });
});

describe('parseJsonArray', () => {
  // Commas, brackets, braces, quotes and backslashes inside strings, nesting, and whitespace, across run boundaries.
  const tricky = [
    { s: 'a,b', t: '],[', u: '}{', q: 'say "hi", then \\ leave', e: '\\', n: null },
    [1, [2, [3, { x: ']' }]], '\\"', {}],
    -1.5e3,
    'ünï, cødé ✓',
    true,
    { nested: { deeper: [{ k: ',' }, [], {}] } },
    '',
    0,
  ];

  it('gives what JSON.parse gives, however the elements are cut into runs', async () => {
    for (const text of [
      JSON.stringify(tricky),
      JSON.stringify(tricky, null, 2),
      ` \n${JSON.stringify(tricky)}\r\n\t`,
      '[]',
      ' [ ] ',
      '[7]',
    ]) {
      for (const chunk of [1, 2, 3, 1_000])
        expect(await parseJsonArray(text, { chunk }), `${chunk}: ${text.slice(0, 20)}`).toEqual(JSON.parse(text));
    }
  });

  it('refuses what JSON.parse refuses, wherever the runs are cut', async () => {
    const bad = [
      '[1,2,]',
      '[,1,2]',
      '[1,,2]',
      '[1,2',
      '[1,2}',
      '[{"a":1]}',
      '[1,2] x',
      '[1,2]]',
      '["a,b',
      '[1,{"a":[2}],3]',
      "['a']",
      '\uFEFF[1]',
      '',
    ];
    for (const text of bad) {
      expect(() => JSON.parse(text), text).toThrow();
      for (const chunk of [1, 2, 3, 1_000]) {
        await expect(parseJsonArray(text, { chunk }), `${chunk}: ${text}`).rejects.toMatchObject({
          code: 'NOT_JSON_ARRAY',
          message: expect.stringMatching(/not valid JSON/),
        });
      }
    }
    await expect(parseJsonArray('{"data": []}')).rejects.toMatchObject({
      code: 'NOT_JSON_ARRAY',
      message: expect.stringMatching(/not a JSON array/),
    });
  });

  it('lets other work run between runs, and stops there when aborted', async () => {
    const text = JSON.stringify(Array.from({ length: 10 }, (_v, i) => ({ i })));
    let ranMeanwhile = false;
    const parsing = parseJsonArray(text, { chunk: 2 });
    setImmediate(() => (ranMeanwhile = true));
    expect(await parsing).toHaveLength(10);
    expect(ranMeanwhile).toBe(true);

    const controller = new AbortController();
    const stopped = parseJsonArray(text, { chunk: 2, signal: controller.signal });
    setImmediate(() => controller.abort('cancel'));
    await expect(stopped).rejects.toMatchObject({ name: 'AbortError' });
  });
});

/** A job context with just what the kind uses; `checkpoint` throws once `controller` is aborted, as the runner's does. */
function fakeContext(
  payload: { source: string },
  controller: AbortController,
  onProgress: (update: ProgressUpdate) => void = () => undefined,
) {
  return {
    job: { id: 1, kind: 'instruments.import', attempts: 1, maxAttempts: 3, priority: 'NORMAL' },
    payload,
    signal: controller.signal,
    logger: createMemoryLogger(),
    progress: onProgress,
    checkpoint: () => {
      if (controller.signal.aborted) throw new JobStoppedError('cancel');
    },
  } as unknown as JobContext<{ source: string }>;
}

/** A master of `n` options, enough for several store batches. */
function manyOptions(n: number) {
  return Array.from({ length: n }, (_v, i) =>
    option(100_000 + i, 10_000 + 50 * Math.floor(i / 2), i % 2 ? 'PE' : 'CE', ist('2026-12-29T15:30:00'), '29 DEC 26'),
  );
}

/** The job kind on the test store, for sources that are named in the payload (the default is never read). */
const importKindWith = (fetch: typeof globalThis.fetch = noFetch) =>
  instrumentsImportKind({ store, fetch, defaultSource: () => '/unused.json.gz', allowedOrigins: () => [ASSETS] });

describe('instruments.import job kind', () => {
  it('takes a source, runs one at a time, and reports download, parse and store as phases with overall percentages', async () => {
    const kind = importKindWith();
    expect(kind).toMatchObject({ kind: 'instruments.import', concurrency: 1 });
    // No source: the master of the market source open when the job runs.
    const payload = instrumentsImportPayloadSchema(() => [ASSETS]);
    expect(payload.safeParse({}).success).toBe(true);
    expect(payload.safeParse({ source: '/data/complete.json.gz', extra: 1 }).success).toBe(false);

    const updates: ProgressUpdate[] = [];
    const source = write('complete.json.gz', gz(masterRows()));
    const result = await kind.handler(fakeContext({ source }, new AbortController(), (u) => updates.push(u)));
    expect(result).toMatchObject({ imported: 6, skipped: 4, source });
    expect([...new Set(updates.map((u) => u.phase))]).toEqual(['download', 'parse', 'store']);
    const percentages = updates.map((u) => u.percentage!);
    expect(percentages).toEqual([...percentages].sort((a, b) => a - b));
    expect(updates.at(-1)).toEqual({ phase: 'store', percentage: 100, message: 'store: 6 of 6 rows stored' });
  });

  it('stops between store batches when cancelled, keeping the previous master', async () => {
    await importInstruments({ source: write('old.json.gz', gz(masterRows())), fetch: noFetch, store });
    const source = write('big.json.gz', gz(manyOptions(REPLACE_BATCH * 2 + 10)));
    const controller = new AbortController();
    const stored: string[] = [];
    const ctx = fakeContext({ source }, controller, (u) => {
      if (u.phase !== 'store') return;
      stored.push(u.message!);
      // Cancel once the first batch is written.
      if (u.message!.startsWith(`store: ${REPLACE_BATCH} of`)) controller.abort('cancel');
    });
    await expect(importKindWith().handler(ctx)).rejects.toBeInstanceOf(JobStoppedError);
    expect(stored).toEqual([
      `store: 0 of ${REPLACE_BATCH * 2 + 10} rows stored`,
      `store: ${REPLACE_BATCH} of ${REPLACE_BATCH * 2 + 10} rows stored`,
    ]);
    expect(store.count()).toBe(6);
    expect(store.get(['NSE_FO|100000'])).toEqual([]);
  });

  it('stops at the next batch when a cancel arrives while the store is being written, keeping the previous master', async () => {
    await importInstruments({ source: write('old.json.gz', gz(masterRows())), fetch: noFetch, store });
    const before = store.search({ q: 'nifty', limit: 10 });
    const total = REPLACE_BATCH * 5;
    const source = write('big.json.gz', gz(manyOptions(total)));
    const controller = new AbortController();
    const staged = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM instruments_alt');
    // The cancel comes from elsewhere on the event loop (the runner, on an IPC request), not from a progress callback.
    let stagedAtCancel = 0;
    const watch = () => {
      stagedAtCancel = staged.get()!.n;
      if (stagedAtCancel > 0) controller.abort('cancel');
      else setImmediate(watch);
    };
    const stored: number[] = [];
    const ctx = fakeContext({ source }, controller, (u) => {
      if (u.phase !== 'store') return;
      stored.push(Number(/store: (\d+) of/.exec(u.message!)![1]));
      if (stored.length === 1) setImmediate(watch);
    });
    await expect(importKindWith().handler(ctx)).rejects.toBeInstanceOf(JobStoppedError);
    expect(stagedAtCancel).toBe(REPLACE_BATCH);
    expect(stored).toEqual([0]);
    expect(store.count()).toBe(6);
    expect(store.search({ q: 'nifty', limit: 10 })).toEqual(before);
    expect(store.get(['NSE_FO|100000'])).toEqual([]);
    expect(staged.get()!.n).toBe(0);
  });

  it('fails a bad file permanently and a server error transiently, with the import error code', async () => {
    const kind = importKindWith((async () => new Response('busy', { status: 502 })) as typeof fetch);
    // As the runner sees them: classifyError decides between retry and failure.
    const failureOf = (run: Promise<unknown>) =>
      run.then(
        () => null,
        (error: unknown) => classifyError(error, true),
      );
    const bad = await failureOf(
      kind.handler(fakeContext({ source: write('bad.json.gz', Buffer.from('not gzip')) }, new AbortController())),
    );
    expect(bad).toMatchObject({ code: 'INSTRUMENTS_NOT_A_MASTER', transient: false });
    const busy = await failureOf(
      kind.handler(
        fakeContext({ source: `${ASSETS}/market-quote/instruments/exchange/complete.json.gz` }, new AbortController()),
      ),
    );
    expect(busy).toMatchObject({ code: 'INSTRUMENTS_DOWNLOAD_FAILED', transient: true });
  });
});
