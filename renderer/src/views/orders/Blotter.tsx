import { memo } from 'react';
import { ORDER_STATUSES, type Order, type OrderStatus } from '../../../../shared/domain/trading';
import { useBridge } from '../../bridge-context';
import { SelectableRow } from '../../components/SelectableRow';
import { formatClock } from '../../lib/format';
import { useCommand } from '../../lib/use-command';
import { selectOrder, setStatusFilter, useOrdersStore } from '../../stores/orders';
import { BROKER_SHORT, formatRupees, formatUnits, STATUS_LABEL, statusChipClass } from './format';

const CANCELLABLE: ReadonlySet<OrderStatus> = new Set(['OPEN', 'PARTIALLY_FILLED']);

export function StatusChip({ status }: { status: OrderStatus }) {
  return (
    <span className={statusChipClass(status)} data-testid="order-status" data-status={status}>
      {STATUS_LABEL[status]}
    </span>
  );
}

function CancelButton({ order }: { order: Order }) {
  const bridge = useBridge();
  const command = useCommand();
  return (
    <>
      <button
        type="button"
        className="secondary"
        disabled={command.busy}
        title={`Cancel order #${order.orderId}`}
        // The row takes Enter and Space to select itself; the button keeps them for its own press.
        onKeyDown={(event) => event.stopPropagation()}
        onClick={(event) => {
          event.stopPropagation();
          void command.run(() => bridge.invoke('orders.cancel', { id: order.orderId }));
        }}
      >
        {command.busy ? 'Cancelling…' : 'Cancel'}
      </button>
      {command.message ? <div className="bad small">{command.message}</div> : null}
    </>
  );
}

const OrderRow = memo(function OrderRow({ order, selected }: { order: Order; selected: boolean }) {
  const side = order.side.toLowerCase();
  return (
    <SelectableRow
      selected={selected}
      onPick={() => selectOrder(order.orderId)}
      testId="order-row"
      status={order.status}
    >
      <td className="muted" title={order.createdAt}>
        {formatClock(order.createdAt)}
      </td>
      <td title={order.instrumentKey}>
        <span className="order-symbol">{order.tradingSymbol || order.instrumentKey}</span>
        <span className="muted small"> #{order.orderId}</span>
      </td>
      <td>
        <span className={`side-tag side-${side}`}>{order.side}</span>
      </td>
      <td className="num" data-testid="order-filled">
        {formatUnits(order.filledQuantity)}/{formatUnits(order.quantity)}
      </td>
      <td>
        {order.orderType}
        <span className="muted small"> {order.product}</span>
      </td>
      <td className="num">
        {order.price !== null ? formatRupees(order.price) : '—'}
        {order.triggerPrice !== null ? (
          <div className="muted small">trigger {formatRupees(order.triggerPrice)}</div>
        ) : null}
      </td>
      <td className="num">{formatRupees(order.averagePrice)}</td>
      <td>
        <StatusChip status={order.status} />
      </td>
      <td>{BROKER_SHORT[order.broker]}</td>
      <td className="actions">{CANCELLABLE.has(order.status) ? <CancelButton order={order} /> : null}</td>
    </SelectableRow>
  );
});

/** Every order, newest first, with its live status; the selected one opens in the detail panel. */
export function Blotter() {
  const orders = useOrdersStore((s) => s.orders);
  const loaded = useOrdersStore((s) => s.ordersLoaded);
  const filter = useOrdersStore((s) => s.statusFilter);
  const selectedId = useOrdersStore((s) => s.selectedOrderId);
  return (
    <section className="orders-panel blotter" aria-labelledby="blotter-title">
      <div className="panel-head">
        <h2 id="blotter-title">Blotter</h2>
        <label className="inline-field">
          <span>Status</span>
          <select
            aria-label="Filter by status"
            value={filter ?? ''}
            onChange={(e) => setStatusFilter((e.target.value || null) as OrderStatus | null)}
          >
            <option value="">All</option>
            {ORDER_STATUSES.map((status) => (
              <option key={status} value={status}>
                {STATUS_LABEL[status]}
              </option>
            ))}
          </select>
        </label>
      </div>
      {!loaded ? (
        <p className="muted">Loading orders…</p>
      ) : orders.length === 0 ? (
        <div className="empty-state" data-testid="orders-empty">
          {filter ? (
            <p className="empty-title">No {STATUS_LABEL[filter].toLowerCase()} orders.</p>
          ) : (
            <>
              <p className="empty-title">No orders yet — press B on a watchlist row to buy</p>
              <p>
                In the Market view, select a row and press <kbd>B</kbd> to buy or <kbd>S</kbd> to sell; or use New order
                above. Paper orders fill against the live prices and cost no real money.
              </p>
            </>
          )}
        </div>
      ) : (
        <div className="table-scroll">
          <table className="table orders-table" aria-label="Orders">
            <thead>
              <tr>
                <th>Time</th>
                <th>Instrument</th>
                <th>Side</th>
                <th className="num" title="Filled / ordered">
                  Qty
                </th>
                <th>Type</th>
                <th className="num">Price</th>
                <th className="num">Avg price</th>
                <th>Status</th>
                <th>Broker</th>
                <th aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {orders.map((order) => (
                <OrderRow key={order.orderId} order={order} selected={order.orderId === selectedId} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
