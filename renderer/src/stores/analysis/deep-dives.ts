import type { EventPayload } from '../../../../shared/contract';
import {
  DEEP_DIVE_STEPS,
  type AnalysisStatus,
  type DeepDiveRequest,
  type DeepDiveStatus,
} from '../../../../shared/domain/analysis';
import {
  set,
  withNewerLocal,
  type AnalysisState,
  type AnalysisSummary,
  type DeepDiveRun,
  type StepState,
} from './state';

export const LISTED_ANALYSES = 30;

/**
 * The named steps as the overlay shows them. The engine's own steps when it sent them; else each step of
 * DEEP_DIVE_STEPS is done once the progress reaches where it ends, and the first unfinished one is running. A finished
 * deep-dive has every step done; a failed one shows the step it failed at.
 */
export function deepDiveSteps(steps: readonly StepState[], progress: number, status: AnalysisStatus): StepState[] {
  const base: StepState[] =
    steps.length > 0
      ? steps.map((s) => ({ ...s }))
      : DEEP_DIVE_STEPS.map((s) => ({
          name: s.name,
          label: s.label,
          status: progress >= s.endsAt ? ('DONE' as const) : ('PENDING' as const),
        }));
  if (status === 'COMPLETED') return base.map((s) => ({ ...s, status: 'DONE' }));
  const current = base.findIndex((s) => s.status === 'RUNNING' || s.status === 'FAILED');
  const at = current >= 0 ? current : base.findIndex((s) => s.status === 'PENDING');
  if (at < 0) return base;
  if (status === 'FAILED') base[at] = { ...base[at]!, status: 'FAILED' };
  else if (base[at]!.status === 'PENDING') base[at] = { ...base[at]!, status: 'RUNNING' };
  return base;
}

const newRun = (analysisId: number, symbol: string, request: DeepDiveRequest | null): DeepDiveRun => ({
  analysisId,
  symbol,
  status: 'PROCESSING',
  progress: 0,
  message: 'Queued',
  steps: deepDiveSteps([], 0, 'PROCESSING'),
  reportId: null,
  report: null,
  error: null,
  errorCode: null,
  request,
});

export function replaceAnalyses(answer: AnalysisSummary[]): void {
  set((s) => {
    const analyses = withNewerLocal(answer, s.analyses, (a) => a.analysisId);
    if (s.selectedAnalysisId !== null) return { analyses, analysesLoaded: true };
    const active = analyses.find((a) => a.status === 'PROCESSING');
    return { analyses, analysesLoaded: true, selectedAnalysisId: active ? active.analysisId : null };
  });
}

export function selectAnalysis(analysisId: number | null): void {
  set({ selectedAnalysisId: analysisId });
}

/** A deep-dive this window started: it shows at once with its steps pending. */
export function noteDeepDiveStarted(analysisId: number, symbol: string, request: DeepDiveRequest, at: string): void {
  set((s) => ({
    deepDives: { ...s.deepDives, [analysisId]: newRun(analysisId, symbol, request) },
    analyses: [
      { analysisId, symbol, status: 'PROCESSING' as const, createdAt: at, reportId: null, error: null },
      ...s.analyses.filter((a) => a.analysisId !== analysisId),
    ],
    selectedAnalysisId: analysisId,
  }));
}

function patchSummary(s: AnalysisState, analysisId: number, patch: Partial<AnalysisSummary>): AnalysisSummary[] {
  return s.analyses.map((a) => (a.analysisId === analysisId ? { ...a, ...patch } : a));
}

export function applyDeepDiveProgress(event: EventPayload<'analysis_progress'>): void {
  set((s) => {
    const before = s.deepDives[event.id] ?? newRun(event.id, event.symbol ?? `#${event.id}`, null);
    // A late progress event never takes a finished deep-dive back.
    if (before.status !== 'PROCESSING') return s;
    const progress = Math.max(before.progress, event.progress);
    const run: DeepDiveRun = {
      ...before,
      symbol: event.symbol ?? before.symbol,
      progress,
      message: event.message,
      steps: deepDiveSteps(event.steps, progress, 'PROCESSING'),
    };
    return { deepDives: { ...s.deepDives, [event.id]: run } };
  });
}

export function applyDeepDiveCompleted(event: EventPayload<'analysis_completed'>): void {
  set((s) => {
    const before = s.deepDives[event.id] ?? newRun(event.id, event.symbol ?? `#${event.id}`, null);
    const run: DeepDiveRun = {
      ...before,
      symbol: event.symbol ?? before.symbol,
      status: event.status,
      progress: event.status === 'COMPLETED' ? 100 : before.progress,
      steps: deepDiveSteps(before.steps, before.progress, event.status),
      reportId: event.reportId,
      error: event.error,
    };
    return {
      deepDives: { ...s.deepDives, [event.id]: run },
      analyses: patchSummary(s, event.id, { status: event.status, reportId: event.reportId, error: event.error }),
    };
  });
}

/** What `deepDive.status` answered; an answer older than the events already seen does not undo them. */
export function applyDeepDiveStatus(status: DeepDiveStatus): void {
  set((s) => {
    const before = s.deepDives[status.analysisId] ?? newRun(status.analysisId, status.symbol, null);
    let run: DeepDiveRun;
    if (status.status === 'PROCESSING') {
      if (before.status !== 'PROCESSING') return s;
      const progress = Math.max(before.progress, status.progress);
      const fresher = status.progress >= before.progress;
      run = {
        ...before,
        symbol: status.symbol,
        progress,
        message: fresher ? status.message : before.message,
        steps: fresher ? deepDiveSteps(status.steps, progress, 'PROCESSING') : before.steps,
      };
    } else if (status.status === 'COMPLETED') {
      run = {
        ...before,
        symbol: status.symbol,
        status: 'COMPLETED',
        progress: 100,
        steps: deepDiveSteps(before.steps, 100, 'COMPLETED'),
        reportId: status.reportId,
        report: status.report,
        error: null,
        errorCode: null,
      };
    } else {
      run = {
        ...before,
        symbol: status.symbol,
        status: 'FAILED',
        steps: deepDiveSteps(status.steps.length > 0 ? status.steps : before.steps, before.progress, 'FAILED'),
        error: status.error,
        errorCode: status.errorCode,
      };
    }
    return {
      deepDives: { ...s.deepDives, [status.analysisId]: run },
      analyses: patchSummary(s, status.analysisId, {
        status: run.status,
        reportId: run.reportId,
        error: run.error,
      }),
    };
  });
}
