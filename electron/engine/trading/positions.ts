import type { BrokerId, OrderProduct, OrderSide } from '../../../shared/domain/trading';
import type { LedgerLine, PositionRecord } from '../store/portfolio';

/** One fill as a position sees it: money in integer paise. */
export interface FillInput {
  side: OrderSide;
  quantity: number;
  valuePaise: number;
  chargesPaise: number;
}

export interface PositionChange {
  netQuantity: number;
  costPaise: number;
  /** P&L realised by the part of the fill that closed the position. */
  realisedPaise: number;
  /** Cash in (sale) or out (purchase), before charges. */
  cashFlowPaise: number;
}

/**
 * A fill applied to a position of `net` units costing `cost` (signed like `net`): the part that goes the position's
 * way adds at its price; the part against it closes units at their average cost, realising the difference; what is
 * left after a full close opens the other way. Every amount stays whole paise, and
 * `cash flow + change of cost − realised = 0`, which is what keeps the ledger balanced.
 */
export function applyFill(net: number, cost: number, fill: FillInput): PositionChange {
  const direction = fill.side === 'BUY' ? 1 : -1;
  const cashFlowPaise = -direction * fill.valuePaise;
  if (net === 0 || Math.sign(net) === direction) {
    return {
      netQuantity: net + direction * fill.quantity,
      costPaise: cost + direction * fill.valuePaise,
      realisedPaise: 0,
      cashFlowPaise,
    };
  }
  const closed = Math.min(fill.quantity, Math.abs(net));
  const costClosed = closed === Math.abs(net) ? cost : Math.round((cost * closed) / Math.abs(net));
  const valueClosed =
    closed === fill.quantity ? fill.valuePaise : Math.round((fill.valuePaise * closed) / fill.quantity);
  const realisedPaise = Math.sign(net) * valueClosed - costClosed;
  return {
    netQuantity: net + direction * fill.quantity,
    costPaise: cost - costClosed + direction * (fill.valuePaise - valueClosed),
    realisedPaise,
    cashFlowPaise,
  };
}

/** The ledger lines of a fill: cash, positions at cost, charges and realised P&L, summing to zero. */
export function fillLines(change: PositionChange, previousCost: number, chargesPaise: number): LedgerLine[] {
  return [
    { account: 'cash', amountPaise: change.cashFlowPaise - chargesPaise },
    { account: 'positions', amountPaise: change.costPaise - previousCost },
    { account: 'charges', amountPaise: chargesPaise },
    { account: 'realised_pnl', amountPaise: -change.realisedPaise },
  ];
}

export function emptyPosition(
  broker: BrokerId,
  instrumentKey: string,
  product: OrderProduct,
  at: number,
): PositionRecord {
  return {
    broker,
    instrumentKey,
    product,
    netQuantity: 0,
    costPaise: 0,
    realisedPaise: 0,
    chargesPaise: 0,
    updatedAt: at,
  };
}

/** Unrealised P&L of a position marked at `ltpPaise`: what closing it there would realise. */
export function unrealisedPaise(position: Pick<PositionRecord, 'netQuantity' | 'costPaise'>, ltpPaise: number | null) {
  if (ltpPaise === null || position.netQuantity === 0) return 0;
  return Math.round(ltpPaise * position.netQuantity) - position.costPaise;
}
