import fs from 'node:fs/promises';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { z } from 'zod';
import { ISO_DATE, istDate } from '../../../shared/time';
import type { InstrumentRecord, InstrumentStore } from '../store/instruments';

/** The daily BOD master of every segment (upstox-v3.md §4.5). */
export const UPSTOX_COMPLETE_MASTER_URL =
  'https://assets.upstox.com/market-quote/instruments/exchange/complete.json.gz';

/** The real file is tens of MB; anything far bigger is not an instrument master and would exhaust memory. */
const MAX_COMPRESSED_BYTES = 256 * 1024 * 1024;
/** Below V8's longest string (~512 MiB), so an oversized file fails with a clear message, not inside JSON.parse. */
const MAX_JSON_BYTES = 480 * 1024 * 1024;
/** Rows validated between two yields to the event loop (and two abort checks). */
const VALIDATE_CHUNK = 10_000;
/** Array elements parsed per JSON.parse call: ~2 MB of the real file's text, ~10 ms. */
const PARSE_CHUNK = 5_000;
/** A stalled download fails (and is retried) instead of holding the import's single slot for ever. */
const DOWNLOAD_TIMEOUT_MS = 10 * 60_000;
/** Skipped rows described in the result, so a format change can be diagnosed from the job's log. */
const SKIP_SAMPLES = 5;

const gunzip = promisify(zlib.gunzip);

export type InstrumentImportErrorCode =
  'NOT_A_MASTER' | 'SOURCE_REFUSED' | 'DOWNLOAD_FAILED' | 'TOO_LARGE' | 'NOT_GZIP' | 'NOT_JSON_ARRAY' | 'NO_VALID_ROWS';

/** Why an import stopped before replacing anything; `retryable` when waiting may fix it (network, 5xx). */
export class InstrumentImportError extends Error {
  constructor(
    readonly code: InstrumentImportErrorCode,
    message: string,
    readonly retryable = false,
    /** What was wrong, for the log only: the message may not say it (a local path's existence stays private). */
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'InstrumentImportError';
  }

  get jobCode(): string {
    return `INSTRUMENTS_${this.code}`;
  }
}

/** A row of complete.json.gz. Keys the engine does not use (short_name, minimum_lot, ...) are ignored. */
const MasterRowSchema = z.object({
  instrument_key: z.string().regex(/^[A-Z_]+\|.+$/, 'not a SEGMENT|ID key'),
  trading_symbol: z.string().min(1),
  name: z.string().nullish(),
  segment: z.string().min(1),
  exchange: z.string().min(1),
  instrument_type: z.string().min(1),
  lot_size: z.number().int().nonnegative().nullish(),
  tick_size: z.number().nonnegative().nullish(),
  // Epoch ms in the files; the contract APIs and the old CSV use YYYY-MM-DD, accepted as well.
  expiry: z.union([z.number().int().positive(), z.string().regex(ISO_DATE)]).nullish(),
  strike_price: z.number().nonnegative().nullish(),
  underlying_key: z.string().nullish(),
  underlying_symbol: z.string().nullish(),
  isin: z.string().nullish(),
  exchange_token: z.union([z.string(), z.number()]).nullish(),
  freeze_quantity: z.number().nonnegative().nullish(),
  weekly: z.boolean().nullish(),
});
type MasterRow = z.infer<typeof MasterRowSchema>;

/**
 * Upstox writes tick sizes in paise in every sample of its master (5.0 for ₹0.05, 10.0 for ₹0.10; the unit is not
 * stated): the engine keeps rupees, like every price, converted here once.
 */
export function tickSizeInRupees(paise: number | null | undefined): number | null {
  if (paise === null || paise === undefined) return null;
  return Math.round(paise * 10_000) / 1_000_000;
}

export function toInstrumentRecord(row: MasterRow): InstrumentRecord {
  return {
    instrumentKey: row.instrument_key,
    tradingSymbol: row.trading_symbol,
    name: row.name || row.trading_symbol,
    segment: row.segment,
    exchange: row.exchange,
    instrumentType: row.instrument_type,
    lotSize: row.lot_size ?? null,
    tickSize: tickSizeInRupees(row.tick_size),
    expiry:
      row.expiry === null || row.expiry === undefined
        ? null
        : typeof row.expiry === 'number'
          ? istDate(row.expiry)
          : row.expiry,
    // Futures and equities carry 0.0 or nothing: no strike.
    strikePrice: row.strike_price ? row.strike_price : null,
    underlyingKey: row.underlying_key || null,
    underlyingSymbol: row.underlying_symbol || null,
    isin: row.isin || null,
    exchangeToken: row.exchange_token === null || row.exchange_token === undefined ? null : String(row.exchange_token),
    freezeQuantity: row.freeze_quantity ?? null,
    weekly: row.weekly ?? null,
  };
}

