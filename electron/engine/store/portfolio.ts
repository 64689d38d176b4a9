import type { BrokerId, LedgerAccount, OrderProduct, OrderSide } from '../../../shared/domain/trading';
import type { Db } from './types';

/** Money in integer paise; `costPaise` carries the sign of the position (a short's cost is negative). */
export interface PositionRecord {
  broker: BrokerId;
  instrumentKey: string;
  product: OrderProduct;
  netQuantity: number;
  costPaise: number;
  realisedPaise: number;
  chargesPaise: number;
  updatedAt: number;
}

export interface FillRecord {
  source: 'order' | 'settlement';
  orderId: number | null;
  broker: BrokerId;
  instrumentKey: string;
  product: OrderProduct;
  side: OrderSide;
  quantity: number;
  valuePaise: number;
  chargesPaise: number;
  at: number;
}

export interface WalletRecord {
  broker: BrokerId;
  startingCashPaise: number;
  cashPaise: number;
  openedAt: number;
  updatedAt: number;
}

export interface LedgerLine {
  account: LedgerAccount;
  /** Debits positive, credits negative. */
  amountPaise: number;
}

export interface LedgerEntryRecord {
  id: number;
  broker: BrokerId;
  at: number;
  kind: 'deposit' | 'fill' | 'settlement';
  description: string;
  orderId: number | null;
  lines: LedgerLine[];
}

interface PositionRow {
  broker: BrokerId;
  instrument_key: string;
  product: OrderProduct;
  net_quantity: number;
  cost_paise: number;
  realised_paise: number;
  charges_paise: number;
  updated_at: number;
}

const toPosition = (row: PositionRow): PositionRecord => ({
  broker: row.broker,
  instrumentKey: row.instrument_key,
  product: row.product,
  netQuantity: row.net_quantity,
  costPaise: row.cost_paise,
  realisedPaise: row.realised_paise,
  chargesPaise: row.charges_paise,
  updatedAt: row.updated_at,
});

