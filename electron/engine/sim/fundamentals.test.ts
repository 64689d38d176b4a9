import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startSim, stopSims } from '../../../tests/helpers/sim-client';
import type { UpstoxSimulator } from '.';
import { FUNDAMENTALS_COLUMNS, FUNDAMENTALS_PATH } from './fundamentals';

const HEADER =
  'Name,NSE Code,Industry,Current Price,Market Capitalization,Price to Earning,Industry PE,Price to book value,' +
  'Return on equity,Return on capital employed,Debt to equity,Sales growth 3Years,Profit growth 3Years,' +
  'Dividend yield,Promoter holding,Change in promoter holding,FII holding,Change in FII holding,DII holding,' +
  'Change in DII holding,Pledged percentage';

/** Splits one CSV line, honouring double-quoted fields. */
function fields(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted && c === '"' && line[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) {
      out.push(field);
      field = '';
    } else field += c;
  }
  out.push(field);
  return out;
}

type Row = Record<(typeof FUNDAMENTALS_COLUMNS)[number], string>;

function parse(csv: string): Row[] {
  const [header, ...lines] = csv.trimEnd().split('\n');
  const names = fields(header!);
  return lines.map((line) => {
    const values = fields(line);
    expect(values).toHaveLength(names.length);
    return Object.fromEntries(names.map((name, i) => [name, values[i]!])) as Row;
  });
}

async function csvOf(sim: UpstoxSimulator): Promise<string> {
  const res = await api(sim, FUNDAMENTALS_PATH);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
  return res.text();
}

describe('simulated screener export', () => {
  let sim: UpstoxSimulator;
  let other: UpstoxSimulator;
  beforeAll(async () => {
    [sim, other] = await Promise.all([startSim(), startSim({ seed: 99 })]);
  });
  afterAll(stopSims);

  it('has the screener columns and one row per listed equity, the same every time it is read', async () => {
    const csv = await csvOf(sim);
    expect(csv.split('\n')[0]).toBe(HEADER);
    expect(FUNDAMENTALS_COLUMNS.join(',')).toBe(HEADER);
    const rows = parse(csv);
    const equities = sim.instruments().filter((i) => i.instrumentType === 'EQ');
    expect(rows.map((r) => r['NSE Code'])).toEqual(equities.map((e) => e.tradingSymbol));
    expect(rows.find((r) => r['NSE Code'] === 'RELIANCE')!.Name).toBe('RELIANCE INDUSTRIES LTD');
    expect(await csvOf(sim)).toBe(csv);
  });

  it('gives a symbol the same ratios and holdings whatever the market, its price the previous close', async () => {
    const [rows, elsewhere] = [parse(await csvOf(sim)), parse(await csvOf(other))];
    const bySymbol = new Map(elsewhere.map((r) => [r['NSE Code'], r]));
    for (const row of rows) {
      const { 'Current Price': price, 'Market Capitalization': cap, ...ratios } = row;
      const twin = bySymbol.get(row['NSE Code'])!;
      const { 'Current Price': otherPrice, 'Market Capitalization': otherCap, ...otherRatios } = twin;
      expect(ratios).toEqual(otherRatios);
      // Market capitalisation follows the price: the same share count at both.
      const shares = Number(cap) / Number(price);
      expect(Math.abs(shares / (Number(otherCap) / Number(otherPrice)) - 1)).toBeLessThan(1e-4);
    }
    // Friday 2026-01-02 is the session before the clock's Monday.
    const res = await api(sim, `/v3/historical-candle/${encodeURIComponent('NSE_EQ|INE002A01018')}/days/1/2026-01-02`);
    const [[, , , , close]] = ((await res.json()) as { data: { candles: number[][] } }).data.candles as [number[]];
    expect(Number(rows.find((r) => r['NSE Code'] === 'RELIANCE')!['Current Price'])).toBe(close);
  });

  it('keeps every value plausible: P/E 8-80, ROE 5-35, D/E 0-2.5, holdings within 100%, changes within ±3, pledges mostly none', async () => {
    const rows = parse(await csvOf(sim));
    const num = (row: Row, column: keyof Row) => Number(row[column]);
    const within = (column: keyof Row, min: number, max: number) => {
      for (const row of rows) {
        expect(num(row, column), `${row['NSE Code']} ${column}`).toBeGreaterThanOrEqual(min);
        expect(num(row, column), `${row['NSE Code']} ${column}`).toBeLessThanOrEqual(max);
      }
    };
    within('Price to Earning', 8, 80);
    within('Return on equity', 5, 35);
    within('Debt to equity', 0, 2.5);
    within('Market Capitalization', 1, 5e7);
    within('Dividend yield', 0, 10);
    for (const column of ['Change in promoter holding', 'Change in FII holding', 'Change in DII holding'] as const)
      within(column, -3, 3);
    for (const row of rows) {
      const held = num(row, 'Promoter holding') + num(row, 'FII holding') + num(row, 'DII holding');
      expect(held, row['NSE Code']).toBeLessThanOrEqual(100);
    }
    const pledged = rows.map((r) => num(r, 'Pledged percentage')).filter((p) => p > 0);
    expect(pledged.length).toBeGreaterThan(0);
    expect(pledged.length).toBeLessThan(rows.length * 0.3);
    expect(pledged.every((p) => p >= 1 && p <= 30)).toBe(true);
    expect(new Set(rows.map((r) => r.Industry)).size).toBeGreaterThan(8);
    expect(rows.find((r) => r['NSE Code'] === 'HDFCBANK')!.Industry).toBe('Banks');
  });

  it('needs the bearer like every other route', async () => {
    const res = await api(sim, FUNDAMENTALS_PATH, null);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { errors: Array<{ error_code: string }> }).errors[0]!.error_code).toBe('UDAPI100050');
  });
});
