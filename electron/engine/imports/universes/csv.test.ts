import { describe, expect, it } from 'vitest';
import { isinCheckDigitValid, parseUniverseCsv } from './csv';

/** The shape of NSE's index-constituents download (ind_nifty50list.csv). */
const NSE_DOWNLOAD = [
  'Company Name,Industry,Symbol,Series,ISIN Code',
  'Reliance Industries Ltd.,Oil Gas & Consumable Fuels,RELIANCE,EQ,INE002A01018',
  'Infosys Ltd.,Information Technology,INFY,EQ,INE009A01021',
  '"Larsen & Toubro Ltd.",Construction,LT,EQ,INE018A01030',
  'Mahindra & Mahindra Ltd.,Automobile and Auto Components,M&M,EQ,INE101A01026',
  'Bajaj Auto Ltd.,Automobile and Auto Components,BAJAJ-AUTO,EQ,INE917I01010',
].join('\n');

const refusal = (text: string) => {
  try {
    parseUniverseCsv(text);
  } catch (error) {
    return error as { code: string; message: string; details: { line: number; value: string; reason: string }[] };
  }
  throw new Error('the file was accepted');
};

describe('ISIN check digits (ISO 6166)', () => {
  it.each(['INE002A01018', 'INE009A01021', 'INE467B01029', 'INE040A01034', 'US0378331005', 'INE917I01010'])(
    'accepts %s',
    (isin) => {
      expect(isinCheckDigitValid(isin)).toBe(true);
    },
  );
  it.each(['INE002A01038', 'INE009A01022', 'US0378331006', 'INE002A0101', 'ine002a01018', 'INE002A0101X'])(
    'refuses %s',
    (isin) => {
      expect(isinCheckDigitValid(isin)).toBe(false);
    },
  );
});

describe('universe CSV files', () => {
  it("reads NSE's constituents download as it is, with a BOM and CRLF, skipping blank lines", () => {
    const text =
      '\uFEFF' +
      NSE_DOWNLOAD.replace(/\n/g, '\r\n').replace('INFY,EQ,INE009A01021\r\n', 'INFY,EQ,INE009A01021\r\n\r\n  \r\n');
    expect(parseUniverseCsv(text)).toEqual([
      { line: 2, symbol: 'RELIANCE', isin: 'INE002A01018', instrumentKey: null },
      { line: 3, symbol: 'INFY', isin: 'INE009A01021', instrumentKey: null },
      { line: 6, symbol: 'LT', isin: 'INE018A01030', instrumentKey: null },
      { line: 7, symbol: 'M&M', isin: 'INE101A01026', instrumentKey: null },
      { line: 8, symbol: 'BAJAJ-AUTO', isin: 'INE917I01010', instrumentKey: null },
    ]);
  });

  it('finds a symbol-only, ISIN-only or instrument-key column by its header, in any case and order', () => {
    expect(parseUniverseCsv('ticker\nreliance\ninfy\n').map((r) => r.symbol)).toEqual(['RELIANCE', 'INFY']);
    expect(parseUniverseCsv('Name,ISIN\nReliance,INE002A01018\n').map((r) => r.isin)).toEqual(['INE002A01018']);
    expect(
      parseUniverseCsv('instrument_key\nNSE_EQ|INE002A01018\nNSE_INDEX|Nifty 50\n').map((r) => r.instrumentKey),
    ).toEqual(['NSE_EQ|INE002A01018', 'NSE_INDEX|Nifty 50']);
  });

  it('refuses the whole file with every bad line, its value and the reason; line 1 is the header', () => {
    const text = [
      'Company Name,Industry,Symbol,Series,ISIN Code',
      'Reliance Industries Ltd.,Oil Gas,RELIANCE,EQ,INE002A01018',
      'Evil,IT,"=HYPERLINK(""http://x"")",EQ,INE009A01021',
      'Wrong check,IT,INFY,EQ,INE009A01022',
      'Short,IT,TCS,EQ,INE467B0102',
      'Blank,,,,',
      'Again,Oil Gas,RELIANCE,EQ,INE002A01018',
      'At,IT,@SUM(A1),EQ,INE467B01029',
      'Minus,IT,-2+3,EQ,INE467B01029',
      'Bad symbol,IT,TCS LTD,EQ,INE467B01029',
    ].join('\n');
    const error = refusal(text);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toMatch(/^universe file refused: line 3: .*formula \(and 7 more\)$/);
    expect(error.details.map(({ line, value, reason }) => ({ line, value, reason }))).toEqual([
      { line: 3, value: '=HYPERLINK("http://x")', reason: expect.stringMatching(/formula/) },
      { line: 4, value: 'INE009A01022', reason: 'the ISIN check digit is wrong' },
      { line: 5, value: 'INE467B0102', reason: expect.stringMatching(/not an ISIN/) },
      { line: 6, value: 'Blank,,,,', reason: 'names no symbol, ISIN or instrument key' },
      { line: 7, value: 'INE002A01018', reason: 'repeats the member of line 2' },
      { line: 8, value: '@SUM(A1)', reason: expect.stringMatching(/formula/) },
      { line: 9, value: '-2+3', reason: expect.stringMatching(/formula/) },
      { line: 10, value: 'TCS LTD', reason: expect.stringMatching(/not an NSE symbol/) },
    ]);
  });

  it.each([
    ['an empty file', '', /empty/],
    ['a header alone', 'Symbol,ISIN\n', /no member/],
    ['a header without a known column', 'Company,Weight\nReliance,10\n', /no Symbol, ISIN or Instrument Key column/],
    ['an unclosed quote', 'Symbol\n"RELIANCE\n', /not a readable CSV/],
    ['a markup instrument key', 'Instrument Key\nA|<script>\n', /not an instrument key/],
  ])('refuses %s, naming the line', (_what, text, reason) => {
    const error = refusal(text);
    expect(error.details[0]!.reason).toMatch(reason);
    expect(error.details[0]!.line).toBeGreaterThanOrEqual(1);
  });
});
