import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Instrument } from '../../../../shared/domain/instruments';
import type { OrderPlaced, OrderPreview, OrderSide, OrderTicket, OrderType } from '../../../../shared/domain/trading';
import { useBridge } from '../../bridge-context';
import { useAppStore } from '../../stores/app';
import { rememberInstruments, useMarketStore } from '../../stores/market';
import { notePlaced, useOrdersStore, type TicketRequest } from '../../stores/orders';
import { pushToast } from '../../stores/toasts';
import { useInstrument } from '../market/instrument-lookup';
import { fieldErrorsOf } from './field-errors';
import {
  checkTicket,
  clientOrderIdFor,
  describeQuantity,
  duplicateAge,
  isTransportError,
  needsConfirmation,
  needsPrice,
  priceTextAt,
  quantityText,
  TICKET_FIELDS,
  ticketSignature,
  type TicketDraft,
  type TicketErrors,
} from './ticket';

const PREVIEW_DEBOUNCE_MS = 150;

export type TicketStep = { kind: 'edit' } | { kind: 'duplicate'; secondsAgo: number } | { kind: 'confirm' };

type PreviewState =
  | { signature: string; status: 'loading' }
  | { signature: string; status: 'ok'; preview: OrderPreview }
  | { signature: string; status: 'error'; errors: TicketErrors };

/** Why the last send failed, for the ticket it was sent as. */
interface PlaceFailure {
  signature: string;
  errors: TicketErrors;
  /** The engine may have the order: sending the same ticket again goes with the same id. */
  transport: boolean;
}

/** What a ready ticket is sent as. */
interface Ready {
  ticket: OrderTicket;
  signature: string;
  preview: OrderPreview;
}

function initialDraft(request: TicketRequest): Omit<TicketDraft, 'quantity'> {
  return {
    instrumentKey: request.instrumentKey,
    side: request.side,
    orderType: request.orderType ?? 'MARKET',
    price: '',
    triggerPrice: '',
    product: request.product ?? 'I',
  };
}

/**
 * An order ticket's state: the draft, its checks, the debounced preview, and the way to the engine (duplicate
 * guard, confirmation, one clientOrderId per distinct submission).
 */
