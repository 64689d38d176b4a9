import type { BrokerId, OrderProduct, OrderSide, OrderStatus, OrderType } from '../../../../shared/domain/trading';

/** Rupees as Indian traders read them: ₹1,00,000.00. */
const RUPEES = new Intl.NumberFormat('en-IN', {
  style: 'currency',
  currency: 'INR',
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});
const UNITS = new Intl.NumberFormat('en-IN', { maximumFractionDigits: 0 });

export function formatRupees(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  // -0.004 rounds to "-₹0.00", which reads as a loss that is not there.
  return RUPEES.format(Math.abs(value) < 0.005 ? 0 : value);
}

/** A P&L with its sign always shown, so a gain and a loss differ even without colour: +₹450.00, −₹12.30. */
export function formatPnl(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (Math.abs(value) < 0.005) return RUPEES.format(0);
  return `${value > 0 ? '+' : '−'}${RUPEES.format(Math.abs(value))}`;
}

export function formatUnits(value: number): string {
  return UNITS.format(value);
}

export function pnlTone(value: number | null | undefined): 'up' | 'down' | '' {
  if (value === null || value === undefined || Math.abs(value) < 0.005) return '';
  return value > 0 ? 'up' : 'down';
}

export const SIDE_LABEL: Readonly<Record<OrderSide, string>> = { BUY: 'Buy', SELL: 'Sell' };
export const PRODUCT_LABEL: Readonly<Record<OrderProduct, string>> = { I: 'Intraday', D: 'Delivery' };
export const ORDER_TYPE_LABEL: Readonly<Record<OrderType, string>> = {
  MARKET: 'Market',
  LIMIT: 'Limit',
  SL: 'Stop-loss',
  'SL-M': 'Stop-loss market',
};
/** Who gets the order; a live order's broker says plainly that the money is real. */
export const BROKER_LABEL: Readonly<Record<BrokerId, string>> = { paper: 'Paper', upstox: 'Upstox — real money' };
export const BROKER_SHORT: Readonly<Record<BrokerId, string>> = { paper: 'Paper', upstox: 'Upstox' };

export const STATUS_LABEL: Readonly<Record<OrderStatus, string>> = {
  QUEUED: 'Queued',
  SUBMITTING: 'Sending',
  OPEN: 'Open',
  FILLED: 'Filled',
  PARTIALLY_FILLED: 'Part filled',
  REJECTED: 'Rejected',
  CANCELLED: 'Cancelled',
  FAILED: 'Failed',
};

/** CSS class of a status chip: one colour per status. */
export function statusChipClass(status: OrderStatus): string {
  return `order-chip chip-${status.toLowerCase().replace('_', '-')}`;
}