export type ImportPhase = 'download' | 'parse' | 'store';

export interface ImportProgress {
  phase: ImportPhase;
  /** Bytes read (download), rows checked (parse) or rows written (store). */
  done: number;
  /** The matching total, when known (a download without Content-Length has none). */
  total: number | null;
}

export interface ImportInstrumentsOptions {
  /** An http(s) URL or an absolute local path of a complete.json.gz-format file, checked by `parseMasterSource`. */
  source: string;
  fetch: typeof fetch;
  store: InstrumentStore;
  /** Checked between phases, between validation chunks and between store batches; an abort keeps the old master. */
  signal?: AbortSignal;
  /** May throw to stop the import (a job's checkpoint); the old master is kept. */
  progress?: (progress: ImportProgress) => void;
}

export interface SkippedRow {
  index: number;
  reason: string;
}

export interface ImportResult {
  imported: number;
  skipped: number;
  source: string;
  /** The first few skipped rows and why. */
  skippedSamples: SkippedRow[];
}

const isHttp = (source: string) => /^https?:\/\//i.test(source);

/** Throws an AbortError if `signal` has fired (its reason may be any value, e.g. the runner's 'cancel'). */
function stopIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new DOMException(`instrument import stopped (${String(signal.reason)})`, 'AbortError');
}

async function readBody(response: Response, report: (done: number, total: number | null) => void): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length'));
  const total = Number.isFinite(declared) && declared > 0 ? declared : null;
  if (total !== null && total > MAX_COMPRESSED_BYTES)
    throw new InstrumentImportError(
      'TOO_LARGE',
      `instrument file is ${total} bytes, more than ${MAX_COMPRESSED_BYTES}`,
    );
  if (!response.body) return Buffer.from(await response.arrayBuffer());
  const chunks: Buffer[] = [];
  let done = 0;
  for await (const chunk of response.body) {
    done += chunk.byteLength;
    if (done > MAX_COMPRESSED_BYTES)
      throw new InstrumentImportError('TOO_LARGE', `instrument file is more than ${MAX_COMPRESSED_BYTES} bytes`);
    chunks.push(Buffer.from(chunk));
    report(done, total);
  }
  return Buffer.concat(chunks);
}

async function download(
  source: string,
  fetchFn: typeof fetch,
  signal: AbortSignal | undefined,
  report: (done: number, total: number | null) => void,
): Promise<Buffer> {
  const timeout = AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS);
  const bounded = signal ? AbortSignal.any([signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await fetchFn(source, { signal: bounded });
  } catch (error) {
    stopIfAborted(signal);
    throw new InstrumentImportError(
      'DOWNLOAD_FAILED',
      `could not download ${source}: ${(error as Error).message}`,
      true,
    );
  }
  if (!response.ok) {
    // 5xx and 429 may pass with time; a 403 or 404 means a wrong URL, which no retry fixes.
    const retryable = response.status >= 500 || response.status === 429;
    await response.body?.cancel().catch(() => undefined);
    throw new InstrumentImportError(
      'DOWNLOAD_FAILED',
      `could not download ${source}: HTTP ${response.status}`,
      retryable,
    );
  }
  try {
    return await readBody(response, report);
  } catch (error) {
    stopIfAborted(signal);
    if (error instanceof InstrumentImportError) throw error;
    throw new InstrumentImportError(
      'DOWNLOAD_FAILED',
      `download of ${source} broke off: ${(error as Error).message}`,
      true,
    );
  }
}

