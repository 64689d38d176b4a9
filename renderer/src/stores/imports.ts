import { create } from 'zustand';
import type { EventPayload } from '../../../shared/contract';
import type { ImportRun, ImportRunSummary, ImportSymbol } from '../../../shared/domain/imports';
import { FINISHED_JOB_STATUSES, type JobStatus } from '../../../shared/domain/jobs';
import type { UniverseSummary } from '../../../shared/domain/universes';
import { JOB_KINDS } from '../../../shared/job-kinds';
import type { Bridge } from '../bridge';
import { coalesce } from '../lib/coalesce';
import { messageOf } from '../lib/use-command';
import { followEngine } from './follow';

/** One symbol finished, as the throughput chart counts it: when it arrived here and the bars it wrote. */
export interface ThroughputSample {
  at: number;
  records: number;
  failed: boolean;
}

/** The symbols a run finished since it last started (a retry starts a new series), as this window saw them. */
export interface ThroughputSeries {
  /** When the run started, or when this window saw its first symbol finish if it opened mid-run. */
  since: number;
  samples: ThroughputSample[];
}

/** Import runs, universes and the selected run's detail. Fed by `wireImports`. */
export interface ImportsState {
  /** Newest first, as `imports.list` answers, kept live by progress events. */
  runs: ImportRunSummary[];
  runsLoaded: boolean;
  universes: UniverseSummary[];
  universesLoaded: boolean;
  /** The run the progress panel, the throughput chart and the symbol table show. */
  selectedRunId: number | null;
  /** Whether each run that starts takes the selection; off once the user picks a run from the history. */
  followLatest: boolean;
  /** The selected run in full, once loaded (it may briefly belong to the previous selection: compare runId). */
  run: ImportRun | null;
  symbols: ImportSymbol[];
  /** The run `symbols` belong to. */
  symbolsRunId: number | null;
  /** Symbols finished while this window watched, per run: a run finished before it opened has none. */
  throughput: Record<number, ThroughputSeries>;
  /** Bumped to ask for a fresh detail of the selected run (the wire watches it). */
  detailRequests: number;
  /** Why the last load failed, until one succeeds. */
  error: string | null;
}

export const useImportsStore = create<ImportsState>()(() => ({
  runs: [],
  runsLoaded: false,
  universes: [],
  universesLoaded: false,
  selectedRunId: null,
  followLatest: true,
  run: null,
  symbols: [],
  symbolsRunId: null,
  throughput: {},
  detailRequests: 0,
  error: null,
}));

/** Runs listed at most: the history table shows these. */
export const LISTED_RUNS = 50;
/** Throughput samples kept per run, enough for the largest universe. */
const MAX_SAMPLES = 5000;
/** Refetches of the list and of the selected run, at most this often during a run. */
const REFETCH_MS = 1000;

export const isFinished = (status: JobStatus): boolean => FINISHED_JOB_STATUSES.includes(status);

/** The symbol an item key names: an instrument key of the run, or `?SYMBOL[:ISIN]` for a member the master lacks. */
export function symbolOfItem(itemKey: string, symbols: readonly ImportSymbol[]): string {
  if (itemKey.startsWith('?')) return itemKey.slice(1).split(':')[0]!;
  const row = symbols.find((s) => s.instrumentKey === itemKey);
  return row ? row.symbol : itemKey.slice(itemKey.indexOf('|') + 1);
}

export function replaceRuns(runs: ImportRunSummary[]): void {
  useImportsStore.setState((s) => {
    if (s.selectedRunId !== null || runs.length === 0) return { runs, runsLoaded: true };
    const active = runs.find((r) => !isFinished(r.status));
    return {
      runs,
      runsLoaded: true,
      selectedRunId: (active ?? runs[0]!).runId,
      detailRequests: s.detailRequests + 1,
    };
  });
}

export function replaceUniverses(universes: UniverseSummary[]): void {
  useImportsStore.setState({ universes, universesLoaded: true });
}

export function upsertUniverse(universe: UniverseSummary): void {
  const { id, name, source, memberCount, unresolvedCount, description, updatedAt } = universe;
  const summary: UniverseSummary = { id, name, source, memberCount, unresolvedCount, description, updatedAt };
  useImportsStore.setState((s) => ({
    universes: [...s.universes.filter((u) => u.id !== id), summary],
  }));
}

