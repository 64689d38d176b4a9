import type { z } from 'zod';
import { create } from 'zustand';
import type {
  AnalysisStatus,
  AnalysisSummarySchema,
  DeepDiveRequest,
  Report,
  ReportComparison,
  ReportSummary,
  RiskGrade,
  Scan,
  ScanSummary,
  StepStateSchema,
} from '../../../../shared/domain/analysis';
import type { UniverseSummary } from '../../../../shared/domain/universes';

/** A named step of a deep-dive as the engine reports it. */
export type StepState = z.infer<typeof StepStateSchema>;
/** A deep-dive as `deepDive.list` lists it. */
export type AnalysisSummary = z.infer<typeof AnalysisSummarySchema>;

/** A deep-dive as this window knows it: its steps while it runs, then its report or its error. */
export interface DeepDiveRun {
  analysisId: number;
  symbol: string;
  status: AnalysisStatus;
  /** 0-100. */
  progress: number;
  message: string;
  steps: StepState[];
  reportId: number | null;
  /** The finished report, once loaded. */
  report: Report | null;
  error: string | null;
  errorCode: string | null;
  /** What started it, so Retry asks the same; null for one started elsewhere (Retry then asks by symbol). */
  request: DeepDiveRequest | null;
}

/** The report library's filters as the form holds them: '' is "any". */
export interface ReportFilters {
  q: string;
  symbol: string;
  grade: RiskGrade | '';
  from: string;
  to: string;
}

export type AnalysisArea = 'scans' | 'deepDive' | 'reports' | 'report' | 'comparison';

/** Scans, deep-dives and the report library. Fed by `wireAnalysis`. */
export interface AnalysisState {
  universes: UniverseSummary[];
  universesLoaded: boolean;
  /** Newest first, as `scans.list` answers, kept live by progress events. */
  scans: ScanSummary[];
  scansLoaded: boolean;
  /** The scan the results table shows. */
  selectedScanId: number | null;
  /** The selected scan in full, once loaded (compare scanId: it may belong to the previous selection). */
  scan: Scan | null;
  /** The last progress sentence of each scan. */
  scanMessages: Record<number, string>;
  /** Newest first, as `deepDive.list` answers. */
  analyses: AnalysisSummary[];
  analysesLoaded: boolean;
  deepDives: Record<number, DeepDiveRun>;
  /** The deep-dive the Deep-dive view shows. */
  selectedAnalysisId: number | null;
  /** Newest first. */
  reports: ReportSummary[];
  reportsLoaded: boolean;
  reportFilters: ReportFilters;
  openReportId: number | null;
  openReport: Report | null;
  /** Reports ticked for a comparison: at most two, of one symbol. */
  compareIds: number[];
  comparePair: readonly [number, number] | null;
  comparison: ReportComparison | null;
  /** Why the last load of each area failed, until one succeeds. */
  errors: Partial<Record<AnalysisArea, string>>;
}

export const EMPTY_REPORT_FILTERS: ReportFilters = { q: '', symbol: '', grade: '', from: '', to: '' };

export const useAnalysisStore = create<AnalysisState>()(() => ({
  universes: [],
  universesLoaded: false,
  scans: [],
  scansLoaded: false,
  selectedScanId: null,
  scan: null,
  scanMessages: {},
  analyses: [],
  analysesLoaded: false,
  deepDives: {},
  selectedAnalysisId: null,
  reports: [],
  reportsLoaded: false,
  reportFilters: EMPTY_REPORT_FILTERS,
  openReportId: null,
  openReport: null,
  compareIds: [],
  comparePair: null,
  comparison: null,
  errors: {},
}));

export const set = useAnalysisStore.setState;
export const get = useAnalysisStore.getState;

export function setAreaError(area: AnalysisArea, message: string | null): void {
  set((s) => {
    if ((s.errors[area] ?? null) === message) return s;
    const errors = { ...s.errors };
    if (message === null) delete errors[area];
    else errors[area] = message;
    return { errors };
  });
}

/**
 * A list answer, keeping the entries this window added that are newer than any the answer holds: the request left
 * before they started. Ids grow, so such an entry is newer than the answer's newest.
 */
export function withNewerLocal<T>(answer: T[], current: readonly T[], idOf: (item: T) => number): T[] {
  const newest = answer.reduce((max, item) => Math.max(max, idOf(item)), 0);
  const listed = new Set(answer.map(idOf));
  return [...current.filter((item) => idOf(item) > newest && !listed.has(idOf(item))), ...answer];
}
