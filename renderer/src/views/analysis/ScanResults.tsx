import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useMemo, useRef, useState, type Ref } from 'react';
import { DIRECTIONS, type ScanFactors, type ScanResult } from '../../../../shared/domain/analysis';
import { useAnalysisStore } from '../../stores/analysis';
import { formatCount } from '../imports/format';
import {
  countVerdicts,
  DEFAULT_SCAN_SORT,
  filterScanResults,
  nextSort,
  NO_SCAN_FILTER,
  sortScanResults,
  type ScanFilter,
  type ScanSort,
  type ScanSortKey,
} from './scan-rows';
import { directionTone, formatRupees, formatScore, formatSignedPercent, oiBuildUpLabel, toneOfNumber } from './format';
import { Sparkline } from './Sparkline';
import { useStartDeepDive } from './use-start-deep-dive';

const ROW_HEIGHT = 40;
/** Rows in view before the table scrolls. */
const VISIBLE_ROWS = 14;

const FACTORS: { key: keyof ScanFactors; label: string; short: string }[] = [
  { key: 'trend', label: 'Trend', short: 'T' },
  { key: 'momentum', label: 'Momentum', short: 'M' },
  { key: 'volume', label: 'Volume', short: 'V' },
  { key: 'volatility', label: 'Volatility', short: 'σ' },
  { key: 'openInterest', label: 'Open interest', short: 'OI' },
];

const describeFactors = (f: ScanFactors) =>
  FACTORS.map(({ key, label }) => `${label} ${f[key] === null ? 'no data' : formatScore(f[key])}`).join(' · ');

interface Column {
  label: string;
  sort?: ScanSortKey;
  num?: boolean;
}
const COLUMNS: Column[] = [
  { label: 'Symbol', sort: 'symbol' },
  { label: '30 days' },
  { label: 'Score', sort: 'score' },
  { label: 'Verdict', sort: 'verdict' },
  { label: 'Direction', sort: 'direction' },
  { label: 'Change', sort: 'changePct', num: true },
  { label: 'Close', num: true },
  { label: 'OI build-up', sort: 'oiBuildUp' },
  { label: 'Factors' },
  { label: '' },
];

function FactorBars({ factors }: { factors: ScanFactors }) {
  return (
    <span className="factor-bars" title={describeFactors(factors)} aria-label={describeFactors(factors)}>
      {FACTORS.map(({ key, label, short }) => {
        const value = factors[key];
        return (
          <span key={key} className="factor-bar" title={`${label}: ${value === null ? 'no data' : formatScore(value)}`}>
            <span
              className={value === null ? 'factor-fill none' : 'factor-fill'}
              style={{ height: `${value ?? 0}%` }}
            />
            <span className="factor-short">{short}</span>
          </span>
        );
      })}
    </span>
  );
}

interface RowProps {
  row: ScanResult;
  start: number;
  busy: boolean;
  onDeepDive(row: ScanResult): void;
}

const ResultRow = memo(function ResultRow({ row, start, busy, onDeepDive }: RowProps) {
  return (
    <div
      role="row"
      className={row.note ? 'scan-row noted' : 'scan-row'}
      style={{ transform: `translateY(${start}px)` }}
      data-testid={`scan-row-${row.symbol}`}
      data-verdict={row.verdict}
      title={row.note ?? undefined}
    >
      <div role="gridcell" className="scan-symbol">
        <span className="scan-ticker">{row.symbol}</span>
        {row.note ? (
          <span className="scan-note small" data-testid="scan-note">
            {row.note}
          </span>
        ) : null}
      </div>
      <div role="gridcell">
        <Sparkline values={row.sparkline} label={`${row.symbol}: the last ${row.sparkline.length} closes`} />
      </div>
      <div role="gridcell" className="score-cell" data-testid="scan-score">
        <span className="score-track" aria-hidden="true">
          <span
            className={row.verdict === 'PASS' ? 'score-fill pass' : 'score-fill'}
            style={{ width: `${row.compositeScore}%` }}
          />
        </span>
        <span className="score-value">{formatScore(row.compositeScore)}</span>
      </div>
      <div role="gridcell">
        <span className={row.verdict === 'PASS' ? 'badge badge-succeeded' : 'badge badge-queued'}>{row.verdict}</span>
      </div>
      <div role="gridcell" className={directionTone(row.direction)}>
        {row.direction}
      </div>
      <div role="gridcell" className={`num ${toneOfNumber(row.changePct)}`}>
        {formatSignedPercent(row.changePct)}
      </div>
      <div role="gridcell" className="num">
        {formatRupees(row.lastClose)}
      </div>
      <div role="gridcell" className={row.oiBuildUp ? undefined : 'muted'}>
        {oiBuildUpLabel(row.oiBuildUp)}
      </div>
      <div role="gridcell">
        <FactorBars factors={row.factors} />
      </div>
      <div role="gridcell" className="actions">
        <button
          type="button"
          className="secondary"
          disabled={busy}
          aria-label={`Deep dive into ${row.symbol}`}
          data-testid="scan-deep-dive"
          onClick={() => onDeepDive(row)}
        >
          Deep dive
        </button>
      </div>
    </div>
  );
});