/** Resolved first (a link named .json.gz to another file is refused), then read if it is a regular file. */
async function readLocal(source: string, signal: AbortSignal | undefined): Promise<Buffer> {
  const real = await fs.realpath(source);
  if (!/\.json\.gz$/i.test(real)) throw new InstrumentImportError('NOT_GZIP', `${real} is not a .json.gz file`);
  const stat = await fs.stat(real);
  if (!stat.isFile()) throw new InstrumentImportError('NOT_GZIP', `${real} is not a regular file`);
  if (stat.size > MAX_COMPRESSED_BYTES)
    throw new InstrumentImportError('TOO_LARGE', `${real} is ${stat.size} bytes, more than ${MAX_COMPRESSED_BYTES}`);
  return fs.readFile(real, { signal });
}

/** The JSON text of a gzip file; the unpacked buffer is dropped on return, before the text is parsed. */
async function unpack(gz: Buffer): Promise<string> {
  if (gz.length < 2 || gz[0] !== 0x1f || gz[1] !== 0x8b)
    throw new InstrumentImportError(
      'NOT_GZIP',
      'the instrument file is not gzip-compressed (expected a .json.gz file)',
    );
  try {
    const json = await gunzip(gz, { maxOutputLength: MAX_JSON_BYTES });
    // Joining the unpacked chunks (in gunzip's I/O callback) and decoding them take ~40 ms each for 150k rows.
    // An immediate queued from an I/O callback runs before timers and I/O get a turn; the second one runs after.
    await yieldToEventLoop();
    await yieldToEventLoop();
    return json.toString('utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new InstrumentImportError('TOO_LARGE', `the instrument file unpacks to more than ${MAX_JSON_BYTES} bytes`);
    }
    throw new InstrumentImportError(
      'NOT_GZIP',
      `the instrument file is a damaged gzip file: ${(error as Error).message}`,
    );
  }
}

const notJson = (why: string) =>
  new InstrumentImportError('NOT_JSON_ARRAY', `the instrument file is not valid JSON: ${why}`);

/** Parses elements cut out of the array at commas; `alone` is the whole array's content, which may be empty. */
function parseRun(run: string, into: unknown[], alone = false): void {
  // "[,1]" or "[1,2,]" cut at a comma leaves an empty run, which by itself would parse.
  if (!alone && !/\S/.test(run)) throw notJson('a missing element between commas');
  let parsed: unknown[];
  try {
    parsed = JSON.parse(`[${run}]`) as unknown[];
  } catch (error) {
    throw notJson((error as Error).message);
  }
  for (const element of parsed) into.push(element);
}

const isJsonSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** Index of the quote closing the string opened at `open`, or -1; indexOf skips most of the text far faster than a loop. */
function closingQuote(text: string, open: number): number {
  let quote = open;
  for (;;) {
    quote = text.indexOf('"', quote + 1);
    if (quote < 0) return -1;
    // Escaped when an odd number of backslashes precede it.
    let before = quote - 1;
    while (text.charCodeAt(before) === 0x5c) before--;
    if ((quote - 1 - before) % 2 === 0) return quote;
  }
}

/**
 * The elements of the JSON array `text`. One JSON.parse of a 150k-row master (~60 MB) holds the event loop ~250 ms;
 * this parses runs of `chunk` elements instead, yielding between runs. The text is cut only at commas outside
 * strings and nested values, and JSON.parse checks every run, so malformed text fails as it would as a whole.
 */
export async function parseJsonArray(
  text: string,
  { chunk = PARSE_CHUNK, signal }: { chunk?: number; signal?: AbortSignal } = {},
): Promise<unknown[]> {
  let i = 0;
  while (i < text.length && isJsonSpace(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) !== 0x5b) {
    // Not an array: whatever it is, let JSON.parse say (an error path, worth no care for the event loop).
    try {
      JSON.parse(text);
    } catch (error) {
      throw notJson((error as Error).message);
    }
    throw new InstrumentImportError('NOT_JSON_ARRAY', 'the instrument file is not a JSON array of instruments');
  }
  const out: unknown[] = [];
  let start = i + 1;
  let depth = 0;
  let commas = 0;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      i = closingQuote(text, i);
      if (i < 0) throw notJson('a string is not closed');
    } else if (c === 0x5b || c === 0x7b) depth++;
    else if (c === 0x5d || c === 0x7d) {
      if (--depth === 0) break;
    } else if (c === 0x2c && depth === 1 && ++commas % chunk === 0) {
      parseRun(text.slice(start, i), out);
      start = i + 1;
      await yieldToEventLoop();
      stopIfAborted(signal);
    }
  }
  if (depth !== 0 || text.charCodeAt(i) !== 0x5d) throw notJson('the top-level array is not closed by ]');
  for (let j = i + 1; j < text.length; j++)
    if (!isJsonSpace(text.charCodeAt(j))) throw notJson(`unexpected text after the array at position ${j}`);
  parseRun(text.slice(start, i), out, commas === 0);
  return out;
}