export function removeUniverse(id: string): void {
  useImportsStore.setState((s) => ({ universes: s.universes.filter((u) => u.id !== id) }));
}

/** Shows a run; `follow` keeps the selection moving to each run that starts later. */
export function selectRun(runId: number, follow = false): void {
  useImportsStore.setState((s) => ({
    selectedRunId: runId,
    followLatest: follow,
    run: s.run?.runId === runId ? s.run : null,
    symbols: s.symbolsRunId === runId ? s.symbols : [],
    symbolsRunId: s.symbolsRunId === runId ? s.symbolsRunId : null,
    detailRequests: s.detailRequests + 1,
  }));
}

/** Asks for the selected run and its symbols again (after a retry, say). */
export function refreshSelectedRun(): void {
  useImportsStore.setState((s) => ({ detailRequests: s.detailRequests + 1 }));
}

export function replaceRunDetail(run: ImportRun, symbols: ImportSymbol[]): void {
  useImportsStore.setState((s) => {
    if (s.selectedRunId !== run.runId) return s;
    return { run, symbols, symbolsRunId: run.runId, runs: s.runs.map((r) => (r.runId === run.runId ? run : r)) };
  });
}

/**
 * Merges a job's progress into its run, in the list and in the detail. Answers whether the run is known here and
 * whether its status changed (which the caller answers with a refetch: counts and errors come with it).
 */
export function applyJobProgress(update: EventPayload<'job_progress_update'>): {
  known: boolean;
  statusChanged: boolean;
} {
  const { runs, run, symbols } = useImportsStore.getState();
  const listed = runs.find((r) => r.jobId === update.jobId);
  const detail = run?.jobId === update.jobId ? run : null;
  const previous = listed ?? detail;
  if (!previous) return { known: false, statusChanged: false };
  const p = update.progress;
  const merge = <T extends ImportRunSummary>(r: T): T => ({
    ...r,
    status: update.status,
    phase: p.phase,
    message: p.message,
    progress: {
      percentage: p.percentage,
      completed: p.completed,
      failed: p.failed,
      remaining: Math.max(0, p.total - p.completed - p.failed),
      total: p.total,
      currentSymbol: p.currentItem ? symbolOfItem(p.currentItem, symbols) : null,
      estimatedCompletion: isFinished(update.status) ? null : p.estimatedCompletion,
      avgSymbolTimeMs: p.avgItemMs,
    },
  });
  useImportsStore.setState((s) => ({
    runs: listed ? s.runs.map((r) => (r === listed ? merge(r) : r)) : s.runs,
    run: detail && s.run === detail ? merge(detail) : s.run,
  }));
  return { known: true, statusChanged: previous.status !== update.status };
}

/**
 * A symbol finished: its row takes the outcome, the run's record count grows, and the throughput chart gets a
 * sample. `at` is when it arrived here (the event carries no time of its own).
 */
export function applySymbolComplete(event: EventPayload<'symbol_processing_complete'>, at: number): void {
  useImportsStore.setState((s) => {
    const series = s.throughput[event.runId] ?? { since: at, samples: [] };
    const sample: ThroughputSample = { at, records: event.records, failed: event.status === 'failed' };
    const samples = [...series.samples.slice(-(MAX_SAMPLES - 1)), sample];
    const throughput = { ...s.throughput, [event.runId]: { since: series.since, samples } };
    const addRecords = <T extends ImportRunSummary>(r: T): T =>
      r.runId === event.runId ? { ...r, recordsImported: r.recordsImported + event.records } : r;

    let symbols = s.symbols;
    if (s.symbolsRunId === event.runId) {
      const matches = (row: ImportSymbol) =>
        event.instrumentKey ? row.instrumentKey === event.instrumentKey : row.symbol === event.symbol;
      const index = symbols.findIndex(matches);
      const before = index >= 0 ? symbols[index]! : null;
      const row: ImportSymbol = {
        symbol: event.symbol,
        instrumentKey: event.instrumentKey,
        status: event.status,
        // A running row already counts the attempt that just ended (the engine counts it when the item is claimed).
        attempts: before?.status === 'running' ? Math.max(1, before.attempts) : (before?.attempts ?? 0) + 1,
        errorCode: event.errorCode,
        errorMessage: event.errorMessage,
        records: event.records,
        processingTimeMs: event.processingTimeMs,
        provider: event.provider,
        providers: before?.providers ?? {},
      };
      symbols = index >= 0 ? symbols.map((r, i) => (i === index ? row : r)) : [...symbols, row];
    }
    return {
      throughput,
      symbols,
      runs: s.runs.map(addRecords),
      run: s.run ? addRecords(s.run) : null,
    };
  });
}

