import { useId, useState, type KeyboardEvent } from 'react';
import { ORDER_TYPES, type Order, type OrderType } from '../../../../shared/domain/trading';
import { useBridge } from '../../bridge-context';
import { useCommand } from '../../lib/use-command';
import { useMarketStore } from '../../stores/market';
import { applyOrder } from '../../stores/orders';
import { useInstrument } from '../market/instrument-lookup';
import { sentence } from './field-errors';
import { Segmented, TextField } from './fields';
import { ORDER_TYPE_LABEL, STATUS_LABEL } from './format';
import {
  buildModify,
  canModify,
  describeFilled,
  modifyDraftOf,
  modifyFailureOf,
  type ModifyDraft,
  type ModifyErrors,
} from './modify';
import { describeQuantity, needsPrice, needsTrigger, priceTextAt, tradesInLots, unitsPerStep } from './ticket';

function OrderTypeField({ value, onChange }: { value: OrderType; onChange(type: OrderType): void }) {
  const name = useId();
  return (
    <Segmented
      legend="Order type"
      name={name}
      options={ORDER_TYPES}
      value={value}
      label={(type) => type}
      hint={(type) => ORDER_TYPE_LABEL[type]}
      onChange={onChange}
    />
  );
}

function quantityHint(order: Order, draft: ModifyDraft, lotSize: number | null): string | null {
  const steps = Number(draft.quantity);
  const units = Number.isFinite(steps) && steps > 0 ? steps * unitsPerStep(lotSize) : null;
  const parts = [
    units !== null && tradesInLots(lotSize) ? describeQuantity(units, lotSize) : null,
    order.filledQuantity > 0 ? `${describeFilled(order.filledQuantity, lotSize)} filled already` : null,
  ];
  return parts.filter(Boolean).join(' · ') || null;
}

/**
 * The inline form that changes a working order at its broker: quantity, type and the prices that type takes, as on
 * the ticket. Fields the trader leaves alone follow the order as it updates, so only what they changed is sent.
 */
export function ModifyOrder({ order, onClose }: { order: Order; onClose(): void }) {
  const bridge = useBridge();
  const command = useCommand();
  const instrument = useInstrument(order.instrumentKey);
  const ltp = useMarketStore((s) => s.ticks[order.instrumentKey]?.ltp);
  const lotSize = instrument?.lotSize ?? null;
  const [edits, setEdits] = useState<Partial<ModifyDraft>>({});
  const [triedUnchanged, setTriedUnchanged] = useState(false);

  const draft: ModifyDraft = { ...modifyDraftOf(order, lotSize), ...edits };
  const check = buildModify(order, draft, lotSize);
  const failure = command.error === null ? null : modifyFailureOf(command.error);
  const working = canModify(order);
  const errors: ModifyErrors = check.kind === 'invalid' ? check.errors : (failure?.errors ?? {});
  const formError =
    errors.form ??
    (triedUnchanged && check.kind === 'unchanged' ? 'Nothing to save: nothing differs from the order' : null);

  const edit = (patch: Partial<ModifyDraft>) => {
    command.clearError();
    setTriedUnchanged(false);
    setEdits((e) => ({ ...e, ...patch }));
  };
  const setOrderType = (orderType: OrderType) => {
    // A price a trader adjusts starts at the live price, on the tick grid, when the order had none.
    const seed =
      needsPrice(orderType) && draft.price.trim() === '' && ltp ? priceTextAt(ltp, instrument?.tickSize) : null;
    edit(seed ? { orderType, price: seed } : { orderType });
  };

  const save = () => {
    if (command.busy || !working) return;
    if (check.kind === 'unchanged') setTriedUnchanged(true);
    if (check.kind !== 'ok') return;
    const input = check.input;
    void command.run(async () => {
      const saved = await bridge.invoke('orders.modify', input);
      applyOrder(saved);
      onClose();
    });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLFormElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      onClose();
    } else if (event.key === 'Enter' && !event.altKey && !event.ctrlKey && !event.metaKey) {
      // A focused button takes Enter as its own click: Cancel must not save.
      if ((event.target as HTMLElement).closest('button')) return;
      event.preventDefault();
      save();
    }
  };

  return (
    <form
      className="modify-order"
      aria-label={`Modify order #${order.orderId}`}
      data-testid="modify-order"
      noValidate
      onKeyDown={onKeyDown}
      onSubmit={(event) => {
        event.preventDefault();
        save();
      }}
    >
      <h3>Modify order</h3>
      {failure?.conflict ? (
        <p className="banner banner-bad" role="alert" data-testid="modify-conflict">
          {sentence(failure.conflict)}
        </p>
      ) : !working ? (
        <p className="banner banner-warn" role="alert" data-testid="modify-conflict">
          The order is {STATUS_LABEL[order.status].toLowerCase()} now: it can no longer be changed.
        </p>
      ) : null}
      <TextField
        form="modify"
        name="quantity"
        noun="Quantity"
        label={`Quantity (${tradesInLots(lotSize) ? 'lots' : 'shares'})`}
        inputMode="numeric"
        autoFocus
        value={draft.quantity}
        onChange={(quantity) => edit({ quantity })}
        hint={quantityHint(order, draft, lotSize)}
        error={errors.quantity}
      />
      <OrderTypeField value={draft.orderType} onChange={setOrderType} />
      {errors.orderType ? (
        <p className="field-error" data-testid="modify-error-orderType">
          {sentence(errors.orderType)}
        </p>
      ) : null}
      {needsPrice(draft.orderType) || needsTrigger(draft.orderType) ? (
        <div className="ticket-prices">
          {needsPrice(draft.orderType) ? (
            <TextField
              form="modify"
              name="price"
              noun="Price"
              label="Price (₹)"
              inputMode="decimal"
              value={draft.price}
              onChange={(price) => edit({ price })}
              error={errors.price}
            />
          ) : null}
          {needsTrigger(draft.orderType) ? (
            <TextField
              form="modify"
              name="triggerPrice"
              noun="Trigger price"
              label="Trigger price (₹)"
              inputMode="decimal"
              value={draft.triggerPrice}
              onChange={(triggerPrice) => edit({ triggerPrice })}
              error={errors.triggerPrice}
            />
          ) : null}
        </div>
      ) : null}
      {formError ? (
        <p className="field-error modify-form-error" role="alert" data-testid="modify-error-form">
          {sentence(formError)}
        </p>
      ) : null}
      <div className="ticket-actions">
        <button type="submit" disabled={command.busy || !working}>
          {command.busy ? 'Saving…' : 'Save changes'}
        </button>
        <button type="button" className="secondary" onClick={onClose}>
          Cancel
        </button>
        <span className="muted small">
          <kbd>Enter</kbd> saves · <kbd>Esc</kbd> cancels
        </span>
      </div>
    </form>
  );
}
