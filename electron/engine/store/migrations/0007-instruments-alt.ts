import type { Db } from '../types';

/**
 * A second table set for the instrument master, so that an import fills one set in short batches while searches
 * read the other, then switches them with a one-row update. Replacing ~150k rows of the one table inside a single
 * transaction held the event loop (IPC, the feed socket, the Local API) for about two seconds, and no cancel could
 * arrive meanwhile; renaming a filled staging table into place instead would leave its indexes under the staging
 * names, which the searches name (INDEXED BY) and the query-plan tests check.
 *
 * `instruments_alt` repeats `instruments` (0005) column for column, with the same indexes and words index under its
 * own names; a later migration that changes one set changes the other the same way. `instruments_master.live`
 * names the set that searches read: NULL until a master is imported, `instruments` where one already was.
 */
export default function up(db: Db): void {
  db.exec(`
    CREATE TABLE instruments_alt (
      search_order     INTEGER PRIMARY KEY,
      instrument_key   TEXT    NOT NULL UNIQUE,
      trading_symbol   TEXT    NOT NULL,
      name             TEXT    NOT NULL,
      segment          TEXT    NOT NULL,
      exchange         TEXT    NOT NULL,
      instrument_type  TEXT    NOT NULL,
      lot_size         INTEGER,
      tick_size        REAL,
      expiry           TEXT,
      strike_price     REAL,
      underlying_key   TEXT,
      isin             TEXT,
      exchange_token   TEXT,
      freeze_quantity  REAL,
      weekly           INTEGER CHECK (weekly IN (0, 1)),
      search_symbol    TEXT    NOT NULL,
      search_root      TEXT    NOT NULL,
      search_alias     TEXT
    ) STRICT;
    CREATE INDEX instruments_alt_by_symbol ON instruments_alt (search_symbol);
    CREATE INDEX instruments_alt_by_root ON instruments_alt (search_root);
    CREATE INDEX instruments_alt_by_alias ON instruments_alt (search_alias) WHERE search_alias IS NOT NULL;
    CREATE INDEX instruments_alt_contains ON instruments_alt (search_symbol, name) WHERE instrument_type NOT IN ('CE', 'PE');

    CREATE VIRTUAL TABLE instruments_alt_words USING fts5 (words, content = '', detail = none, prefix = '1 2 3');

    CREATE TABLE instruments_master (
      id   INTEGER PRIMARY KEY CHECK (id = 1),
      live TEXT CHECK (live IN ('instruments', 'instruments_alt'))
    ) STRICT;
    INSERT INTO instruments_master (id, live) VALUES (1, CASE WHEN EXISTS (SELECT 1 FROM instruments) THEN 'instruments' END);
  `);
}
