import {
  DEFAULT_LOOKBACK_DAYS,
  type ImportPlan,
  type ImportRequest,
  type ImportRun,
  type ImportRunSummary,
  type ImportSymbol,
  type ImportSymbolStatus,
} from '../../../shared/domain/imports';
import type { Job, JobItem, JobItemStatus } from '../../../shared/domain/jobs';
import type { UniverseMember } from '../../../shared/domain/universes';
import { WorkstationError } from '../../../shared/errors';
import type { Clock } from '../common/clock';
import type { JobService } from '../jobs/service';
import type { HistoryStore } from '../store/history';
import type { ImportRunStore } from '../store/import-runs';
import type { InstrumentStore } from '../store/instruments';
import type { Db } from '../store/types';
import type { RateLimiter } from '../upstox/rate-limit';
import type { ProviderChain } from './chain';
import {
  itemKeyOf,
  OHLCV_IMPORT_KIND,
  OhlcvImportPayloadSchema,
  plannedRequests,
  sumOf,
  unresolvedOf,
  type ImportItemResult,
  type ImportTarget,
  type OhlcvImportPayload,
} from './ohlcv.job';
import type { UniverseService } from './universes/service';

export interface ImportServiceDeps {
  db: Db;
  jobs: JobService;
  universes: UniverseService;
  runs: ImportRunStore;
  history: HistoryStore;
  instruments: InstrumentStore;
  chain: ProviderChain;
  limiter: RateLimiter;
  clock: Clock;
}

const STATUS_OF_ITEM: Record<JobItemStatus, ImportSymbolStatus> = {
  PENDING: 'pending',
  RUNNING: 'running',
  SUCCEEDED: 'succeeded',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
};
const ITEM_STATUS_OF: Record<ImportSymbolStatus, JobItemStatus> = {
  pending: 'PENDING',
  running: 'RUNNING',
  succeeded: 'SUCCEEDED',
  failed: 'FAILED',
  cancelled: 'CANCELLED',
};

