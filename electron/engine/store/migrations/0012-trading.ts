import type { Db } from '../types';

/**
 * Trade initiation: orders with their timeline, fills, positions, the paper wallet with its double-entry ledger, and
 * the paper broker's own order book. Money is integer paise throughout.
 *
 * An order's `client_order_id` and `tag` are unique: the first makes a repeated request the same order, the second
 * is what the broker knows it by and is stored before the first send, so a reconcile can always ask for it. An order
 * outlives its job (`job_id` is cleared when the job is cleaned up): the blotter and the ledger are the user's.
 *
 * Every ledger entry's lines sum to zero (debits positive, credits negative); `wallets.cash_paise` is kept beside
 * the ledger so that the nightly reconciliation has two independent figures to compare.
 *
 * Tick sizes are converted from paise (how Upstox's instrument master writes them: 5.0 for ₹0.05) to rupees, the
 * unit the importer stores from now on, in both instrument table sets.
 */
export default function up(db: Db): void {
  db.exec(`
    UPDATE instruments SET tick_size = tick_size / 100.0 WHERE tick_size IS NOT NULL;
    UPDATE instruments_alt SET tick_size = tick_size / 100.0 WHERE tick_size IS NOT NULL;

    CREATE TABLE orders (
      id                   INTEGER PRIMARY KEY,
      client_order_id      TEXT    NOT NULL UNIQUE,
      tag                  TEXT    NOT NULL UNIQUE,
      broker               TEXT    NOT NULL CHECK (broker IN ('paper', 'upstox')),
      instrument_key       TEXT    NOT NULL,
      trading_symbol       TEXT    NOT NULL,
      side                 TEXT    NOT NULL CHECK (side IN ('BUY', 'SELL')),
      quantity             INTEGER NOT NULL CHECK (quantity > 0),
      order_type           TEXT    NOT NULL CHECK (order_type IN ('MARKET', 'LIMIT', 'SL', 'SL-M')),
      price_paise          INTEGER,
      trigger_price_paise  INTEGER,
      product              TEXT    NOT NULL CHECK (product IN ('I', 'D')),
      status               TEXT    NOT NULL CHECK (status IN ('QUEUED', 'SUBMITTING', 'OPEN', 'FILLED',
                                     'PARTIALLY_FILLED', 'REJECTED', 'CANCELLED', 'FAILED')),
      broker_order_ids     TEXT    NOT NULL DEFAULT '[]',
      filled_quantity      INTEGER NOT NULL DEFAULT 0,
      filled_value_paise   INTEGER NOT NULL DEFAULT 0,
      charges_paise        INTEGER NOT NULL DEFAULT 0,
      attempts             INTEGER NOT NULL DEFAULT 0,
      error                TEXT,
      job_id               INTEGER REFERENCES jobs (id) ON DELETE SET NULL,
      created_at           INTEGER NOT NULL,
      updated_at           INTEGER NOT NULL,
      archived_at          INTEGER
    ) STRICT;
    CREATE INDEX orders_by_status ON orders (status, id);
    CREATE INDEX orders_by_job ON orders (job_id) WHERE job_id IS NOT NULL;

    CREATE TABLE order_events (
      id        INTEGER PRIMARY KEY,
      order_id  INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
      at        INTEGER NOT NULL,
      kind      TEXT    NOT NULL,
      status    TEXT    NOT NULL,
      message   TEXT    NOT NULL
    ) STRICT;
    CREATE INDEX order_events_by_order ON order_events (order_id, id);

    CREATE TABLE fills (
      id              INTEGER PRIMARY KEY,
      source          TEXT    NOT NULL CHECK (source IN ('order', 'settlement')),
      order_id        INTEGER REFERENCES orders (id),
      broker          TEXT    NOT NULL CHECK (broker IN ('paper', 'upstox')),
      instrument_key  TEXT    NOT NULL,
      product         TEXT    NOT NULL CHECK (product IN ('I', 'D')),
      side            TEXT    NOT NULL CHECK (side IN ('BUY', 'SELL')),
      quantity        INTEGER NOT NULL CHECK (quantity > 0),
      value_paise     INTEGER NOT NULL CHECK (value_paise >= 0),
      charges_paise   INTEGER NOT NULL CHECK (charges_paise >= 0),
      at              INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX fills_by_order ON fills (order_id) WHERE order_id IS NOT NULL;

    CREATE TABLE positions (
      broker          TEXT    NOT NULL CHECK (broker IN ('paper', 'upstox')),
      instrument_key  TEXT    NOT NULL,
      product         TEXT    NOT NULL CHECK (product IN ('I', 'D')),
      net_quantity    INTEGER NOT NULL,
      cost_paise      INTEGER NOT NULL,
      realised_paise  INTEGER NOT NULL DEFAULT 0,
      charges_paise   INTEGER NOT NULL DEFAULT 0,
      updated_at      INTEGER NOT NULL,
      PRIMARY KEY (broker, instrument_key, product)
    ) STRICT;

    CREATE TABLE wallets (
      broker               TEXT    PRIMARY KEY CHECK (broker IN ('paper', 'upstox')),
      starting_cash_paise  INTEGER NOT NULL,
      cash_paise           INTEGER NOT NULL,
      opened_at            INTEGER NOT NULL,
      updated_at           INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE ledger_entries (
      id           INTEGER PRIMARY KEY,
      broker       TEXT    NOT NULL CHECK (broker IN ('paper', 'upstox')),
      at           INTEGER NOT NULL,
      kind         TEXT    NOT NULL CHECK (kind IN ('deposit', 'fill', 'settlement')),
      description  TEXT    NOT NULL,
      order_id     INTEGER REFERENCES orders (id)
    ) STRICT;
    CREATE TABLE ledger_lines (
      entry_id      INTEGER NOT NULL REFERENCES ledger_entries (id) ON DELETE CASCADE,
      account       TEXT    NOT NULL CHECK (account IN ('cash', 'positions', 'charges', 'realised_pnl', 'capital')),
      amount_paise  INTEGER NOT NULL,
      PRIMARY KEY (entry_id, account)
    ) STRICT;

    CREATE TABLE paper_orders (
      broker_order_id      TEXT    PRIMARY KEY,
      tag                  TEXT    NOT NULL,
      instrument_key       TEXT    NOT NULL,
      side                 TEXT    NOT NULL CHECK (side IN ('BUY', 'SELL')),
      quantity             INTEGER NOT NULL CHECK (quantity > 0),
      order_type           TEXT    NOT NULL CHECK (order_type IN ('MARKET', 'LIMIT', 'SL', 'SL-M')),
      price_paise          INTEGER,
      trigger_price_paise  INTEGER,
      product              TEXT    NOT NULL CHECK (product IN ('I', 'D')),
      status               TEXT    NOT NULL CHECK (status IN ('OPEN', 'PARTIALLY_FILLED', 'FILLED', 'REJECTED',
                                     'CANCELLED')),
      triggered            INTEGER NOT NULL DEFAULT 0 CHECK (triggered IN (0, 1)),
      filled_quantity      INTEGER NOT NULL DEFAULT 0,
      filled_value_paise   INTEGER NOT NULL DEFAULT 0,
      message              TEXT,
      created_at           INTEGER NOT NULL,
      updated_at           INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX paper_orders_by_tag ON paper_orders (tag);
    CREATE INDEX paper_orders_working ON paper_orders (instrument_key) WHERE status IN ('OPEN', 'PARTIALLY_FILLED');
  `);
}
