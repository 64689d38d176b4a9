import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, type KeyboardEvent } from 'react';
import { selectInstrument, useMarketStore } from '../../stores/market';
import { WatchRow } from './WatchRow';

const ROW_HEIGHT = 34;
const PAGE = 10;

const COLUMNS: { label: string; title?: string; numeric?: boolean }[] = [
  { label: 'Symbol' },
  { label: 'LTP', title: 'Last traded price', numeric: true },
  { label: 'Chg', title: 'Change from the previous close', numeric: true },
  { label: 'Chg %', numeric: true },
  { label: 'Volume', numeric: true },
  { label: 'OI', title: 'Open interest', numeric: true },
  { label: 'Bid', numeric: true },
  { label: 'Ask', numeric: true },
  { label: 'IV', title: 'Implied volatility (options)', numeric: true },
  { label: 'Δ', title: 'Delta (options)', numeric: true },
  { label: 'Mode' },
  { label: '', title: 'Remove' },
];

export interface WatchlistProps {
  onRemove(key: string): void;
}

/** The subscribed instruments as a virtualised grid: only the rows in view are mounted, so 2,000 stay smooth. */
export function Watchlist({ onRemove }: WatchlistProps) {
  const subscriptions = useMarketStore((s) => s.subscriptions);
  const selectedKey = useMarketStore((s) => s.selectedKey);
  const chartKey = useMarketStore((s) => s.chartKey);
  const scrollRef = useRef<HTMLDivElement>(null);
  // useVirtualizer keeps mutable state that React Compiler cannot memoise around; this app does not run the compiler,
  // and the grid reads the virtual items afresh on every render.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: subscriptions.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const selectedIndex = selectedKey ? subscriptions.findIndex((s) => s.instrumentKey === selectedKey) : -1;

  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
  }, [selectedIndex, virtualizer]);

  const onPick = useCallback((key: string) => selectInstrument(key, true), []);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (subscriptions.length === 0) return;
    const last = subscriptions.length - 1;
    const from = selectedIndex < 0 ? -1 : selectedIndex;
    const moves: Record<string, number> = {
      ArrowDown: Math.min(last, from + 1),
      ArrowUp: Math.max(0, from - 1),
      PageDown: Math.min(last, from + PAGE),
      PageUp: Math.max(0, from - PAGE),
      Home: 0,
      End: last,
    };
    const target = moves[event.key];
    if (target !== undefined) {
      event.preventDefault();
      selectInstrument(subscriptions[target]!.instrumentKey);
    } else if (event.key === 'Enter' && selectedKey) {
      event.preventDefault();
      selectInstrument(selectedKey, true);
    } else if ((event.key === 'Delete' || event.key === 'Backspace') && selectedKey) {
      event.preventDefault();
      onRemove(selectedKey);
    }
  };

  return (
    <div
      className="watchlist"
      role="grid"
      aria-label="Watchlist"
      aria-rowcount={subscriptions.length + 1}
      aria-colcount={COLUMNS.length}
      aria-activedescendant={selectedIndex >= 0 ? `watch-row-${selectedIndex}` : undefined}
      tabIndex={0}
      data-testid="watchlist"
      onKeyDown={onKeyDown}
    >
      <div role="rowgroup" className="watch-head">
        <div role="row" className="watch-row head" aria-rowindex={1}>
          {COLUMNS.map((column, i) => (
            <div
              role="columnheader"
              key={i}
              title={column.title}
              aria-label={column.label ? undefined : column.title}
              className={column.numeric ? 'num' : undefined}
            >
              {column.label}
            </div>
          ))}
        </div>
      </div>
      <div ref={scrollRef} className="watch-body" role="rowgroup">
        <div className="watch-canvas" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => {
            const sub = subscriptions[item.index]!;
            return (
              <WatchRow
                key={sub.instrumentKey}
                sub={sub}
                index={item.index}
                start={item.start}
                selected={sub.instrumentKey === selectedKey}
                charted={sub.instrumentKey === chartKey}
                onPick={onPick}
                onRemove={onRemove}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}
