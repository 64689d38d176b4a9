import { z } from 'zod';
import { DEFAULT_LOOKBACK_DAYS, ImportTimeframeSchema, type ImportTimeframe } from '../../../shared/domain/imports';
import { JOB_KINDS } from '../../../shared/job-kinds';
import { istDate } from '../../../shared/time';
import type { Emit } from '../common/events';
import { JobStoppedError, PermanentJobError } from '../jobs/errors';
import { defineJobKind } from '../jobs/registry';
import type { HistoryStore } from '../store/history';
import type { ImportRunStore } from '../store/import-runs';
import type { ItemFields } from '../store/jobs';
import type { RateLimiter } from '../upstox/rate-limit';
import type { ProviderChain, RangeFetched } from './chain';
import { lookbackStart } from './plan';

export const OHLCV_IMPORT_KIND = JOB_KINDS.ohlcvImport;

export const OhlcvImportPayloadSchema = z
  .object({
    universes: z.array(z.string()).max(20).default([]),
    symbols: z.array(z.string()).max(5000).default([]),
    timeframes: z.array(ImportTimeframeSchema).min(1),
    lookbackDays: z.partialRecord(ImportTimeframeSchema, z.number().int().min(1)).default({}),
    /** Share of symbols that must import for the run to succeed. */
    successThreshold: z.number().min(0).max(1).default(0.8),
  })
  .strict();
export type OhlcvImportPayload = z.infer<typeof OhlcvImportPayloadSchema>;

/** The symbol an item stands for: its instrument key, or, for a member the master did not know, its symbol and ISIN. */
export interface ImportTarget {
  instrumentKey: string;
  symbol: string;
}

/** An item's key for a member: the instrument key, or `?SYMBOL` / `?SYMBOL:ISIN` while it does not resolve. */
export function itemKeyOf(member: { instrumentKey: string | null; symbol: string; isin: string | null }): string {
  if (member.instrumentKey) return member.instrumentKey;
  return member.isin ? `?${member.symbol}:${member.isin}` : `?${member.symbol}`;
}

export function unresolvedOf(itemKey: string): { symbol: string; isin: string | null } | null {
  if (!itemKey.startsWith('?')) return null;
  const [symbol, isin] = itemKey.slice(1).split(':');
  return { symbol: symbol!, isin: isin ?? null };
}

/** What an item records of a symbol that imported: shown in the per-symbol table. */
export interface ImportItemResult {
  symbol: string;
  providers: Partial<Record<ImportTimeframe, string>>;
  records: Partial<Record<ImportTimeframe, number>>;
  requests: number;
}

export interface OhlcvImportDeps {
  history: HistoryStore;
  runs: ImportRunStore;
  chain: () => ProviderChain;
  limiter: RateLimiter;
  /** The instrument an item key stands for, resolved now (a member unknown at start may be known by a retry); null when it still does not resolve. */
  resolve(itemKey: string): ImportTarget | null;
  /** The symbol to show for an item key, resolved or not. */
  symbolOf(itemKey: string): string;
  /** Item keys of the payload's universes and symbols: a scheduled run is enqueued without its items. */
  itemsFor(payload: OhlcvImportPayload): string[];
  emit: Emit;
  /** Symbols processed at once: enough to keep the rate limiter's pipe full at Upstox's latency. */
  concurrency?: number;
}

/** The days a run wants of a timeframe: its lookback ending today (IST); a payload without one takes the default. */
export function wantedRange(
  payload: Pick<OhlcvImportPayload, 'lookbackDays'>,
  timeframe: ImportTimeframe,
  now: number,
) {
  const today = istDate(now);
  return {
    today,
    wantedFrom: lookbackStart(today, payload.lookbackDays[timeframe] ?? DEFAULT_LOOKBACK_DAYS[timeframe]),
  };
}

/** Requests each timeframe needs for these instruments, given what is stored: a run's plan, and its ETA's start. */
export function plannedRequests(
  chain: ProviderChain,
  history: HistoryStore,
  payload: Pick<OhlcvImportPayload, 'lookbackDays' | 'timeframes'>,
  instrumentKeys: readonly string[],
  now: number,
): Partial<Record<ImportTimeframe, number>> {
  return Object.fromEntries(
    payload.timeframes.map((timeframe) => {
      const range = wantedRange(payload, timeframe, now);
      const n = instrumentKeys.reduce(
        (sum, key) => sum + chain.plannedRequests({ timeframe, ...range, stored: history.stored(key, timeframe) }),
        0,
      );
      return [timeframe, n];
    }),
  );
}

