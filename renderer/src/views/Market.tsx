import { useCallback, useEffect, useRef, type RefObject } from 'react';
import { WorldBadge } from '../components/WorldBadge';
import { useMarketStore } from '../stores/market';
import { DepthPanel } from './market/DepthPanel';
import { FeedStatusBar } from './market/FeedStatusBar';
import { InstrumentPicker } from './market/InstrumentPicker';
import { PriceChart } from './market/PriceChart';
import { useWatchlistActions } from './market/use-watchlist-actions';
import { Watchlist } from './market/Watchlist';
import { TradeButtons } from './orders/TradeButtons';
import { useTradeKeys } from './orders/use-trade-keys';

/** `/` jumps to the instrument search, unless the user is typing somewhere already. */
function useSlashToSearch(input: RefObject<HTMLInputElement | null>) {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target as HTMLElement | null;
      if (target?.closest('input, textarea, select, [contenteditable="true"]')) return;
      event.preventDefault();
      input.current?.focus();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [input]);
}

function EmptyWatchlist({ onSearch }: { onSearch(): void }) {
  return (
    <div className="empty-state watch-empty" data-testid="watchlist-empty">
      <p className="empty-title">Your watchlist is empty</p>
      <p>
        Search for an index, a stock, a future or an option in the box above (press <kbd>/</kbd>), pick a mode and press{' '}
        <kbd>Enter</kbd> to subscribe. Prices, depth and the chart update live.
      </p>
      <button type="button" onClick={onSearch}>
        Search instruments
      </button>
    </div>
  );
}

export function MarketView() {
  const searchRef = useRef<HTMLInputElement>(null);
  const loaded = useMarketStore((s) => s.subscriptionsLoaded);
  const count = useMarketStore((s) => s.subscriptions.length);
  const chartKey = useMarketStore((s) => s.chartKey);
  const actions = useWatchlistActions();
  const { remove } = actions;
  const onRemove = useCallback((key: string) => void remove(key), [remove]);
  useSlashToSearch(searchRef);
  useTradeKeys();

  return (
    <section className="view market-view" aria-labelledby="view-title">
      <div className="market-top">
        <h1 id="view-title">Market</h1>
        <WorldBadge />
        <InstrumentPicker inputRef={searchRef} onAdd={actions.add} />
        {loaded && count > 0 ? <TradeButtons /> : null}
      </div>
      <FeedStatusBar />
      {actions.removed ? (
        <p className="banner banner-info dismissable" role="status">
          <span>
            Removed <b>{actions.removed.symbol}</b> from the watchlist.
          </span>
          <button type="button" className="link-button" onClick={() => void actions.undo()}>
            Undo
          </button>
          <button type="button" className="link-button muted" aria-label="Dismiss" onClick={actions.dismissRemoved}>
            ×
          </button>
        </p>
      ) : null}
      {actions.error ? (
        <p className="banner banner-bad dismissable" role="alert">
          <span>{actions.error}</span>
          <button type="button" className="link-button muted" aria-label="Dismiss" onClick={actions.dismissError}>
            ×
          </button>
        </p>
      ) : null}
      {loaded && count === 0 ? (
        <EmptyWatchlist onSearch={() => searchRef.current?.focus()} />
      ) : (
        <div className="market-main">
          <div className="watch-pane">
            {loaded ? <Watchlist onRemove={onRemove} /> : <p className="muted">Loading the watchlist…</p>}
          </div>
          <div className={chartKey ? 'chart-pane with-depth' : 'chart-pane'}>
            <PriceChart instrumentKey={chartKey} />
            {chartKey ? <DepthPanel instrumentKey={chartKey} /> : null}
          </div>
        </div>
      )}
    </section>
  );
}
