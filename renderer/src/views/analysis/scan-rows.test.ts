import { describe, expect, it } from 'vitest';
import type { ScanResult } from '../../../../shared/domain/analysis';
import { countVerdicts, filterScanResults, nextSort, NO_SCAN_FILTER, sortScanResults } from './scan-rows';

const row = (symbol: string, score: number, patch: Partial<ScanResult> = {}): ScanResult => ({
  symbol,
  instrumentKey: `NSE_EQ|${symbol}`,
  verdict: score >= 60 ? 'PASS' : 'FAIL',
  compositeScore: score,
  direction: 'NEUTRAL',
  oiBuildUp: null,
  factors: { trend: 50, momentum: 50, volume: 50, volatility: 50, openInterest: null },
  lastClose: 100,
  changePct: 0,
  sparkline: [],
  bars: 250,
  note: null,
  ...patch,
});

const rows = [
  row('TCS', 72, { direction: 'LONG', changePct: 1.5, oiBuildUp: 'LONG_BUILD_UP' }),
  row('INFY', 41, { direction: 'SHORT', changePct: -2.25, oiBuildUp: 'SHORT_BUILD_UP' }),
  row('HDFCBANK', 65, { direction: 'LONG', changePct: null }),
  row('NEWCO', 20, { changePct: null, note: 'only 40 daily candles: at least 200 are needed' }),
];
const symbols = (list: ScanResult[]) => list.map((r) => r.symbol);

describe('scan results table', () => {
  it('sorts by score, symbol, verdict and direction either way', () => {
    expect(symbols(sortScanResults(rows, { key: 'score', direction: 'desc' }))).toEqual([
      'TCS',
      'HDFCBANK',
      'INFY',
      'NEWCO',
    ]);
    expect(symbols(sortScanResults(rows, { key: 'symbol', direction: 'asc' }))).toEqual([
      'HDFCBANK',
      'INFY',
      'NEWCO',
      'TCS',
    ]);
    // Equal verdicts keep the best score first.
    expect(symbols(sortScanResults(rows, { key: 'verdict', direction: 'asc' }))).toEqual([
      'INFY',
      'NEWCO',
      'TCS',
      'HDFCBANK',
    ]);
    expect(symbols(sortScanResults(rows, { key: 'direction', direction: 'desc' }))).toEqual([
      'TCS',
      'HDFCBANK',
      'NEWCO',
      'INFY',
    ]);
  });

  it('puts rows without a value last, whichever way the column is sorted', () => {
    expect(symbols(sortScanResults(rows, { key: 'changePct', direction: 'desc' }))).toEqual([
      'TCS',
      'INFY',
      'HDFCBANK',
      'NEWCO',
    ]);
    expect(symbols(sortScanResults(rows, { key: 'changePct', direction: 'asc' }))).toEqual([
      'INFY',
      'TCS',
      'HDFCBANK',
      'NEWCO',
    ]);
    expect(symbols(sortScanResults(rows, { key: 'oiBuildUp', direction: 'asc' })).slice(0, 2)).toEqual(['TCS', 'INFY']);
  });

  it('flips a column clicked again and starts a new one in its natural order', () => {
    expect(nextSort({ key: 'score', direction: 'desc' }, 'score')).toEqual({ key: 'score', direction: 'asc' });
    expect(nextSort({ key: 'score', direction: 'desc' }, 'symbol')).toEqual({ key: 'symbol', direction: 'asc' });
    expect(nextSort({ key: 'symbol', direction: 'asc' }, 'changePct')).toEqual({
      key: 'changePct',
      direction: 'desc',
    });
  });

  it('filters by verdict, direction and part of the symbol in any case', () => {
    expect(symbols(filterScanResults(rows, { ...NO_SCAN_FILTER, verdict: 'PASS' }))).toEqual(['TCS', 'HDFCBANK']);
    expect(symbols(filterScanResults(rows, { ...NO_SCAN_FILTER, direction: 'LONG', verdict: 'FAIL' }))).toEqual([]);
    expect(symbols(filterScanResults(rows, { ...NO_SCAN_FILTER, text: ' bank' }))).toEqual(['HDFCBANK']);
    expect(symbols(filterScanResults(rows, { ...NO_SCAN_FILTER, text: 'n' }))).toEqual(['INFY', 'HDFCBANK', 'NEWCO']);
    expect(countVerdicts(rows)).toEqual({ ALL: 4, PASS: 2, FAIL: 2 });
  });
});
