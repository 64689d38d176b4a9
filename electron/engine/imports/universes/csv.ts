import { INSTRUMENT_KEY_PATTERN } from '../../../../shared/domain/inputs';
import type { ErrorDetail } from '../../../../shared/errors';
import {
  csvProblem as problem,
  FORMULA_REASON,
  FORMULA_START,
  normalHeader,
  NSE_SYMBOL as SYMBOL,
  readCsv,
  refuseCsv,
} from '../../common/csv';

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
const ISIN_SHAPE = /^[A-Z]{2}[A-Z0-9]{9}[0-9]$/;

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

const refuse = (details: ErrorDetail[]): never => refuseCsv('universe file', details);

/**
 * Reads a universe file: columns found by header name (a symbol, ISIN or instrument-key column; the NSE
 * index-constituents download works as it is), a UTF-8 BOM and CRLF accepted, blank lines ignored. A file with any
 * bad row is refused whole (VALIDATION_FAILED with one detail per bad line), so nothing of it is saved.
 */
export function parseUniverseCsv(text: string): UniverseCsvRow[] {
  const { header, rows } = readCsv(text, { what: 'universe file', rowNoun: 'member', maxRows: MAX_UNIVERSE_ROWS });
  const column = (names: Set<string>) => header.record.findIndex((cell) => names.has(normalHeader(cell)));
  const at = { symbol: column(SYMBOL_HEADERS), isin: column(ISIN_HEADERS), instrumentKey: column(KEY_HEADERS) };
  if (at.symbol < 0 && at.isin < 0 && at.instrumentKey < 0)
    refuse([problem(header.line, header.record.join(','), 'no Symbol, ISIN or Instrument Key column in the header')]);

  const details: ErrorDetail[] = [];
  const firstLineOf = new Map<string, number>();
  const out: UniverseCsvRow[] = [];
  for (const { record, line } of rows) {
    const formula = record.find((cell) => FORMULA_START.test(cell));
    if (formula !== undefined) {
      details.push(problem(line, formula, FORMULA_REASON));
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
