import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { Order } from '../../../../shared/domain/trading';
import { formatClock, formatDateTime } from '../../lib/format';
import { useOrdersStore } from '../../stores/orders';
import { StatusChip } from './Blotter';
import { BROKER_LABEL, formatRupees, formatUnits, ORDER_TYPE_LABEL, PRODUCT_LABEL } from './format';
import { canModify } from './modify';
import { ModifyOrder } from './ModifyOrder';

const typingIn = (target: EventTarget | null) =>
  !!(target as HTMLElement | null)?.closest?.('input, textarea, select, [contenteditable="true"]');

/** `m` opens the modify form of the selected order while it can be changed; never while typing or in the ticket. */
function useModifyKey(enabled: boolean, open: () => void): void {
  useEffect(() => {
    if (!enabled) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
      if (event.key.toLowerCase() !== 'm' || typingIn(event.target) || useOrdersStore.getState().ticket) return;
      event.preventDefault();
      open();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled, open]);
}

/** The order's timeline, oldest first: queued, sent, any unclear send and its reconcile, fills, the end. */
function Timeline({ order }: { order: Order }) {
  if (order.events.length === 0) return <p className="muted">No events yet.</p>;
  return (
    <ol className="order-timeline" data-testid="order-timeline">
      {order.events.map((event, i) => (
        <li key={`${event.at}-${i}`} data-kind={event.kind} className={`timeline-${event.kind}`}>
          <span className="timeline-at muted" title={event.at}>
            {formatClock(event.at)}
          </span>
          <span className="timeline-kind">{event.kind}</span>
          <StatusChip status={event.status} />
          <span className="timeline-message">{event.message}</span>
        </li>
      ))}
    </ol>
  );
}

/** Everything known of the selected order, and what happened to it. */
export function OrderDetail() {
  const order = useOrdersStore((s) => s.selected);
  const selectedId = useOrdersStore((s) => s.selectedOrderId);
  // The order the modify form is open for: selecting another order closes it rather than showing it against that one.
  const [editingId, setEditingId] = useState<number | null>(null);
  if (editingId !== null && editingId !== selectedId) setEditingId(null);
  const modifyButton = useRef<HTMLButtonElement>(null);
  const refocus = useRef(false);
  const modifiable = !!order && canModify(order);
  const editing = !!order && editingId === order.orderId;
  const openForm = useCallback(() => {
    if (order) setEditingId(order.orderId);
  }, [order]);
  const closeForm = useCallback(() => {
    refocus.current = true;
    setEditingId(null);
  }, []);
  useEffect(() => {
    // The keyboard goes back to where it was before the form opened.
    if (editing || !refocus.current) return;
    refocus.current = false;
    modifyButton.current?.focus();
  }, [editing]);
  useModifyKey(modifiable && !editing, openForm);
  if (selectedId === null) {
    return (
      <section className="orders-panel order-detail" aria-labelledby="detail-title">
        <h2 id="detail-title">Order detail</h2>
        <p className="muted">Select an order in the blotter to see all its fields and its timeline.</p>
      </section>
    );
  }
  if (!order) {
    return (
      <section className="orders-panel order-detail" aria-labelledby="detail-title">
        <h2 id="detail-title">Order #{selectedId}</h2>
        <p className="muted">Loading…</p>
      </section>
    );
  }
  const fields: [string, ReactNode][] = [
    ['Instrument', `${order.tradingSymbol} · ${order.instrumentKey}`],
    ['Side', <span className={`side-tag side-${order.side.toLowerCase()}`}>{order.side}</span>],
    ['Quantity', `${formatUnits(order.filledQuantity)} filled of ${formatUnits(order.quantity)}`],
    ['Type', `${order.orderType} · ${ORDER_TYPE_LABEL[order.orderType]}`],
    ['Price', order.price !== null ? formatRupees(order.price) : 'Market'],
    ['Trigger', order.triggerPrice !== null ? formatRupees(order.triggerPrice) : '—'],
    ['Product', `${PRODUCT_LABEL[order.product]} (${order.product})`],
    ['Average price', formatRupees(order.averagePrice)],
    ['Charges', formatRupees(order.charges)],
    ['Broker', BROKER_LABEL[order.broker]],
    ['Broker order', order.brokerOrderIds.length > 0 ? order.brokerOrderIds.join(', ') : '—'],
    ['Sends', String(order.attempts)],
    ['Client order id', <code>{order.clientOrderId}</code>],
    ['Tag', <code>{order.tag}</code>],
    ['Job', order.jobId !== null ? `#${order.jobId}` : '—'],
    ['Created', formatDateTime(order.createdAt)],
    ['Updated', formatDateTime(order.updatedAt)],
  ];
  return (
    <section
      className="orders-panel order-detail"
      aria-labelledby="detail-title"
      data-testid="order-detail"
      data-order-id={order.orderId}
    >
      <div className="panel-head">
        <h2 id="detail-title">Order #{order.orderId}</h2>
        <span className="order-detail-actions">
          <StatusChip status={order.status} />
          {modifiable && !editing ? (
            <button
              ref={modifyButton}
              type="button"
              className="secondary"
              data-testid="modify-button"
              title="Change the quantity, type or prices (M)"
              onClick={openForm}
            >
              Modify
            </button>
          ) : null}
        </span>
      </div>
      {order.error ? (
        <p className="banner banner-bad" data-testid="order-error">
          {order.error}
        </p>
      ) : null}
      {editing ? <ModifyOrder key={order.orderId} order={order} onClose={closeForm} /> : null}
      <dl className="order-fields">
        {fields.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <h3>Timeline</h3>
      <Timeline order={order} />
    </section>
  );
}
