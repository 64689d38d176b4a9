import type { Fundamentals, ReportSections } from '../../../../shared/domain/analysis';
import { scoreFromPoints } from './conviction';

export type ValuationSection = ReportSections['valuation'];
export type InstitutionalSection = ReportSections['institutional'];

/** Pledged promoter shares above this percentage are a red flag: lenders may sell them in a fall. */
export const PLEDGE_ALARM_PCT = 10;

const NO_FUNDAMENTALS = 'No fundamentals for this symbol: import a screener export to score';

/** A scoring rule over one or more fields: points, or null when the fields it needs are missing. */
interface Rule {
  /** The fields the rule reads, for the note naming what is missing. */
  fields: readonly (keyof typeof FIELD_LABELS)[];
  points: (f: Fundamentals) => number | null;
}

const FIELD_LABELS = {
  pe: 'P/E',
  industryPe: 'industry P/E',
  pb: 'P/B',
  roe: 'ROE',
  roce: 'ROCE',
  debtToEquity: 'debt to equity',
  profitGrowth3y: '3-year profit growth',
  salesGrowth3y: '3-year sales growth',
  promoterHolding: 'promoter holding',
  promoterHoldingChange: 'promoter holding change',
  fiiHoldingChange: 'FII holding change',
  diiHoldingChange: 'DII holding change',
  pledgedPercentage: 'pledged percentage',
} as const satisfies Partial<Record<keyof Fundamentals, string>>;

/**
 * Valuation points on 50:
 *   P/E against the industry's: loss-making (P/E ≤ 0) -10; ratio < 0.8 +10, < 1.0 +5, < 1.25 0, < 1.6 -5, else -10;
 *     without an industry P/E, P/E < 20 +5 and > 60 -5;
 *   P/B < 1.5 +5, > 8 -5; ROE ≥ 20 +10, ≥ 15 +5, ≥ 10 0, ≥ 0 -5, else -10; ROCE ≥ 20 +5, < 10 -5;
 *   debt to equity < 0.5 +5, ≤ 1 0, ≤ 1.5 -5, else -10; 3-year profit and sales growth each ≥ 15 / ≥ 12 +5, < 0 -5.
 */
const VALUATION_RULES: readonly Rule[] = [
  {
    fields: ['pe', 'industryPe'],
    points: ({ pe, industryPe }) => {
      if (pe === null) return null;
      if (pe <= 0) return -10;
      if (industryPe === null || industryPe <= 0) return pe < 20 ? 5 : pe > 60 ? -5 : 0;
      const ratio = pe / industryPe;
      return ratio < 0.8 ? 10 : ratio < 1 ? 5 : ratio < 1.25 ? 0 : ratio < 1.6 ? -5 : -10;
    },
  },
  { fields: ['pb'], points: ({ pb }) => (pb === null ? null : pb < 1.5 ? 5 : pb > 8 ? -5 : 0) },
  {
    fields: ['roe'],
    points: ({ roe }) => (roe === null ? null : roe >= 20 ? 10 : roe >= 15 ? 5 : roe >= 10 ? 0 : roe >= 0 ? -5 : -10),
  },
  { fields: ['roce'], points: ({ roce }) => (roce === null ? null : roce >= 20 ? 5 : roce < 10 ? -5 : 0) },
  {
    fields: ['debtToEquity'],
    points: ({ debtToEquity: de }) => (de === null ? null : de < 0.5 ? 5 : de <= 1 ? 0 : de <= 1.5 ? -5 : -10),
  },
  {
    fields: ['profitGrowth3y'],
    points: ({ profitGrowth3y: g }) => (g === null ? null : g >= 15 ? 5 : g < 0 ? -5 : 0),
  },
  {
    fields: ['salesGrowth3y'],
    points: ({ salesGrowth3y: g }) => (g === null ? null : g >= 12 ? 5 : g < 0 ? -5 : 0),
  },
];

/**
 * Institutional points on 50:
 *   promoter holding ≥ 50% +10, ≥ 35% +5, < 25% -5;
 *   holding changes in percentage points, beyond ±0.5 the bigger points: promoters ±10 / ±5, FII ±8 / ±4, DII ±6 / ±3;
 *   pledged > 10% -30 (it outweighs everything else), > 5% -10, > 0 -3, none +5.
 */
const INSTITUTIONAL_RULES: readonly Rule[] = [
  {
    fields: ['promoterHolding'],
    points: ({ promoterHolding: h }) => (h === null ? null : h >= 50 ? 10 : h >= 35 ? 5 : h < 25 ? -5 : 0),
  },
  { fields: ['promoterHoldingChange'], points: ({ promoterHoldingChange: c }) => changePoints(c, 10, 5) },
  { fields: ['fiiHoldingChange'], points: ({ fiiHoldingChange: c }) => changePoints(c, 8, 4) },
  { fields: ['diiHoldingChange'], points: ({ diiHoldingChange: c }) => changePoints(c, 6, 3) },
  {
    fields: ['pledgedPercentage'],
    points: ({ pledgedPercentage: p }) =>
      p === null ? null : p > PLEDGE_ALARM_PCT ? -30 : p > 5 ? -10 : p > 0 ? -3 : 5,
  },
];

/** A holding change in percentage points: one beyond half a point either way earns the bigger points. */
function changePoints(change: number | null, big: number, small: number): number | null {
  if (change === null) return null;
  if (change > 0.5) return big;
  if (change > 0) return small;
  if (change < -0.5) return -big;
  if (change < 0) return -small;
  return 0;
}

/** The score from the rules whose fields are there, and a note naming the fields that are not. */
function scored(f: Fundamentals, rules: readonly Rule[]): { score: number | null; note: string | null } {
  const points = rules.map((rule) => rule.points(f));
  const known = points.filter((p): p is number => p !== null);
  const missing = rules
    .flatMap((rule) => rule.fields.filter((field) => f[field] === null))
    .map((field) => FIELD_LABELS[field]);
  const note = missing.length === 0 ? null : `No ${missing.join(', ')} in the fundamentals of ${f.asOf}.`;
  return { score: known.length === 0 ? null : scoreFromPoints(known), note };
}

export function valuationSection(f: Fundamentals | null): ValuationSection {
  const { score, note } =
    f === null ? { score: null, note: `${NO_FUNDAMENTALS} valuation.` } : scored(f, VALUATION_RULES);
  return {
    available: score !== null,
    pe: f?.pe ?? null,
    industryPe: f?.industryPe ?? null,
    pb: f?.pb ?? null,
    roe: f?.roe ?? null,
    roce: f?.roce ?? null,
    debtToEquity: f?.debtToEquity ?? null,
    salesGrowth3y: f?.salesGrowth3y ?? null,
    profitGrowth3y: f?.profitGrowth3y ?? null,
    dividendYield: f?.dividendYield ?? null,
    marketCap: f?.marketCap ?? null,
    score,
    note,
  };
}

export function institutionalSection(f: Fundamentals | null): InstitutionalSection {
  const { score, note } =
    f === null ? { score: null, note: `${NO_FUNDAMENTALS} shareholding.` } : scored(f, INSTITUTIONAL_RULES);
  return {
    available: score !== null,
    promoterHolding: f?.promoterHolding ?? null,
    promoterHoldingChange: f?.promoterHoldingChange ?? null,
    fiiHolding: f?.fiiHolding ?? null,
    fiiHoldingChange: f?.fiiHoldingChange ?? null,
    diiHolding: f?.diiHolding ?? null,
    diiHoldingChange: f?.diiHoldingChange ?? null,
    pledgedPercentage: f?.pledgedPercentage ?? null,
    score,
    note,
  };
}
