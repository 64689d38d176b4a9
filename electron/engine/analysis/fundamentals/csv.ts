import type { Fundamentals } from '../../../../shared/domain/analysis';
import { CalendarDateSchema } from '../../../../shared/domain/inputs';
import { WorkstationError, type ErrorDetail } from '../../../../shared/errors';
import {
  csvProblem as problem,
  FORMULA_REASON,
  FORMULA_START,
  normalHeader,
  NSE_SYMBOL as SYMBOL,
  readCsv,
  refuseCsv,
} from '../../common/csv';

/**
 * Reads a screener export of company fundamentals (screener.in's "Export" and the column names its screens show),
 * with the same care as a universe file: columns found by header name, a BOM and CRLF accepted, blank lines ignored,
 * and a file with any bad row refused whole, one detail per bad line, so nothing of it is saved.
 */

export const MAX_FUNDAMENTALS_ROWS = 10_000;

/** A row left out without refusing the file, and why. */
export interface SkippedRow {
  line: number;
  value: string;
  reason: string;
}

type NumericField = Exclude<keyof Fundamentals, 'symbol' | 'name' | 'industry' | 'asOf' | 'source'>;

/** Header names as exports and screens write them, compared without case, spaces or punctuation. */
const SYMBOL_HEADERS = ['nsecode', 'symbol', 'nsesymbol', 'tradingsymbol', 'ticker'];
const NAME_HEADERS = ['name', 'companyname', 'company'];
const INDUSTRY_HEADERS = ['industry', 'sector', 'industrygroup'];
const BSE_HEADERS = ['bsecode', 'bsescripcode', 'scripcode'];
const NUMERIC_HEADERS: Record<NumericField, readonly string[]> = {
  marketCap: ['marketcapitalization', 'marketcapitalisation', 'marketcap', 'marcaprscr', 'marcap', 'mcap'],
  pe: ['pricetoearning', 'pricetoearnings', 'pe', 'peratio', 'ttmpe'],
  industryPe: ['industrype', 'indpe', 'sectorpe'],
  pb: ['pricetobookvalue', 'pricetobook', 'pb', 'cmpbv', 'pbv'],
  roe: ['returnonequity', 'roe'],
  roce: ['returnoncapitalemployed', 'roce'],
  debtToEquity: ['debttoequity', 'debteq', 'de', 'debtequity'],
  salesGrowth3y: ['salesgrowth3years', 'salesgrowth3yrs', 'salesgrowth3y', 'salesvar3yrs', 'salesvar3years'],
  profitGrowth3y: ['profitgrowth3years', 'profitgrowth3yrs', 'profitgrowth3y', 'profitvar3yrs', 'profitvar3years'],
  dividendYield: ['dividendyield', 'divyld', 'divyield'],
  promoterHolding: ['promoterholding', 'promhold', 'promoterhold'],
  promoterHoldingChange: ['changeinpromoterholding', 'chginpromhold', 'chgpromhold', 'promoterholdingchange'],
  fiiHolding: ['fiiholding', 'fiihold'],
  fiiHoldingChange: ['changeinfiiholding', 'chginfiihold', 'chgfiihold', 'fiiholdingchange'],
  diiHolding: ['diiholding', 'diihold'],
  diiHoldingChange: ['changeindiiholding', 'chgindiihold', 'chgdiihold', 'diiholdingchange'],
  pledgedPercentage: ['pledgedpercentage', 'pledged', 'pledge', 'pledgedshares'],
};
const NUMERIC_FIELDS = Object.keys(NUMERIC_HEADERS) as NumericField[];

/** Plain digits, or grouped in thousands (1,234,567) or the Indian way (12,34,567); a sign, decimals, a trailing %. */
const NUMBER = /^[+-]?(\d+|\d{1,3}(,\d{3})+|\d{1,2}(,\d{2})*,\d{3})(\.\d+)?( ?%)?$|^[+-]?\.\d+( ?%)?$/;
/** Unit words screens append to a header ("Mar Cap Rs.Cr.", "ROE %"), dropped before matching. */
const HEADER_UNITS = /(rscr|rs|cr|inr|pct|percent)$/;

const refuse = (details: ErrorDetail[]): never => refuseCsv('fundamentals file', details);

