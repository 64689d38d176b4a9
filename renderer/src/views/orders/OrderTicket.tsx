import type { KeyboardEvent } from 'react';
import { WorldBadge } from '../../components/WorldBadge';
import { useAppStore } from '../../stores/app';
import { displaySymbol } from '../../stores/market';
import { closeTicket, useOrdersStore, type TicketRequest } from '../../stores/orders';
import { sentence } from './field-errors';
import { BROKER_LABEL, formatRupees, ORDER_TYPE_LABEL, PRODUCT_LABEL } from './format';
import { describeQuantity, needsPrice, needsTrigger } from './ticket';
import { TicketForm } from './TicketForm';
import { ChargesBreakdown } from './TicketPreview';
import { useTicket, type TicketModel } from './use-ticket';

const FOCUSABLE = 'button:not([disabled]), input:not([disabled]), select, summary, [tabindex]:not([tabindex="-1"])';

/** Keeps Tab inside the dialog: past the last control it comes back to the first. */
function trapTab(event: KeyboardEvent<HTMLDivElement>) {
  const items = [...event.currentTarget.querySelectorAll<HTMLElement>(FOCUSABLE)];
  if (items.length === 0) return;
  const first = items[0]!;
  const last = items[items.length - 1]!;
  if (event.shiftKey && document.activeElement === first) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && document.activeElement === last) {
    event.preventDefault();
    first.focus();
  }
}

/** Everything the order will be, read back before it goes: the last look at a trade. */
function Confirmation({ model }: { model: TicketModel }) {
  const ready = model.ready;
  if (!ready) return null;
  const { ticket, preview } = ready;
  const live = preview.broker === 'upstox';
  const rows: [string, string][] = [
    ['Side', ticket.side],
    ['Quantity', describeQuantity(ticket.quantity, preview.lotSize)],
    ['Instrument', preview.tradingSymbol || ticket.instrumentKey],
    ['Type', `${ticket.orderType} · ${ORDER_TYPE_LABEL[ticket.orderType]}`],
    [
      'Price',
      needsPrice(ticket.orderType)
        ? formatRupees(ticket.price)
        : `Market${preview.referencePrice !== null ? ` (now ${formatRupees(preview.referencePrice)})` : ''}`,
    ],
    ...(needsTrigger(ticket.orderType) ? [['Trigger', formatRupees(ticket.triggerPrice)] as [string, string]] : []),
    ['Product', `${PRODUCT_LABEL[ticket.product]} (${ticket.product})`],
    ['Value', formatRupees(preview.orderValue)],
    ['Broker', BROKER_LABEL[preview.broker]],
  ];
  return (
    <div className="ticket-confirm" data-testid="ticket-confirm">
      <h2>Confirm {ticket.side === 'BUY' ? 'buy' : 'sell'} order</h2>
      {live ? (
        <p className="banner banner-bad" data-testid="ticket-live-warning">
          This order goes to Upstox: real money.
        </p>
      ) : null}
      <dl className="ticket-summary">
        {rows.map(([label, value]) => (
          <div key={label} className={label === 'Side' ? `summary-side side-${ticket.side.toLowerCase()}` : undefined}>
            <dt>{label}</dt>
            <dd data-testid={`confirm-${label.toLowerCase()}`}>{value}</dd>
          </div>
        ))}
      </dl>
      {preview.charges ? <ChargesBreakdown charges={preview.charges} /> : null}
      {preview.slices > 1 ? <p className="ticket-slices">Sent as {preview.slices} orders (freeze quantity).</p> : null}
      <div className="ticket-actions">
        <button type="button" className="ticket-go" autoFocus disabled={model.placing} onClick={model.primary}>
          {model.placing ? 'Placing…' : 'Confirm'}
        </button>
        <button type="button" className="secondary" onClick={model.back}>
          Back
        </button>
        <span className="muted small">
          <kbd>Enter</kbd> confirms, <kbd>Esc</kbd> goes back
        </span>
      </div>
    </div>
  );
}

function DuplicateQuestion({ model, secondsAgo }: { model: TicketModel; secondsAgo: number }) {
  return (
    <div className="ticket-duplicate" data-testid="ticket-duplicate">
      <p className="banner banner-warn">You placed the same order {secondsAgo} s ago. Place it again?</p>
      <div className="ticket-actions">
        <button type="button" className="ticket-go" autoFocus onClick={model.primary}>
          Place again
        </button>
        <button type="button" className="secondary" onClick={model.back}>
          Back
        </button>
      </div>
    </div>
  );
}

