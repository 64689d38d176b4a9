import type { CommandInput } from '../../../../shared/contract';
import type { Report, ReportComparison, ReportSummary } from '../../../../shared/domain/analysis';
import { set, type ReportFilters } from './state';

export const LISTED_REPORTS = 200;

/** The library query the filters ask for: empty fields left out, as the engine refuses empty strings. */
export function reportQuery(filters: ReportFilters): CommandInput<'reports.list'> {
  const query: CommandInput<'reports.list'> = { limit: LISTED_REPORTS };
  const q = filters.q.trim();
  const symbol = filters.symbol.trim().toUpperCase();
  if (q) query.q = q;
  if (symbol) query.symbol = symbol;
  if (filters.grade) query.grade = filters.grade;
  if (/^\d{4}-\d{2}-\d{2}$/.test(filters.from)) query.from = filters.from;
  if (/^\d{4}-\d{2}-\d{2}$/.test(filters.to)) query.to = filters.to;
  return query;
}

export const newestFirst = (reports: readonly ReportSummary[]): ReportSummary[] =>
  [...reports].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.id - a.id);

export function setReportFilters(patch: Partial<ReportFilters>): void {
  set((s) => ({ reportFilters: { ...s.reportFilters, ...patch } }));
}

export function replaceReports(reports: ReportSummary[]): void {
  set((s) => {
    const listed = new Set(reports.map((r) => r.id));
    return {
      reports: newestFirst(reports),
      reportsLoaded: true,
      compareIds: s.compareIds.filter((id) => listed.has(id)),
    };
  });
}

export function openReport(id: number): void {
  set((s) => ({
    openReportId: id,
    openReport: s.openReport?.id === id ? s.openReport : null,
    comparePair: null,
    comparison: null,
  }));
}

export function setOpenReport(report: Report): void {
  set((s) => (s.openReportId === report.id ? { openReport: report } : s));
}

export function closeReport(): void {
  set({ openReportId: null, openReport: null });
}

/**
 * The ticked reports after a tick: two at most, both of one symbol. A report of another symbol starts the choice
 * again; a third of the same symbol replaces the older tick.
 */
export function toggleCompareId(ids: readonly number[], id: number, reports: readonly ReportSummary[]): number[] {
  if (ids.includes(id)) return ids.filter((x) => x !== id);
  const symbol = reports.find((r) => r.id === id)?.symbol;
  const same = ids.filter((x) => reports.find((r) => r.id === x)?.symbol === symbol);
  return [...same, id].slice(-2);
}

export function toggleCompare(id: number): void {
  set((s) => ({ compareIds: toggleCompareId(s.compareIds, id, s.reports) }));
}

/** Compares the two ticked reports; nothing happens unless exactly two are ticked. */
export function compareTicked(): void {
  set((s) => {
    if (s.compareIds.length !== 2) return s;
    const [a, b] = [...s.compareIds].sort((x, y) => x - y) as [number, number];
    return { comparePair: [a, b] as const, comparison: null, openReportId: null, openReport: null };
  });
}

export function setComparison(pair: readonly [number, number], comparison: ReportComparison): void {
  set((s) => (s.comparePair && s.comparePair[0] === pair[0] && s.comparePair[1] === pair[1] ? { comparison } : s));
}

export function closeComparison(): void {
  set({ comparePair: null, comparison: null });
}

export function removeReport(id: number): void {
  set((s) => ({
    reports: s.reports.filter((r) => r.id !== id),
    compareIds: s.compareIds.filter((x) => x !== id),
    ...(s.openReportId === id ? { openReportId: null, openReport: null } : {}),
    ...(s.comparePair?.includes(id) ? { comparePair: null, comparison: null } : {}),
  }));
}
