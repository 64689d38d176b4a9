import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { istDate } from '../../../../shared/time';
import { makeTempDir, removeTempDirs } from '../../../../tests/helpers/temp-dir';
import { createCsvFolderProvider, csvFileNameOf } from './csv-folder';
import type { CandleRequest } from './provider';

afterEach(removeTempDirs);

const IST = (date: string) => Date.parse(`${date}T00:00:00+05:30`);
const signal = () => AbortSignal.timeout(10_000);

function folderWith(files: Record<string, string>): string {
  const folder = makeTempDir('tickdesk-csv-');
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(folder, name), text);
  return folder;
}

const request = (tradingSymbol: string, from: string, to: string, timeframe: CandleRequest['timeframe'] = '1d') => ({
  instrumentKey: 'NSE_EQ|INE002A01018',
  tradingSymbol,
  timeframe,
  from,
  to,
});

async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => {
      throw new Error('the request was answered');
    },
    (e: unknown) => e as { code: string; message: string; retryable: boolean },
  );
  return { code: error.code, message: error.message, retryable: error.retryable };
}

/** Yahoo's "Download" of daily history, with its `null` row for a day without trading, a BOM and CRLF. */
const YAHOO_DOWNLOAD =
  '\ufeffDate,Open,High,Low,Close,Adj Close,Volume\r\n' +
  '2024-01-18,1363.199951,1366.500000,1346.099976,1359.349976,1352.300049,15734982\r\n' +
  '2024-01-19,1362.000000,1371.550049,1358.599976,1367.099976,1360.000000,13905428\r\n' +
  '2024-01-22,null,null,null,null,null,null\r\n' +
  '2024-01-23,1374.900024,1376.750000,1327.400024,1331.199951,1324.300049,19620704\r\n' +
  '2024-01-24,1334.300049,1358.900024,1322.849976,1355.349976,1348.349976,14288216\r\n';

/** NSE's security-wise price, volume and deliverable history: newest first, a block-deal row beside an EQ one. */
const NSE_HISTORY = [
  'Symbol,Series,Date,Prev Close,Open Price,High Price,Low Price,Last Price,Close Price,Average Price,Total Traded Quantity,Turnover,No. of Trades,Deliverable Qty,% Dly Qt to Traded Qty',
  'RELIANCE,EQ,24-Jan-2024,2662.40,2668.60,2717.80,2645.70,2711.00,2710.70,2689.12,7144108,19211408223.55,285563,3574121,50.03',
  'RELIANCE,BL,23-Jan-2024,2736.00,2700.00,2700.00,2700.00,2700.00,2700.00,2700.00,400000,1080000000.00,2,400000,100.00',
  'RELIANCE,EQ,23-Jan-2024,2734.20,2749.80,2753.50,2654.80,2660.00,2662.40,2700.55,9810352,26493849210.30,398211,4913327,50.08',
  'RELIANCE,EQ,19-Jan-2024,2718.70,2724.00,2743.10,2717.20,2735.00,2734.20,2731.47,6952714,18991229837.75,190338,3902114,56.12',
].join('\n');

/** NSE's get-quote "historical data" download: padded headers, grouped numbers in quotes, newest first. */
const NSE_QUOTE_DOWNLOAD =
  '\ufeff"Date ","series ","OPEN ","HIGH ","LOW ","PREV. CLOSE ","ltp ","close ","vwap ","52W H","52W L ","VOLUME ","VALUE ","No of trades "\n' +
  '"24-Jan-2024","EQ","2,668.60","2,717.80","2,645.70","2,662.40","2,711.00","2,710.70","2,689.12","2,768.80","2,180.00","71,44,108","19,21,14,08,223.55","2,85,563"\n' +
  '"23-Jan-2024","EQ","2,749.80","2,753.50","2,654.80","2,734.20","2,660.00","2,662.40","2,700.55","2,768.80","2,180.00","98,10,352","26,49,38,49,210.30","3,98,211"\n';

