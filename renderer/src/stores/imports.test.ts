import { beforeEach, describe, expect, it } from 'vitest';
import type { EventPayload } from '../../../shared/contract';
import type { ImportRun, ImportSymbol } from '../../../shared/domain/imports';
import {
  applyJobProgress,
  applySymbolComplete,
  countSymbols,
  noteRunStarted,
  replaceRunDetail,
  replaceRuns,
  selectRun,
  symbolOfItem,
  useImportsStore,
} from './imports';

const run = (runId: number, status: ImportRun['status'] = 'RUNNING'): ImportRun => ({
  runId,
  jobId: runId,
  status,
  phase: 'importing',
  message: '',
  universes: ['nifty50'],
  timeframes: ['1d'],
  lookbackDays: { '1d': 3650 },
  progress: {
    percentage: 0,
    completed: 0,
    failed: 0,
    remaining: 3,
    total: 3,
    currentSymbol: null,
    estimatedCompletion: null,
    avgSymbolTimeMs: null,
  },
  recordsImported: 0,
  successRate: null,
  retryCount: 0,
  error: null,
  createdAt: '2026-12-03T10:00:00.000Z',
  startedAt: '2026-12-03T10:00:00.000Z',
  finishedAt: null,
  failedSymbols: [],
});

const symbol = (name: string, key: string | null, status: ImportSymbol['status'] = 'pending'): ImportSymbol => ({
  symbol: name,
  instrumentKey: key,
  status,
  attempts: 0,
  errorCode: null,
  errorMessage: null,
  records: 0,
  processingTimeMs: null,
  provider: null,
  providers: {},
});

const progress = (
  jobId: number,
  status: ImportRun['status'],
  p: Partial<EventPayload<'job_progress_update'>['progress']> = {},
): EventPayload<'job_progress_update'> => ({
  jobId,
  kind: 'ohlcv.import',
  status,
  attempts: 1,
  progress: {
    percentage: 0,
    message: '',
    phase: 'importing',
    completed: 0,
    failed: 0,
    total: 3,
    currentItem: null,
    estimatedCompletion: null,
    avgItemMs: null,
    ...p,
  },
});

const done = (
  runId: number,
  name: string,
  key: string | null,
  records: number,
  failed = false,
): EventPayload<'symbol_processing_complete'> => ({
  runId,
  symbol: name,
  instrumentKey: key,
  status: failed ? 'failed' : 'succeeded',
  records,
  processingTimeMs: 40,
  provider: failed ? null : 'demo',
  errorCode: failed ? 'SYMBOL_NOT_FOUND' : null,
  errorMessage: failed ? `${name} is not in the instrument master` : null,
});

/** A run selected with its symbols loaded, as the view has it after `imports.get` and `imports.symbols`. */
function loaded(): void {
  replaceRuns([run(7)]);
  replaceRunDetail(run(7), [
    symbol('HDFCBANK', 'NSE_EQ|INE040A01034'),
    symbol('SBIN', 'NSE_EQ|INE062A01020'),
    symbol('NOTABANK', null),
  ]);
}

