import type { PredefinedMember } from '../../../shared/domain/universes';
import { hashString, unitHash } from './rng';
import { stockFutureUnderlyings } from './stock-futures';
import { dayToDate, monthlyExpiries, nextWeeklyExpiry, symbolDate } from './time';

export type DemoInstrumentType = 'EQ' | 'INDEX' | 'FUT' | 'CE' | 'PE';

/** A demo instrument as the product sees it (the master-file row, in the engine's naming). */
export interface DemoInstrument {
  instrumentKey: string;
  tradingSymbol: string;
  name: string;
  segment: 'NSE_EQ' | 'NSE_INDEX' | 'NSE_FO';
  exchange: 'NSE';
  instrumentType: DemoInstrumentType;
  isin: string | null;
  exchangeToken: string;
  lotSize: number;
  /** In rupees (the master file states it in paise). */
  tickSize: number;
  freezeQuantity: number | null;
  /** IST date `YYYY-MM-DD` of a derivative's expiry. */
  expiry: string | null;
  strike: number | null;
  underlyingKey: string | null;
  underlyingSymbol: string | null;
  weekly: boolean | null;
}

export interface ModelParams {
  /** Price level at the model's anchor date (spot instruments). */
  base: number;
  /** Annualised volatility. */
  vol: number;
  /** Sensitivity to the market factor (India VIX is negative: it rises when the market falls). */
  beta: number;
  /** Annual log drift, which gives long histories their secular trend. */
  drift: number;
  /** Units traded on an average day (at the money, for options: see `typicalVolume`); 0 for indices. */
  dailyVolume: number;
}

export interface UniverseEntry {
  instrument: DemoInstrument;
  params: ModelParams;
  kind: 'spot' | 'future' | 'option';
  /** Index of the underlying entry, or -1. */
  underlying: number;
  /** IST day index of the expiry, or null. */
  expiryDay: number | null;
}

