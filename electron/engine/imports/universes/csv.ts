import { parse } from 'csv-parse/sync';
import { INSTRUMENT_KEY_PATTERN } from '../../../../shared/domain/inputs';
import { WorkstationError, type ErrorDetail } from '../../../../shared/errors';

/** One member of a user universe as its file names it; at least one of the three is set. */
export interface UniverseCsvRow {
  line: number;
  symbol: string | null;
  isin: string | null;
  instrumentKey: string | null;
}

export const MAX_UNIVERSE_ROWS = 5000;

// Header names as NSE, screeners and brokers write them, compared without case, spaces or punctuation.
const SYMBOL_HEADERS = new Set(['symbol', 'tradingsymbol', 'nsesymbol', 'ticker', 'nsecode']);
const ISIN_HEADERS = new Set(['isin', 'isincode', 'isinno', 'isinnumber']);
const KEY_HEADERS = new Set(['instrumentkey', 'upstoxkey']);
const SYMBOL = /^[A-Z0-9][A-Z0-9&._-]{0,29}$/;
const ISIN_SHAPE = /^[A-Z]{2}[A-Z0-9]{9}[0-9]$/;
/** A spreadsheet runs a cell starting with one of these as a formula when the file is opened again. */
const FORMULA_START = /^[=+\-@\t\r]/;

const normalHeader = (cell: string) => cell.toLowerCase().replace(/[^a-z0-9]/g, '');

/** ISO 6166: letters as numbers (A = 10 ... Z = 35), then the Luhn check over the digits gives the last digit. */
export function isinCheckDigitValid(isin: string): boolean {
  if (!ISIN_SHAPE.test(isin)) return false;
  const digits = [...isin.slice(0, 11)].map((c) => (c >= 'A' ? String(c.charCodeAt(0) - 55) : c)).join('');
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) d *= 2;
    sum += d > 9 ? d - 9 : d;
  }
  return (10 - (sum % 10)) % 10 === Number(isin[11]);
}

function refuse(details: ErrorDetail[]): never {
  const first = details[0]!;
  const more = details.length > 1 ? ` (and ${details.length - 1} more)` : '';
  throw new WorkstationError(
    'VALIDATION_FAILED',
    `universe file refused: line ${first.line}: ${first.reason}${more}`,
    details,
  );
}

const problem = (line: number, value: string, reason: string): ErrorDetail => ({
  path: ['csv', line],
  message: `line ${line}: ${reason}`,
  line,
  value,
  reason,
});

/**
 * Reads a universe file: columns found by header name (a symbol, ISIN or instrument-key column; the NSE
 * index-constituents download works as it is), a UTF-8 BOM and CRLF accepted, blank lines ignored. A file with any
 * bad row is refused whole (VALIDATION_FAILED with one detail per bad line), so nothing of it is saved.
 */
export function parseUniverseCsv(text: string): UniverseCsvRow[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // With `info`, each record comes with where it ends in the file: `lines` is its 1-based line number.
    records = parse(text, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
      info: true,
    }) as unknown as typeof records;
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    refuse([problem(line, '', `not a readable CSV file: ${(error as Error).message.replace(/^.*?: /, '')}`)]);
  }
  const nonBlank = records.filter((r) => r.record.some((cell) => cell !== ''));
  const header = nonBlank[0];
  if (!header) refuse([problem(1, '', 'the file is empty: expected a header line and one member per line')]);
  const column = (names: Set<string>) => header.record.findIndex((cell) => names.has(normalHeader(cell)));
  const at = { symbol: column(SYMBOL_HEADERS), isin: column(ISIN_HEADERS), instrumentKey: column(KEY_HEADERS) };
  if (at.symbol < 0 && at.isin < 0 && at.instrumentKey < 0)
    refuse([
      problem(header.info.lines, header.record.join(','), 'no Symbol, ISIN or Instrument Key column in the header'),
    ]);
  const rows = nonBlank.slice(1);
  if (rows.length === 0)
    refuse([problem(header.info.lines, header.record.join(','), 'the file names no member below its header')]);
  if (rows.length > MAX_UNIVERSE_ROWS)
    refuse([problem(rows[MAX_UNIVERSE_ROWS]!.info.lines, '', `a universe holds at most ${MAX_UNIVERSE_ROWS} members`)]);

  const details: ErrorDetail[] = [];
  const firstLineOf = new Map<string, number>();
  const out: UniverseCsvRow[] = [];
  for (const { record, info } of rows) {
    const line = info.lines;
    const formula = record.find((cell) => FORMULA_START.test(cell));
    if (formula !== undefined) {
      details.push(problem(line, formula, 'a cell starting with =, +, - or @ is refused as a spreadsheet formula'));
      continue;
    }
    const cell = (index: number) => (index >= 0 ? (record[index] ?? '') : '');
    const symbol = cell(at.symbol).toUpperCase();
    const isin = cell(at.isin).toUpperCase();
    const instrumentKey = cell(at.instrumentKey);
    const before = details.length;
    if (!symbol && !isin && !instrumentKey)
      details.push(problem(line, record.join(','), 'names no symbol, ISIN or instrument key'));
    if (symbol && !SYMBOL.test(symbol))
      details.push(problem(line, symbol, 'not an NSE symbol (letters, digits, & . _ -; at most 30)'));
    if (isin && !ISIN_SHAPE.test(isin))
      details.push(problem(line, isin, 'not an ISIN (2 letters, 9 letters or digits, a check digit)'));
    else if (isin && !isinCheckDigitValid(isin)) details.push(problem(line, isin, 'the ISIN check digit is wrong'));
    if (instrumentKey && !INSTRUMENT_KEY_PATTERN.test(instrumentKey))
      details.push(problem(line, instrumentKey, 'not an instrument key SEGMENT|identifier'));
    if (details.length > before) continue;
    const identity = instrumentKey || isin || symbol;
    const seen = firstLineOf.get(identity);
    if (seen !== undefined) {
      details.push(problem(line, identity, `repeats the member of line ${seen}`));
      continue;
    }
    firstLineOf.set(identity, line);
    out.push({ line, symbol: symbol || null, isin: isin || null, instrumentKey: instrumentKey || null });
  }
  if (details.length > 0) refuse(details);
  return out;
}
