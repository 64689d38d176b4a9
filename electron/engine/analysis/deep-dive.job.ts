import { setImmediate as nextTurn } from 'node:timers/promises';
import { z } from 'zod';
import {
  DEEP_DIVE_STEPS,
  Level1ResultSchema,
  type DeepDiveStepName,
  type ReportBody,
} from '../../../shared/domain/analysis';
import { JOB_KINDS } from '../../../shared/job-kinds';
import { WorkstationError } from '../../../shared/errors';
import type { Emit } from '../common/events';
import type { JobContext } from '../jobs/context';
import { JobStoppedError, PermanentJobError } from '../jobs/errors';
import { defineJobKind } from '../jobs/registry';
import type { Stores } from '../store';
import {
  BENCHMARK_INDEX_KEY,
  DEEP_DIVE_LOOKBACK,
  FUTURES_LOOKBACK_DAYS,
  INDEX_LOOKBACK_DAYS,
  type MarketData,
  type SnapshotPart,
  type Target,
} from './market-data';
import { buildReport } from './report/build';
import { staleWarnings, type RefreshFailure } from './stale';

export const DEEP_DIVE_KIND = JOB_KINDS.analysisDeepDive;

export const DeepDivePayloadSchema = z
  .object({
    instrumentKey: z.string().min(1),
    symbol: z.string().min(1),
    expiryDate: z.string().optional(),
    level1: Level1ResultSchema.nullable().default(null),
  })
  .strict();
export type DeepDivePayload = z.infer<typeof DeepDivePayloadSchema>;

/** What the refresh step records: what it brought in, what failed, and the option expiry it settled on. */
interface Refreshed {
  refreshed: SnapshotPart[];
  failures: RefreshFailure[];
  expiry: string | null;
}

/** Fundamentals younger than this are not asked for again. */
const FUNDAMENTALS_FRESH_MS = 12 * 3_600_000;
const STEP_KEYS = DEEP_DIVE_STEPS.map((s) => `step:${s.name}`);

export interface DeepDiveDeps {
  stores: Pick<Stores, 'db' | 'analyses' | 'reports'>;
  marketData: MarketData;
  emit: Emit;
}

/**
 * A Level-2 deep-dive of one symbol in three named steps, each done once (a resumed job skips the finished ones and
 * reuses their results): refresh the data (a failure here is a warning, the analysis goes on with stored data), build
 * the report from a snapshot of what is stored, save it to the library. Nothing is saved unless the whole report was.
 */
export function deepDiveKind(deps: DeepDiveDeps) {
  const { marketData, emit } = deps;
  return defineJobKind({
    kind: DEEP_DIVE_KIND,
    description: 'Level-2 deep-dive of one symbol: refresh its data, analyse it, save the report',
    payload: DeepDivePayloadSchema,
    // Every failure here is final: the refresh never throws for want of data, and an analysis that throws on a
    // snapshot would throw on it again.
    maxAttempts: 1,
    concurrency: 2,
    async handler(ctx) {
      const { payload } = ctx;
      const target: Target = { instrumentKey: payload.instrumentKey, symbol: payload.symbol };
      ctx.items.ensure(STEP_KEYS);
      const states = new Map<DeepDiveStepName, 'PENDING' | 'RUNNING' | 'DONE' | 'FAILED'>(
        DEEP_DIVE_STEPS.map((s) => [s.name, 'PENDING']),
      );
      const announce = (step: DeepDiveStepName | null, message: string, progress: number) => {
        ctx.progress({ message, percentage: progress });
        emit('analysis_progress', {
          kind: 'deep-dive',
          id: ctx.job.id,
          symbol: payload.symbol,
          step,
          steps: DEEP_DIVE_STEPS.map((s) => ({ name: s.name, label: s.label, status: states.get(s.name)! })),
          message,
          progress,
        });
      };
      const run = async <T>(name: DeepDiveStepName, message: string, fn: () => Promise<T>): Promise<T> => {
        const index = DEEP_DIVE_STEPS.findIndex((s) => s.name === name);
        const spec = DEEP_DIVE_STEPS[index]!;
        states.set(name, 'RUNNING');
        announce(name, message, index === 0 ? 0 : DEEP_DIVE_STEPS[index - 1]!.endsAt);
        try {
          const value = await ctx.step(name, fn);
          states.set(name, 'DONE');
          announce(name, `${spec.label}: done`, spec.endsAt);
          return value;
        } catch (error) {
          if (!(error instanceof JobStoppedError)) states.set(name, 'FAILED');
          throw error;
        }
      };

      try {
        const refresh = await run('refresh', `Refreshing the data of ${payload.symbol}`, () =>
          refreshData(ctx, marketData, target),
        );
        const report = await run('analyse', `Analysing ${payload.symbol}`, async () => {
          const snapshot = await marketData.snapshot(target, refresh.expiry, new Set(refresh.refreshed));
          await nextTurn();
          try {
            return buildReport({
              analysisId: ctx.job.id,
              symbol: payload.symbol,
              instrumentKey: payload.instrumentKey,
              createdAt: ctx.clock.now(),
              level1: payload.level1,
              snapshot,
              warnings: staleWarnings(refresh.failures, snapshot.dataAge),
            });
          } catch (error) {
            throw new PermanentJobError('ANALYSIS_FAILED', messageOf(error));
          }
        });
        const { reportId } = await run('save', 'Saving the report', async () => ({
          reportId: save(deps.stores, ctx.job.id, report),
        }));
        emit('analysis_completed', {
          kind: 'deep-dive',
          id: ctx.job.id,
          status: 'COMPLETED',
          symbol: payload.symbol,
          reportId,
          convictionScore: report.convictionScore,
          riskGrade: report.riskGrade,
          passed: null,
          error: null,
        });
        return { reportId, convictionScore: report.convictionScore, riskGrade: report.riskGrade };
      } catch (error) {
        if (error instanceof JobStoppedError) throw error;
        const failure =
          error instanceof PermanentJobError ? error : new PermanentJobError('ANALYSIS_FAILED', messageOf(error));
        emit('analysis_completed', {
          kind: 'deep-dive',
          id: ctx.job.id,
          status: 'FAILED',
          symbol: payload.symbol,
          reportId: null,
          convictionScore: null,
          riskGrade: null,
          passed: null,
          error: failure.message,
        });
        throw failure;
      }
    },
  });
}

