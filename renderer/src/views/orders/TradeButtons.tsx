import { displaySymbol, useMarketStore } from '../../stores/market';
import { openTicket } from '../../stores/orders';
import { useInstrument } from '../market/instrument-lookup';

/** Buy and Sell for the selected watchlist row (also `b` and `s`). */
export function TradeButtons() {
  const key = useMarketStore((s) => s.selectedKey);
  const instrument = useInstrument(key);
  if (!key) return null;
  const symbol = displaySymbol(key, instrument);
  return (
    <div className="trade-buttons" role="group" aria-label={`Trade ${symbol}`}>
      <button
        type="button"
        className="trade-buy"
        aria-label={`Buy ${symbol}`}
        title={`Buy ${symbol} (B)`}
        onClick={() => openTicket({ instrumentKey: key, side: 'BUY' })}
      >
        Buy <kbd>B</kbd>
      </button>
      <button
        type="button"
        className="trade-sell"
        aria-label={`Sell ${symbol}`}
        title={`Sell ${symbol} (S)`}
        onClick={() => openTicket({ instrumentKey: key, side: 'SELL' })}
      >
        Sell <kbd>S</kbd>
      </button>
    </div>
  );
}
