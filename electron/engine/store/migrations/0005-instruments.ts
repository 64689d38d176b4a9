import type { Db } from '../types';

/**
 * The Upstox instrument master (one row per tradable key), replaced as a whole by each import.
 *
 * The master columns are kept as the file gives them; `expiry` is the IST date of the file's epoch-ms expiry.
 * The other columns serve only the watchlist picker's search and are derived at import:
 * - `search_order` is the row's place in the within-rank order of results (indices and equities, then futures,
 *   then options; underlyings first; nearer expiry, lower strike, shorter symbol first). The import writes rows
 *   in that order, so every search step is "matching rowids, ascending, first n": an index or FTS5 walk that
 *   stops after n rows instead of sorting every match (there are thousands of NIFTY options).
 * - `search_symbol`: the trading symbol upper-cased with everything but letters and digits removed, so
 *   "nifty 24000 ce" is a plain prefix of "NIFTY 24000 CE 29 DEC 26".
 * - `search_root`: the family a trader types: a derivative's underlying symbol ("NIFTY"), the same symbol for the
 *   underlying itself (the "Nifty 50" index), otherwise `search_symbol`.
 * - `search_alias`: a monthly contract's exchange-style symbol ("NIFTY26DEC24000CE", "NIFTY26DECFUT"), which
 *   other platforms show and traders paste; NULL for everything else.
 *
 * `instruments_contains` covers the substring step, which cannot use a b-tree: a scan of the non-option rows
 * only (options are found by their family's prefix), reading the index instead of the wide table.
 *
 * `instruments_words` is a contentless FTS5 index (rowids only; detail=none keeps it small) over the symbol and
 * name split into words, letters apart from digits, so "NIFTY26DEC24000CE" finds "NIFTY 24000 CE 29 DEC 26".
 * Its prefix indexes for 1-3 characters cost ~1 MB on a 150k-row master and keep short-prefix searches ("2",
 * "NIFTY26JAN24000CE") near 1 ms instead of 10-30 ms.
 */
export default function up(db: Db): void {
  db.exec(`
    CREATE TABLE instruments (
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
    CREATE INDEX instruments_by_symbol ON instruments (search_symbol);
    CREATE INDEX instruments_by_root ON instruments (search_root);
    CREATE INDEX instruments_by_alias ON instruments (search_alias) WHERE search_alias IS NOT NULL;
    CREATE INDEX instruments_contains ON instruments (search_symbol, name) WHERE instrument_type NOT IN ('CE', 'PE');

    CREATE VIRTUAL TABLE instruments_words USING fts5 (words, content = '', detail = none, prefix = '1 2 3');
  `);
}