const messageOf = (error: unknown) =>
  error instanceof WorkstationError || error instanceof Error ? error.message : String(error);

/** The report and the analysis's link to it in one transaction: a crash leaves both or neither. */
function save(stores: DeepDiveDeps['stores'], analysisId: number, report: ReportBody): number {
  return stores.db.transaction(() => {
    const id = stores.reports.save({
      analysisId,
      symbol: report.symbol,
      instrumentKey: report.instrumentKey,
      createdAt: Date.parse(report.createdAt),
      convictionScore: report.convictionScore,
      riskGrade: report.riskGrade,
      direction: report.direction,
      summary: report.summary,
      body: JSON.stringify(report),
    });
    stores.analyses.setReport(analysisId, id);
    return id;
  })();
}

/**
 * Brings in what the report reads, each part on its own: daily and hourly candles of the symbol, the benchmark
 * index's, the near-month future's (its open interest) and the option chain when the symbol trades in F&O, and
 * fundamentals. A part that fails is recorded and the others go on.
 */
async function refreshData(ctx: JobContext<DeepDivePayload>, data: MarketData, target: Target): Promise<Refreshed> {
  const { signal } = ctx;
  const refreshed: SnapshotPart[] = [];
  const failures: RefreshFailure[] = [];
  const attempt = async (part: SnapshotPart, fn: () => Promise<boolean | void>) => {
    ctx.checkpoint();
    try {
      if ((await fn()) !== false) refreshed.push(part);
    } catch (error) {
      if (signal.aborted) throw error;
      failures.push({ part, reason: messageOf(error) });
    }
  };
  const candles = (part: SnapshotPart, of: Target, timeframe: '1d' | '1h', days: number) =>
    attempt(part, async () => {
      await data.refreshCandles(of, timeframe, days, signal);
    });
  await candles('candles1d', target, '1d', DEEP_DIVE_LOOKBACK['1d']);
  await candles('candles1h', target, '1h', DEEP_DIVE_LOOKBACK['1h']);
  if (target.instrumentKey !== BENCHMARK_INDEX_KEY)
    await candles('index1d', { instrumentKey: BENCHMARK_INDEX_KEY, symbol: 'NIFTY 50' }, '1d', INDEX_LOOKBACK_DAYS);
  const future = data.nearestFuture(target.instrumentKey);
  let expiry: string | null = ctx.payload.expiryDate ?? null;
  if (future) {
    await candles(
      'futures1d',
      { instrumentKey: future.instrumentKey, symbol: future.tradingSymbol },
      '1d',
      FUTURES_LOOKBACK_DAYS,
    );
    await attempt('optionChain', async () => {
      expiry = await data.expiryFor(target.instrumentKey, ctx.payload.expiryDate, signal);
      if (!expiry) throw new Error('no option expiry is listed');
      await data.refreshOptionChain(target.instrumentKey, expiry, signal);
    });
  }
  await attempt('fundamentals', async () => {
    const stored = data.fundamentals(target.symbol);
    if (stored && ctx.clock.now() - stored.at < FUNDAMENTALS_FRESH_MS) return false;
    return data.refreshFundamentals(signal);
  });
  return { refreshed, failures, expiry };
}