/** A broker-style export (Zerodha, AmiBroker): lower-case headers, candle times with their offset. */
const BROKER_EXPORT = [
  'date,open,high,low,close,volume',
  '2024-01-18T00:00:00+0530,2726.4,2733,2692.2,2718.7,7867491',
  '2024-01-19T00:00:00+0530,2724,2743.1,2717.2,2734.2,6952714',
].join('\n');

describe('CSV folder provider: file names', () => {
  it('names files by the NSE symbol in capitals, unsafe characters as _, timeframes by suffix', () => {
    expect(csvFileNameOf('RELIANCE', '1d')).toBe('RELIANCE.csv');
    expect(csvFileNameOf('reliance', '1w')).toBe('RELIANCE_1w.csv');
    expect(csvFileNameOf('M&M', '1h')).toBe('M&M_1h.csv');
    expect(csvFileNameOf('BAJAJ-AUTO', '30m')).toBe('BAJAJ-AUTO_30m.csv');
    expect(csvFileNameOf('Nifty 50', '1d')).toBe('NIFTY_50.csv');
    expect(csvFileNameOf('A:B*C?', '1m')).toBe('A_B_C__1m.csv');
    expect(csvFileNameOf('RELIANCE', '1M')).toBe('RELIANCE_1mo.csv');
  });

  it.each(['../secret', '..', 'a/b', 'a\\b', '/etc/passwd', 'x\0y', '.hidden', '', '  '])(
    'refuses %j: it names no file inside the folder',
    async (symbol) => {
      const parent = folderWith({ 'secret.csv': YAHOO_DOWNLOAD, 'a_b.csv': YAHOO_DOWNLOAD });
      const folder = path.join(parent, 'drop');
      fs.mkdirSync(folder);
      fs.writeFileSync(path.join(folder, 'A_B.csv'), YAHOO_DOWNLOAD);
      const provider = createCsvFolderProvider({ folder });
      expect(await refusal(provider.fetchCandles(request(symbol, '2024-01-01', '2024-01-31'), signal()))).toEqual({
        code: 'SYMBOL_NOT_FOUND',
        retryable: false,
        message: expect.stringContaining('does not name a file inside the folder'),
      });
    },
  );
});