export const sumOf = (counts: Partial<Record<string, number>>): number =>
  Object.values(counts).reduce<number>((a, b) => a + (b ?? 0), 0);

/** Failures that will fail every symbol alike until the user acts, raised once per run with what to do. */
const CRITICAL: Readonly<Record<string, string>> = {
  API_KEY_INVALID: 'Log in to Upstox again (Settings), then retry the failed symbols',
  STORAGE_FAILED: 'Free disk space in the data folder, then retry the failed symbols',
};

/** Keeps the last durations of requests and answers their median: a burst of waits behind a full window barely moves it. */
function recentMedian(size = 64) {
  const samples: number[] = [];
  return {
    add(ms: number) {
      samples.push(ms);
      if (samples.length > size) samples.shift();
    },
    median(): number | null {
      if (samples.length === 0) return null;
      const sorted = [...samples].sort((a, b) => a - b);
      return sorted[sorted.length >> 1]!;
    },
  };
}

/**
 * An OHLCV import run: one item per symbol, each fetching every timeframe asked for (only what is not stored yet,
 * through the provider chain and the shared rate limiter), its bars written in the transaction that records the
 * symbol done. Symbols that fail do not stop the run; below the success threshold the run ends FAILED.
 */
export function ohlcvImportKind(deps: OhlcvImportDeps) {
  const concurrency = deps.concurrency ?? 8;
  return defineJobKind({
    kind: OHLCV_IMPORT_KIND,
    description: 'Import historical OHLCV candles of a universe',
    payload: OhlcvImportPayloadSchema,
    maxAttempts: 3,
    concurrency: 1,
    backoff: { baseMs: 30_000, maxMs: 10 * 60_000 },
    // Failed symbols are listed and retried on their own; the run fails only below its success threshold.
    acceptsFailedItems: true,
    async handler(ctx) {
      const { payload, clock } = ctx;
      const runId = ctx.job.id;
      const chain = deps.chain();
      const started = clock.now();
      const wanted = (timeframe: ImportTimeframe, now: number) => wantedRange(payload, timeframe, now);

      if (ctx.items.counts().total === 0) ctx.items.ensure(deps.itemsFor(payload));
      deps.runs.add(runId, started);
      ctx.progress({ phase: 'planning', message: 'Counting the requests needed' });
      const targets = ctx.items.pending().flatMap((key) => deps.resolve(key)?.instrumentKey ?? []);
      let remainingRequests = sumOf(plannedRequests(chain, deps.history, payload, targets, started));
      const planned = remainingRequests;
      let answered = 0;
      const latency = recentMedian();
      // Fetches under way: each has one request queued at the limiter or sent, which the limiter counts already.
      let fetching = 0;
      ctx.estimateWith((remainingItems, now) => {
        if (remainingRequests <= 0) return null;
        // Counting those twice would, right at a window's edge (1,000 requests are 2 × 500/min), push the last few
        // into a window of their own and the ETA a whole minute late.
        const bound = deps.limiter.estimateMs('standard', Math.max(0, remainingRequests - fetching));
        const ms = latency.median();
        const pipe = ms === null ? 0 : (remainingRequests * ms) / concurrency;
        return remainingItems > 0 ? now + Math.max(bound, pipe) : now;
      });
      deps.emit('data_import_started', {
        runId,
        universes: payload.universes,
        timeframes: payload.timeframes,
        lookbackDays: payload.lookbackDays,
        totalSymbols: ctx.items.counts().total,
        requests: planned,
        retryCount: deps.runs.retryCount(runId) ?? 0,
      });
      ctx.progress({ phase: 'importing', message: `${planned} requests to make` });

      const raised = new Set<string>();
      const onItemDone = (key: string, fields: ItemFields) => {
        const result = fields.result as ImportItemResult | undefined;
        const alarm = fields.errorCode ? CRITICAL[fields.errorCode] : undefined;
        if (alarm && !raised.has(fields.errorCode!)) {
          raised.add(fields.errorCode!);
          deps.emit('critical_error', {
            severity: 'error',
            component: 'imports',
            errorCode: fields.errorCode!,
            message: fields.errorMessage ?? fields.errorCode!,
            recoveryAction: alarm,
          });
        }
        const providers = result ? Object.values(result.providers) : [];
        deps.emit('symbol_processing_complete', {
          runId,
          symbol: result?.symbol ?? deps.symbolOf(key),
          instrumentKey: key.startsWith('?') ? null : key,
          status: fields.status === 'SUCCEEDED' ? 'succeeded' : 'failed',
          records: fields.records ?? 0,
          processingTimeMs: fields.processingMs ?? null,
          provider: providers[0] ?? null,
          errorCode: fields.errorCode ?? null,
          errorMessage: fields.errorMessage ?? null,
        });
      };

      const finish = (status: 'SUCCEEDED' | 'FAILED' | 'CANCELLED') => {
        const counts = ctx.items.counts();
        const successRate = counts.total > 0 ? counts.succeeded / counts.total : 1;
        const summary = {
          totalSymbols: counts.total,
          succeeded: counts.succeeded,
          failed: counts.failed,
          successRate,
          recordsImported: deps.runs.recordsImported(runId),
        };
        ctx.progress({
          phase: status === 'SUCCEEDED' ? 'done' : status.toLowerCase(),
          message: `${counts.succeeded} of ${counts.total} symbols imported, ${summary.recordsImported} bars`,
        });
        deps.emit('data_import_completed', {
          runId,
          status,
          universes: payload.universes,
          timeframes: payload.timeframes,
          durationMs: clock.now() - started,
          ...summary,
        });
        return summary;
      };

      try {
        await ctx.items.run(
          async (key) => {
            const target = deps.resolve(key);
            if (!target)
              throw new PermanentJobError(
                'SYMBOL_NOT_FOUND',
                `${deps.symbolOf(key)} is not in the instrument master: import the master, then retry`,
              );
            const fetched: (RangeFetched & { timeframe: ImportTimeframe })[] = [];
            for (const timeframe of payload.timeframes) {
              ctx.checkpoint();
              fetching++;
              let range: RangeFetched;
              try {
                range = await chain.fetch(
                  {
                    instrumentKey: target.instrumentKey,
                    tradingSymbol: target.symbol,
                    timeframe,
                    ...wanted(timeframe, clock.now()),
                    stored: deps.history.stored(target.instrumentKey, timeframe),
                  },
                  ctx.signal,
                  (ms) => {
                    remainingRequests = Math.max(0, remainingRequests - 1);
                    latency.add(ms);
                    answered++;
                    ctx.progress({ message: `${answered} of ${planned} requests answered` });
                  },
                );
              } finally {
                fetching--;
              }
              fetched.push({ ...range, timeframe });
            }
            const result: ImportItemResult = {
              symbol: target.symbol,
              providers: Object.fromEntries(fetched.map((f) => [f.timeframe, f.provider])),
              records: Object.fromEntries(fetched.map((f) => [f.timeframe, f.bars.length])),
              requests: fetched.reduce((n, f) => n + f.requests, 0),
            };
            return {
              records: fetched.reduce((n, f) => n + f.bars.length, 0),
              result,
              commit: () => {
                try {
                  for (const f of fetched) deps.history.write(target.instrumentKey, f.timeframe, f.bars, f.provider);
                } catch (error) {
                  throw new PermanentJobError(
                    'STORAGE_FAILED',
                    `the candles of ${target.symbol} could not be stored: ${error instanceof Error ? error.message : String(error)}`,
                  );
                }
              },
            };
          },
          {
            concurrency,
            itemAttempts: 2,
            itemBackoff: { baseMs: 2_000, maxMs: 30_000 },
            onItemDone,
            labelOf: deps.symbolOf,
          },
        );
      } catch (error) {
        if (error instanceof JobStoppedError && error.reason === 'cancel') finish('CANCELLED');
        throw error;
      }

      const counts = ctx.items.counts();
      const passed = counts.total === 0 || counts.succeeded / counts.total >= payload.successThreshold;
      const summary = finish(passed ? 'SUCCEEDED' : 'FAILED');
      if (!passed)
        throw new PermanentJobError(
          'IMPORT_BELOW_THRESHOLD',
          `${counts.succeeded} of ${counts.total} symbols imported (${Math.round(summary.successRate * 100)}%), below the ${Math.round(payload.successThreshold * 100)}% a run needs`,
        );
      return summary;
    },
  });
}