export function useTicket(request: TicketRequest, onClose: () => void) {
  const bridge = useBridge();
  const [fields, setFields] = useState(() => initialDraft(request));
  // Null until the user types: the quantity then follows the lot size as it becomes known (a square-off's units).
  const [typedQuantity, setTypedQuantity] = useState<string | null>(null);
  const [preview, setPreview] = useState<PreviewState | null>(null);
  const [lastGood, setLastGood] = useState<OrderPreview | null>(null);
  const [step, setStep] = useState<TicketStep>({ kind: 'edit' });
  const [placing, setPlacing] = useState(false);
  const [failure, setFailure] = useState<PlaceFailure | null>(null);
  const sent = useRef<Record<string, string>>({});
  const autoSubmitted = useRef(false);

  const key = fields.instrumentKey;
  const instrument = useInstrument(key);
  const ltp = useMarketStore((s) => (key ? s.ticks[key]?.ltp : undefined));
  const known = lastGood && lastGood.instrumentKey === key ? lastGood : null;
  const lotSize = known?.lotSize ?? instrument?.lotSize ?? null;
  const tickSize = known?.tickSize ?? instrument?.tickSize ?? null;
  const quantity = typedQuantity ?? (request.units === undefined ? '1' : quantityText(request.units, lotSize));
  const draft: TicketDraft = useMemo(() => ({ ...fields, quantity }), [fields, quantity]);
  const check = useMemo(() => checkTicket(draft, lotSize), [draft, lotSize]);
  const ticket = check.ok ? check.ticket : null;
  const signature = ticket ? ticketSignature(ticket) : null;
  const current = preview && preview.signature === signature ? preview : null;
  const shownFailure = failure && failure.signature === signature ? failure : null;
  // A ticket the engine refused stays refused until it changes; one lost on the way may be sent again.
  const refused = !!shownFailure && !shownFailure.transport;
  const ready: Ready | null =
    ticket && signature && current?.status === 'ok' && !refused
      ? { ticket, signature, preview: current.preview }
      : null;

  const send = useCallback(
    async (what: Ready) => {
      const { clientOrderId, sent: next } = clientOrderIdFor(sent.current, what.signature);
      sent.current = next;
      setPlacing(true);
      setFailure(null);
      let placed: OrderPlaced;
      try {
        placed = await bridge.invoke('orders.place', { ...what.ticket, clientOrderId });
      } catch (error) {
        setFailure({
          signature: what.signature,
          errors: fieldErrorsOf(error, TICKET_FIELDS),
          transport: isTransportError(error),
        });
        setStep({ kind: 'edit' });
        setPlacing(false);
        return;
      }
      notePlaced(what.signature, Date.now());
      const { side, quantity: units } = what.ticket;
      const summary = `${side.toLowerCase()} ${describeQuantity(units, what.preview.lotSize)} ${what.preview.tradingSymbol}`;
      pushToast({ tone: 'ok', text: `Order queued: ${summary}${placed.duplicate ? ' (already received)' : ''}` });
      onClose();
    },
    [bridge, onClose],
  );

  /** After the duplicate question: the confirmation when one is needed, else straight to the engine. */
  const afterDuplicate = useCallback(
    (what: Ready) => {
      if (needsConfirmation(useAppStore.getState().settings?.values, what.preview.broker)) setStep({ kind: 'confirm' });
      else void send(what);
    },
    [send],
  );

  const submitReady = useCallback(
    (what: Ready) => {
      const age = duplicateAge(useOrdersStore.getState().lastPlaced, what.signature, Date.now());
      if (age !== null) setStep({ kind: 'duplicate', secondsAgo: age });
      else afterDuplicate(what);
    },
    [afterDuplicate],
  );

  useEffect(() => {
    if (!ticket || !signature) return;
    let stale = false;
    const timer = setTimeout(() => {
      setPreview({ signature, status: 'loading' });
      bridge.invoke('orders.preview', ticket).then(
        (answer) => {
          if (stale) return;
          setPreview({ signature, status: 'ok', preview: answer });
          setLastGood(answer);
          // A square-off goes on by itself once its preview is good; only the first one, never after an edit.
          if (request.submitWhenReady && !autoSubmitted.current) {
            autoSubmitted.current = true;
            submitReady({ ticket, signature, preview: answer });
          }
        },
        (error: unknown) => {
          if (!stale) setPreview({ signature, status: 'error', errors: fieldErrorsOf(error, TICKET_FIELDS) });
        },
      );
    }, PREVIEW_DEBOUNCE_MS);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [bridge, ticket, signature, request.submitWhenReady, submitReady]);

  const errors: TicketErrors = !check.ok
    ? check.errors
    : { ...(current?.status === 'error' ? current.errors : {}), ...(shownFailure?.errors ?? {}) };

  const edit = (patch: Partial<typeof fields>) => {
    autoSubmitted.current = true;
    setFields((f) => ({ ...f, ...patch }));
  };

  return {
    draft,
    step,
    errors,
    ready,
    placing,
    instrument,
    ltp: ltp ?? null,
    lotSize,
    /** The preview of the ticket as it is, or the last good one while a new one loads (dimmed by the view). */
    preview: current?.status === 'ok' ? current.preview : known,
    previewFresh: current?.status === 'ok',
    previewLoading: !!ticket && current?.status !== 'ok' && current?.status !== 'error',
    /** A send that may have reached the engine: the view says a retry is safe. */
    transportFailure: shownFailure?.transport ? (shownFailure.errors.form ?? null) : null,
    setSide: (side: OrderSide) => edit({ side }),
    setQuantity: (text: string) => {
      autoSubmitted.current = true;
      setTypedQuantity(text);
    },
    setOrderType: (orderType: OrderType) => {
      // A limit price starts at the live price, on the tick grid: the trader adjusts it rather than typing it all.
      const seed = needsPrice(orderType) && fields.price.trim() === '' && ltp ? priceTextAt(ltp, tickSize) : null;
      edit(seed ? { orderType, price: seed } : { orderType });
    },
    setPrice: (price: string) => edit({ price }),
    setTriggerPrice: (triggerPrice: string) => edit({ triggerPrice }),
    setProduct: (product: TicketDraft['product']) => edit({ product }),
    setInstrument: (picked: Instrument) => {
      rememberInstruments([picked]);
      edit({ instrumentKey: picked.instrumentKey, price: '', triggerPrice: '' });
    },
    /** Enter on the ticket: the next step of placing, when there is one. */
    primary: () => {
      if (placing) return;
      if (step.kind === 'edit') {
        if (ready) submitReady(ready);
      } else if (!ready) setStep({ kind: 'edit' });
      else if (step.kind === 'duplicate') afterDuplicate(ready);
      else void send(ready);
    },
    back: () => setStep({ kind: 'edit' }),
  };
}

export type TicketModel = ReturnType<typeof useTicket>;