async function decode(gz: Buffer, signal: AbortSignal | undefined): Promise<unknown[]> {
  const text = await unpack(gz);
  await yieldToEventLoop();
  return parseJsonArray(text, { signal });
}

function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || 'row'}: ${issue.message}` : 'invalid row';
}

/**
 * Checks every row, skipping (and counting) the bad ones and later duplicates of a key: a few odd rows in a
 * 150k-row file must not cost the user the whole master.
 */
async function validate(rows: unknown[], signal: AbortSignal | undefined, report: (done: number) => void) {
  const records: InstrumentRecord[] = [];
  const seen = new Set<string>();
  const samples: SkippedRow[] = [];
  let skipped = 0;
  const skip = (index: number, reason: string) => {
    skipped++;
    if (samples.length < SKIP_SAMPLES) samples.push({ index, reason });
  };
  for (let start = 0; start < rows.length; start += VALIDATE_CHUNK) {
    const end = Math.min(rows.length, start + VALIDATE_CHUNK);
    for (let i = start; i < end; i++) {
      const parsed = MasterRowSchema.safeParse(rows[i]);
      if (!parsed.success) skip(i, describe(parsed.error));
      else if (seen.has(parsed.data.instrument_key)) skip(i, `duplicate instrument_key ${parsed.data.instrument_key}`);
      else {
        seen.add(parsed.data.instrument_key);
        records.push(toInstrumentRecord(parsed.data));
      }
    }
    report(end);
    // Validation of the real file takes a noticeable fraction of a second: let other work run in between.
    await yieldToEventLoop();
    stopIfAborted(signal);
  }
  return { records, skipped, samples };
}

/**
 * Reads a complete.json.gz-format master and replaces the stored one with it, atomically: any failure (bad file,
 * no valid rows, abort) leaves the previous master as it was.
 */
export async function importInstruments({
  source,
  fetch: fetchFn,
  store,
  signal,
  progress,
}: ImportInstrumentsOptions): Promise<ImportResult> {
  const report = (phase: ImportPhase, done: number, total: number | null) => progress?.({ phase, done, total });
  report('download', 0, null);
  stopIfAborted(signal);
  const local = !isHttp(source);
  const read = async () => {
    const gz = local
      ? await readLocal(source, signal)
      : await download(source, fetchFn, signal, (done, total) => report('download', done, total));
    report('download', gz.length, gz.length);
    stopIfAborted(signal);

    report('parse', 0, null);
    const rows = await decode(gz, signal);
    report('parse', 0, rows.length);
    stopIfAborted(signal);
    const checked = await validate(rows, signal, (done) => report('parse', done, rows.length));
    // The parsed objects are garbage from here on; dropping them before the store copy lowers the peak.
    rows.length = 0;
    if (checked.records.length === 0) {
      const why = checked.samples[0]
        ? ` (first problem: row ${checked.samples[0].index}: ${checked.samples[0].reason})`
        : '';
      throw new InstrumentImportError(
        'NO_VALID_ROWS',
        `the instrument file has no valid rows: ${checked.skipped} skipped${why}`,
      );
    }
    return checked;
  };
  let checked: Awaited<ReturnType<typeof read>>;
  try {
    checked = await read();
  } catch (error) {
    stopIfAborted(signal);
    if (!local) throw error;
    // One answer for a local path whatever went wrong: missing, unreadable, another kind of file or a bad master.
    throw new InstrumentImportError(
      'NOT_A_MASTER',
      `${source} is not a valid instrument master`,
      false,
      (error as Error).message,
    );
  }
  const { records, skipped, samples } = checked;

  report('store', 0, records.length);
  stopIfAborted(signal);
  const imported = await store.replaceAll(records, (stored, total) => {
    report('store', stored, total);
    stopIfAborted(signal);
  });
  return { imported, skipped, source, skippedSamples: samples };
}