describe('CSV folder provider: exports', () => {
  it("reads Yahoo's download: Close (not Adj Close), 00:00 IST of each day, the null row skipped", async () => {
    const provider = createCsvFolderProvider({ folder: folderWith({ 'RELIANCE.csv': YAHOO_DOWNLOAD }) });
    const bars = await provider.fetchCandles(request('RELIANCE', '2024-01-01', '2024-01-31'), signal());
    expect(bars.map((b) => istDate(b.ts))).toEqual(['2024-01-18', '2024-01-19', '2024-01-23', '2024-01-24']);
    expect(bars[0]).toEqual({
      ts: IST('2024-01-18'),
      open: 1363.199951,
      high: 1366.5,
      low: 1346.099976,
      close: 1359.349976,
      volume: 15734982,
      oi: 0,
    });
  });

  it("reads NSE's security-wise history oldest first, keeping the EQ rows where block deals share a day", async () => {
    const provider = createCsvFolderProvider({ folder: folderWith({ 'RELIANCE.csv': NSE_HISTORY }) });
    const bars = await provider.fetchCandles(request('RELIANCE', '2024-01-01', '2024-01-31'), signal());
    expect(bars.map((b) => [istDate(b.ts), b.open, b.close, b.volume])).toEqual([
      ['2024-01-19', 2724, 2734.2, 6952714],
      ['2024-01-23', 2749.8, 2662.4, 9810352],
      ['2024-01-24', 2668.6, 2710.7, 7144108],
    ]);
  });

  it("reads NSE's get-quote download with its padded headers and grouped numbers", async () => {
    const provider = createCsvFolderProvider({ folder: folderWith({ 'RELIANCE.csv': NSE_QUOTE_DOWNLOAD }) });
    const bars = await provider.fetchCandles(request('RELIANCE', '2024-01-23', '2024-01-24'), signal());
    expect(bars).toEqual([
      { ts: IST('2024-01-23'), open: 2749.8, high: 2753.5, low: 2654.8, close: 2662.4, volume: 9810352, oi: 0 },
      { ts: IST('2024-01-24'), open: 2668.6, high: 2717.8, low: 2645.7, close: 2710.7, volume: 7144108, oi: 0 },
    ]);
  });

  it('reads broker exports with date-times and offsets, and intraday files at their exact bar times with OI', async () => {
    const hourly = [
      'Date,Open,High,Low,Close,Volume,OI',
      '2024-01-18 09:15:00+05:30,2726.4,2731,2701.5,2705.1,1853320,0',
      '2024-01-18T10:15:00+05:30,2705.1,2712.9,2692.2,2710,1102441,',
      '2024-01-18T05:45:00Z,2710,2719.8,2707.3,2716.45,806930,12',
    ].join('\r\n');
    const folder = folderWith({ 'RELIANCE.csv': BROKER_EXPORT, 'RELIANCE_1h.csv': hourly });
    const provider = createCsvFolderProvider({ folder });
    const days = await provider.fetchCandles(request('RELIANCE', '2024-01-18', '2024-01-19'), signal());
    expect(days.map((b) => b.ts)).toEqual([IST('2024-01-18'), IST('2024-01-19')]);
    const hours = await provider.fetchCandles(request('RELIANCE', '2024-01-18', '2024-01-18', '1h'), signal());
    expect(hours.map((b) => [new Date(b.ts).toISOString(), b.oi])).toEqual([
      ['2024-01-18T03:45:00.000Z', 0],
      ['2024-01-18T04:45:00.000Z', 0],
      ['2024-01-18T05:45:00.000Z', 12],
    ]);
  });

  it('returns the bars within [from, to] (IST days, both inclusive), and none for a header-only file', async () => {
    const folder = folderWith({ 'RELIANCE.csv': YAHOO_DOWNLOAD, 'INFY.csv': 'Date,Open,High,Low,Close,Volume\n' });
    const provider = createCsvFolderProvider({ folder });
    const bars = await provider.fetchCandles(request('RELIANCE', '2024-01-19', '2024-01-23'), signal());
    expect(bars.map((b) => istDate(b.ts))).toEqual(['2024-01-19', '2024-01-23']);
    expect(await provider.fetchCandles(request('RELIANCE', '2024-01-25', '2024-01-31'), signal())).toEqual([]);
    expect(await provider.fetchCandles(request('INFY', '2024-01-01', '2024-01-31'), signal())).toEqual([]);
  });

  it('reads a weekly file as Monday bars, a week that starts before `from` included; monthly files as _1mo', async () => {
    const weekly = [
      'Date,Open,High,Low,Close,Volume',
      '2024-01-08,2612,2748,2602.2,2741.8,44103558',
      '2024-01-15,2745,2770,2692.2,2740.9,35722654',
      '2024-01-23,2749.8,2753.5,2645.7,2710.7,16954460',
    ].join('\n');
    const monthly = ['Date,Open,High,Low,Close,Volume', '2023-12-01,2395,2610,2380,2584.95,221390415'].join('\n');
    const folder = folderWith({
      'RELIANCE_1w.csv': weekly,
      'RELIANCE_1mo.csv': monthly,
    });
    const provider = createCsvFolderProvider({ folder });
    const weeks = await provider.fetchCandles(request('RELIANCE', '2024-01-17', '2024-01-31', '1w'), signal());
    expect(weeks.map((b) => istDate(b.ts))).toEqual(['2024-01-15', '2024-01-22']);
    expect(weeks.map((b) => b.ts)).toEqual([IST('2024-01-15'), IST('2024-01-22')]);
    const months = await provider.fetchCandles(request('RELIANCE', '2023-12-15', '2024-01-31', '1M'), signal());
    expect(months.map((b) => b.ts)).toEqual([IST('2023-12-01')]);
    expect(provider.supports('1m') && provider.supports('1M')).toBe(true);
    expect(provider.limits('1d')).toEqual({ spanMonths: null, earliest: '1990-01-01' });
    expect(provider.id).toBe('csv');
  });
});