// [trading symbol, company name, ISIN (null where a demo one is used), NSE token, price level]
const EQUITIES: ReadonlyArray<readonly [string, string, string | null, string, number]> = [
  ['RELIANCE', 'RELIANCE INDUSTRIES LTD', 'INE002A01018', '2885', 1450],
  ['TCS', 'TATA CONSULTANCY SERV LT', 'INE467B01029', '11536', 3250],
  ['HDFCBANK', 'HDFC BANK LTD', 'INE040A01034', '1333', 990],
  ['INFY', 'INFOSYS LIMITED', 'INE009A01021', '1594', 1600],
  ['ICICIBANK', 'ICICI BANK LTD.', 'INE090A01021', '4963', 1380],
  ['SBIN', 'STATE BANK OF INDIA', 'INE062A01020', '3045', 960],
  ['ITC', 'ITC LTD', 'INE154A01025', '1660', 410],
  ['HINDUNILVR', 'HINDUSTAN UNILEVER LTD.', 'INE030A01027', '1394', 2400],
  ['BHARTIARTL', 'BHARTI AIRTEL LIMITED', 'INE397D01024', '10604', 2050],
  ['KOTAKBANK', 'KOTAK MAHINDRA BANK LTD', 'INE237A01028', '1922', 2150],
  ['LT', 'LARSEN & TOUBRO LTD.', 'INE018A01030', '11483', 3900],
  ['AXISBANK', 'AXIS BANK LIMITED', 'INE238A01034', '5900', 1200],
  ['ASIANPAINT', 'ASIAN PAINTS LIMITED', 'INE021A01026', '236', 2800],
  ['MARUTI', 'MARUTI SUZUKI INDIA LTD.', 'INE585B01010', '10999', 16000],
  ['SUNPHARMA', 'SUN PHARMACEUTICAL IND L', 'INE044A01036', '3351', 1750],
  ['TITAN', 'TITAN COMPANY LIMITED', 'INE280A01028', '3506', 3800],
  ['WIPRO', 'WIPRO LTD', 'INE075A01022', '3787', 260],
  ['HCLTECH', 'HCL TECHNOLOGIES LTD', 'INE860A01027', '7229', 1650],
  ['ULTRACEMCO', 'ULTRATECH CEMENT LIMITED', 'INE481G01011', '11532', 11800],
  ['POWERGRID', 'POWER GRID CORP. LTD.', 'INE752E01010', '14977', 290],
  ['NTPC', 'NTPC LTD', 'INE733E01010', '11630', 335],
  ['ONGC', 'OIL AND NATURAL GAS CORP.', 'INE213A01029', '2475', 240],
  ['M&M', 'MAHINDRA & MAHINDRA LTD', 'INE101A01026', '2031', 3600],
  ['ADANIENT', 'ADANI ENTERPRISES LIMITED', 'INE423A01024', '25', 2350],
  ['ADANIPORTS', 'ADANI PORT & SEZ LTD', 'INE742F01042', '15083', 1450],
  ['COALINDIA', 'COAL INDIA LTD', 'INE522F01014', '20374', 385],
  ['JSWSTEEL', 'JSW STEEL LIMITED', 'INE019A01038', '11723', 1150],
  ['TECHM', 'TECH MAHINDRA LIMITED', 'INE669C01036', '13538', 1550],
  ['TATASTEEL', 'TATA STEEL LIMITED', 'INE081A01020', '3499', 170],
  ['BAJAJFINSV', 'BAJAJ FINSERV LTD.', 'INE918I01026', '16675', 2000],
  ['BAJFINANCE', 'BAJAJ FINANCE LIMITED', null, '317', 1000],
  ['HDFCLIFE', 'HDFC LIFE INS CO LTD', 'INE795G01014', '467', 760],
  ['SBILIFE', 'SBI LIFE INSURANCE CO LTD', 'INE123W01016', '21808', 1950],
  ['GRASIM', 'GRASIM INDUSTRIES LTD', 'INE047A01021', '1232', 2800],
  ['CIPLA', 'CIPLA LTD', 'INE059A01026', '694', 1500],
  ['EICHERMOT', 'EICHER MOTORS LTD', 'INE066A01021', '910', 7000],
  ['BRITANNIA', 'BRITANNIA INDUSTRIES LTD', 'INE216A01030', '547', 5900],
  ['HEROMOTOCO', 'HERO MOTOCORP LIMITED', 'INE158A01026', '1348', 5600],
  ['DIVISLAB', "DIVI'S LABORATORIES LTD", 'INE361B01024', '10940', 6400],
  ['APOLLOHOSP', 'APOLLO HOSPITALS ENTER. L', 'INE437A01024', '157', 7400],
  ['INDUSINDBK', 'INDUSIND BANK LIMITED', 'INE095A01012', '5258', 850],
  ['BPCL', 'BHARAT PETROLEUM CORP  LT', 'INE029A01011', '526', 360],
  ['TATACONSUM', 'TATA CONSUMER PRODUCT LTD', 'INE192A01025', '3432', 1150],
  ['HINDALCO', 'HINDALCO  INDUSTRIES  LTD', 'INE038A01020', '1363', 850],
  ['BAJAJ-AUTO', 'BAJAJ AUTO LIMITED', 'INE917I01010', '16669', 9000],
  ['TRENT', 'TRENT LTD', 'INE849A01020', '1964', 4300],
  ['NESTLEIND', 'NESTLE INDIA LIMITED', null, '17963', 1250],
  ['DRREDDY', "DR. REDDY'S LABORATORIES", null, '881', 1250],
  ['BEL', 'BHARAT ELECTRONICS LTD', null, '383', 410],
  ['DMART', 'AVENUE SUPERMARTS LIMITED', 'INE192R01011', '19913', 4100],
];

export const NIFTY_KEY = 'NSE_INDEX|Nifty 50';
export const VIX_KEY = 'NSE_INDEX|India VIX';
export const BANKNIFTY_KEY = 'NSE_INDEX|Nifty Bank';
// [key, name, trading symbol, token, level, vol, beta, drift]
const INDICES: ReadonlyArray<readonly [string, string, string, string, number, number, number, number]> = [
  [NIFTY_KEY, 'Nifty 50', 'NIFTY', '26000', 25800, 0.14, 1, 0.11],
  [BANKNIFTY_KEY, 'Nifty Bank', 'BANKNIFTY', '26009', 58500, 0.17, 1.15, 0.12],
  [VIX_KEY, 'India VIX', 'INDIA VIX', '26017', 13, 0.7, -4, 0],
];

