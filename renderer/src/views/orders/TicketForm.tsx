import { useId, useRef } from 'react';
import {
  ORDER_PRODUCTS,
  ORDER_SIDES,
  ORDER_TYPES,
  type OrderProduct,
  type OrderSide,
  type OrderType,
} from '../../../../shared/domain/trading';
import { sentence } from './field-errors';
import { Segmented, TextField } from './fields';
import { ORDER_TYPE_LABEL, PRODUCT_LABEL, SIDE_LABEL } from './format';
import { InstrumentField } from './InstrumentField';
import { describeQuantity, needsPrice, needsTrigger, tradesInLots, unitsPerStep } from './ticket';
import { TicketPreview } from './TicketPreview';
import type { TicketModel } from './use-ticket';

/** The editable ticket: instrument, side, quantity, type with its prices, product, and the engine's preview. */
export function TicketForm({ model }: { model: TicketModel }) {
  const id = useId();
  const quantityRef = useRef<HTMLInputElement>(null);
  const { draft, errors, lotSize } = model;
  const lots = tradesInLots(lotSize);
  const steps = Number(draft.quantity);
  const units = Number.isFinite(steps) && steps > 0 ? steps * unitsPerStep(lotSize) : null;
  const quantityHint = units === null ? null : describeQuantity(units, lotSize);

  return (
    <div className="ticket-form">
      <InstrumentField
        instrumentKey={draft.instrumentKey}
        instrument={model.instrument}
        error={errors.instrumentKey}
        onPick={(instrument) => {
          model.setInstrument(instrument);
          // The search box goes away with the pick: the size is what the trader types next.
          requestAnimationFrame(() => quantityRef.current?.focus());
        }}
      />
      <Segmented<OrderSide>
        legend="Side"
        name={`${id}-side`}
        className="ticket-sides"
        options={ORDER_SIDES}
        value={draft.side}
        label={(side) => SIDE_LABEL[side]}
        hint={(side) => `Alt+${side === 'BUY' ? 'B' : 'S'}`}
        onChange={model.setSide}
      />
      <TextField
        name="quantity"
        noun="Quantity"
        inputRef={quantityRef}
        label={`Quantity (${lots ? 'lots' : 'shares'})`}
        inputMode="numeric"
        // The first field once the instrument is chosen: a trader types the size and presses Enter.
        autoFocus={draft.instrumentKey !== null}
        value={draft.quantity}
        onChange={model.setQuantity}
        hint={quantityHint && lots ? quantityHint : null}
        hintTestId="ticket-lots"
        error={errors.quantity}
      />
      <Segmented<OrderType>
        legend="Order type"
        name={`${id}-type`}
        options={ORDER_TYPES}
        value={draft.orderType}
        label={(type) => type}
        hint={(type) => ORDER_TYPE_LABEL[type]}
        onChange={model.setOrderType}
      />
      {needsPrice(draft.orderType) || needsTrigger(draft.orderType) ? (
        <div className="ticket-prices">
          {needsPrice(draft.orderType) ? (
            <TextField
              name="price"
              noun="Price"
              label="Price (₹)"
              inputMode="decimal"
              value={draft.price}
              onChange={model.setPrice}
              error={errors.price}
            />
          ) : null}
          {needsTrigger(draft.orderType) ? (
            <TextField
              name="triggerPrice"
              noun="Trigger price"
              label="Trigger price (₹)"
              inputMode="decimal"
              value={draft.triggerPrice}
              onChange={model.setTriggerPrice}
              error={errors.triggerPrice}
            />
          ) : null}
        </div>
      ) : null}
      <Segmented<OrderProduct>
        legend="Product"
        name={`${id}-product`}
        options={ORDER_PRODUCTS}
        value={draft.product}
        label={(product) => `${PRODUCT_LABEL[product]} (${product})`}
        onChange={model.setProduct}
      />
      {errors.side || errors.orderType || errors.product ? (
        <p className="field-error">{sentence(errors.side ?? errors.orderType ?? errors.product ?? '')}</p>
      ) : null}
      <TicketPreview preview={model.preview} fresh={model.previewFresh} loading={model.previewLoading} />
    </div>
  );
}