function TicketHeader({ model, onClose }: { model: TicketModel; onClose(): void }) {
  const tradingMode = useAppStore((s) => s.settings?.values.tradingMode ?? 'paper');
  const { draft, instrument, ltp } = model;
  const broker = model.preview?.broker ?? (tradingMode === 'live' ? 'upstox' : 'paper');
  return (
    <header className="ticket-head">
      <span className={`ticket-side-badge side-${draft.side.toLowerCase()}`} data-testid="ticket-side">
        {draft.side}
      </span>
      <span className="ticket-symbol">
        {draft.instrumentKey ? displaySymbol(draft.instrumentKey, instrument) : 'New order'}
      </span>
      <span className="ticket-ltp" data-testid="ticket-ltp" title="Last traded price, live from the feed">
        {ltp !== null ? `LTP ${formatRupees(ltp)}` : draft.instrumentKey ? 'no live price' : ''}
      </span>
      <WorldBadge size="small" />
      <span className={`ticket-broker broker-${broker}`} data-testid="ticket-broker">
        {BROKER_LABEL[broker]}
      </span>
      <button type="button" className="icon-button ticket-close" aria-label="Close ticket" onClick={onClose}>
        ×
      </button>
    </header>
  );
}

function Ticket({ request }: { request: TicketRequest }) {
  const model = useTicket(request, closeTicket);
  const { step, errors } = model;

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.altKey && !event.ctrlKey && !event.metaKey && (event.code === 'KeyB' || event.code === 'KeyS')) {
      event.preventDefault();
      if (step.kind === 'edit') model.setSide(event.code === 'KeyB' ? 'BUY' : 'SELL');
    } else if (event.key === 'Escape') {
      event.preventDefault();
      if (step.kind === 'edit') closeTicket();
      else model.back();
    } else if (event.key === 'Enter' && !event.altKey && !event.ctrlKey && !event.metaKey) {
      // A focused button or the charges toggle takes Enter as its own click.
      if ((event.target as HTMLElement).closest('button, a, summary, textarea')) return;
      event.preventDefault();
      model.primary();
    } else if (event.key === 'Tab') {
      trapTab(event);
    }
  };

  return (
    <div className="ticket-backdrop">
      <div
        role="dialog"
        aria-modal="true"
        aria-label="Order ticket"
        className={`ticket side-${model.draft.side.toLowerCase()}`}
        data-step={step.kind}
        onKeyDown={onKeyDown}
      >
        <TicketHeader model={model} onClose={closeTicket} />
        {step.kind === 'confirm' ? <Confirmation model={model} /> : null}
        {step.kind === 'duplicate' ? <DuplicateQuestion model={model} secondsAgo={step.secondsAgo} /> : null}
        {step.kind === 'edit' ? (
          <form
            className="ticket-body"
            aria-label="Order"
            noValidate
            onSubmit={(event) => {
              event.preventDefault();
              model.primary();
            }}
          >
            <TicketForm model={model} />
            {model.transportFailure ? (
              <p className="banner banner-bad" role="alert" data-testid="ticket-transport-error">
                Not sent: {model.transportFailure}. Place it again when the engine is back: it goes with the same order
                id, so it can never be placed twice.
              </p>
            ) : errors.form ? (
              <p className="field-error ticket-form-error" role="alert" data-testid="ticket-error-form">
                {sentence(errors.form)}
              </p>
            ) : null}
            <div className="ticket-actions">
              <button
                type="submit"
                className={`ticket-go side-${model.draft.side.toLowerCase()}`}
                disabled={!model.ready || model.placing}
              >
                {model.placing ? 'Placing…' : 'Place order'}
              </button>
              <button type="button" className="secondary" onClick={closeTicket}>
                Cancel
              </button>
              <span className="muted small">
                <kbd>Enter</kbd> places · <kbd>Alt+B</kbd>/<kbd>Alt+S</kbd> side · <kbd>Esc</kbd> closes
              </span>
            </div>
          </form>
        ) : null}
      </div>
    </div>
  );
}

/** The order ticket dialog, wherever it was opened from; each opening is a new ticket. */
export function OrderTicketHost() {
  const request = useOrdersStore((s) => s.ticket);
  return request ? <Ticket key={request.nonce} request={request} /> : null;
}
