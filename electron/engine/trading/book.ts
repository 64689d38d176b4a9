import type { BrokerId, LedgerEntry, OrderProduct, OrderSide, Position, Wallet } from '../../../shared/domain/trading';
import type { Clock } from '../common/clock';
import type { InstrumentStore } from '../store/instruments';
import type { PortfolioStore } from '../store/portfolio';
import type { Db } from '../store/types';
import { applyFill, emptyPosition, fillLines, unrealisedPaise } from './positions';

export const rupees = (paise: number): number => Math.round(paise) / 100;
export const toPaise = (rupeeAmount: number): number => Math.round(rupeeAmount * 100);

export interface BookedFill {
  source: 'order' | 'settlement';
  orderId: number | null;
  broker: BrokerId;
  instrumentKey: string;
  product: OrderProduct;
  side: OrderSide;
  quantity: number;
  valuePaise: number;
  chargesPaise: number;
  description: string;
}

export interface BookDeps {
  db: Db;
  portfolio: PortfolioStore;
  instruments: Pick<InstrumentStore, 'get'>;
  clock: Clock;
  /** The live price (rupees) of an instrument, or null without one. */
  ltp(instrumentKey: string): number | null;
  startingCash: () => number;
}

/**
 * Positions, the paper wallet and its double-entry ledger. A fill changes the position, and (for the paper broker)
 * the wallet's cash and the ledger, in the caller's transaction; the wallet's cash and the ledger's cash account are
 * kept apart so the nightly reconciliation has two figures to compare.
 */
