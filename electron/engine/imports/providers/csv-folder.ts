import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse';
import type { OhlcvBar } from '../../../../shared/domain/feed';
import { DAY_MS, istDate, istDayStart, istWeekday } from '../../../../shared/time';
import type { SpanLimits } from '../plan';
import { ProviderError, type CandleRequest, type ImportTimeframe, type OhlcvProvider } from './provider';
import { createTtlCache } from './ttl-cache';

export const CSV_FOLDER_LIMITS: SpanLimits = { spanMonths: null, earliest: '1990-01-01' };

/**
 * What follows the symbol in a file's name. Months are `_1mo`, not `_1M`: on the case-insensitive file systems of
 * Windows and macOS `_1M.csv` would be the minutes file.
 */
export const CSV_TIMEFRAME_SUFFIX: Readonly<Record<ImportTimeframe, string>> = {
  '1m': '_1m',
  '30m': '_30m',
  '1h': '_1h',
  '1d': '',
  '1w': '_1w',
  '1M': '_1mo',
};

/** Characters kept in a file name as the symbol has them; NSE symbols use only these (`M&M`, `BAJAJ-AUTO`). */
const UNSAFE_IN_FILE_NAME = /[^A-Z0-9&._-]/g;

/**
 * The file holding a symbol's bars of a timeframe: the NSE symbol in capitals, any other character (a space in an
 * index name, `:` or `*`, which Windows refuses) as `_`, then the timeframe's suffix: `RELIANCE.csv` (days),
 * `RELIANCE_1w.csv`, `M&M_1h.csv`, `NIFTY_50.csv`. A symbol that could name a file outside the folder (`..`, a
 * slash, a NUL, a leading dot) names none: SYMBOL_NOT_FOUND.
 */
export function csvFileNameOf(tradingSymbol: string, timeframe: ImportTimeframe): string {
  const symbol = tradingSymbol.trim();
  if (!symbol || symbol.includes('..') || /[/\\\0]/.test(symbol) || symbol.startsWith('.'))
    throw new ProviderError('SYMBOL_NOT_FOUND', `"${tradingSymbol}" does not name a file inside the folder`, false);
  return `${symbol.toUpperCase().replace(UNSAFE_IN_FILE_NAME, '_')}${CSV_TIMEFRAME_SUFFIX[timeframe]}.csv`;
}

// Header names as NSE (bhavcopy and its security-wise history), Yahoo's download and brokers' exports write them,
// compared without case, spaces or punctuation.
type Column = 'date' | 'open' | 'high' | 'low' | 'close' | 'volume' | 'oi' | 'series';
const HEADERS: Readonly<Record<Column, readonly string[]>> = {
  date: ['date', 'datetime', 'timestamp', 'date1', 'tradedate'],
  open: ['open', 'openprice'],
  high: ['high', 'highprice'],
  low: ['low', 'lowprice'],
  close: ['close', 'closeprice'],
  volume: ['volume', 'vol', 'totaltradedquantity', 'tottrdqty', 'ttltrdqnty', 'sharestraded'],
  oi: ['oi', 'openinterest', 'openint'],
  series: ['series'],
};
const REQUIRED: Column[] = ['date', 'open', 'high', 'low', 'close', 'volume'];

const normalHeader = (cell: string) => cell.toLowerCase().replace(/[^a-z0-9]/g, '');

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
/** NSE's downloads write days as 24-Jan-2024. */
const NSE_DAY = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/;
const ISO_DATE_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;
/** 2,734.50 and the Indian 1,23,45,678 as NSE writes them. */
const GROUPED_NUMBER = /^[-+]?\d{1,3}(,\d{2,3})+(\.\d+)?$/;
/** What an empty price cell holds: Yahoo's download writes `null` for a day without trading. */
const NO_VALUE = new Set(['', 'null', '-', 'nan']);

function istDayOf(year: number, month: number, day: number): number | null {
  const utc = Date.UTC(year, month - 1, day);
  const date = new Date(utc);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return utc - 330 * 60_000;
}