/**
 * A run started (a new one, or a retry of a finished one): its throughput starts a new series, and it takes the
 * selection unless the user picked another run.
 */
export function noteRunStarted(runId: number, at: number): void {
  useImportsStore.setState((s) => ({ throughput: { ...s.throughput, [runId]: { since: at, samples: [] } } }));
  const { followLatest, selectedRunId } = useImportsStore.getState();
  if (followLatest && selectedRunId !== runId) selectRun(runId, true);
}

/** Counts of the symbol table's filters. */
export function countSymbols(symbols: readonly ImportSymbol[]) {
  const counts = { all: symbols.length, succeeded: 0, failed: 0, pending: 0, cancelled: 0 };
  for (const s of symbols) {
    if (s.status === 'succeeded') counts.succeeded++;
    else if (s.status === 'failed') counts.failed++;
    else if (s.status === 'cancelled') counts.cancelled++;
    else counts.pending++;
  }
  return counts;
}

/**
 * Feeds the imports store: runs and universes on load, the selected run's detail on selection, then the import and
 * job events. Bursts of events end in throttled refetches, never one request per event.
 */
export function wireImports(bridge: Bridge): () => void {
  const set = useImportsStore.setState;
  const fail = (error: unknown) => set({ error: messageOf(error) });

  const runsLoader = coalesce(async () => {
    try {
      replaceRuns(await bridge.invoke('imports.list', { limit: LISTED_RUNS }));
      set({ error: null });
    } catch (error) {
      fail(error);
    }
  }, REFETCH_MS);

  const detailLoader = coalesce(async () => {
    const runId = useImportsStore.getState().selectedRunId;
    if (runId === null) return;
    try {
      const [run, symbols] = await Promise.all([
        bridge.invoke('imports.get', { runId }),
        bridge.invoke('imports.symbols', { runId }),
      ]);
      replaceRunDetail(run, symbols);
    } catch (error) {
      // A run cleaned up meanwhile answers NOT_FOUND: the list no longer holds it either.
      fail(error);
    }
  }, REFETCH_MS);

  const load = () => {
    runsLoader.request();
    detailLoader.request();
    bridge.invoke('universes.list', {}).then(replaceUniverses, fail);
  };

  const offs = [
    followEngine(bridge, load, () => set(useImportsStore.getInitialState(), true)),
    useImportsStore.subscribe((state, previous) => {
      if (state.detailRequests !== previous.detailRequests) detailLoader.request();
    }),
    bridge.on('job_progress_update', ({ payload }) => {
      if (payload.kind !== JOB_KINDS.ohlcvImport) return;
      const { known, statusChanged } = applyJobProgress(payload);
      if (!known) runsLoader.request();
      if (statusChanged) {
        runsLoader.request();
        if (useImportsStore.getState().selectedRunId === payload.jobId) detailLoader.request();
      }
    }),
    bridge.on('symbol_processing_complete', ({ payload }) => applySymbolComplete(payload, Date.now())),
    bridge.on('data_import_started', ({ payload }) => {
      noteRunStarted(payload.runId, Date.now());
      runsLoader.request();
      if (useImportsStore.getState().selectedRunId === payload.runId) detailLoader.request();
    }),
    bridge.on('data_import_completed', ({ payload }) => {
      runsLoader.request();
      if (useImportsStore.getState().selectedRunId === payload.runId) detailLoader.request();
    }),
  ];
  return () => {
    runsLoader.cancel();
    detailLoader.cancel();
    offs.forEach((off) => off());
  };
}
