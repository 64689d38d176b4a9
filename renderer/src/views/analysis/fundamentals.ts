import type { CommandOutput } from '../../../../shared/contract';
import { formatCount } from '../imports/format';

export type FundamentalsImported = CommandOutput<'fundamentals.import'>;

const plural = (n: number, one: string, many: string) => `${formatCount(n)} ${n === 1 ? one : many}`;

/** A YYYY-MM-DD date as "12 Mar 2026": the day the figures are as of, not a moment, so no time zone moves it. */
export function formatIsoDate(date: string): string {
  const [year, month, day] = date.split('-').map(Number);
  if (!year || !month || !day) return date;
  return new Date(Date.UTC(year, month - 1, day)).toLocaleDateString('en-IN', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

/** What an accepted screener file did: "2,120 companies imported as of 12 Mar 2026, 3 BSE-only rows left out". */
export function fundamentalsImportedText(result: FundamentalsImported): string {
  return `${plural(result.imported, 'company', 'companies')} imported as of ${formatIsoDate(result.asOf)}, ${plural(
    result.skipped.length,
    'BSE-only row',
    'BSE-only rows',
  )} left out`;
}
