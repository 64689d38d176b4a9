import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useMemo, useRef, useState } from 'react';
import type { ImportSymbol, ImportSymbolStatus } from '../../../../shared/domain/imports';
import { useBridge } from '../../bridge-context';
import { useCommand } from '../../lib/use-command';
import { countSymbols, isFinished, refreshSelectedRun, useImportsStore } from '../../stores/imports';
import { useOpenChart } from '../market/use-open-chart';
import { formatCount, formatMs } from './format';

const ROW_HEIGHT = 34;
/** Rows in view before the table scrolls. */
const VISIBLE_ROWS = 12;

type Filter = 'all' | 'succeeded' | 'failed' | 'pending' | 'cancelled';
const FILTERS: { id: Filter; label: string }[] = [
  { id: 'all', label: 'All' },
  { id: 'succeeded', label: 'Succeeded' },
  { id: 'failed', label: 'Failed' },
  { id: 'pending', label: 'Pending' },
  { id: 'cancelled', label: 'Cancelled' },
];

const shows = (status: ImportSymbolStatus, filter: Filter) =>
  filter === 'all' || status === filter || (filter === 'pending' && status === 'running');

const COLUMNS = ['', 'Symbol', 'Status', 'Records', 'Time', 'Provider', 'Attempts', 'Error', ''];

interface RowProps {
  row: ImportSymbol;
  start: number;
  checked: boolean;
  canRetry: boolean;
  onToggle(symbol: string): void;
  onRetry(symbols: string[]): void;
  onOpen(instrumentKey: string): void;
}

const SymbolRow = memo(function SymbolRow({ row, start, checked, canRetry, onToggle, onRetry, onOpen }: RowProps) {
  const failed = row.status === 'failed';
  const providers = Object.entries(row.providers)
    .map(([tf, provider]) => `${tf}: ${provider}`)
    .join(', ');
  return (
    <div
      role="row"
      className={checked ? 'symbol-row checked' : 'symbol-row'}
      style={{ transform: `translateY(${start}px)` }}
      data-testid={`import-symbol-${row.symbol}`}
      data-status={row.status}
    >
      <div role="gridcell">
        {failed ? (
          <input
            type="checkbox"
            aria-label={`Select ${row.symbol}`}
            checked={checked}
            onChange={() => onToggle(row.symbol)}
          />
        ) : null}
      </div>
      <div role="gridcell" className="symbol-name">
        {row.instrumentKey ? (
          <button
            type="button"
            className="link-button"
            title={`Open the daily chart of ${row.symbol} in the Market view`}
            onClick={() => onOpen(row.instrumentKey!)}
          >
            {row.symbol}
          </button>
        ) : (
          <span title="Not in the instrument master">{row.symbol}</span>
        )}
      </div>
      <div role="gridcell">
        <span className={`badge badge-${row.status === 'pending' ? 'queued' : row.status}`}>{row.status}</span>
      </div>
      <div role="gridcell" className="num" data-testid="symbol-records">
        {formatCount(row.records)}
      </div>
      <div role="gridcell" className="num">
        {formatMs(row.processingTimeMs)}
      </div>
      <div role="gridcell" title={providers || undefined}>
        {row.provider ?? <span className="muted">—</span>}
      </div>
      <div role="gridcell" className="num" data-testid="symbol-attempts">
        {row.attempts}
      </div>
      <div role="gridcell" className="symbol-error" title={row.errorMessage ?? undefined}>
        {row.errorCode ? (
          <>
            <b className="bad" data-testid="symbol-error-code">
              {row.errorCode}
            </b>{' '}
            <span className="muted">{row.errorMessage}</span>
          </>
        ) : null}
      </div>
      <div role="gridcell" className="actions">
        {failed ? (
          <button
            type="button"
            className="secondary"
            disabled={!canRetry}
            aria-label={`Retry ${row.symbol}`}
            onClick={() => onRetry([row.symbol])}
          >
            Retry
          </button>
        ) : null}
      </div>
    </div>
  );
});