/** The column each field is read from: the first header naming it, with or without a unit word after it. */
function columnsOf(header: readonly string[]) {
  const names = header.map(normalHeader);
  const find = (aliases: readonly string[]) => {
    const exact = names.findIndex((name) => aliases.includes(name));
    return exact >= 0 ? exact : names.findIndex((name) => aliases.includes(name.replace(HEADER_UNITS, '')));
  };
  return {
    symbol: find(SYMBOL_HEADERS),
    name: find(NAME_HEADERS),
    industry: find(INDUSTRY_HEADERS),
    bse: find(BSE_HEADERS),
    numeric: NUMERIC_FIELDS.map((field) => [field, find(NUMERIC_HEADERS[field])] as const).filter(([, at]) => at >= 0),
  };
}

/** A number as exports write it, or null for an empty cell; undefined when the text is not a number. */
function parseNumber(cell: string): number | null | undefined {
  if (cell === '') return null;
  if (!NUMBER.test(cell)) return undefined;
  const value = Number(cell.replace(/[,% ]/g, ''));
  return Number.isFinite(value) ? value : undefined;
}

function checkOptions(options: { asOf: string; source: string }): void {
  const details: ErrorDetail[] = [];
  if (!CalendarDateSchema.safeParse(options.asOf).success)
    details.push({ path: ['asOf'], message: 'must be a real date, YYYY-MM-DD', value: String(options.asOf) });
  if (typeof options.source !== 'string' || options.source.trim() === '')
    details.push({ path: ['source'], message: 'must name where the fundamentals came from' });
  if (details.length > 0) throw new WorkstationError('VALIDATION_FAILED', details[0]!.message, details);
}

/**
 * One `Fundamentals` per company of the file, in file order, each stamped with `asOf` and `source`. Percentages stay
 * percent numbers (18.5 is 18.5%) and market capitalisation stays in the file's unit (crore in screener exports).
 */
export function parseFundamentalsCsv(
  text: string,
  options: { asOf: string; source: string },
): { companies: Fundamentals[]; skipped: SkippedRow[] } {
  checkOptions(options);
  const { header, rows } = readCsv(text, {
    what: 'fundamentals file',
    rowNoun: 'company',
    maxRows: MAX_FUNDAMENTALS_ROWS,
  });
  const at = columnsOf(header.record);
  const headerLine = header.record.join(',');
  if (at.symbol < 0) refuse([problem(header.line, headerLine, 'no NSE Code, Symbol or Ticker column in the header')]);
  if (at.numeric.length === 0)
    refuse([
      problem(header.line, headerLine, 'no fundamentals column (P/E, ROE, Market Capitalization...) in the header'),
    ]);

  const details: ErrorDetail[] = [];
  const firstLineOf = new Map<string, number>();
  const out: Fundamentals[] = [];
  const skipped: SkippedRow[] = [];
  for (const { record, line } of rows) {
    const cell = (index: number) => (index >= 0 ? (record[index] ?? '') : '');
    const before = details.length;
    const texts = [cell(at.symbol), cell(at.name), cell(at.industry)];
    const formula = texts.find((t) => FORMULA_START.test(t));
    if (formula !== undefined) details.push(problem(line, formula, FORMULA_REASON));
    const symbol = cell(at.symbol).toUpperCase();
    if (formula === undefined && !symbol && cell(at.bse)) {
      // Screener exports list BSE-only companies too: nothing in them is wrong, they just do not trade on NSE.
      skipped.push({ line, value: cell(at.bse), reason: 'BSE-listed only: no NSE code' });
      continue;
    }
    if (formula === undefined && !symbol) details.push(problem(line, record.join(','), 'names no NSE symbol'));
    else if (formula === undefined && !SYMBOL.test(symbol))
      details.push(problem(line, symbol, 'not an NSE symbol (letters, digits, & . _ -; at most 30)'));
    const values: Partial<Record<NumericField, number | null>> = {};
    for (const [field, index] of at.numeric) {
      const raw = cell(index);
      const value = parseNumber(raw);
      if (value !== undefined) values[field] = value;
      else if (/^[=@]/.test(raw)) details.push(problem(line, raw, FORMULA_REASON));
      else details.push(problem(line, raw, `${header.record[index]} is not a number`));
    }
    if (details.length > before) continue;
    const seen = firstLineOf.get(symbol);
    if (seen !== undefined) {
      details.push(problem(line, symbol, `repeats the company of line ${seen}`));
      continue;
    }
    firstLineOf.set(symbol, line);
    const fundamentals: Fundamentals = {
      symbol,
      name: cell(at.name) || null,
      industry: cell(at.industry) || null,
      asOf: options.asOf,
      source: options.source,
      ...(Object.fromEntries(NUMERIC_FIELDS.map((field) => [field, values[field] ?? null])) as Record<
        NumericField,
        number | null
      >),
    };
    out.push(fundamentals);
  }
  if (details.length > 0) refuse(details);
  return { companies: out, skipped };
}