/** The market factor's own volatility: the Nifty is the market, so its idiosyncratic part is small. */
export const MARKET_VOL = 0.135;

const NIFTY_LOT = 65;
const BANKNIFTY_LOT = 30;
const NIFTY_STRIKE_STEP = 50;
const OPTION_STRIKES_EACH_SIDE = 10;

/** Units an at-the-money weekly NIFTY option trades in a day; `optionActivity` scales it away from the money. */
export const OPTION_ATM_VOLUME = 2e7;

/** Share of the at-the-money volume an option trades when the underlying is at `spot`. */
function optionActivity(strike: number, spot: number): number {
  return 0.005 + Math.exp(-Math.abs(strike - spot) / spot / 0.01);
}

/** A derivative's typical daily volume with the underlying at `spot` (options trade most near the money). */
export function typicalVolume(entry: UniverseEntry, spot: number): number {
  return entry.kind === 'option'
    ? entry.params.dailyVolume * optionActivity(entry.instrument.strike!, spot)
    : entry.params.dailyVolume;
}

/** NSE price bands for the tick size (rupees). */
function equityTick(price: number): number {
  if (price < 250) return 0.01;
  if (price < 1000) return 0.05;
  if (price < 5000) return 0.1;
  if (price < 10_000) return 0.5;
  if (price < 20_000) return 1;
  return 5;
}

/** Clearly not a real ISIN: same length, `DEMO` where the issuer code goes. */
function demoIsin(n: number): string {
  return `INEDEMO${String(n).padStart(4, '0')}9`;
}

/** An NSE index as the master file lists it: no ISIN, lot or freeze quantity. */
function indexInstrument(
  instrumentKey: string,
  tradingSymbol: string,
  name: string,
  exchangeToken: string,
): DemoInstrument {
  return {
    instrumentKey,
    tradingSymbol,
    name,
    segment: 'NSE_INDEX',
    exchange: 'NSE',
    instrumentType: 'INDEX',
    isin: null,
    exchangeToken,
    lotSize: 0,
    tickSize: 0.01,
    freezeQuantity: null,
    expiry: null,
    strike: null,
    underlyingKey: null,
    underlyingSymbol: null,
    weekly: null,
  };
}

function spotEntry(instrument: DemoInstrument, params: ModelParams): UniverseEntry {
  return { instrument, params, kind: 'spot', underlying: -1, expiryDay: null };
}

/** Indices and equities: fixed, independent of the date and the seed. */
export function spotEntries(): UniverseEntry[] {
  const out: UniverseEntry[] = [];
  for (const [key, name, symbol, token, level, vol, beta, drift] of INDICES) {
    out.push(spotEntry(indexInstrument(key, symbol, name, token), { base: level, vol, beta, drift, dailyVolume: 0 }));
  }
  EQUITIES.forEach(([symbol, name, isin, token, price], i) => {
    const h = hashString(symbol);
    const realIsin = isin ?? demoIsin(i + 1);
    const instrument: DemoInstrument = {
      instrumentKey: `NSE_EQ|${realIsin}`,
      tradingSymbol: symbol,
      name,
      segment: 'NSE_EQ',
      exchange: 'NSE',
      instrumentType: 'EQ',
      isin: realIsin,
      exchangeToken: token,
      lotSize: 1,
      tickSize: equityTick(price),
      freezeQuantity: 100_000,
      expiry: null,
      strike: null,
      underlyingKey: null,
      underlyingSymbol: null,
      weekly: null,
    };
    // Turnover of a few hundred crore a day, more for the large banks and IT names at the top of the table.
    const turnover = (4e9 + 1.6e10 * unitHash(h, 3)) * (i < 12 ? 2 : 1);
    out.push(
      spotEntry(instrument, {
        base: price,
        vol: 0.18 + 0.16 * unitHash(h, 1),
        beta: 0.65 + 0.6 * unitHash(h, 2),
        drift: 0.04 + 0.14 * unitHash(h, 4),
        dailyVolume: Math.round(turnover / price),
      }),
    );
  });
  return out;
}

/**
 * Exchange tokens of the instruments the predefined universes add: above the derivatives' range (30,000 to
 * 119,999), so a token never depends on which contracts a date lists.
 */
const MEMBER_TOKEN_BASE = 200_000;
const MEMBER_TOKEN_SPAN = 700_000;

