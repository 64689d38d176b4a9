import { istDate } from '../../../shared/time';
import type { StoredRange } from '../store/history';

/** How far back a provider serves a timeframe and how much one request may cover. */
export interface SpanLimits {
  /** Calendar months one request may cover; null: no limit. */
  spanMonths: number | null;
  /** The first date served (YYYY-MM-DD). */
  earliest: string;
}

/** One historical request: IST calendar dates, both inclusive, as the v3 route takes them. */
export interface DateRange {
  from: string;
  to: string;
}

const dayOf = (date: string) => Date.parse(`${date}T00:00:00Z`);
const dateOf = (utcMidnight: number) => new Date(utcMidnight).toISOString().slice(0, 10);
const addDays = (date: string, days: number) => dateOf(dayOf(date) + days * 86_400_000);

function addMonths(date: string, months: number): string {
  const d = new Date(dayOf(date));
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  // The same day of the month, or the month's last day when it has fewer (31 January + 1 month = 28/29 February).
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return dateOf(d.getTime());
}

/** True when every day of [from, to] is a Saturday or a Sunday. */
function onlyWeekend(from: string, to: string): boolean {
  for (let day = from; day <= to; day = addDays(day, 1)) {
    const weekday = new Date(dayOf(day)).getUTCDay();
    if (weekday !== 0 && weekday !== 6) return false;
  }
  return true;
}

/** Cuts [from, to] into requests of the span the unit allows, oldest first. */
export function cutIntoSpans(range: DateRange, { spanMonths }: SpanLimits): DateRange[] {
  if (range.from > range.to) return [];
  if (spanMonths === null) return [range];
  const out: DateRange[] = [];
  for (let from = range.from; from <= range.to;) {
    const end = addDays(addMonths(from, spanMonths), -1);
    const to = end < range.to ? end : range.to;
    out.push({ from, to });
    from = addDays(to, 1);
  }
  return out;
}

/**
 * The requests an import needs from a provider with these limits for one symbol and timeframe to hold [wantedFrom, today]: what is older than the
 * first stored bar, and from the last stored bar's day to today (that day is fetched again: its bar may have been
 * built before the close). So a second identical run makes one request, for the latest days. Oldest first.
 */
export function planRequests(
  limits: SpanLimits,
  wantedFrom: string,
  today: string,
  stored: StoredRange | null,
): DateRange[] {
  const { earliest } = limits;
  const from = wantedFrom < earliest ? earliest : wantedFrom;
  if (!stored) return cutIntoSpans({ from, to: today }, limits);
  const firstDay = istDate(stored.first);
  const lastDay = istDate(stored.last);
  const olderTo = addDays(firstDay, -1);
  // A weekend before the first bar holds no bar to fetch: asking for it again would make every run one request longer.
  const older = from < firstDay && !onlyWeekend(from, olderTo) ? cutIntoSpans({ from, to: olderTo }, limits) : [];
  const newer = cutIntoSpans({ from: lastDay > from ? lastDay : from, to: today }, limits);
  return [...older, ...newer];
}

/** The first date of a lookback of `days` ending today (IST). */
export function lookbackStart(today: string, days: number): string {
  return addDays(today, -(days - 1));
}
