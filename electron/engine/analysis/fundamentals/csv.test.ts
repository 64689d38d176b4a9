import { describe, expect, it } from 'vitest';
import { FundamentalsSchema } from '../../../../shared/domain/analysis';
import { MAX_FUNDAMENTALS_ROWS, parseFundamentalsCsv } from './csv';

const OPTIONS = { asOf: '2026-11-28', source: 'screener.in' };

/** The columns of screener.in's export of a screen, in its order. */
const SCREENER_HEADER =
  'Name,BSE Code,NSE Code,Industry,Current Price,Market Capitalization,Price to Earning,Industry PE,' +
  'Price to book value,Return on equity,Return on capital employed,Debt to equity,Sales growth 3Years,' +
  'Profit growth 3Years,Dividend yield,Promoter holding,Change in promoter holding,FII holding,' +
  'Change in FII holding,DII holding,Change in DII holding,Pledged percentage';

const refusal = (text: string, options = OPTIONS) => {
  try {
    parseFundamentalsCsv(text, options);
  } catch (error) {
    return error as {
      code: string;
      message: string;
      details: { path: (string | number)[]; line: number; value: string; reason: string }[];
    };
  }
  throw new Error('the file was accepted');
};

describe('fundamentals CSV files', () => {
  it("reads screener.in's export as it is, with a BOM, CRLF, blank lines, grouped numbers, % and empty cells", () => {
    const text =
      '\uFEFF' +
      [
        SCREENER_HEADER,
        'Reliance Industries,500325,RELIANCE,Refineries,"1,412.50","19,12,345.67",24.6,19.8,2.31,9.4%,10.1%,0.41,11.2,7.9,0.38,50.1,-0.2,19.3,+0.6,19.9,0.4,0',
        '',
        '   ',
        '"Larsen & Toubro Ltd.",500510,lt,Construction,"3,650","5,01,234",33.2,,5.1,15.7 %,14.2,1.2,12.5,18.9,0.77,0,0,21.4,-1.05,37.9,1.1,',
      ].join('\r\n');
    const rows = parseFundamentalsCsv(text, OPTIONS).companies;
    expect(rows).toEqual([
      {
        symbol: 'RELIANCE',
        name: 'Reliance Industries',
        industry: 'Refineries',
        asOf: '2026-11-28',
        source: 'screener.in',
        marketCap: 1912345.67,
        pe: 24.6,
        industryPe: 19.8,
        pb: 2.31,
        roe: 9.4,
        roce: 10.1,
        debtToEquity: 0.41,
        salesGrowth3y: 11.2,
        profitGrowth3y: 7.9,
        dividendYield: 0.38,
        promoterHolding: 50.1,
        promoterHoldingChange: -0.2,
        fiiHolding: 19.3,
        fiiHoldingChange: 0.6,
        diiHolding: 19.9,
        diiHoldingChange: 0.4,
        pledgedPercentage: 0,
      },
      {
        symbol: 'LT',
        name: 'Larsen & Toubro Ltd.',
        industry: 'Construction',
        asOf: '2026-11-28',
        source: 'screener.in',
        marketCap: 501234,
        pe: 33.2,
        industryPe: null,
        pb: 5.1,
        roe: 15.7,
        roce: 14.2,
        debtToEquity: 1.2,
        salesGrowth3y: 12.5,
        profitGrowth3y: 18.9,
        dividendYield: 0.77,
        promoterHolding: 0,
        promoterHoldingChange: 0,
        fiiHolding: 21.4,
        fiiHoldingChange: -1.05,
        diiHolding: 37.9,
        diiHoldingChange: 1.1,
        pledgedPercentage: null,
      },
    ]);
    for (const row of rows) expect(FundamentalsSchema.parse(row)).toEqual(row);
  });

  it("reads the column names screener's screens show, in any order, case and punctuation", () => {
    const text = [
      'S.No.,Name,CMP Rs.,P/E,Mar Cap Rs.Cr.,Div Yld %,ROCE %,ROE %,Debt / Eq,Ind PE,CMP / BV,Prom. Hold. %,Pledged %,FII Hold %,DII Hold %,Sales Var 3Yrs %,Profit Var 3Yrs %,symbol',
      '1,Infosys,1520.4,22.1,"6,31,000.5",2.9,37.5,31.2,0.09,27.4,7.2,14.6,0.00,33.1,36.2,9.8,8.1,infy',
    ].join('\n');
    const [infy] = parseFundamentalsCsv(text, OPTIONS).companies;
    expect(infy).toMatchObject({
      symbol: 'INFY',
      name: 'Infosys',
      industry: null,
      pe: 22.1,
      marketCap: 631000.5,
      dividendYield: 2.9,
      roce: 37.5,
      roe: 31.2,
      debtToEquity: 0.09,
      industryPe: 27.4,
      pb: 7.2,
      promoterHolding: 14.6,
      pledgedPercentage: 0,
      fiiHolding: 33.1,
      diiHolding: 36.2,
      salesGrowth3y: 9.8,
      profitGrowth3y: 8.1,
      promoterHoldingChange: null,
      fiiHoldingChange: null,
      diiHoldingChange: null,
    });
  });

  it('refuses the whole file with every bad line, its value and the reason; line 1 is the header', () => {
    const text = [
      'Name,BSE Code,NSE Code,Price to Earning,Return on equity,Change in promoter holding',
      'Reliance,500325,RELIANCE,24.6,9.4,-0.2',
      'Evil,500001,"=HYPERLINK(""http://x"")",10,10,0',
      'Text,500002,TCS,NA,45.1,0',
      '@Name,500003,HDFCBANK,19,16,0',
      'Formula number,500004,ITC,=2+3,28,0',
      'BSE only,543210,,12,11,0',
      'Again,500325,reliance,25,9,0',
      'Bad symbol,500005,TCS LTD,28,40,0',
      'Odd grouping,500006,WIPRO,"1,2,3",15,0',
      'Exponent,500007,SBIN,1e3,15,0',
    ].join('\n');
    const error = refusal(text);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toMatch(/^fundamentals file refused: line 3: .*formula \(and 7 more\)$/);
    expect(error.details.map(({ path, line, value, reason }) => ({ path, line, value, reason }))).toEqual([
      { path: ['csv', 3], line: 3, value: '=HYPERLINK("http://x")', reason: expect.stringMatching(/formula/) },
      { path: ['csv', 4], line: 4, value: 'NA', reason: 'Price to Earning is not a number' },
      { path: ['csv', 5], line: 5, value: '@Name', reason: expect.stringMatching(/formula/) },
      { path: ['csv', 6], line: 6, value: '=2+3', reason: expect.stringMatching(/formula/) },
      { path: ['csv', 8], line: 8, value: 'RELIANCE', reason: 'repeats the company of line 2' },
      { path: ['csv', 9], line: 9, value: 'TCS LTD', reason: expect.stringMatching(/not an NSE symbol/) },
      { path: ['csv', 10], line: 10, value: '1,2,3', reason: 'Price to Earning is not a number' },
      { path: ['csv', 11], line: 11, value: '1e3', reason: 'Price to Earning is not a number' },
    ]);
  });

  it('leaves out BSE-only companies, saying which, and reads the rest', () => {
    const text = 'Name,BSE Code,NSE Code,Price to Earning\nReliance,500325,RELIANCE,24.6\nBSE only,543210,,12\n';
    const { companies, skipped } = parseFundamentalsCsv(text, OPTIONS);
    expect(companies.map((c) => c.symbol)).toEqual(['RELIANCE']);
    expect(skipped).toEqual([{ line: 3, value: '543210', reason: 'BSE-listed only: no NSE code' }]);
  });

  it('refuses a row without a symbol even when the file has no BSE column', () => {
    const error = refusal('Symbol,PE\nRELIANCE,24\n,12\n');
    expect(error.details).toEqual([
      {
        path: ['csv', 3],
        message: 'line 3: names no NSE symbol',
        line: 3,
        value: ',12',
        reason: 'names no NSE symbol',
      },
    ]);
  });

  it.each([
    ['an empty file', '', /empty/],
    ['blank lines only', '\r\n\r\n  \r\n', /empty/],
    ['a header alone', 'NSE Code,Price to Earning\n', /no company/],
    ['a header without a symbol column', 'Name,BSE Code,Price to Earning\nReliance,500325,24\n', /no NSE Code, Symbol/],
    [
      'a header without a fundamentals column',
      'Company Name,Symbol,ISIN\nReliance,RELIANCE,INE002A01018\n',
      /no fundamentals column/,
    ],
    ['an unclosed quote', 'Symbol,PE\n"RELIANCE,24\n', /not a readable CSV/],
  ])('refuses %s, naming the line', (_what, text, reason) => {
    const error = refusal(text);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details[0]!.reason).toMatch(reason);
    expect(error.details[0]!.line).toBeGreaterThanOrEqual(1);
  });

  it(`reads ${MAX_FUNDAMENTALS_ROWS} companies and refuses one more`, () => {
    const lines = (count: number) =>
      ['Symbol,PE', ...Array.from({ length: count }, (_, i) => `S${i},${(i % 50) + 0.5}`)].join('\n');
    const rows = parseFundamentalsCsv(lines(MAX_FUNDAMENTALS_ROWS), OPTIONS).companies;
    expect(rows).toHaveLength(MAX_FUNDAMENTALS_ROWS);
    expect(rows[MAX_FUNDAMENTALS_ROWS - 1]).toMatchObject({ symbol: `S${MAX_FUNDAMENTALS_ROWS - 1}`, pe: 49.5 });
    const error = refusal(lines(MAX_FUNDAMENTALS_ROWS + 1));
    expect(error.details).toHaveLength(1);
    expect(error.details[0]).toMatchObject({ line: MAX_FUNDAMENTALS_ROWS + 2, reason: /at most 10000/ });
  });

  it('refuses an asOf that is not a real date and an empty source, naming the field', () => {
    const text = 'Symbol,PE\nRELIANCE,24\n';
    expect(refusal(text, { asOf: '2026-02-30', source: 'screener.in' }).details).toEqual([
      { path: ['asOf'], message: 'must be a real date, YYYY-MM-DD', value: '2026-02-30' },
    ]);
    expect(refusal(text, { asOf: '2026-11-28', source: ' ' }).details[0]!.path).toEqual(['source']);
  });
});