function Filters({
  filter,
  counts,
  filterRef,
  onChange,
}: {
  filter: ScanFilter;
  counts: ReturnType<typeof countVerdicts>;
  filterRef: Ref<HTMLInputElement>;
  onChange(filter: ScanFilter): void;
}) {
  return (
    <>
      <div className="segmented filters" role="group" aria-label="Filter by verdict">
        {(['ALL', 'PASS', 'FAIL'] as const).map((v) => (
          <button
            key={v}
            type="button"
            aria-pressed={filter.verdict === v}
            data-testid={`scan-filter-${v.toLowerCase()}`}
            data-count={counts[v]}
            onClick={() => onChange({ ...filter, verdict: v })}
          >
            {v === 'ALL' ? 'All' : v} <span className="count">{formatCount(counts[v])}</span>
          </button>
        ))}
      </div>
      <select
        aria-label="Filter by direction"
        value={filter.direction}
        data-testid="scan-filter-direction"
        onChange={(e) => onChange({ ...filter, direction: e.target.value as ScanFilter['direction'] })}
      >
        <option value="ALL">Any direction</option>
        {DIRECTIONS.map((d) => (
          <option key={d} value={d}>
            {d}
          </option>
        ))}
      </select>
      <span className="picker-field scan-text-filter">
        <input
          ref={filterRef}
          type="search"
          placeholder="Filter symbols"
          aria-label="Filter symbols"
          value={filter.text}
          data-testid="scan-filter-text"
          onChange={(e) => onChange({ ...filter, text: e.target.value })}
          onKeyDown={(e) => {
            if (e.key === 'Escape') e.currentTarget.blur();
          }}
        />
        {filter.text ? null : (
          <kbd className="picker-kbd" aria-hidden="true">
            /
          </kbd>
        )}
      </span>
    </>
  );
}

/** The selected scan's results: sortable, filterable, a sparkline and the factors per row, a deep-dive from each. */
export function ScanResults({ filterRef }: { filterRef: Ref<HTMLInputElement> }) {
  const scan = useAnalysisStore((s) => (s.scan && s.scan.scanId === s.selectedScanId ? s.scan : null));
  const [sort, setSort] = useState<ScanSort>(DEFAULT_SCAN_SORT);
  const [filter, setFilter] = useState<ScanFilter>(NO_SCAN_FILTER);
  const scrollRef = useRef<HTMLDivElement>(null);
  const deepDive = useStartDeepDive();
  const results = useMemo(() => scan?.results ?? [], [scan]);
  const rows = useMemo(() => sortScanResults(filterScanResults(results, filter), sort), [results, filter, sort]);
  const counts = useMemo(() => countVerdicts(results), [results]);

  // useVirtualizer keeps mutable state that React Compiler cannot memoise around; this app does not run the compiler.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });

  const { start } = deepDive;
  const onDeepDive = useCallback(
    (row: ScanResult) =>
      void start(
        {
          symbol: row.instrumentKey,
          level1Results: { verdict: row.verdict, compositeScore: row.compositeScore, direction: row.direction },
        },
        row.symbol,
      ),
    [start],
  );

  if (!scan || scan.status !== 'COMPLETED') return null;
  return (
    <section className="scan-results" aria-labelledby="scan-results-title" data-testid="scan-results">
      <div className="section-head">
        <h2 id="scan-results-title">Results</h2>
        <Filters filter={filter} counts={counts} filterRef={filterRef} onChange={setFilter} />
        <span className="muted small section-actions" data-testid="scan-shown">
          {formatCount(rows.length)} of {formatCount(results.length)} shown
        </span>
      </div>
      {deepDive.command.message ? (
        <p className="banner banner-bad" role="alert">
          Could not start the deep-dive: {deepDive.command.message}
        </p>
      ) : null}
      {results.length === 0 ? (
        <div className="empty-state compact">
          <p className="empty-title">The universe had no symbols to score</p>
          <p>Import daily candles for its members in the Imports view, then scan again.</p>
        </div>
      ) : (
        <div className="scan-grid" role="grid" aria-label="Scan results" aria-rowcount={rows.length + 1}>
          <div role="row" className="scan-row head">
            {COLUMNS.map((c, i) => {
              const sorted = c.sort !== undefined && sort.key === c.sort;
              return (
                <div
                  role="columnheader"
                  key={i}
                  className={c.num ? 'num' : undefined}
                  aria-sort={sorted ? (sort.direction === 'asc' ? 'ascending' : 'descending') : undefined}
                >
                  {c.sort ? (
                    <button
                      type="button"
                      className="sort-button"
                      data-testid={`scan-sort-${c.sort}`}
                      onClick={() => setSort(nextSort(sort, c.sort!))}
                    >
                      {c.label}
                      <span className="sort-mark" aria-hidden="true">
                        {sorted ? (sort.direction === 'asc' ? '▲' : '▼') : ''}
                      </span>
                    </button>
                  ) : (
                    c.label
                  )}
                </div>
              );
            })}
          </div>
          <div
            ref={scrollRef}
            className="scan-body"
            style={{ height: Math.max(1, Math.min(rows.length, VISIBLE_ROWS)) * ROW_HEIGHT }}
          >
            {rows.length === 0 ? (
              <p className="muted symbol-none">No result matches the filters.</p>
            ) : (
              <div className="symbol-canvas" style={{ height: virtualizer.getTotalSize() }}>
                {virtualizer.getVirtualItems().map((item) => {
                  const row = rows[item.index]!;
                  return (
                    <ResultRow
                      key={row.instrumentKey}
                      row={row}
                      start={item.start}
                      busy={deepDive.command.busy}
                      onDeepDive={onDeepDive}
                    />
                  );
                })}
              </div>
            )}
          </div>
        </div>
      )}
    </section>
  );
}
