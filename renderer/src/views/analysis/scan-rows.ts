import { OI_BUILD_UPS, type Direction, type ScanResult, type Verdict } from '../../../../shared/domain/analysis';

export type ScanSortKey = 'symbol' | 'score' | 'verdict' | 'direction' | 'changePct' | 'oiBuildUp';
export type SortDirection = 'asc' | 'desc';
export interface ScanSort {
  key: ScanSortKey;
  direction: SortDirection;
}

/** The engine's own order: best composite score first. */
export const DEFAULT_SCAN_SORT: ScanSort = { key: 'score', direction: 'desc' };

export interface ScanFilter {
  verdict: Verdict | 'ALL';
  direction: Direction | 'ALL';
  /** Part of a symbol, any case. */
  text: string;
}

export const NO_SCAN_FILTER: ScanFilter = { verdict: 'ALL', direction: 'ALL', text: '' };

const DIRECTION_RANK: Record<Direction, number> = { LONG: 2, NEUTRAL: 1, SHORT: 0 };

/** The value a column sorts by; null sorts last whichever way the column is sorted. */
function sortValue(row: ScanResult, key: ScanSortKey): number | string | null {
  switch (key) {
    case 'symbol':
      return row.symbol;
    case 'score':
      return row.compositeScore;
    case 'verdict':
      return row.verdict === 'PASS' ? 1 : 0;
    case 'direction':
      return DIRECTION_RANK[row.direction];
    case 'changePct':
      return row.changePct;
    case 'oiBuildUp':
      return row.oiBuildUp === null ? null : OI_BUILD_UPS.indexOf(row.oiBuildUp);
  }
}

function compareValues(a: number | string, b: number | string): number {
  if (typeof a === 'string' && typeof b === 'string') return a.localeCompare(b, 'en');
  return (a as number) - (b as number);
}

/** Rows sorted by a column; equal rows keep the best score first, then the symbol's order. */
export function sortScanResults(rows: readonly ScanResult[], sort: ScanSort): ScanResult[] {
  const sign = sort.direction === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const va = sortValue(a, sort.key);
    const vb = sortValue(b, sort.key);
    if (va === null || vb === null) {
      if (va !== vb) return va === null ? 1 : -1;
    } else {
      const order = compareValues(va, vb);
      if (order !== 0) return sign * order;
    }
    return b.compositeScore - a.compositeScore || a.symbol.localeCompare(b.symbol, 'en');
  });
}

export function filterScanResults(rows: readonly ScanResult[], filter: ScanFilter): ScanResult[] {
  const text = filter.text.trim().toUpperCase();
  return rows.filter(
    (r) =>
      (filter.verdict === 'ALL' || r.verdict === filter.verdict) &&
      (filter.direction === 'ALL' || r.direction === filter.direction) &&
      (!text || r.symbol.toUpperCase().includes(text)),
  );
}

/** The sort after a click on a column's header: the same column flips, a new one starts in its natural order. */
export function nextSort(current: ScanSort, key: ScanSortKey): ScanSort {
  if (current.key === key) return { key, direction: current.direction === 'asc' ? 'desc' : 'asc' };
  return { key, direction: key === 'symbol' ? 'asc' : 'desc' };
}

export function countVerdicts(rows: readonly ScanResult[]): Record<Verdict | 'ALL', number> {
  let pass = 0;
  for (const r of rows) if (r.verdict === 'PASS') pass++;
  return { ALL: rows.length, PASS: pass, FAIL: rows.length - pass };
}
