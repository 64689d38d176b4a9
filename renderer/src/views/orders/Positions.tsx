import { memo } from 'react';
import type { Position } from '../../../../shared/domain/trading';
import { useMarketStore } from '../../stores/market';
import { openTicket, unrealisedAt, useOrdersStore } from '../../stores/orders';
import { BROKER_SHORT, formatPnl, formatRupees, formatUnits, PRODUCT_LABEL, pnlTone } from './format';
import { squareOffRequest } from './ticket';

/** One position. It reads its own instrument's tick, so its P&L moves with every tick and no other row re-renders. */
const PositionRow = memo(function PositionRow({ position }: { position: Position }) {
  const tickLtp = useMarketStore((s) => s.ticks[position.instrumentKey]?.ltp);
  const ltp = tickLtp ?? position.ltp;
  const unrealised = unrealisedAt(position, ltp);
  const open = position.netQuantity !== 0;
  const symbol = position.tradingSymbol || position.instrumentKey;
  return (
    <tr
      data-testid="position-row"
      data-instrument={position.instrumentKey}
      data-product={position.product}
      className={open ? undefined : 'closed'}
    >
      <td title={position.instrumentKey}>
        <span className="order-symbol">{symbol}</span>
        <span className="muted small"> {BROKER_SHORT[position.broker]}</span>
      </td>
      <td title={PRODUCT_LABEL[position.product]}>{position.product}</td>
      <td className={`num ${position.netQuantity > 0 ? 'up' : position.netQuantity < 0 ? 'down' : ''}`}>
        {formatUnits(position.netQuantity)}
      </td>
      <td className="num">{formatRupees(position.averagePrice)}</td>
      <td
        className="num"
        data-testid="position-ltp"
        title={tickLtp === undefined ? 'Not streaming: last known' : 'Live'}
      >
        {formatRupees(ltp)}
      </td>
      <td className={`num ${pnlTone(unrealised)}`} data-testid="position-mtm" data-value={unrealised}>
        {open ? formatPnl(unrealised) : '—'}
      </td>
      <td className={`num ${pnlTone(position.realisedPnl)}`} data-testid="position-realised">
        {formatPnl(position.realisedPnl)}
      </td>
      <td className="actions">
        {open ? (
          <button
            type="button"
            className="secondary"
            title={`${position.netQuantity > 0 ? 'Sell' : 'Buy'} ${formatUnits(Math.abs(position.netQuantity))} ${symbol} at market`}
            onClick={() => openTicket(squareOffRequest(position))}
          >
            Square off
          </button>
        ) : (
          <span className="muted small">closed</span>
        )}
      </td>
    </tr>
  );
});

/** Open positions (and the day's closed ones, for their realised P&L), marked to market live. */
export function Positions() {
  const positions = useOrdersStore((s) => s.positions);
  const loaded = useOrdersStore((s) => s.positionsLoaded);
  return (
    <section className="orders-panel positions" aria-labelledby="positions-title">
      <h2 id="positions-title">Positions</h2>
      {!loaded ? (
        <p className="muted">Loading positions…</p>
      ) : positions.length === 0 ? (
        <div className="empty-state" data-testid="positions-empty">
          <p className="empty-title">No positions</p>
          <p>A filled order opens a position here, with its P&amp;L live from the feed.</p>
        </div>
      ) : (
        <div className="table-scroll">
          <table className="table positions-table" aria-label="Positions">
            <thead>
              <tr>
                <th>Instrument</th>
                <th>Product</th>
                <th className="num">Net qty</th>
                <th className="num">Avg price</th>
                <th className="num">LTP</th>
                <th className="num">Unrealised</th>
                <th className="num">Realised</th>
                <th aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {positions.map((position) => (
                <PositionRow
                  key={`${position.broker}:${position.instrumentKey}:${position.product}`}
                  position={position}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
