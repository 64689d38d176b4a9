import type { Bridge } from '../../bridge';
import { coalesce } from '../../lib/coalesce';
import { messageOf } from '../../lib/use-command';
import { followEngine } from '../follow';
import {
  applyDeepDiveCompleted,
  applyDeepDiveProgress,
  applyDeepDiveStatus,
  LISTED_ANALYSES,
  replaceAnalyses,
} from './deep-dives';
import { replaceReports, reportQuery, setComparison, setOpenReport } from './reports';
import {
  applyScanCompleted,
  applyScanProgress,
  LISTED_SCANS,
  replaceScanDetail,
  replaceScans,
  replaceUniverses,
} from './scans';
import { get, set, setAreaError, useAnalysisStore, type AnalysisArea } from './state';

export {
  EMPTY_REPORT_FILTERS,
  setAreaError,
  useAnalysisStore,
  type AnalysisArea,
  type AnalysisState,
  type AnalysisSummary,
  type DeepDiveRun,
  type ReportFilters,
  type StepState,
} from './state';
export { LISTED_SCANS, noteScanStarted, replaceScanDetail, replaceScans, replaceUniverses, selectScan } from './scans';
export {
  applyDeepDiveStatus,
  deepDiveSteps,
  LISTED_ANALYSES,
  noteDeepDiveStarted,
  replaceAnalyses,
  selectAnalysis,
} from './deep-dives';
export {
  closeComparison,
  closeReport,
  compareTicked,
  LISTED_REPORTS,
  newestFirst,
  openReport,
  removeReport,
  replaceReports,
  reportQuery,
  setComparison,
  setOpenReport,
  setReportFilters,
  toggleCompare,
  toggleCompareId,
} from './reports';

/** Refetches of lists, at most this often while events arrive. */
const REFETCH_MS = 1000;
/** The library refetches this soon after a filter changes: typing in the search box is not a request a key. */
const FILTER_MS = 250;

/**
 * Feeds the analysis store: universes, scans, deep-dives and the library on load, each selection's detail when it
 * changes, then the two analysis events. Progress comes only from events; a completion fetches what it produced once.
 */
export function wireAnalysis(bridge: Bridge): () => void {
  const guarded = (area: AnalysisArea, task: () => Promise<void>) => async () => {
    try {
      await task();
      setAreaError(area, null);
    } catch (error) {
      setAreaError(area, messageOf(error));
    }
  };

  const scansLoader = coalesce(
    guarded('scans', async () => replaceScans(await bridge.invoke('scans.list', { limit: LISTED_SCANS }))),
    REFETCH_MS,
  );
  const scanLoader = coalesce(
    guarded('scans', async () => {
      const id = get().selectedScanId;
      if (id !== null) replaceScanDetail(await bridge.invoke('scans.get', { id }));
    }),
    0,
  );
  const analysesLoader = coalesce(
    guarded('deepDive', async () => replaceAnalyses(await bridge.invoke('deepDive.list', { limit: LISTED_ANALYSES }))),
    REFETCH_MS,
  );
  const statusLoader = coalesce(
    guarded('deepDive', async () => {
      const id = get().selectedAnalysisId;
      if (id !== null) applyDeepDiveStatus(await bridge.invoke('deepDive.status', { id }));
    }),
    0,
  );
  const reportsLoader = coalesce(
    guarded('reports', async () => {
      const filters = get().reportFilters;
      const reports = await bridge.invoke('reports.list', reportQuery(filters));
      // The filters changed meanwhile: the request for them follows, and this answer is for the old ones.
      if (get().reportFilters === filters) replaceReports(reports);
    }),
    FILTER_MS,
  );
  const reportLoader = coalesce(
    guarded('report', async () => {
      const id = get().openReportId;
      if (id !== null) setOpenReport(await bridge.invoke('reports.get', { id }));
    }),
    0,
  );
  const comparisonLoader = coalesce(
    guarded('comparison', async () => {
      const pair = get().comparePair;
      if (pair) setComparison(pair, await bridge.invoke('reports.compare', { a: pair[0], b: pair[1] }));
    }),
    0,
  );
  const loaders = [
    scansLoader,
    scanLoader,
    analysesLoader,
    statusLoader,
    reportsLoader,
    reportLoader,
    comparisonLoader,
  ];

  const load = () => {
    scansLoader.request();
    scanLoader.request();
    analysesLoader.request();
    statusLoader.request();
    reportsLoader.request();
    bridge
      .invoke('universes.list', {})
      .then(replaceUniverses, (error: unknown) => setAreaError('scans', messageOf(error)));
  };
  const reset = () => set(useAnalysisStore.getInitialState(), true);

  const offs = [
    followEngine(bridge, load, reset),
    useAnalysisStore.subscribe((state, previous) => {
      if (state.selectedScanId !== previous.selectedScanId && state.selectedScanId !== null) scanLoader.request();
      if (state.selectedAnalysisId !== previous.selectedAnalysisId && state.selectedAnalysisId !== null) {
        const run = state.deepDives[state.selectedAnalysisId];
        // A run whose report is here already needs nothing more; a fresh start has nothing to ask yet.
        if (!run || (run.status !== 'PROCESSING' && !run.report && run.status !== 'FAILED')) statusLoader.request();
      }
      if (state.reportFilters !== previous.reportFilters) reportsLoader.request();
      if (state.openReportId !== previous.openReportId && state.openReportId !== null) reportLoader.request();
      if (state.comparePair !== previous.comparePair && state.comparePair !== null) comparisonLoader.request();
    }),
    bridge.on('analysis_progress', ({ payload }) => {
      if (payload.kind === 'scan') {
        if (!applyScanProgress(payload)) scansLoader.request();
      } else {
        applyDeepDiveProgress(payload);
        if (!get().analyses.some((a) => a.analysisId === payload.id)) analysesLoader.request();
      }
    }),
    bridge.on('analysis_completed', ({ payload }) => {
      if (payload.kind === 'scan') {
        applyScanCompleted(payload);
        scansLoader.request();
        if (get().selectedScanId === payload.id) scanLoader.request();
        return;
      }
      applyDeepDiveCompleted(payload);
      analysesLoader.request();
      if (get().selectedAnalysisId === payload.id) statusLoader.request();
      if (payload.status === 'COMPLETED') reportsLoader.request();
    }),
  ];
  return () => {
    loaders.forEach((loader) => loader.cancel());
    offs.forEach((off) => off());
  };
}