export function createBook(deps: BookDeps) {
  const { db, portfolio, clock } = deps;

  function ensureWallet(broker: BrokerId): void {
    if (broker !== 'paper' || portfolio.wallet(broker)) return;
    const at = clock.now();
    const cash = toPaise(deps.startingCash());
    db.transaction(() => {
      portfolio.openWallet(broker, cash, at);
      portfolio.addEntry({
        broker,
        at,
        kind: 'deposit',
        description: 'Paper wallet opened with its starting cash',
        orderId: null,
        lines: [
          { account: 'cash', amountPaise: cash },
          { account: 'capital', amountPaise: -cash },
        ],
      });
    })();
  }

  const symbolOf = (key: string) => deps.instruments.get([key])[0]?.tradingSymbol ?? key;

  function positionView(p: ReturnType<PortfolioStore['positions']>[number]): Position {
    const ltp = deps.ltp(p.instrumentKey);
    return {
      broker: p.broker,
      instrumentKey: p.instrumentKey,
      tradingSymbol: symbolOf(p.instrumentKey),
      product: p.product,
      netQuantity: p.netQuantity,
      averagePrice: p.netQuantity === 0 ? null : Math.round((p.costPaise / p.netQuantity) * 100) / 10_000,
      ltp,
      realisedPnl: rupees(p.realisedPaise),
      unrealisedPnl: rupees(unrealisedPaise(p, ltp === null ? null : toPaise(ltp))),
      updatedAt: new Date(p.updatedAt).toISOString(),
    };
  }

  function positions(broker: BrokerId, includeClosed: boolean): Position[] {
    return portfolio
      .positions(broker)
      .filter((p) => includeClosed || p.netQuantity !== 0)
      .map(positionView);
  }

  function wallet(broker: BrokerId = 'paper'): Wallet {
    ensureWallet(broker);
    const record = portfolio.wallet(broker);
    const all = portfolio.positions(broker);
    let atCost = 0;
    let unrealised = 0;
    let realised = 0;
    let charges = 0;
    for (const p of all) {
      atCost += p.costPaise;
      realised += p.realisedPaise;
      charges += p.chargesPaise;
      const ltp = deps.ltp(p.instrumentKey);
      // Without a live price a position is marked at its cost.
      unrealised += unrealisedPaise(p, ltp === null ? null : toPaise(ltp));
    }
    const cash = record?.cashPaise ?? 0;
    return {
      broker,
      startingCash: rupees(record?.startingCashPaise ?? 0),
      cash: rupees(cash),
      positionsAtCost: rupees(atCost),
      charges: rupees(charges),
      realisedPnl: rupees(realised),
      unrealisedPnl: rupees(unrealised),
      equity: rupees(cash + atCost + unrealised),
    };
  }

  return {
    ensureWallet,
    positions,
    wallet,
    /** In the caller's transaction: the fill, its position, and for paper the cash and the ledger. */
    book(fill: BookedFill): void {
      ensureWallet(fill.broker);
      const at = clock.now();
      const before =
        portfolio.position(fill.broker, fill.instrumentKey, fill.product) ??
        emptyPosition(fill.broker, fill.instrumentKey, fill.product, at);
      const change = applyFill(before.netQuantity, before.costPaise, fill);
      portfolio.insertFill({ ...fill, at });
      portfolio.savePosition({
        ...before,
        netQuantity: change.netQuantity,
        costPaise: change.costPaise,
        realisedPaise: before.realisedPaise + change.realisedPaise,
        chargesPaise: before.chargesPaise + fill.chargesPaise,
        updatedAt: at,
      });
      if (fill.broker !== 'paper') return;
      portfolio.moveCash(fill.broker, change.cashFlowPaise - fill.chargesPaise, at);
      portfolio.addEntry({
        broker: fill.broker,
        at,
        kind: fill.source === 'settlement' ? 'settlement' : 'fill',
        description: fill.description,
        orderId: fill.orderId,
        lines: fillLines(change, before.costPaise, fill.chargesPaise),
      });
    },
    ledger(limit: number, broker: BrokerId = 'paper'): LedgerEntry[] {
      ensureWallet(broker);
      return portfolio.entries(broker, limit).map((e) => ({
        id: e.id,
        at: new Date(e.at).toISOString(),
        kind: e.kind,
        description: e.description,
        orderId: e.orderId,
        lines: e.lines.map((line) => ({ account: line.account, amount: rupees(line.amountPaise) })),
      }));
    },
    /**
     * The paper wallet against its ledger: cash, positions at cost and realised P&L each computed two ways, and the
     * invariant cash + positions at cost = starting cash − charges + realised P&L. Empty when all agree.
     */
    reconcile(broker: BrokerId = 'paper'): { figures: Record<string, number>; mismatches: string[] } {
      ensureWallet(broker);
      const balances = portfolio.balances(broker);
      const record = portfolio.wallet(broker)!;
      const all = portfolio.positions(broker);
      const sum = (pick: (p: (typeof all)[number]) => number) => all.reduce((total, p) => total + pick(p), 0);
      const figures = {
        walletCash: record.cashPaise,
        ledgerCash: balances.cash,
        positionsAtCost: sum((p) => p.costPaise),
        ledgerPositions: balances.positions,
        realised: sum((p) => p.realisedPaise),
        ledgerRealised: -balances.realised_pnl,
        charges: sum((p) => p.chargesPaise),
        ledgerCharges: balances.charges,
        startingCash: record.startingCashPaise,
        unbalancedEntries: portfolio.unbalancedEntries(broker),
      };
      const mismatches: string[] = [];
      const check = (label: string, a: number, b: number) => {
        if (a !== b) mismatches.push(`${label}: ${rupees(a)} against ${rupees(b)} (₹)`);
      };
      check('wallet cash against the ledger', figures.walletCash, figures.ledgerCash);
      check('positions at cost against the ledger', figures.positionsAtCost, figures.ledgerPositions);
      check('realised P&L against the ledger', figures.realised, figures.ledgerRealised);
      check('charges against the ledger', figures.charges, figures.ledgerCharges);
      check(
        'cash + positions at cost against starting cash − charges + realised P&L',
        figures.walletCash + figures.positionsAtCost,
        figures.startingCash - figures.charges + figures.realised,
      );
      if (figures.unbalancedEntries > 0) mismatches.push(`${figures.unbalancedEntries} ledger entries do not balance`);
      return { figures, mismatches };
    },
  };
}
export type Book = ReturnType<typeof createBook>;
