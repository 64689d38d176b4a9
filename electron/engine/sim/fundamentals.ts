import { hashString, normalHash, unitHash } from './rng';
import type { UniverseEntry } from './universe';

/** The simulator's own route (Upstox has no fundamentals): a screener export of every listed equity. */
export const FUNDAMENTALS_PATH = '/tickdesk-sim/fundamentals.csv';

export const FUNDAMENTALS_COLUMNS = [
  'Name',
  'NSE Code',
  'Industry',
  'Current Price',
  'Market Capitalization',
  'Price to Earning',
  'Industry PE',
  'Price to book value',
  'Return on equity',
  'Return on capital employed',
  'Debt to equity',
  'Sales growth 3Years',
  'Profit growth 3Years',
  'Dividend yield',
  'Promoter holding',
  'Change in promoter holding',
  'FII holding',
  'Change in FII holding',
  'DII holding',
  'Change in DII holding',
  'Pledged percentage',
] as const;

interface Industry {
  name: string;
  pe: number;
  /** Lenders and insurers carry debt by trade and earn less on capital employed than on equity. */
  lender: boolean;
}

/** Industries recognised from words of the company's name, checked in order; the rest draw one of `OTHERS`. */
const BY_NAME: ReadonlyArray<readonly [RegExp, Industry]> = [
  [/\bBANK\b/, { name: 'Banks', pe: 14, lender: true }],
  [/INSURANCE|\bLIFE\b|LOMBARD/, { name: 'Insurance', pe: 45, lender: true }],
  [
    /FINANC|FINSERV|CAPITAL|HOLDINGS|INVESTMENT|HOUSING|CARDS|FINTECH|ASSET MANAGEMENT/,
    { name: 'Finance', pe: 24, lender: true },
  ],
  [
    /PHARMA|LABORATOR|LIFESCIENCES|\bLABS\b|BIOCON|HEALTH|HOSPITAL/,
    { name: 'Pharmaceuticals & Healthcare', pe: 36, lender: false },
  ],
  [
    /TECHNOLOG|\bTECH\b|INFOSYS|SOFTWARE|CONSULTANCY|SYSTEMS|COFORGE|MPHASIS|ELXSI|WIPRO/,
    { name: 'IT - Software', pe: 30, lender: false },
  ],
  [/STEEL|METAL|HINDALCO|ZINC|ALUMINIUM|VEDANTA|NMDC|COAL/, { name: 'Metals & Mining', pe: 15, lender: false }],
  [/POWER|ENERGY|\bNTPC\b|\bNHPC\b|GRID|WIND|SUZLON|RENEWABLE/, { name: 'Power', pe: 22, lender: false }],
  [/PETROLEUM|\bOIL\b|\bGAS\b|GAIL|LNG|RELIANCE/, { name: 'Oil & Gas', pe: 12, lender: false }],
  [/CEMENT/, { name: 'Cement', pe: 38, lender: false }],
  [
    /MOTOR|AUTO|LEYLAND|MARUTI|FORGINGS|MINDA|MOTHERSON|EICHER/,
    { name: 'Automobiles & Components', pe: 28, lender: false },
  ],
  [/REALTY|ESTATES|PROPERTIES|DEVELOPERS|\bDLF\b|PHOENIX|\bNBCC\b/, { name: 'Realty', pe: 40, lender: false }],
  [
    /CONSUMER|UNILEVER|FOODS?\b|BRITANNIA|NESTLE|DABUR|MARICO|COLGATE|\bITC\b|BEVERAGES|SPIRITS|RADICO/,
    { name: 'FMCG', pe: 50, lender: false },
  ],
  [
    /PAINTS|PIDILITE|CHEMICAL|\bSRF\b|\bUPL\b|\bPI INDUSTRIES\b|SOLAR INDUSTRIES/,
    { name: 'Chemicals', pe: 42, lender: false },
  ],
  [/AIRTEL|TELECOM|TOWERS|VODAFONE|COMMUNICATIONS/, { name: 'Telecom', pe: 35, lender: false }],
  [
    /ELECTRONICS|AERONAUTICS|DYNAMICS|SHIPYARD|SHIPBUILDERS|DOCK|DEFENCE/,
    { name: 'Aerospace & Defence', pe: 45, lender: false },
  ],
  [/EXCHANGE|DEPOSITORY|\bBSE\b|MANAGEMENT SERVICES/, { name: 'Capital Markets', pe: 48, lender: false }],
];
const OTHERS: readonly Industry[] = [
  { name: 'Capital Goods', pe: 45, lender: false },
  { name: 'Consumer Durables', pe: 55, lender: false },
  { name: 'Retail', pe: 70, lender: false },
  { name: 'Infrastructure', pe: 25, lender: false },
  { name: 'Logistics', pe: 32, lender: false },
  { name: 'Textiles', pe: 28, lender: false },
];

