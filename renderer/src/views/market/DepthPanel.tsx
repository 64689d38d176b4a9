import { segmentOf } from '../../../../shared/domain/feed';
import { formatClock } from '../../lib/format';
import { useMarketStore } from '../../stores/market';
import { formatGreek, formatIv, formatPrice, formatQuantity, INTEGER, isDerivativeSegment, isOption } from './format';
import { useInstrument } from './instrument-lookup';

/** A quote detail; one the feed does not carry for this instrument (an index's volume) is left out. */
function Stat({ label, value }: { label: string; value: string }) {
  if (!value) return null;
  return (
    <div className="depth-stat">
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

/** Market depth and the quote details of the charted instrument; depth needs a `full` subscription. */
export function DepthPanel({ instrumentKey }: { instrumentKey: string }) {
  const tick = useMarketStore((s) => s.ticks[instrumentKey]);
  const instrument = useInstrument(instrumentKey);
  const depth = tick?.depth ?? [];
  const option = isOption(tick, instrument);
  const derivative = isDerivativeSegment(segmentOf(instrumentKey));
  const maxQty = Math.max(1, ...depth.flatMap((level) => [level.bidQty, level.askQty]));

  return (
    <aside className="depth-panel" aria-label="Market depth">
      <h2>Depth</h2>
      {depth.length === 0 ? (
        <p className="muted small">
          {segmentOf(instrumentKey).endsWith('_INDEX')
            ? 'An index has no order book.'
            : tick?.mode === 'full' || tick?.mode === 'full_d30'
              ? 'No depth in the last tick.'
              : 'Subscribe in Full mode to see the order book.'}
        </p>
      ) : (
        <table className="depth-table">
          <thead>
            <tr>
              <th className="num">Qty</th>
              <th className="num">Bid</th>
              <th className="num">Ask</th>
              <th className="num">Qty</th>
            </tr>
          </thead>
          <tbody>
            {depth.map((level, i) => (
              <tr key={i}>
                <td className="num depth-qty" style={{ backgroundSize: `${(level.bidQty / maxQty) * 100}% 100%` }}>
                  {INTEGER.format(level.bidQty)}
                </td>
                <td className="num up">{formatPrice(level.bid)}</td>
                <td className="num down">{formatPrice(level.ask)}</td>
                <td className="num depth-qty ask" style={{ backgroundSize: `${(level.askQty / maxQty) * 100}% 100%` }}>
                  {INTEGER.format(level.askQty)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <dl className="depth-stats">
        <Stat label="Prev close" value={formatPrice(tick?.cp)} />
        <Stat label="ATP" value={formatPrice(tick?.atp)} />
        <Stat label="Last trade" value={tick?.ltt ? formatClock(tick.ltt) : ''} />
        <Stat label="LTQ" value={tick?.ltq ? INTEGER.format(tick.ltq) : ''} />
        <Stat label="Volume" value={formatQuantity(tick?.volume)} />
        {derivative ? <Stat label="OI" value={formatQuantity(tick?.oi)} /> : null}
        {derivative && instrument ? <Stat label="Lot size" value={INTEGER.format(instrument.lotSize)} /> : null}
        {option ? (
          <>
            <Stat label="IV" value={formatIv(tick?.iv)} />
            <Stat label="Delta" value={formatGreek(tick?.greeks?.delta)} />
            <Stat label="Gamma" value={formatGreek(tick?.greeks?.gamma, 4)} />
            <Stat label="Theta" value={formatGreek(tick?.greeks?.theta, 2)} />
            <Stat label="Vega" value={formatGreek(tick?.greeks?.vega, 2)} />
          </>
        ) : null}
      </dl>
    </aside>
  );
}