/** The selected run's symbols: a filter by status with counts, retries of failed ones, and a chart per symbol. */
export function SymbolTable() {
  const bridge = useBridge();
  const run = useImportsStore((s) => (s.run && s.run.runId === s.selectedRunId ? s.run : null));
  const symbols = useImportsStore((s) =>
    s.symbolsRunId !== null && s.symbolsRunId === s.selectedRunId ? s.symbols : null,
  );
  const [filter, setFilter] = useState<Filter>('all');
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const retry = useCommand();
  const open = useCommand();
  const openChart = useOpenChart();
  const scrollRef = useRef<HTMLDivElement>(null);

  const rows = useMemo(() => (symbols ?? []).filter((s) => shows(s.status, filter)), [symbols, filter]);
  const counts = useMemo(() => countSymbols(symbols ?? []), [symbols]);
  const failedNames = useMemo(
    () => new Set((symbols ?? []).filter((s) => s.status === 'failed').map((s) => s.symbol)),
    [symbols],
  );
  const chosenFailed = [...chosen].filter((s) => failedNames.has(s));
  const canRetry = !!run && isFinished(run.status) && !retry.busy;
  const runId = run?.runId;

  // useVirtualizer keeps mutable state that React Compiler cannot memoise around; this app does not run the compiler.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });

  const onToggle = useCallback(
    (symbol: string) =>
      setChosen((current) => {
        const next = new Set(current);
        if (!next.delete(symbol)) next.add(symbol);
        return next;
      }),
    [],
  );
  const { run: runRetry } = retry;
  const onRetry = useCallback(
    (names: string[] | null) => {
      if (runId === undefined) return;
      void runRetry(async () => {
        await bridge.invoke('imports.retry', names ? { runId, symbols: names } : { runId });
        setChosen(new Set());
        refreshSelectedRun();
      });
    },
    [bridge, runId, runRetry],
  );
  const { run: runOpen } = open;
  const onOpen = useCallback((key: string) => void runOpen(() => openChart(key, '1d')), [openChart, runOpen]);

  if (!run) return null;
  return (
    <section className="symbols-panel" aria-labelledby="symbols-title">
      <div className="section-head">
        <h2 id="symbols-title">Symbols</h2>
        <div className="segmented filters" role="group" aria-label="Filter by status">
          {FILTERS.filter((f) => f.id !== 'cancelled' || counts.cancelled > 0).map((f) => (
            <button
              key={f.id}
              type="button"
              aria-pressed={filter === f.id}
              data-testid={`filter-${f.id}`}
              data-count={counts[f.id]}
              onClick={() => setFilter(f.id)}
            >
              {f.label} <span className="count">{formatCount(counts[f.id])}</span>
            </button>
          ))}
        </div>
        <div className="section-actions">
          {chosenFailed.length > 0 ? (
            <button type="button" className="secondary" disabled={!canRetry} onClick={() => onRetry(chosenFailed)}>
              Retry selected ({chosenFailed.length})
            </button>
          ) : null}
          <button
            type="button"
            className="secondary"
            disabled={!canRetry || counts.failed === 0}
            title={isFinished(run.status) ? undefined : 'Failures can be retried once the run has finished'}
            onClick={() => onRetry(null)}
          >
            Retry failed
          </button>
        </div>
      </div>
      {retry.message ? (
        <p className="banner banner-bad" role="alert">
          Could not retry: {retry.message}
        </p>
      ) : null}
      {open.message ? (
        <p className="banner banner-bad" role="alert">
          Could not open the chart: {open.message}
        </p>
      ) : null}
      {symbols === null ? (
        <p className="muted">Loading symbols…</p>
      ) : (
        <div className="symbol-grid" role="grid" aria-label="Symbols of the run" aria-rowcount={rows.length + 1}>
          <div role="row" className="symbol-row head">
            {COLUMNS.map((label, i) => (
              <div role="columnheader" key={i} className={[3, 4, 6].includes(i) ? 'num' : undefined}>
                {i === 0 && failedNames.size > 0 ? (
                  <input
                    type="checkbox"
                    aria-label="Select every failed symbol"
                    checked={chosenFailed.length === failedNames.size}
                    onChange={() =>
                      setChosen(chosenFailed.length === failedNames.size ? new Set() : new Set(failedNames))
                    }
                  />
                ) : (
                  label
                )}
              </div>
            ))}
          </div>
          <div
            ref={scrollRef}
            className="symbol-body"
            style={{ height: Math.max(1, Math.min(rows.length, VISIBLE_ROWS)) * ROW_HEIGHT }}
          >
            {rows.length === 0 ? (
              <p className="muted symbol-none">No {filter === 'all' ? '' : `${filter} `}symbols.</p>
            ) : (
              <div className="symbol-canvas" style={{ height: virtualizer.getTotalSize() }}>
                {virtualizer.getVirtualItems().map((item) => {
                  const row = rows[item.index]!;
                  return (
                    <SymbolRow
                      key={`${row.symbol}:${row.instrumentKey ?? ''}`}
                      row={row}
                      start={item.start}
                      checked={chosen.has(row.symbol)}
                      canRetry={canRetry}
                      onToggle={onToggle}
                      onRetry={onRetry}
                      onOpen={onOpen}
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
