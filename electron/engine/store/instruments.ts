import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Instrument } from '../../../shared/domain/instruments';
import type { Db } from './types';

/** One instrument as an import hands it over: the master's fields, already checked and converted. */
export interface InstrumentRecord {
  instrumentKey: string;
  tradingSymbol: string;
  name: string;
  segment: string;
  exchange: string;
  instrumentType: string;
  lotSize: number | null;
  /** As the file gives it; the unit (paise or rupees) is unverified. */
  tickSize: number | null;
  /** IST date, `YYYY-MM-DD`. */
  expiry: string | null;
  strikePrice: number | null;
  underlyingKey: string | null;
  /** A derivative's family symbol (`NIFTY`, `RELIANCE`); only used to rank search results. */
  underlyingSymbol: string | null;
  isin: string | null;
  exchangeToken: string | null;
  freezeQuantity: number | null;
  weekly: boolean | null;
}

interface DbInstrument {
  search_order: number;
  instrument_key: string;
  trading_symbol: string;
  name: string;
  segment: string;
  exchange: string;
  instrument_type: string;
  lot_size: number | null;
  tick_size: number | null;
  expiry: string | null;
  strike_price: number | null;
  underlying_key: string | null;
  isin: string | null;
  exchange_token: string | null;
  freeze_quantity: number | null;
  weekly: number | null;
  search_symbol: string;
  search_root: string;
  search_alias: string | null;
}

export interface InstrumentSearch {
  q: string;
  segment?: string | undefined;
  limit: number;
}

/**
 * Rows an import writes per transaction. The event loop runs between two (IPC, the feed socket, a cancel), and
 * progress is reported (and may abort) there. 2,000 rows take ~35 ms (up to ~55 ms with a WAL checkpoint);
 * 5,000 took ~100 ms, for a whole import only ~10% faster.
 */
export const REPLACE_BATCH = 2_000;

/** The two table sets that take turns holding the master (migrations 0005 and 0007). */
type TableSet = 'instruments' | 'instruments_alt';

/** Upper case, letters and digits only: how symbols are compared, whatever spacing or punctuation was typed. */
const compact = (text: string): string => text.toUpperCase().replace(/[^\p{L}\p{N}]+/gu, '');