describe('CSV folder provider: refusals', () => {
  it('says SYMBOL_NOT_FOUND for a symbol without a file, or a timeframe without one, and for a missing folder', async () => {
    const folder = folderWith({ 'RELIANCE.csv': YAHOO_DOWNLOAD });
    const provider = createCsvFolderProvider({ folder });
    for (const [symbol, timeframe] of [
      ['INFY', '1d'],
      ['RELIANCE', '1w'],
    ] as const)
      expect(
        await refusal(provider.fetchCandles(request(symbol, '2024-01-01', '2024-01-31', timeframe), signal())),
      ).toMatchObject({ code: 'SYMBOL_NOT_FOUND', retryable: false });
    const nowhere = createCsvFolderProvider({ folder: path.join(folder, 'missing') });
    expect(
      await refusal(nowhere.fetchCandles(request('RELIANCE', '2024-01-01', '2024-01-31'), signal())),
    ).toMatchObject({ code: 'SYMBOL_NOT_FOUND', retryable: false });
  });

  it('refuses a folder where the file should be as BAD_RESPONSE', async () => {
    const folder = folderWith({});
    fs.mkdirSync(path.join(folder, 'RELIANCE.csv'));
    const provider = createCsvFolderProvider({ folder });
    expect(await refusal(provider.fetchCandles(request('RELIANCE', '2024-01-01', '2024-01-31'), signal()))).toEqual({
      code: 'BAD_RESPONSE',
      retryable: false,
      message: 'RELIANCE.csv is not a file',
    });
  });

  const header = 'Date,Open,High,Low,Close,Volume';
  const good = '2024-01-18,2726.4,2733,2692.2,2718.7,7867491';
  it.each([
    ['an unreadable date', '18/01/2024,2724,2743.1,2717.2,2734.2,6952714', 'line 3: unreadable date "18/01/2024"'],
    [
      'a day that does not exist',
      '2024-02-30,2724,2743.1,2717.2,2734.2,6952714',
      'line 3: unreadable date "2024-02-30"',
    ],
    ['a price that is not a number', '2024-01-19,2724,2743.1,abc,2734.2,6952714', 'line 3: low "abc" is not a number'],
    ['a missing volume', '2024-01-19,2724,2743.1,2717.2,2734.2,', 'line 3: volume "" is not a number'],
    ['high below low', '2024-01-19,2724,2717.2,2743.1,2734.2,6952714', 'line 3: high 2717.2 is below low 2743.1'],
    ['a negative volume', '2024-01-19,2724,2743.1,2717.2,2734.2,-5', 'line 3: volume -5 is negative'],
    ['a repeated day', '2024-01-18,2724,2743.1,2717.2,2734.2,6952714', 'line 3: repeats the bar of line 2'],
  ])('refuses a file with %s as BAD_RESPONSE naming the file and line', async (_what, row, reason) => {
    const folder = folderWith({ 'RELIANCE.csv': [header, good, row, ''].join('\n') });
    const provider = createCsvFolderProvider({ folder });
    expect(await refusal(provider.fetchCandles(request('RELIANCE', '2024-01-01', '2024-01-31'), signal()))).toEqual({
      code: 'BAD_RESPONSE',
      retryable: false,
      message: expect.stringContaining(`RELIANCE.csv ${reason}`),
    });
  });

  it.each([
    ['RELIANCE.csv', 'Date,Open,High,Low,Close\n2024-01-18,1,2,0.5,1.5\n', 'RELIANCE.csv line 1: no volume column'],
    ['RELIANCE.csv', '\n\n', 'RELIANCE.csv line 1: the file is empty'],
    [
      'RELIANCE.csv',
      'Date,Open,High,Low,Close,Volume\n2024-01-18,"1,2,0.5,1.5,9\n',
      'RELIANCE.csv line 2: not readable as CSV',
    ],
    [
      'RELIANCE_1h.csv',
      'Date,Open,High,Low,Close,Volume\n2024-01-18,1,2,0.5,1.5,9\n',
      'line 2: a 1h bar needs a time of day',
    ],
  ])('refuses %s holding %j', async (name, text, reason) => {
    const provider = createCsvFolderProvider({ folder: folderWith({ [name]: text }) });
    const timeframe = name.includes('_1h') ? '1h' : '1d';
    expect(
      await refusal(provider.fetchCandles(request('RELIANCE', '2024-01-01', '2024-01-31', timeframe), signal())),
    ).toEqual({ code: 'BAD_RESPONSE', retryable: false, message: expect.stringContaining(reason) });
  });
});