describe('imports store', () => {
  beforeEach(() => useImportsStore.setState(useImportsStore.getInitialState(), true));

  it('selects the running run when the list first loads, else the newest', () => {
    replaceRuns([run(9, 'SUCCEEDED'), run(8, 'RUNNING')]);
    expect(useImportsStore.getState().selectedRunId).toBe(8);
    useImportsStore.setState(useImportsStore.getInitialState(), true);
    replaceRuns([run(9, 'SUCCEEDED'), run(8, 'FAILED')]);
    expect(useImportsStore.getState().selectedRunId).toBe(9);
  });

  it('merges a job progress event into the run in the list and in the detail, naming the current symbol', () => {
    loaded();
    const answer = applyJobProgress(
      progress(7, 'RUNNING', {
        percentage: 33.3,
        completed: 1,
        currentItem: 'NSE_EQ|INE062A01020',
        estimatedCompletion: '2026-12-03T10:00:30.000Z',
        avgItemMs: 250,
      }),
    );
    expect(answer).toEqual({ known: true, statusChanged: false });
    const { runs, run: detail } = useImportsStore.getState();
    for (const r of [runs[0], detail])
      expect(r?.progress).toEqual({
        percentage: 33.3,
        completed: 1,
        failed: 0,
        remaining: 2,
        total: 3,
        currentSymbol: 'SBIN',
        estimatedCompletion: '2026-12-03T10:00:30.000Z',
        avgSymbolTimeMs: 250,
      });
    expect(detail?.failedSymbols).toEqual([]);
  });

  it('tells the caller when a run is unknown or its status changed, and drops the ETA of a finished run', () => {
    loaded();
    expect(applyJobProgress(progress(99, 'RUNNING'))).toEqual({ known: false, statusChanged: false });
    const answer = applyJobProgress(progress(7, 'SUCCEEDED', { estimatedCompletion: '2026-12-03T10:00:30.000Z' }));
    expect(answer).toEqual({ known: true, statusChanged: true });
    expect(useImportsStore.getState().run).toMatchObject({
      status: 'SUCCEEDED',
      progress: { estimatedCompletion: null },
    });
  });

  it('names an unresolved item by the symbol in its key', () => {
    expect(symbolOfItem('?NOTABANK', [])).toBe('NOTABANK');
    expect(symbolOfItem('?TCS:INE467B01029', [])).toBe('TCS');
    expect(symbolOfItem('NSE_EQ|INE002A01018', [])).toBe('INE002A01018');
  });

  it('updates a finished symbol in place, counts its records and samples the throughput', () => {
    loaded();
    applySymbolComplete(done(7, 'HDFCBANK', 'NSE_EQ|INE040A01034', 2500), 1_000);
    applySymbolComplete(done(7, 'NOTABANK', null, 0, true), 1_500);
    const s = useImportsStore.getState();
    expect(s.symbols.map((r) => [r.symbol, r.status, r.attempts, r.records])).toEqual([
      ['HDFCBANK', 'succeeded', 1, 2500],
      ['SBIN', 'pending', 0, 0],
      ['NOTABANK', 'failed', 1, 0],
    ]);
    expect(s.symbols[2]).toMatchObject({ errorCode: 'SYMBOL_NOT_FOUND' });
    expect(s.run?.recordsImported).toBe(2500);
    expect(s.runs[0]?.recordsImported).toBe(2500);
    expect(s.throughput[7]?.samples).toEqual([
      { at: 1_000, records: 2500, failed: false },
      { at: 1_500, records: 0, failed: true },
    ]);
    expect(countSymbols(s.symbols)).toEqual({ all: 3, succeeded: 1, failed: 1, pending: 1, cancelled: 0 });
  });

  it('counts an attempt once: a running row has counted it already, a retried row adds one', () => {
    replaceRuns([run(7)]);
    replaceRunDetail(run(7), [
      { ...symbol('HDFCBANK', 'NSE_EQ|INE040A01034', 'running'), attempts: 1 },
      { ...symbol('NOTABANK', null, 'pending'), attempts: 1 },
    ]);
    applySymbolComplete(done(7, 'HDFCBANK', 'NSE_EQ|INE040A01034', 10), 1_000);
    applySymbolComplete(done(7, 'NOTABANK', null, 0, true), 1_000);
    expect(useImportsStore.getState().symbols.map((r) => r.attempts)).toEqual([1, 2]);
  });

  it("inserts a symbol the loaded rows lack, and leaves another run's rows alone", () => {
    loaded();
    applySymbolComplete(done(7, 'TCS', 'NSE_EQ|INE467B01029', 10), 1_000);
    expect(useImportsStore.getState().symbols.at(-1)).toMatchObject({ symbol: 'TCS', status: 'succeeded' });
    const before = useImportsStore.getState().symbols;
    applySymbolComplete(done(8, 'SBIN', 'NSE_EQ|INE062A01020', 10), 1_000);
    expect(useImportsStore.getState().symbols).toBe(before);
    expect(useImportsStore.getState().throughput[8]?.samples).toHaveLength(1);
  });

  it('moves the selection to a run that starts, unless the user picked a run from the history', () => {
    loaded();
    noteRunStarted(8, 5_000);
    expect(useImportsStore.getState()).toMatchObject({ selectedRunId: 8, run: null, symbols: [] });
    expect(useImportsStore.getState().throughput[8]).toEqual({ since: 5_000, samples: [] });
    selectRun(7);
    noteRunStarted(9, 6_000);
    expect(useImportsStore.getState().selectedRunId).toBe(7);
  });

  it('ignores a detail that arrives for a run no longer selected', () => {
    loaded();
    selectRun(8);
    replaceRunDetail(run(7), []);
    expect(useImportsStore.getState().run).toBeNull();
  });
});
