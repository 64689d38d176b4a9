import type { EventPayload } from '../../../../shared/contract';
import type { Scan, ScanRequest, ScanSummary } from '../../../../shared/domain/analysis';
import type { UniverseSummary } from '../../../../shared/domain/universes';
import { get, set, withNewerLocal } from './state';

export const LISTED_SCANS = 30;

export function replaceUniverses(universes: UniverseSummary[]): void {
  set({ universes, universesLoaded: true });
}

/** The list; the first load selects the running scan, else the newest. */
export function replaceScans(answer: ScanSummary[]): void {
  set((s) => {
    const scans = withNewerLocal(answer, s.scans, (x) => x.scanId);
    if (s.selectedScanId !== null || scans.length === 0) return { scans, scansLoaded: true };
    const active = scans.find((x) => x.status === 'PROCESSING');
    return { scans, scansLoaded: true, selectedScanId: (active ?? scans[0]!).scanId };
  });
}

export function selectScan(scanId: number): void {
  set((s) => ({ selectedScanId: scanId, scan: s.scan?.scanId === scanId ? s.scan : null }));
}

/** A scan this window started: listed and selected at once, before the engine has said anything more about it. */
export function noteScanStarted(
  started: { scanId: number; jobId: number },
  request: ScanRequest,
  universeName: string,
  at: string,
): void {
  const summary: ScanSummary = {
    scanId: started.scanId,
    jobId: started.jobId,
    universe: request.universe,
    universeName,
    threshold: request.threshold,
    status: 'PROCESSING',
    createdAt: at,
    completedAt: null,
    progress: { percentage: 0, completed: 0, total: 0 },
    error: null,
    passed: 0,
    total: 0,
  };
  set((s) => ({ scans: [summary, ...s.scans.filter((x) => x.scanId !== started.scanId)] }));
  selectScan(started.scanId);
}

/** The selected scan's detail; a progress event newer than the answer keeps its percentage. */
export function replaceScanDetail(scan: Scan): void {
  set((s) => {
    if (s.selectedScanId !== scan.scanId) return s;
    const seen = s.scan?.scanId === scan.scanId ? s.scan : null;
    const detail =
      seen && seen.status === 'PROCESSING' && scan.status === 'PROCESSING'
        ? {
            ...scan,
            progress: { ...scan.progress, percentage: Math.max(seen.progress.percentage, scan.progress.percentage) },
          }
        : scan;
    const { results: _results, ...rest } = detail;
    const passed = detail.results.filter((r) => r.verdict === 'PASS').length;
    return {
      scan: detail,
      scans: s.scans.map((x) =>
        x.scanId === scan.scanId ? { ...x, ...rest, passed, total: detail.results.length } : x,
      ),
    };
  });
}

/** A scan's progress into its list entry and its detail; answers whether the scan is known here. */
export function applyScanProgress(event: EventPayload<'analysis_progress'>): boolean {
  const known = get().scans.some((x) => x.scanId === event.id) || get().scan?.scanId === event.id;
  const move = <T extends ScanSummary | Scan>(x: T): T =>
    x.scanId === event.id && x.status === 'PROCESSING'
      ? { ...x, progress: { ...x.progress, percentage: Math.max(x.progress.percentage, event.progress) } }
      : x;
  set((s) => ({
    scans: s.scans.map(move),
    scan: s.scan ? move(s.scan) : null,
    scanMessages: { ...s.scanMessages, [event.id]: event.message },
  }));
  return known;
}

export function applyScanCompleted(event: EventPayload<'analysis_completed'>): void {
  const finish = <T extends ScanSummary | Scan>(x: T): T =>
    x.scanId === event.id
      ? {
          ...x,
          status: event.status,
          error: event.error,
          progress: event.status === 'COMPLETED' ? { ...x.progress, percentage: 100 } : x.progress,
        }
      : x;
  set((s) => ({
    scans: s.scans.map((x) =>
      x.scanId === event.id && event.passed !== null ? { ...finish(x), passed: event.passed } : finish(x),
    ),
    scan: s.scan ? finish(s.scan) : null,
  }));
}