/** Words of a symbol or name, with letters split from digits ("NIFTY26DEC24000CE" -> NIFTY 26 DEC 24000 CE). */
function searchWords(text: string): string[] {
  return text
    .toUpperCase()
    .replace(/(?<=\p{L})(?=\p{N})|(?<=\p{N})(?=\p{L})/gu, ' ')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

type SortClass = 0 | 1 | 2;

/** Indices and equities first, then futures, then options, as a trader scans a picker. */
function sortClassOf(instrumentType: string): SortClass {
  const type = instrumentType.toUpperCase();
  if (type === 'CE' || type === 'PE' || type.startsWith('OPT')) return 2;
  if (type.startsWith('FUT')) return 1;
  return 0;
}

const isDerivative = (r: InstrumentRecord) => sortClassOf(r.instrumentType) !== 0;
const EXCHANGE_RANK: Readonly<Record<string, string>> = { NSE: '0', BSE: '1' };

/** The within-rank order of search results as one string, compared as plain text. */
function orderKeyOf(r: InstrumentRecord, symbol: string, isUnderlying: boolean): string {
  // Fixed-width fields so that string order is the ranking order; the instrument key last so that ties never
  // depend on the file's row order.
  const strike = r.strikePrice && r.strikePrice > 0 ? Math.round(r.strikePrice * 100) : 0;
  return [
    sortClassOf(r.instrumentType),
    isUnderlying ? '0' : '1',
    r.expiry ?? '0000-00-00',
    String(strike).padStart(14, '0'),
    String(Math.min(symbol.length, 999)).padStart(3, '0'),
    symbol,
    EXCHANGE_RANK[r.exchange] ?? '2',
    r.instrumentKey,
  ].join(' ');
}

/** A derivative's family: the file's underlying symbol, else the first word of its trading symbol. */
function rootOf(r: InstrumentRecord): string {
  const root = compact(r.underlyingSymbol ?? r.tradingSymbol.trim().split(/\s+/)[0] ?? '');
  return root || compact(r.tradingSymbol);
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/**
 * The exchange-style symbol of a monthly contract: root, YY, MON, then FUT or strike and CE/PE
 * ("NIFTY26DEC24000CE"). Weekly contracts use another form that the master does not confirm, so they get none.
 */
function aliasOf(r: InstrumentRecord, root: string): string | null {
  if (r.weekly !== false || !r.expiry) return null;
  const [year, month] = r.expiry.split('-');
  const prefix = `${root}${year!.slice(2)}${MONTHS[Number(month) - 1]}`;
  if (sortClassOf(r.instrumentType) === 1) return `${prefix}FUT`;
  if ((r.instrumentType === 'CE' || r.instrumentType === 'PE') && r.strikePrice)
    return compact(`${prefix}${r.strikePrice}${r.instrumentType}`);
  return null;
}

function toDto(row: DbInstrument): Instrument {
  return {
    instrumentKey: row.instrument_key,
    tradingSymbol: row.trading_symbol,
    name: row.name,
    segment: row.segment,
    exchange: row.exchange,
    instrumentType: row.instrument_type,
    // Index rows carry no lot or tick: one unit, and no tick to round to.
    lotSize: row.lot_size ?? 1,
    tickSize: row.tick_size ?? 0,
    expiry: row.expiry,
    strike: row.strike_price,
    underlyingKey: row.underlying_key,
    freezeQuantity: row.freeze_quantity,
  };
}

/** LIKE pattern matching `text` anywhere, with the pattern characters of `text` taken literally. */
const containsPattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The FTS5 query "every typed word starts a word of the row"; words are letters or digits only, so quoting is enough. */
const wordsQuery = (words: readonly string[]) => words.map((w) => `"${w}"*`).join(' ');

/** Underlying key -> the family symbol its derivatives trade under, so that "nifty" also names the Nifty 50 index. */
function familiesOf(records: readonly InstrumentRecord[]): Map<string, string> {
  const families = new Map<string, string>();
  for (const r of records)
    if (r.underlyingKey && isDerivative(r) && !families.has(r.underlyingKey)) families.set(r.underlyingKey, rootOf(r));
  return families;
}

const symbolOf = (r: InstrumentRecord) => compact(r.tradingSymbol) || compact(r.instrumentKey);

/** Indexes into `records`, in search order. The keys take ~90 ms on a 150k master: built in chunks, between yields. */
async function searchOrderOf(
  records: readonly InstrumentRecord[],
  families: ReadonlyMap<string, string>,
): Promise<Int32Array> {
  const keyed: { i: number; key: string }[] = [];
  for (let from = 0; from < records.length; from += REPLACE_BATCH) {
    for (let i = from; i < Math.min(records.length, from + REPLACE_BATCH); i++) {
      const r = records[i]!;
      keyed.push({ i, key: orderKeyOf(r, symbolOf(r), families.has(r.instrumentKey)) });
    }
    await yieldToEventLoop();
  }
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return Int32Array.from(keyed, (k) => k.i);
}

function toRow(r: InstrumentRecord, searchOrder: number, families: ReadonlyMap<string, string>): DbInstrument {
  const symbol = symbolOf(r);
  const root = isDerivative(r) ? rootOf(r) : (families.get(r.instrumentKey) ?? symbol);
  return {
    search_order: searchOrder,
    instrument_key: r.instrumentKey,
    trading_symbol: r.tradingSymbol,
    name: r.name,
    segment: r.segment,
    exchange: r.exchange,
    instrument_type: r.instrumentType,
    lot_size: r.lotSize,
    tick_size: r.tickSize,
    expiry: r.expiry,
    strike_price: r.strikePrice,
    underlying_key: r.underlyingKey,
    isin: r.isin,
    exchange_token: r.exchangeToken,
    freeze_quantity: r.freezeQuantity,
    weekly: r.weekly === null ? null : r.weekly ? 1 : 0,
    search_symbol: symbol,
    search_root: root,
    search_alias: isDerivative(r) ? aliasOf(r, root) : null,
  };
}

const BY_SEGMENT = 'AND (@segment IS NULL OR segment = @segment)';
const stepSql = (where: string, from: string) =>
  `SELECT search_order FROM ${from} WHERE ${where} ${BY_SEGMENT} ORDER BY search_order LIMIT @limit`;

/**
 * The search steps of one table set by rank, best first. Each returns its first `@limit` matches in search order,
 * walking an index (exported for the query-plan test, so that a lost index fails a test rather than a trader's
 * patience).
 */
export function searchRanks(table: TableSet) {
  return [
    {
      exactSymbol: stepSql('search_symbol = @q', table),
      exactRoot: stepSql('search_root = @q', table),
      exactAlias: stepSql('search_alias = @q', table),
    },
    {
      symbolPrefix: stepSql('search_symbol >= @q AND search_symbol < @qEnd', table),
      rootPrefix: stepSql('search_root >= @q AND search_root < @qEnd', table),
      aliasPrefix: stepSql('search_alias >= @q AND search_alias < @qEnd', table),
    },
    {
      words: `SELECT w.rowid AS search_order FROM ${table}_words w JOIN ${table} i ON i.search_order = w.rowid
              WHERE ${table}_words MATCH @words AND (@segment IS NULL OR i.segment = @segment) ORDER BY w.rowid LIMIT @limit`,
    },
    {
      // Without table statistics the planner prefers walking the whole table in search order; the partial index
      // (its WHERE repeated here, as the planner requires) is ~20 times faster on a real-sized master.
      contains: stepSql(
        "instrument_type NOT IN ('CE', 'PE') AND (search_symbol LIKE @qLike OR name LIKE @textLike ESCAPE '\\')",
        `${table} INDEXED BY ${table}_contains`,
      ),
    },
  ] as const;
}

export const SEARCH_RANKS = searchRanks('instruments');

function prepareSet(db: Db, table: TableSet) {
  return {
    table,
    ranks: searchRanks(table).map((rank) =>
      Object.values(rank).map((sql) => db.prepare<Record<string, unknown>, { search_order: number }>(sql)),
    ),
    insert: db.prepare<DbInstrument>(
      `INSERT INTO ${table} (search_order, instrument_key, trading_symbol, name, segment, exchange, instrument_type, lot_size, tick_size,
         expiry, strike_price, underlying_key, isin, exchange_token, freeze_quantity, weekly, search_symbol, search_root, search_alias)
       VALUES (@search_order, @instrument_key, @trading_symbol, @name, @segment, @exchange, @instrument_type, @lot_size, @tick_size,
         @expiry, @strike_price, @underlying_key, @isin, @exchange_token, @freeze_quantity, @weekly, @search_symbol, @search_root, @search_alias)`,
    ),
    insertWords: db.prepare<[number, string]>(`INSERT INTO ${table}_words (rowid, words) VALUES (?, ?)`),
    clear: db.prepare(`DELETE FROM ${table}`),
    clearWords: db.prepare(`INSERT INTO ${table}_words (${table}_words) VALUES ('delete-all')`),
    count: db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM ${table}`),
    byKey: db.prepare<[string], DbInstrument>(`SELECT * FROM ${table} WHERE instrument_key = ?`),
    byOrder: db.prepare<[number], DbInstrument>(`SELECT * FROM ${table} WHERE search_order = ?`),
    futures: db.prepare<[string], DbInstrument>(
      `SELECT * FROM ${table} WHERE instrument_type = 'FUT' AND expiry >= ? ORDER BY expiry, instrument_key`,
    ),
    // The EQ series first: a symbol may also trade in other series (BE, BZ) under other keys.
    equities: db.prepare<[], EquityListing>(
      `SELECT instrument_key AS instrumentKey, trading_symbol AS tradingSymbol, isin, name FROM ${table}
       WHERE segment IN ('NSE_EQ', 'BSE_EQ') ORDER BY segment = 'NSE_EQ' DESC, instrument_type = 'EQ' DESC, search_order`,
    ),
  };
}

/** An equity as universes resolve their members against it. */
export interface EquityListing {
  instrumentKey: string;
  tradingSymbol: string;
  isin: string | null;
  name: string;
}
type PreparedSet = ReturnType<typeof prepareSet>;

export function createInstrumentStore(db: Db) {
  const sets: Readonly<Record<TableSet, PreparedSet>> = {
    instruments: prepareSet(db, 'instruments'),
    instruments_alt: prepareSet(db, 'instruments_alt'),
  };
  const liveName = db.prepare<[], TableSet | null>('SELECT live FROM instruments_master WHERE id = 1').pluck();
  const makeLive = db.prepare<[TableSet, TableSet | null]>(
    'UPDATE instruments_master SET live = ? WHERE id = 1 AND live IS ?',
  );
  // Read at every call, not cached: another store object on this database may have switched it.
  const live = (): PreparedSet | undefined => {
    const name = liveName.get();
    return name ? sets[name] : undefined;
  };
  let importing = false;

  const clear = db.transaction((set: PreparedSet) => {
    set.clear.run();
    set.clearWords.run();
  });
  const writeRows = db.transaction(
    (
      set: PreparedSet,
      records: readonly InstrumentRecord[],
      order: Int32Array,
      from: number,
      to: number,
      families: ReadonlyMap<string, string>,
    ) => {
      for (let i = from; i < to; i++) {
        // Rows are built one at a time: a second copy of the whole master would add tens of MB to the import's peak.
        const row = toRow(records[order[i]!]!, i + 1, families);
        set.insert.run(row);
        const words = new Set([...searchWords(row.trading_symbol), ...searchWords(row.name), row.search_root]);
        set.insertWords.run(row.search_order, [...words].join(' '));
      }
    },
  );

  async function replace(
    records: readonly InstrumentRecord[],
    onProgress?: (stored: number, total: number) => void,
  ): Promise<number> {
    const old = liveName.get() ?? null;
    const next = sets[old === 'instruments' ? 'instruments_alt' : 'instruments'];
    // Normally empty already; not after a crash in the middle of an import.
    clear(next);
    let total: number;
    try {
      const families = familiesOf(records);
      const order = await searchOrderOf(records, families);
      // The sort just done was one block of its own: the first batch waits for the next turn.
      await yieldToEventLoop();
      total = order.length;
      for (let from = 0; from < total; from += REPLACE_BATCH) {
        const to = Math.min(total, from + REPLACE_BATCH);
        writeRows(next, records, order, from, to, families);
        await yieldToEventLoop();
        // After the yield, so that a cancel that arrived meanwhile stops the import before another batch.
        onProgress?.(to, total);
      }
      if (makeLive.run(next.table, old).changes !== 1)
        throw new Error('the instrument master was replaced by another import meanwhile');
    } catch (error) {
      emptyQuietly(next);
      throw error;
    }
    if (old) emptyQuietly(sets[old]);
    return total;
  }

  /** Empties a set no search reads; should that fail, the next import empties it before writing anyway. */
  function emptyQuietly(set: PreparedSet): void {
    try {
      clear(set);
    } catch {
      // Only disk space is held until then.
    }
  }

  return {
    /**
     * Replaces the whole master. The new one is written into the table set that searches do not read, REPLACE_BATCH
     * rows per transaction with a turn of the event loop between two, then made live by a one-row update: searches
     * see the whole old master until then and the whole new one after. `onProgress` runs between batches and may
     * throw to cancel; that, or any failure (a duplicate key), leaves the old master live and the other set empty.
     */
    async replaceAll(
      records: readonly InstrumentRecord[],
      onProgress?: (stored: number, total: number) => void,
    ): Promise<number> {
      if (importing) throw new Error('an instrument import is already running on this store');
      importing = true;
      try {
        return await replace(records, onProgress);
      } finally {
        importing = false;
      }
    },

    /**
     * Case-insensitive, ranked: exact symbol (or family symbol "nifty", or exchange-style "NIFTY26DEC24000CE"),
     * then a prefix of one of those, then every typed word starting a word of the symbol or name ("nifty 24000 ce",
     * "industries"), then symbol or name containing the text (indices, equities and futures only). Within a rank:
     * indices and equities, futures, options; underlyings first; nearer expiry first.
     */
    search({ q, segment, limit }: InstrumentSearch): Instrument[] {
      const text = q.trim().toUpperCase();
      const key = compact(text);
      if (!key) return [];
      const params = {
        q: key,
        // The smallest string above every string starting with `key`.
        qEnd: key.slice(0, -1) + String.fromCodePoint(key.codePointAt(key.length - 1)! + 1),
        qLike: containsPattern(key),
        textLike: containsPattern(text),
        words: wordsQuery(searchWords(text)),
        segment: segment ?? null,
      };
      const set = live();
      if (!set) return [];
      const taken = new Set<number>();
      for (const rank of set.ranks) {
        // `limit` rows from each step, not just the number still missing: some may be rows an earlier rank took.
        const found = rank
          .flatMap((stmt) => stmt.all({ ...params, limit }).map((h) => h.search_order))
          .sort((a, b) => a - b);
        for (const order of found) {
          if (taken.size >= limit) break;
          taken.add(order);
        }
        if (taken.size >= limit) break;
      }
      return [...taken].map((order) => toDto(set.byOrder.get(order)!));
    },

    /** The instruments of `keys` that the master knows, in the order asked. */
    get(keys: readonly string[]): Instrument[] {
      const set = live();
      if (!set) return [];
      return keys.flatMap((k) => {
        const row = set.byKey.get(k);
        return row ? [toDto(row)] : [];
      });
    },

    count: (): number => live()?.count.get()!.n ?? 0,

    /**
     * The nearest unexpired future of each underlying (by its instrument key), as of an IST date: where a scan and a
     * deep-dive read open interest. One pass over the futures, not a query per symbol.
     */
    nearestFutures(today: string): Map<string, Instrument> {
      const out = new Map<string, Instrument>();
      for (const row of live()?.futures.all(today) ?? []) {
        if (row.underlying_key && !out.has(row.underlying_key)) out.set(row.underlying_key, toDto(row));
      }
      return out;
    },

    /** Every NSE (then BSE) equity listing, the EQ series first: what a universe's symbols and ISINs resolve against. */
    equities: (): EquityListing[] => live()?.equities.all() ?? [],
  };
}

export type InstrumentStore = ReturnType<typeof createInstrumentStore>;
