import { parse } from 'csv-parse/sync';
import { WorkstationError, type ErrorDetail } from '../../../shared/errors';

/** A record of a CSV file with the 1-based line it ends on. */
export interface CsvRecord {
  record: string[];
  line: number;
}

/** An NSE trading symbol as files write it. */
export const NSE_SYMBOL = /^[A-Z0-9][A-Z0-9&._-]{0,29}$/;
/** A spreadsheet runs a cell starting with one of these as a formula when the file is opened again. */
export const FORMULA_START = /^[=+\-@\t\r]/;
export const FORMULA_REASON = 'a cell starting with =, +, - or @ is refused as a spreadsheet formula';

/** Header names compared without case, spaces or punctuation. */
export const normalHeader = (cell: string) => cell.toLowerCase().replace(/[^a-z0-9]/g, '');

export const csvProblem = (line: number, value: string, reason: string): ErrorDetail => ({
  path: ['csv', line],
  message: `line ${line}: ${reason}`,
  line,
  value,
  reason,
});

/** Refuses a whole file (`what`: "universe file"), one detail per bad line, the first one in the message. */
export function refuseCsv(what: string, details: ErrorDetail[]): never {
  const first = details[0]!;
  const more = details.length > 1 ? ` (and ${details.length - 1} more)` : '';
  throw new WorkstationError(
    'VALIDATION_FAILED',
    `${what} refused: line ${first.line}: ${first.reason}${more}`,
    details,
  );
}

/**
 * The header and the rows of a CSV file, blank lines dropped: a UTF-8 BOM and CRLF accepted, cells trimmed, rows
 * of any length. An unreadable file, one without a header or without a row below it, or one over `maxRows` rows is
 * refused (`what` and `rowNoun` word the reason: "universe file", "member").
 */
export function readCsv(
  text: string,
  { what, rowNoun, maxRows }: { what: string; rowNoun: string; maxRows: number },
): { header: CsvRecord; rows: CsvRecord[] } {
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
    refuseCsv(what, [
      csvProblem(line, '', `not a readable CSV file: ${(error as Error).message.replace(/^.*?: /, '')}`),
    ]);
  }
  const nonBlank = records
    .filter((r) => r.record.some((cell) => cell !== ''))
    .map((r) => ({ record: r.record, line: r.info.lines }));
  const header = nonBlank[0];
  if (!header)
    refuseCsv(what, [csvProblem(1, '', `the file is empty: expected a header line and one ${rowNoun} per line`)]);
  const rows = nonBlank.slice(1);
  if (rows.length === 0)
    refuseCsv(what, [
      csvProblem(header.line, header.record.join(','), `the file names no ${rowNoun} below its header`),
    ]);
  if (rows.length > maxRows)
    refuseCsv(what, [csvProblem(rows[maxRows]!.line, '', `a file holds at most ${maxRows} ${rowNoun}s`)]);
  return { header, rows };
}