/** A free token from the hash of a symbol or key, the next free one after it on a collision. */
function memberToken(taken: Set<string>, identity: string): string {
  let n = MEMBER_TOKEN_BASE + (hashString(identity) % MEMBER_TOKEN_SPAN);
  while (taken.has(String(n))) n = MEMBER_TOKEN_BASE + ((n + 1 - MEMBER_TOKEN_BASE) % MEMBER_TOKEN_SPAN);
  taken.add(String(n));
  return String(n);
}

function memberEquity(symbol: string, name: string, isin: string, token: string): UniverseEntry {
  const h = hashString(symbol);
  // Two significant figures, as the built-in table's levels: from about 50 to 10,000 rupees.
  const price = Number((50 * 200 ** unitHash(h, 5)).toPrecision(2));
  const instrument: DemoInstrument = {
    instrumentKey: `NSE_EQ|${isin}`,
    tradingSymbol: symbol,
    name: name.toUpperCase(),
    segment: 'NSE_EQ',
    exchange: 'NSE',
    instrumentType: 'EQ',
    isin,
    exchangeToken: token,
    lotSize: 1,
    tickSize: equityTick(price),
    freezeQuantity: 100_000,
    expiry: null,
    strike: null,
    underlyingKey: null,
    underlyingSymbol: null,
    weekly: null,
  };
  // Mid and small caps: a wider spread of volatility than the large caps above, and less turnover.
  const turnover = 1e9 + 9e9 * unitHash(h, 3);
  return spotEntry(instrument, {
    base: price,
    vol: 0.22 + 0.22 * unitHash(h, 1),
    beta: 0.6 + 0.7 * unitHash(h, 2),
    drift: 0.03 + 0.15 * unitHash(h, 4),
    dailyVolume: Math.round(turnover / price),
  });
}

function memberIndex(instrumentKey: string, symbol: string, name: string, token: string): UniverseEntry {
  const h = hashString(instrumentKey);
  return spotEntry(indexInstrument(instrumentKey, symbol, name, token), {
    base: Number((6000 * 12 ** unitHash(h, 5)).toPrecision(3)),
    vol: 0.13 + 0.09 * unitHash(h, 1),
    beta: 0.85 + 0.3 * unitHash(h, 2),
    drift: 0.07 + 0.07 * unitHash(h, 4),
    dailyVolume: 0,
  });
}

/**
 * The members of the predefined universes that `builtIn` lacks, as extra spot instruments: equities by NSE
 * symbol (keyed by ISIN), indices by instrument key. Members are taken in symbol (or key) order whatever the
 * files' order, so a symbol keeps its token while the files change around it (a token collision aside).
 */
export function memberSpotEntries(
  members: readonly PredefinedMember[],
  builtIn: readonly UniverseEntry[],
): UniverseEntry[] {
  const symbols = new Set(
    builtIn.filter((e) => e.instrument.instrumentType === 'EQ').map((e) => e.instrument.tradingSymbol),
  );
  const keys = new Set(builtIn.map((e) => e.instrument.instrumentKey));
  const taken = new Set(builtIn.map((e) => e.instrument.exchangeToken));
  const equities = new Map<string, { name: string; isin: string }>();
  const indices = new Map<string, { symbol: string; name: string }>();
  for (const m of members) {
    if (m.isin !== undefined) {
      if (!symbols.has(m.symbol) && !equities.has(m.symbol)) equities.set(m.symbol, { name: m.name, isin: m.isin });
    } else if (m.instrumentKey?.startsWith('NSE_INDEX|') && !keys.has(m.instrumentKey)) {
      if (!indices.has(m.instrumentKey)) indices.set(m.instrumentKey, { symbol: m.symbol, name: m.name });
    }
  }
  const out: UniverseEntry[] = [];
  for (const symbol of [...equities.keys()].sort()) {
    const { name, isin } = equities.get(symbol)!;
    // One instrument per key: a second symbol for an ISIN already listed (a rename) adds nothing.
    if (keys.has(`NSE_EQ|${isin}`)) continue;
    keys.add(`NSE_EQ|${isin}`);
    out.push(memberEquity(symbol, name, isin, memberToken(taken, symbol)));
  }
  for (const key of [...indices.keys()].sort()) {
    const { symbol, name } = indices.get(key)!;
    out.push(memberIndex(key, symbol, name, memberToken(taken, key)));
  }
  return out;
}