/** An instant, and whether the cell named a day only; null when it is neither form. */
function instantOf(cell: string): { ms: number; dayOnly: boolean } | null {
  const iso = ISO_DAY.exec(cell);
  if (iso) {
    const ms = istDayOf(Number(iso[1]), Number(iso[2]), Number(iso[3]));
    return ms === null ? null : { ms, dayOnly: true };
  }
  const nse = NSE_DAY.exec(cell);
  if (nse) {
    const month = MONTHS.indexOf(nse[2]!.toLowerCase()) + 1;
    const ms = month > 0 ? istDayOf(Number(nse[3]), month, Number(nse[1])) : null;
    return ms === null ? null : { ms, dayOnly: true };
  }
  const full = ISO_DATE_TIME.exec(cell);
  if (!full) return null;
  const [, day, hours, minutes, seconds = '00', fraction = '', zone] = full;
  // A time without an offset is taken as IST, as Indian brokers' exports write it.
  const offset = !zone ? '+05:30' : zone.toUpperCase() === 'Z' ? 'Z' : zone.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(`${day}T${hours}:${minutes}:${seconds}${fraction.slice(0, 4)}${offset}`);
  if (Number.isNaN(ms) || instantOf(day!) === null) return null;
  return { ms, dayOnly: false };
}

/** Where a bar of the timeframe containing `ms` starts, by the Upstox convention imports store. */
function barStartOf(timeframe: ImportTimeframe, ms: number): number {
  switch (timeframe) {
    case '1d':
      return istDayStart(ms);
    case '1w':
      return istDayStart(ms) - ((istWeekday(ms) + 6) % 7) * DAY_MS;
    case '1M':
      return Date.parse(`${istDate(ms).slice(0, 7)}-01T00:00:00+05:30`);
    default:
      return ms;
  }
}

function numberOf(cell: string): number | null {
  const plain = GROUPED_NUMBER.test(cell) ? cell.replace(/,/g, '') : cell;
  if (!NUMBER.test(plain)) return null;
  const value = Number(plain);
  return Number.isFinite(value) ? value : null;
}

interface CsvRecord {
  record: string[];
  info: { lines: number };
}

const INTRADAY: ReadonlySet<ImportTimeframe> = new Set(['1m', '30m', '1h']);

interface Row {
  line: number;
  series: string;
  bar: OhlcvBar;
}

type Refuse = (line: number, reason: string) => never;

/**
 * Reads one file's bars, oldest first. A file with a bad row is refused whole, naming the file and the line, so no
 * import stores part of a file someone has to fix.
 */
async function readBars(handle: FileHandle, name: string, timeframe: ImportTimeframe): Promise<OhlcvBar[]> {
  const refuse: Refuse = (line, reason) => {
    throw new ProviderError('BAD_RESPONSE', `${name} line ${line}: ${reason}`, false);
  };
  const source = handle.createReadStream({ encoding: 'utf8', autoClose: false });
  const parser = source.pipe(
    parse({ bom: true, skip_empty_lines: true, relax_column_count: true, trim: true, info: true }),
  );
  // pipe() does not pass a read failure on; without this the parser would wait for the rest of the file forever.
  source.once('error', (error) => parser.destroy(error));
  let at: Record<Column, number> | null = null;
  const rows: Row[] = [];
  try {
    for await (const { record, info } of parser as AsyncIterable<CsvRecord>) {
      if (record.every((cell) => cell === '')) continue;
      if (at) {
        const row = rowOf(record, info.lines, at, timeframe, refuse);
        if (row) rows.push(row);
        continue;
      }
      const names = record.map(normalHeader);
      const found = (Object.keys(HEADERS) as Column[]).map((c) => [c, names.findIndex((n) => HEADERS[c].includes(n))]);
      at = Object.fromEntries(found) as Record<Column, number>;
      const missing = REQUIRED.filter((c) => at![c] < 0);
      if (missing.length > 0) refuse(info.lines, `no ${missing.join(', ')} column in the header`);
    }
  } catch (error) {
    if (error instanceof ProviderError) throw error;
    if ((error as NodeJS.ErrnoException).syscall)
      throw new ProviderError('BAD_RESPONSE', `${name} cannot be read: ${(error as Error).message}`, false);
    const line = (error as { lines?: number }).lines ?? 1;
    refuse(line, `not readable as CSV: ${(error as Error).message.replace(/^.*?: /, '')}`);
  } finally {
    source.destroy();
  }
  if (!at) refuse(1, 'the file is empty: expected a header line and one bar per line');

  // NSE's history of a stock can mix its EQ rows with block deals (BL) or trade-for-trade (BE) on the same days.
  const kept = rows.some((r) => r.series === 'EQ') ? rows.filter((r) => r.series === 'EQ') : rows;
  kept.sort((a, b) => a.bar.ts - b.bar.ts || a.line - b.line);
  for (let i = 1; i < kept.length; i++) {
    const [before, row] = [kept[i - 1]!, kept[i]!];
    if (before.bar.ts === row.bar.ts)
      refuse(Math.max(before.line, row.line), `repeats the bar of line ${Math.min(before.line, row.line)}`);
  }
  return kept.map((r) => r.bar);
}