/** Import runs: starting one from a request, planning it, reading its progress and symbols, retrying its failures. */
export function createImportService(deps: ImportServiceDeps) {
  const { jobs, universes, runs, instruments } = deps;

  /** Symbols of item keys, from the master in one lookup (the per-symbol table lists thousands). */
  function symbolsOf(keys: readonly string[]): Map<string, string> {
    const known = new Map(
      instruments.get(keys.filter((k) => !k.startsWith('?'))).map((i) => [i.instrumentKey, i.tradingSymbol]),
    );
    return new Map(
      keys.map((key) => [key, unresolvedOf(key)?.symbol ?? known.get(key) ?? key.slice(key.indexOf('|') + 1)]),
    );
  }
  const symbolOf = (key: string) => symbolsOf([key]).get(key)!;

  function resolve(key: string): ImportTarget | null {
    const unresolved = unresolvedOf(key);
    if (!unresolved) return { instrumentKey: key, symbol: symbolOf(key) };
    const [member] = universes.resolveMembers([{ instrumentKey: null, ...unresolved }]);
    return member?.instrumentKey ? { instrumentKey: member.instrumentKey, symbol: member.symbol } : null;
  }

  function membersOf(request: Pick<ImportRequest, 'universes' | 'symbols'>): UniverseMember[] {
    const members = universes.members(request.universes ?? []);
    const seen = new Set(members.map(itemKeyOf));
    for (const member of universes.resolveKeys(request.symbols ?? []))
      if (!seen.has(itemKeyOf(member))) {
        seen.add(itemKeyOf(member));
        members.push(member);
      }
    return members;
  }

  function payloadOf(request: ImportRequest): OhlcvImportPayload {
    return OhlcvImportPayloadSchema.parse({
      universes: request.universes ?? [],
      symbols: request.symbols ?? [],
      timeframes: request.timeframes,
      lookbackDays: Object.fromEntries(
        request.timeframes.map((tf) => [tf, request.lookbackDays?.[tf] ?? DEFAULT_LOOKBACK_DAYS[tf]]),
      ),
    });
  }

  function mustGetRun(runId: number): Job {
    let job: Job;
    try {
      job = jobs.get(runId);
    } catch {
      throw new WorkstationError('NOT_FOUND', `no import run ${runId}`);
    }
    if (job.kind !== OHLCV_IMPORT_KIND) throw new WorkstationError('NOT_FOUND', `no import run ${runId}`);
    return job;
  }

  function summaryOf(job: Job): ImportRunSummary {
    const payload = OhlcvImportPayloadSchema.safeParse(job.payload);
    const p = job.progress;
    const finished = job.finishedAt !== null;
    const total = p.total;
    return {
      runId: job.id,
      jobId: job.id,
      status: job.status,
      phase: p.phase,
      message: p.message,
      universes: payload.success ? payload.data.universes : [],
      timeframes: payload.success ? payload.data.timeframes : [],
      lookbackDays: payload.success ? payload.data.lookbackDays : {},
      progress: {
        percentage: p.percentage,
        completed: p.completed,
        failed: p.failed,
        remaining: Math.max(0, total - p.completed - p.failed),
        total,
        currentSymbol: p.currentItem ? symbolOf(p.currentItem) : null,
        estimatedCompletion: finished ? null : p.estimatedCompletion,
        avgSymbolTimeMs: p.avgItemMs,
      },
      recordsImported: runs.recordsImported(job.id),
      successRate: finished && total > 0 ? p.completed / total : null,
      retryCount: runs.retryCount(job.id) ?? 0,
      error: job.error,
      createdAt: job.createdAt,
      startedAt: job.startedAt,
      finishedAt: job.finishedAt,
    };
  }

  function symbolRows(items: readonly JobItem[]): ImportSymbol[] {
    const symbols = symbolsOf(items.map((i) => i.key));
    return items.map((item) => {
      const result = item.result as ImportItemResult | null;
      const providers = result?.providers ?? {};
      return {
        symbol: result?.symbol ?? symbols.get(item.key)!,
        instrumentKey: item.key.startsWith('?') ? null : item.key,
        status: STATUS_OF_ITEM[item.status],
        attempts: item.attempts,
        errorCode: item.errorCode,
        errorMessage: item.errorMessage,
        records: item.records,
        processingTimeMs: item.processingTimeMs,
        provider: [...new Set(Object.values(providers))].join(', ') || null,
        providers,
      };
    });
  }

  return {
    resolve,
    symbolOf,
    /** Item keys of a run's symbols (a scheduled run names only its universes). */
    itemsFor: (payload: OhlcvImportPayload): string[] => membersOf(payload).map(itemKeyOf),

    plan(request: ImportRequest): ImportPlan {
      const members = membersOf(request);
      const requestsByTimeframe = plannedRequests(
        deps.chain,
        deps.history,
        payloadOf(request),
        members.flatMap((m) => m.instrumentKey ?? []),
        deps.clock.now(),
      );
      const requests = sumOf(requestsByTimeframe);
      return {
        totalSymbols: members.length,
        unresolved: members.filter((m) => !m.instrumentKey).map((m) => ({ symbol: m.symbol, isin: m.isin })),
        requests,
        requestsByTimeframe,
        estimatedMs: deps.limiter.estimateMs('standard', requests),
      };
    },

    start(request: ImportRequest) {
      const members = membersOf(request);
      if (members.length === 0)
        throw new WorkstationError('VALIDATION_FAILED', 'the import names no symbol', [
          { path: ['universes'], message: 'the universes named have no members' },
        ]);
      const payload = payloadOf(request);
      const started = deps.db.transaction(() => {
        const { job } = jobs.enqueue(OHLCV_IMPORT_KIND, payload, { items: members.map(itemKeyOf) });
        runs.add(job.id, deps.clock.now());
        return job;
      })();
      return {
        runId: started.id,
        jobId: started.id,
        status: started.status,
        totalSymbols: members.length,
        unresolved: members.filter((m) => !m.instrumentKey).map((m) => ({ symbol: m.symbol, isin: m.isin })),
      };
    },

    list: (limit: number): ImportRunSummary[] => jobs.list({ kind: OHLCV_IMPORT_KIND, limit }).map(summaryOf),

    get(runId: number): ImportRun {
      const job = mustGetRun(runId);
      const failed = jobs.items(runId, 'FAILED', 10_000);
      return { ...summaryOf(job), failedSymbols: symbolRows(failed).map((s) => s.symbol) };
    },

    symbols(runId: number, status: ImportSymbolStatus | undefined, limit: number): ImportSymbol[] {
      mustGetRun(runId);
      return symbolRows(jobs.items(runId, status ? ITEM_STATUS_OF[status] : undefined, limit));
    },

    retry(runId: number, symbols: readonly string[] | undefined) {
      mustGetRun(runId);
      let keys: string[] | null = null;
      if (symbols) {
        const items = jobs.items(runId, 'FAILED', 10_000);
        const rows = symbolRows(items);
        keys = symbols.map((wanted, index) => {
          const at = rows.findIndex(
            (s) => s.instrumentKey === wanted || s.symbol.toUpperCase() === wanted.toUpperCase(),
          );
          if (at < 0)
            throw new WorkstationError('VALIDATION_FAILED', `${wanted} is not a failed symbol of run ${runId}`, [
              { path: ['symbols', index], message: 'not a failed symbol of this run' },
            ]);
          return items[at]!.key;
        });
      }
      const { retried } = deps.db.transaction(() => {
        const outcome = jobs.retryItems(runId, keys);
        runs.add(runId, deps.clock.now());
        runs.recordRetry(runId);
        return outcome;
      })();
      return { runId, retryCount: runs.retryCount(runId) ?? 0, retried };
    },
  };
}
export type ImportService = ReturnType<typeof createImportService>;