function fnoToken(taken: Set<string>, ...parts: number[]): string {
  let n = 30_000 + (Math.abs(parts.reduce((h, p) => Math.imul(h ^ p, 0x01000193), 0x811c9dc5)) % 90_000);
  while (taken.has(String(n))) n++;
  taken.add(String(n));
  return String(n);
}

/**
 * NIFTY and BANKNIFTY futures (current and next month), a NIFTY option chain around the money on the nearest
 * weekly expiry, then the current- and next-month futures of each F&O stock. They depend on the date (expiries)
 * and on the Nifty level (strikes). The stock futures come last so that adding them moves no earlier token.
 */
export function derivativeEntries(
  spots: readonly UniverseEntry[],
  now: number,
  niftyLevel: number,
  fnoMembers: readonly PredefinedMember[] = [],
): UniverseEntry[] {
  const nifty = spots.findIndex((e) => e.instrument.instrumentKey === NIFTY_KEY);
  const bank = spots.findIndex((e) => e.instrument.instrumentKey === BANKNIFTY_KEY);
  const monthly = monthlyExpiries(now, 2);
  const monthlySet = new Set(monthlyExpiries(now, 3));
  const taken = new Set<string>();
  const out: UniverseEntry[] = [];

  const fno = (
    underlying: number,
    symbol: string,
    type: 'FUT' | 'CE' | 'PE',
    expiryDay: number,
    strike: number | null,
    lot: number,
    dailyVolume: number,
  ) => {
    const token = fnoToken(taken, hashString(symbol), hashString(type), expiryDay, strike ?? 0);
    const under = spots[underlying]!.instrument;
    const stock = under.instrumentType === 'EQ';
    const tradingSymbol =
      type === 'FUT'
        ? `${symbol} FUT ${symbolDate(expiryDay)}`
        : `${symbol} ${strike} ${type} ${symbolDate(expiryDay)}`;
    const instrument: DemoInstrument = {
      instrumentKey: `NSE_FO|${token}`,
      tradingSymbol,
      name: symbol,
      segment: 'NSE_FO',
      exchange: 'NSE',
      instrumentType: type,
      isin: null,
      exchangeToken: token,
      lotSize: lot,
      tickSize: stock ? under.tickSize : type === 'FUT' ? 0.1 : 0.05,
      freezeQuantity: lot * 24,
      expiry: dayToDate(expiryDay),
      strike,
      underlyingKey: under.instrumentKey,
      underlyingSymbol: symbol,
      weekly: !monthlySet.has(expiryDay),
    };
    const params: ModelParams = { base: 0, vol: 0, beta: 0, drift: 0, dailyVolume };
    out.push({ instrument, params, kind: type === 'FUT' ? 'future' : 'option', underlying, expiryDay });
  };

  monthly.forEach((expiry, i) => {
    fno(nifty, 'NIFTY', 'FUT', expiry, null, NIFTY_LOT, i === 0 ? 6e6 : 8e5);
    fno(bank, 'BANKNIFTY', 'FUT', expiry, null, BANKNIFTY_LOT, i === 0 ? 1.5e6 : 2e5);
  });
  const weekly = nextWeeklyExpiry(now);
  const atm = Math.round(niftyLevel / NIFTY_STRIKE_STEP) * NIFTY_STRIKE_STEP;
  for (let k = -OPTION_STRIKES_EACH_SIDE; k <= OPTION_STRIKES_EACH_SIDE; k++) {
    const strike = atm + k * NIFTY_STRIKE_STEP;
    for (const type of ['CE', 'PE'] as const) fno(nifty, 'NIFTY', type, weekly, strike, NIFTY_LOT, OPTION_ATM_VOLUME);
  }
  for (const { underlying, lotSize } of stockFutureUnderlyings(spots, fnoMembers)) {
    const { tradingSymbol } = spots[underlying]!.instrument;
    const cashVolume = spots[underlying]!.params.dailyVolume;
    monthly.forEach((expiry, i) =>
      fno(underlying, tradingSymbol, 'FUT', expiry, null, lotSize, Math.round(cashVolume * (i === 0 ? 0.6 : 0.06))),
    );
  }
  return out;
}