/** One row as a bar, or null for a row without any price (Yahoo's download keeps holidays as such rows). */
function rowOf(
  record: string[],
  line: number,
  at: Record<Column, number>,
  timeframe: ImportTimeframe,
  refuse: Refuse,
): Row | null {
  const cell = (column: Column) => (at[column] >= 0 ? (record[at[column]] ?? '') : '');
  const prices = (['open', 'high', 'low', 'close'] as const).map((c) => cell(c));
  if (prices.every((p) => NO_VALUE.has(p.toLowerCase()))) return null;

  const when = instantOf(cell('date'));
  if (!when) refuse(line, `unreadable date "${cell('date')}" (expected YYYY-MM-DD, DD-MMM-YYYY or an ISO date-time)`);
  if (when.dayOnly && INTRADAY.has(timeframe))
    refuse(line, `a ${timeframe} bar needs a time of day, not only "${cell('date')}"`);
  const value = (column: Column, optional = false) => {
    const text = cell(column);
    if (optional && text === '') return 0;
    const number = numberOf(text);
    if (number === null) refuse(line, `${column} "${text}" is not a number`);
    return number;
  };
  const [open, high, low, close, volume, oi] = [
    value('open'),
    value('high'),
    value('low'),
    value('close'),
    value('volume'),
    value('oi', true),
  ];
  if (high < low) refuse(line, `high ${high} is below low ${low}`);
  if (volume < 0) refuse(line, `volume ${volume} is negative`);
  if (oi < 0) refuse(line, `oi ${oi} is negative`);
  const bar = { ts: barStartOf(timeframe, when.ms), open, high, low, close, volume, oi };
  return { line, series: cell('series').toUpperCase(), bar };
}

export interface CsvFolderProviderOptions {
  folder: string;
  id?: string;
  /** Parsed files kept, each under its path, modification time and size. */
  cacheFiles?: number;
}

/**
 * Bars from CSV files a user drops in a folder (see `csvFileNameOf` for the names). Columns are found by header
 * name, so NSE's downloads, Yahoo's and brokers' exports work as they are; days are IST days. Each file is parsed
 * once per version: an import asking for many ranges of it reads it once.
 */
export function createCsvFolderProvider({
  folder,
  id = 'csv',
  cacheFiles = 32,
}: CsvFolderProviderOptions): OhlcvProvider {
  const root = path.resolve(folder);
  const parsed = createTtlCache<Promise<OhlcvBar[]>>({ ttlMs: Infinity, max: cacheFiles, clock: Date });

  async function barsOf(request: CandleRequest): Promise<OhlcvBar[]> {
    const name = csvFileNameOf(request.tradingSymbol, request.timeframe);
    const file = path.join(root, name);
    if (path.dirname(file) !== root)
      throw new ProviderError(
        'SYMBOL_NOT_FOUND',
        `"${request.tradingSymbol}" does not name a file inside the folder`,
        false,
      );
    let handle: FileHandle;
    try {
      handle = await open(file, 'r');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR')
        throw new ProviderError('SYMBOL_NOT_FOUND', `no ${name} in ${root}`, false);
      throw new ProviderError('BAD_RESPONSE', `${name} cannot be opened: ${(error as Error).message}`, false);
    }
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) throw new ProviderError('BAD_RESPONSE', `${name} is not a file`, false);
      const key = JSON.stringify([file, stat.mtimeMs, stat.size]);
      let bars = parsed.get(key);
      if (!bars) {
        bars = readBars(handle, name, request.timeframe);
        parsed.set(key, bars);
        bars.catch(() => parsed.delete(key));
      }
      return await bars;
    } finally {
      await handle.close();
    }
  }

  return {
    id,
    supports: () => true,
    limits: () => CSV_FOLDER_LIMITS,
    async fetchCandles(request, signal) {
      signal.throwIfAborted();
      const bars = await barsOf(request);
      const first = barStartOf(request.timeframe, Date.parse(`${request.from}T00:00:00+05:30`));
      const end = Date.parse(`${request.to}T00:00:00+05:30`) + DAY_MS;
      return bars.filter((b) => b.ts >= first && b.ts < end).map((b) => ({ ...b }));
    },
  };
}
