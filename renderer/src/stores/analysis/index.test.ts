import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DeepDiveStatus, Scan } from '../../../../shared/domain/analysis';
import { deepDiveCompleted, deepDiveProgress, emptyLoads, fakeBridge, report, result, scan } from './fixtures';
import { EMPTY_REPORT_FILTERS, noteDeepDiveStarted, noteScanStarted, useAnalysisStore, wireAnalysis } from '.';

const state = () => useAnalysisStore.getState();

describe('analysis store, fed by events', () => {
  let unwire: (() => void) | undefined;
  beforeEach(() => useAnalysisStore.setState(useAnalysisStore.getInitialState(), true));
  afterEach(() => {
    unwire?.();
    unwire = undefined;
  });

  it('moves a deep-dive through its steps on progress events, and never back once it finished', async () => {
    const { bridge, emit } = fakeBridge({
      ...emptyLoads,
      'deepDive.status': (): DeepDiveStatus => ({
        status: 'COMPLETED',
        analysisId: 7,
        symbol: 'RELIANCE',
        reportId: 3,
        report: report(3, 7),
        convictionScore: 64,
        riskGrade: 'MODERATE',
      }),
    });
    unwire = wireAnalysis(bridge);
    noteDeepDiveStarted(7, 'RELIANCE', { symbol: 'RELIANCE' }, '2026-03-12T10:00:00.000Z');
    expect(state().selectedAnalysisId).toBe(7);
    expect(state().deepDives[7]?.steps.map((s) => s.status)).toEqual(['RUNNING', 'PENDING', 'PENDING']);

    emit('analysis_progress', deepDiveProgress(7, 45, 'Scoring six factors'));
    expect(state().deepDives[7]).toMatchObject({ progress: 45, message: 'Scoring six factors', status: 'PROCESSING' });
    expect(state().deepDives[7]?.steps.map((s) => s.status)).toEqual(['DONE', 'RUNNING', 'PENDING']);

    emit('analysis_completed', deepDiveCompleted(7, 'COMPLETED', 3));
    expect(state().deepDives[7]?.steps.map((s) => s.status)).toEqual(['DONE', 'DONE', 'DONE']);
    // The completion asks once for what it produced: the report arrives with the status.
    await vi.waitFor(() => expect(state().deepDives[7]?.report?.id).toBe(3));

    emit('analysis_progress', deepDiveProgress(7, 66, 'late'));
    expect(state().deepDives[7]).toMatchObject({ status: 'COMPLETED', progress: 100 });
  });

  it('shows a failed deep-dive with its error and the step it failed at', async () => {
    const { bridge, emit } = fakeBridge({
      ...emptyLoads,
      'deepDive.status': (): DeepDiveStatus => ({
        status: 'FAILED',
        analysisId: 8,
        symbol: 'NOSUCH',
        error: 'NOSUCH is not in the instrument master',
        errorCode: 'SYMBOL_NOT_FOUND',
        steps: [
          { name: 'refresh', label: 'Refresh data', status: 'FAILED' },
          { name: 'analyse', label: 'Multi-factor analysis', status: 'PENDING' },
          { name: 'save', label: 'Save report', status: 'PENDING' },
        ],
      }),
    });
    unwire = wireAnalysis(bridge);
    noteDeepDiveStarted(8, 'NOSUCH', { symbol: 'NOSUCH' }, '2026-03-12T10:00:00.000Z');
    emit('analysis_completed', deepDiveCompleted(8, 'FAILED', null, 'NOSUCH is not in the instrument master'));
    expect(state().deepDives[8]).toMatchObject({ status: 'FAILED', error: 'NOSUCH is not in the instrument master' });
    expect(state().deepDives[8]?.steps[0]?.status).toBe('FAILED');
    await vi.waitFor(() => expect(state().deepDives[8]?.errorCode).toBe('SYMBOL_NOT_FOUND'));
    expect(state().deepDives[8]?.request).toEqual({ symbol: 'NOSUCH' });
    expect(state().analyses[0]).toMatchObject({ analysisId: 8, status: 'FAILED' });
  });

  it('takes a deep-dive started elsewhere from its first progress event', () => {
    const { bridge, emit } = fakeBridge({ ...emptyLoads });
    unwire = wireAnalysis(bridge);
    emit('analysis_progress', deepDiveProgress(12, 20, 'Fetching the option chain'));
    expect(state().deepDives[12]).toMatchObject({
      symbol: 'RELIANCE',
      progress: 20,
      message: 'Fetching the option chain',
      request: null,
    });
  });

  it("moves a scan's bar on progress events and loads its results once it completes", async () => {
    const results = [result('TCS', 72), result('INFY', 41)];
    let answer: Scan = scan(5, 'PROCESSING');
    const { bridge, emit, called } = fakeBridge({ ...emptyLoads, 'scans.get': () => answer });
    unwire = wireAnalysis(bridge);
    noteScanStarted(
      { scanId: 5, jobId: 105 },
      { universe: 'nifty50', threshold: 60 },
      'NIFTY 50',
      '2026-03-12T10:00:00Z',
    );
    await vi.waitFor(() => expect(state().scan?.scanId).toBe(5));

    emit('analysis_progress', {
      kind: 'scan',
      id: 5,
      symbol: 'TCS',
      step: null,
      steps: [],
      message: 'Scored 2 of 3',
      progress: 66.7,
    });
    expect(state().scans[0]?.progress.percentage).toBe(66.7);
    expect(state().scan?.progress.percentage).toBe(66.7);
    expect(state().scanMessages[5]).toBe('Scored 2 of 3');
    const gets = called('scans.get').length;

    answer = scan(5, 'COMPLETED', results);
    emit('analysis_completed', {
      kind: 'scan',
      id: 5,
      status: 'COMPLETED',
      symbol: null,
      reportId: null,
      convictionScore: null,
      riskGrade: null,
      passed: 1,
      error: null,
    });
    expect(state().scans[0]).toMatchObject({ status: 'COMPLETED', passed: 1 });
    await vi.waitFor(() => expect(state().scan?.results.map((r) => r.symbol)).toEqual(['TCS', 'INFY']));
    expect(called('scans.get').length).toBe(gets + 1);
    expect(state().scans[0]).toMatchObject({ passed: 1, total: 2 });
  });

  it('asks the library again when a filter changes, leaving empty filters out', async () => {
    const { bridge, called } = fakeBridge({ ...emptyLoads });
    unwire = wireAnalysis(bridge);
    await vi.waitFor(() => expect(state().reportsLoaded).toBe(true));
    useAnalysisStore.setState({ reportFilters: { ...EMPTY_REPORT_FILTERS, symbol: 'reliance', grade: 'HIGH' } });
    await vi.waitFor(() =>
      expect(called('reports.list').at(-1)?.input).toEqual({ limit: 200, symbol: 'RELIANCE', grade: 'HIGH' }),
    );
  });
});
