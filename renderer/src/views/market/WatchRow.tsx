import { memo } from 'react';
import { segmentOf, type Subscription } from '../../../../shared/domain/feed';
import { displaySymbol, useMarketStore } from '../../stores/market';
import {
  formatGreek,
  formatIv,
  formatPrice,
  formatQuantity,
  formatSigned,
  isDerivativeSegment,
  isOption,
  toneOf,
} from './format';
import { useInstrument } from './instrument-lookup';

export const MODE_LABEL: Record<Subscription['mode'], string> = {
  ltpc: 'LTPC',
  full: 'FULL',
  option_greeks: 'GREEKS',
  full_d30: 'D30',
};

export interface WatchRowProps {
  sub: Subscription;
  index: number;
  /** Top of the row inside the virtual list, in pixels. */
  start: number;
  selected: boolean;
  charted: boolean;
  onPick(key: string): void;
  onRemove(key: string): void;
}

/** One instrument. It reads its own tick from the store, so a tick for another instrument never re-renders it. */
export const WatchRow = memo(function WatchRow({
  sub,
  index,
  start,
  selected,
  charted,
  onPick,
  onRemove,
}: WatchRowProps) {
  const key = sub.instrumentKey;
  const tick = useMarketStore((s) => s.ticks[key]);
  const instrument = useInstrument(key);
  const symbol = displaySymbol(key, instrument);
  const option = isOption(tick, instrument);
  const showOi = !!tick?.oi || isDerivativeSegment(segmentOf(key));
  const tone = toneOf(tick?.change);
  const flash = tick?.move === 1 ? 'flash-up' : tick?.move === -1 ? 'flash-down' : '';
  const className = ['watch-row', selected ? 'selected' : '', charted ? 'charted' : ''].filter(Boolean).join(' ');

  return (
    <div
      role="row"
      id={`watch-row-${index}`}
      className={className}
      aria-rowindex={index + 2}
      aria-selected={selected}
      data-testid={`watch-row-${key}`}
      data-ltp={tick?.ltp ?? ''}
      style={{ transform: `translateY(${start}px)` }}
      onClick={() => onPick(key)}
    >
      <div role="gridcell" className="wl-symbol" title={instrument ? `${instrument.name} · ${key}` : key}>
        <span className="wl-ticker">{symbol}</span>
        <span className="wl-name">{instrument && instrument.name !== symbol ? instrument.name : segmentOf(key)}</span>
      </div>
      <div role="gridcell" className={`num wl-ltp ${tone}`}>
        {/* A new key restarts the flash animation on every tick that moved the price. */}
        <span key={tick?.receivedAt} className={flash}>
          {formatPrice(tick?.ltp)}
        </span>
      </div>
      <div role="gridcell" className={`num ${tone}`}>
        {formatSigned(tick?.change)}
      </div>
      <div role="gridcell" className={`num ${tone}`}>
        {formatSigned(tick?.changePct, '%')}
      </div>
      <div role="gridcell" className="num">
        {formatQuantity(tick?.volume)}
      </div>
      <div role="gridcell" className="num">
        {showOi ? formatQuantity(tick?.oi) : ''}
      </div>
      <div role="gridcell" className="num bid">
        {formatPrice(tick?.bid)}
      </div>
      <div role="gridcell" className="num ask">
        {formatPrice(tick?.ask)}
      </div>
      <div role="gridcell" className="num">
        {option ? formatIv(tick?.iv) : ''}
      </div>
      <div role="gridcell" className="num">
        {option ? formatGreek(tick?.greeks?.delta, 2) : ''}
      </div>
      <div role="gridcell">
        <span className={`mode-badge mode-${sub.mode}`}>{MODE_LABEL[sub.mode]}</span>
      </div>
      <div role="gridcell" className="wl-actions">
        <button
          type="button"
          className="icon-button"
          aria-label={`Remove ${symbol}`}
          title={`Remove ${symbol} (Delete)`}
          tabIndex={-1}
          onClick={(event) => {
            event.stopPropagation();
            onRemove(key);
          }}
        >
          ×
        </button>
      </div>
    </div>
  );
});