/** Fills, positions, wallets and the double-entry ledger (migration 0012). */
export function createPortfolioStore(db: Db) {
  const POSITION =
    'broker, instrument_key, product, net_quantity, cost_paise, realised_paise, charges_paise, updated_at';
  const s = {
    position: db.prepare<[string, string, string], PositionRow>(
      `SELECT ${POSITION} FROM positions WHERE broker = ? AND instrument_key = ? AND product = ?`,
    ),
    positions: db.prepare<[string], PositionRow>(
      `SELECT ${POSITION} FROM positions WHERE broker = ? ORDER BY updated_at DESC, instrument_key`,
    ),
    savePosition: db.prepare<[string, string, string, number, number, number, number, number]>(
      `INSERT INTO positions (${POSITION}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (broker, instrument_key, product) DO UPDATE SET net_quantity = excluded.net_quantity,
         cost_paise = excluded.cost_paise, realised_paise = excluded.realised_paise,
         charges_paise = excluded.charges_paise, updated_at = excluded.updated_at`,
    ),
    insertFill: db.prepare<[string, number | null, string, string, string, string, number, number, number, number]>(
      `INSERT INTO fills (source, order_id, broker, instrument_key, product, side, quantity, value_paise, charges_paise, at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    fills: db.prepare<
      [string],
      {
        source: 'order' | 'settlement';
        order_id: number | null;
        broker: BrokerId;
        instrument_key: string;
        product: OrderProduct;
        side: OrderSide;
        quantity: number;
        value_paise: number;
        charges_paise: number;
        at: number;
      }
    >(
      `SELECT source, order_id, broker, instrument_key, product, side, quantity, value_paise, charges_paise, at
       FROM fills WHERE broker = ? ORDER BY id`,
    ),
    wallet: db.prepare<
      [string],
      { broker: BrokerId; starting_cash_paise: number; cash_paise: number; opened_at: number; updated_at: number }
    >('SELECT broker, starting_cash_paise, cash_paise, opened_at, updated_at FROM wallets WHERE broker = ?'),
    openWallet: db.prepare<[string, number, number, number, number]>(
      `INSERT INTO wallets (broker, starting_cash_paise, cash_paise, opened_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
    ),
    moveCash: db.prepare<[number, number, string]>(
      'UPDATE wallets SET cash_paise = cash_paise + ?, updated_at = ? WHERE broker = ?',
    ),
    addEntry: db.prepare<[string, number, string, string, number | null]>(
      'INSERT INTO ledger_entries (broker, at, kind, description, order_id) VALUES (?, ?, ?, ?, ?)',
    ),
    addLine: db.prepare<[number, string, number]>(
      'INSERT INTO ledger_lines (entry_id, account, amount_paise) VALUES (?, ?, ?)',
    ),
    entries: db.prepare<
      [string, number],
      {
        id: number;
        broker: BrokerId;
        at: number;
        kind: LedgerEntryRecord['kind'];
        description: string;
        order_id: number | null;
        lines: string;
      }
    >(
      `SELECT e.id, e.broker, e.at, e.kind, e.description, e.order_id,
         (SELECT json_group_array(json_object('account', l.account, 'amountPaise', l.amount_paise))
          FROM ledger_lines l WHERE l.entry_id = e.id) AS lines
       FROM ledger_entries e WHERE e.broker = ? ORDER BY e.id DESC LIMIT ?`,
    ),
    balances: db.prepare<[string], { account: LedgerAccount; total: number }>(
      `SELECT l.account, SUM(l.amount_paise) AS total FROM ledger_lines l
       JOIN ledger_entries e ON e.id = l.entry_id WHERE e.broker = ? GROUP BY l.account`,
    ),
    unbalanced: db
      .prepare<[string], number>(
        `SELECT COUNT(*) FROM (SELECT l.entry_id FROM ledger_lines l JOIN ledger_entries e ON e.id = l.entry_id
       WHERE e.broker = ? GROUP BY l.entry_id HAVING SUM(l.amount_paise) != 0)`,
      )
      .pluck(),
  };

  return {
    position(broker: BrokerId, instrumentKey: string, product: OrderProduct): PositionRecord | null {
      const row = s.position.get(broker, instrumentKey, product);
      return row ? toPosition(row) : null;
    },
    /** Newest change first; closed positions (net 0) included: they hold the realised P&L. */
    positions(broker: BrokerId): PositionRecord[] {
      return s.positions.all(broker).map(toPosition);
    },
    savePosition(p: PositionRecord): void {
      s.savePosition.run(
        p.broker,
        p.instrumentKey,
        p.product,
        p.netQuantity,
        p.costPaise,
        p.realisedPaise,
        p.chargesPaise,
        p.updatedAt,
      );
    },
    insertFill(f: FillRecord): void {
      s.insertFill.run(
        f.source,
        f.orderId,
        f.broker,
        f.instrumentKey,
        f.product,
        f.side,
        f.quantity,
        f.valuePaise,
        f.chargesPaise,
        f.at,
      );
    },
    fills(broker: BrokerId): FillRecord[] {
      return s.fills.all(broker).map((row) => ({
        source: row.source,
        orderId: row.order_id,
        broker: row.broker,
        instrumentKey: row.instrument_key,
        product: row.product,
        side: row.side,
        quantity: row.quantity,
        valuePaise: row.value_paise,
        chargesPaise: row.charges_paise,
        at: row.at,
      }));
    },
    wallet(broker: BrokerId): WalletRecord | null {
      const row = s.wallet.get(broker);
      return row
        ? {
            broker: row.broker,
            startingCashPaise: row.starting_cash_paise,
            cashPaise: row.cash_paise,
            openedAt: row.opened_at,
            updatedAt: row.updated_at,
          }
        : null;
    },
    /** Inside a transaction with the deposit's ledger entry. */
    openWallet(broker: BrokerId, startingCashPaise: number, at: number): void {
      s.openWallet.run(broker, startingCashPaise, startingCashPaise, at, at);
    },
    moveCash(broker: BrokerId, amountPaise: number, at: number): void {
      s.moveCash.run(amountPaise, at, broker);
    },
    /** A balanced entry, or an error: the ledger never holds one whose lines do not sum to zero. */
    addEntry(entry: Omit<LedgerEntryRecord, 'id'>): number {
      const sum = entry.lines.reduce((total, line) => total + line.amountPaise, 0);
      if (sum !== 0 || entry.lines.some((line) => !Number.isSafeInteger(line.amountPaise)))
        throw new Error(`unbalanced ledger entry (${entry.description}): lines sum to ${sum} paise`);
      const id = Number(
        s.addEntry.run(entry.broker, entry.at, entry.kind, entry.description, entry.orderId).lastInsertRowid,
      );
      for (const line of entry.lines) if (line.amountPaise !== 0) s.addLine.run(id, line.account, line.amountPaise);
      return id;
    },
    entries(broker: BrokerId, limit: number): LedgerEntryRecord[] {
      return s.entries.all(broker, limit).map((row) => ({
        id: row.id,
        broker: row.broker,
        at: row.at,
        kind: row.kind,
        description: row.description,
        orderId: row.order_id,
        lines: JSON.parse(row.lines) as LedgerLine[],
      }));
    },
    /** Each account's balance over the whole ledger (debits positive). */
    balances(broker: BrokerId): Record<LedgerAccount, number> {
      const totals: Record<LedgerAccount, number> = { cash: 0, positions: 0, charges: 0, realised_pnl: 0, capital: 0 };
      for (const row of s.balances.all(broker)) totals[row.account] = row.total;
      return totals;
    },
    unbalancedEntries: (broker: BrokerId): number => s.unbalanced.get(broker) ?? 0,
  };
}
export type PortfolioStore = ReturnType<typeof createPortfolioStore>;
