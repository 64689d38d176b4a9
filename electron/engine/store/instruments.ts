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

/** Rows written per batch inside the replacing transaction; progress is reported (and may abort) between batches. */
export const REPLACE_BATCH = 10_000;

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
  if ((r.instrumentType === 'CE' || r.instrumentType === 'PE') && r.strikePrice) return compact(`${prefix}${r.strikePrice}${r.instrumentType}`);
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
  };
}

/** LIKE pattern matching `text` anywhere, with the pattern characters of `text` taken literally. */
const containsPattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The FTS5 query "every typed word starts a word of the row"; words are letters or digits only, so quoting is enough. */
const wordsQuery = (words: readonly string[]) => words.map((w) => `"${w}"*`).join(' ');

/** Underlying key -> the family symbol its derivatives trade under, so that "nifty" also names the Nifty 50 index. */
function familiesOf(records: readonly InstrumentRecord[]): Map<string, string> {
  const families = new Map<string, string>();
  for (const r of records) if (r.underlyingKey && isDerivative(r) && !families.has(r.underlyingKey)) families.set(r.underlyingKey, rootOf(r));
  return families;
}

const symbolOf = (r: InstrumentRecord) => compact(r.tradingSymbol) || compact(r.instrumentKey);

/** Indexes into `records`, in search order. */
function searchOrderOf(records: readonly InstrumentRecord[], families: ReadonlyMap<string, string>): Int32Array {
  const keyed = records.map((r, i) => ({ i, key: orderKeyOf(r, symbolOf(r), families.has(r.instrumentKey)) }));
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
const stepSql = (where: string, from = 'instruments') =>
  `SELECT search_order FROM ${from} WHERE ${where} ${BY_SEGMENT} ORDER BY search_order LIMIT @limit`;

/**
 * The search steps by rank, best first. Each returns its first `@limit` matches in search order, walking an index
 * (exported for the query-plan test, so that a lost index fails a test rather than a trader's patience).
 */
export const SEARCH_RANKS = [
  {
    exactSymbol: stepSql('search_symbol = @q'),
    exactRoot: stepSql('search_root = @q'),
    exactAlias: stepSql('search_alias = @q'),
  },
  {
    symbolPrefix: stepSql('search_symbol >= @q AND search_symbol < @qEnd'),
    rootPrefix: stepSql('search_root >= @q AND search_root < @qEnd'),
    aliasPrefix: stepSql('search_alias >= @q AND search_alias < @qEnd'),
  },
  {
    words: `SELECT w.rowid AS search_order FROM instruments_words w JOIN instruments i ON i.search_order = w.rowid
            WHERE instruments_words MATCH @words AND (@segment IS NULL OR i.segment = @segment) ORDER BY w.rowid LIMIT @limit`,
  },
  {
    // Without table statistics the planner prefers walking the whole table in search order; the partial index
    // (its WHERE repeated here, as the planner requires) is ~20 times faster on a real-sized master.
    contains: stepSql(
      "instrument_type NOT IN ('CE', 'PE') AND (search_symbol LIKE @qLike OR name LIKE @textLike ESCAPE '\\')",
      'instruments INDEXED BY instruments_contains',
    ),
  },
] as const;

export function createInstrumentStore(db: Db) {
  const ranks = SEARCH_RANKS.map((rank) => Object.values(rank).map((sql) => db.prepare<Record<string, unknown>, { search_order: number }>(sql)));
  const s = {
    insert: db.prepare<DbInstrument>(
      `INSERT INTO instruments (search_order, instrument_key, trading_symbol, name, segment, exchange, instrument_type, lot_size, tick_size,
         expiry, strike_price, underlying_key, isin, exchange_token, freeze_quantity, weekly, search_symbol, search_root, search_alias)
       VALUES (@search_order, @instrument_key, @trading_symbol, @name, @segment, @exchange, @instrument_type, @lot_size, @tick_size,
         @expiry, @strike_price, @underlying_key, @isin, @exchange_token, @freeze_quantity, @weekly, @search_symbol, @search_root, @search_alias)`,
    ),
    insertWords: db.prepare<[number, string]>('INSERT INTO instruments_words (rowid, words) VALUES (?, ?)'),
    clear: db.prepare('DELETE FROM instruments'),
    clearWords: db.prepare("INSERT INTO instruments_words (instruments_words) VALUES ('delete-all')"),
    count: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM instruments'),
    byKey: db.prepare<[string], DbInstrument>('SELECT * FROM instruments WHERE instrument_key = ?'),
    byOrder: db.prepare<[number], DbInstrument>('SELECT * FROM instruments WHERE search_order = ?'),
  };

  const replace = db.transaction((records: readonly InstrumentRecord[], onProgress?: (stored: number, total: number) => void): number => {
    const families = familiesOf(records);
    const order = searchOrderOf(records, families);
    s.clear.run();
    s.clearWords.run();
    for (let i = 0; i < order.length; i++) {
      // Rows are built one at a time: a second copy of the whole master would add tens of MB to the import's peak.
      const row = toRow(records[order[i]!]!, i + 1, families);
      s.insert.run(row);
      const words = new Set([...searchWords(row.trading_symbol), ...searchWords(row.name), row.search_root]);
      s.insertWords.run(row.search_order, [...words].join(' '));
      if ((i + 1) % REPLACE_BATCH === 0 || i + 1 === order.length) onProgress?.(i + 1, order.length);
    }
    return order.length;
  });

  return {
    /**
     * Replaces the whole master in one transaction: readers see the old master until it commits, and any failure
     * (a duplicate key, or `onProgress` throwing to cancel) leaves the old one in place.
     */
    replaceAll(records: readonly InstrumentRecord[], onProgress?: (stored: number, total: number) => void): number {
      return replace(records, onProgress);
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
      const taken = new Set<number>();
      for (const rank of ranks) {
        // `limit` rows from each step, not just the number still missing: some may be rows an earlier rank took.
        const found = rank.flatMap((stmt) => stmt.all({ ...params, limit }).map((h) => h.search_order)).sort((a, b) => a - b);
        for (const order of found) {
          if (taken.size >= limit) break;
          taken.add(order);
        }
        if (taken.size >= limit) break;
      }
      return [...taken].map((order) => toDto(s.byOrder.get(order)!));
    },

    /** The instruments of `keys` that the master knows, in the order asked. */
    get(keys: readonly string[]): Instrument[] {
      return keys.flatMap((k) => {
        const row = s.byKey.get(k);
        return row ? [toDto(row)] : [];
      });
    },

    count: (): number => s.count.get()!.n,
  };
}

export type InstrumentStore = ReturnType<typeof createInstrumentStore>;