describe('CSV folder provider: cache', () => {
  const ONE_SECOND_AGO = new Date(Math.floor(Date.now() / 1000) * 1000 - 1000);
  /** Rewrites a file to the same length and puts its modification time back: only a re-read could see the edit. */
  function editInPlace(file: string, from: string, to: string): void {
    const { mtime } = fs.statSync(file);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(from, to));
    fs.utimesSync(file, mtime, mtime);
  }

  it('parses a file once while its modification time and size stay, and again when either changes', async () => {
    const folder = folderWith({ 'RELIANCE.csv': YAHOO_DOWNLOAD });
    const file = path.join(folder, 'RELIANCE.csv');
    fs.utimesSync(file, ONE_SECOND_AGO, ONE_SECOND_AGO);
    const provider = createCsvFolderProvider({ folder });
    const range = request('RELIANCE', '2024-01-18', '2024-01-18');
    const closeOf = async () => (await provider.fetchCandles(range, signal()))[0]?.close;
    expect(await closeOf()).toBe(1359.349976);

    editInPlace(file, '1359.349976', '1359.349977');
    expect(await closeOf()).toBe(1359.349976);

    const later = new Date(ONE_SECOND_AGO.getTime() + 5_000);
    fs.utimesSync(file, later, later);
    expect(await closeOf()).toBe(1359.349977);

    editInPlace(file, '1359.349977', '1359.35');
    expect(await closeOf()).toBe(1359.35);
  });

  it.each([
    [2, 1359.349976],
    [1, 1359.349977],
  ])('keeps at most cacheFiles: %i parsed files, dropping the least recently used', async (cacheFiles, close) => {
    const folder = folderWith({ 'RELIANCE.csv': YAHOO_DOWNLOAD, 'INFY.csv': YAHOO_DOWNLOAD });
    for (const name of ['RELIANCE.csv', 'INFY.csv'])
      fs.utimesSync(path.join(folder, name), ONE_SECOND_AGO, ONE_SECOND_AGO);
    const provider = createCsvFolderProvider({ folder, cacheFiles });
    const closeOf = async (symbol: string) =>
      (await provider.fetchCandles(request(symbol, '2024-01-18', '2024-01-18'), signal()))[0]?.close;
    await closeOf('RELIANCE');
    await closeOf('INFY');
    editInPlace(path.join(folder, 'RELIANCE.csv'), '1359.349976', '1359.349977');
    expect(await closeOf('RELIANCE')).toBe(close);
  });

  it('hands out copies, so a caller changing its bars does not change the next answer', async () => {
    const provider = createCsvFolderProvider({ folder: folderWith({ 'RELIANCE.csv': YAHOO_DOWNLOAD }) });
    const range = request('RELIANCE', '2024-01-18', '2024-01-18');
    (await provider.fetchCandles(range, signal()))[0]!.close = 0;
    expect((await provider.fetchCandles(range, signal()))[0]!.close).toBe(1359.349976);
  });
});