function industryOf(name: string, symbol: string): Industry {
  const text = ` ${name.toUpperCase()} ${symbol.toUpperCase()} `;
  for (const [pattern, industry] of BY_NAME) if (pattern.test(text)) return industry;
  return OTHERS[hashString(symbol) % OTHERS.length]!;
}

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));
const two = (value: number) => Number(value.toFixed(2));

/**
 * One company's fundamentals, a function of its symbol alone (the same symbol always gets the same ratios and
 * holdings) except for the price, which is the market's, and the market capitalisation (in ₹ crore) that follows it.
 */
export function fundamentalsRow(entry: UniverseEntry, price: number): Array<string | number> {
  const { name, tradingSymbol: symbol } = entry.instrument;
  const h = hashString(symbol);
  const u = (salt: number) => unitHash(h, salt);
  const n = (salt: number) => normalHash(h, salt);
  const industry = industryOf(name, symbol);
  // Market value: some hundreds of days of the stock's turnover at its table price, held as a share count.
  const shares = Math.round(entry.params.dailyVolume * (400 + 800 * u(1)));
  const pe = clamp(industry.pe * Math.exp(0.35 * n(2)), 8, 80);
  const roe = clamp(industry.lender ? 9 + 9 * u(3) : 5 + 30 * u(3) ** 1.2, 5, 35);
  const roce = industry.lender ? clamp(roe * (0.55 + 0.2 * u(4)), 5, 35) : clamp(roe * (0.9 + 0.5 * u(4)), 5, 45);
  const debtToEquity = industry.lender ? 1.2 + 1.3 * u(5) : 2.5 * u(5) ** 2.5;
  const salesGrowth = clamp(9 + 9 * n(6), -10, 45);
  const profitGrowth = clamp(salesGrowth + 12 * n(7), -30, 80);
  const dividendYield = 3.5 * u(8) ** 2;
  // Widely held companies have no promoter; the rest are held 30-75% by theirs.
  const promoter = u(9) < 0.08 ? 0 : 30 + 45 * u(10);
  const free = 100 - promoter;
  const fii = free * (0.15 + 0.4 * u(11));
  const dii = (free - fii) * (0.2 + 0.5 * u(12));
  const change = (value: number, salt: number, spread: number) =>
    value > 0 ? clamp(spread * n(salt), -Math.min(3, value), 3) : 0;
  const pledged = promoter > 0 && u(13) > 0.82 ? 1 + 29 * u(14) : 0;
  return [
    name,
    symbol,
    industry.name,
    two(price),
    two((shares * price) / 1e7),
    two(pe),
    industry.pe,
    two(Math.max(0.3, (pe * roe) / 100)),
    two(roe),
    two(roce),
    two(debtToEquity),
    two(salesGrowth),
    two(profitGrowth),
    two(dividendYield),
    two(promoter),
    two(change(promoter, 15, 0.6)),
    two(fii),
    two(change(fii, 16, 1.1)),
    two(dii),
    two(change(dii, 17, 1.1)),
    two(pledged),
  ];
}

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The export: a header row, then one row per equity with `priceOf` its current price. */
export function fundamentalsCsv(equities: readonly UniverseEntry[], priceOf: (entry: UniverseEntry) => number): string {
  const lines = [FUNDAMENTALS_COLUMNS.join(',')];
  for (const entry of equities) lines.push(fundamentalsRow(entry, priceOf(entry)).map(csvField).join(','));
  return `${lines.join('\n')}\n`;
}
