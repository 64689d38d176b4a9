import type { OrderUpdateEvent } from '../../../../shared/domain/trading';
import type { PreviousOrder } from '../../stores/orders';
import type { ToastInput } from '../../stores/toasts';
import { formatRupees, formatUnits } from './format';

const PAST = { BUY: 'Bought', SELL: 'Sold' } as const;

const at = (price: number | null) => (price === null ? '' : ` @ ${formatRupees(price)}`);

/**
 * The toast an order update deserves, or null: a fill, a partial fill (each one that adds quantity), a rejection
 * (kept until dismissed: the broker's reason matters) or a failure. Anything else is shown by the blotter alone.
 */
export function orderToast(previous: PreviousOrder | undefined, update: OrderUpdateEvent): ToastInput | null {
  const changed = previous?.status !== update.status;
  const symbol = update.tradingSymbol || update.instrumentKey;
  const what = `${update.side.toLowerCase()} ${formatUnits(update.quantity)} ${symbol}`;
  const reason = update.error ?? update.event.message;
  switch (update.status) {
    case 'FILLED':
      if (!changed) return null;
      return {
        tone: 'ok',
        text: `${PAST[update.side]} ${formatUnits(update.filledQuantity)} ${symbol}${at(update.averagePrice)}`,
      };
    case 'PARTIALLY_FILLED':
      if (!changed && (previous?.filledQuantity ?? 0) >= update.filledQuantity) return null;
      return {
        tone: 'info',
        text: `Part filled: ${PAST[update.side].toLowerCase()} ${formatUnits(update.filledQuantity)} of ${formatUnits(update.quantity)} ${symbol}${at(update.averagePrice)}`,
      };
    case 'REJECTED':
      return changed ? { tone: 'bad', text: `Rejected: ${what}${reason ? ` — ${reason}` : ''}`, sticky: true } : null;
    case 'FAILED':
      return changed ? { tone: 'bad', text: `Failed: ${what}${reason ? ` — ${reason}` : ''}` } : null;
    default:
      return null;
  }
}
