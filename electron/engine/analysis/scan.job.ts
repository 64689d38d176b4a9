import { setImmediate as nextTurn } from 'node:timers/promises';
import { z } from 'zod';
import { SCAN_LOOKBACK_DAYS, type ScanResult } from '../../../shared/domain/analysis';
import type { UniverseMember } from '../../../shared/domain/universes';
import { JOB_KINDS } from '../../../shared/job-kinds';
import { DAY_MS, istDate } from '../../../shared/time';
import type { Emit } from '../common/events';
import { JobStoppedError, PermanentJobError } from '../jobs/errors';
import { defineJobKind } from '../jobs/registry';
import type { Stores } from '../store';
import type { MarketData, Target } from './market-data';
import { rankResults, scoreSymbol } from './scan/score';

export const SCAN_KIND = JOB_KINDS.analysisScan;

export const ScanPayloadSchema = z
  .object({ universe: z.string().min(1), threshold: z.number().min(0).max(100) })
  .strict();

/** A member whose newest daily candle is older than this is brought up to date before it is scored. */
const STALE_AFTER_MS = 5 * DAY_MS;
/** Days of a future's daily candles a scan reads for its open-interest build-up. */
export const SCAN_FUTURES_DAYS = 30;
/** Symbols scored between two turns of the event loop: a scan never holds it for long. */
const SCORE_BATCH = 10;
/** Fetches of missing candles at once (the shared rate limiter paces them). */
const FETCH_CONCURRENCY = 4;

export interface ScanDeps {
  stores: Pick<Stores, 'analyses' | 'history'>;
  marketData: MarketData;
  members(universe: string): UniverseMember[];
  emit: Emit;
}

/**
 * A Level-1 scan of a universe: scores every member from its stored daily candles (and its near-month future's open
 * interest), bringing in first only what is missing or days old, then ranks them best first. A scan is short, so
 * a crash reruns it whole rather than keeping per-symbol state.
 */
export function scanKind(deps: ScanDeps) {
  const { stores, marketData, emit } = deps;
  return defineJobKind({
    kind: SCAN_KIND,
    description: 'Level-1 scan of a universe: composite score, verdict and direction of every member',
    payload: ScanPayloadSchema,
    maxAttempts: 1,
    concurrency: 1,
    async handler(ctx) {
      const { payload, clock, signal } = ctx;
      const scanId = ctx.job.id;
      const members = deps
        .members(payload.universe)
        .filter((m): m is UniverseMember & { instrumentKey: string } => Boolean(m.instrumentKey));
      const total = members.length;
      const announce = (message: string, progress: number) => {
        ctx.progress({ message, percentage: progress });
        emit('analysis_progress', { kind: 'scan', id: scanId, symbol: null, step: null, steps: [], message, progress });
      };
      try {
        const now = clock.now();
        const futures = marketData.nearestFutures();
        // A future lists only weeks before its expiry: only its newest candle says whether it is up to date.
        const stale = (key: string, days: number | null) => {
          const stored = stores.history.stored(key, '1d');
          if (!stored || stored.last < now - STALE_AFTER_MS) return true;
          return days !== null && stored.first > now - days * DAY_MS + 7 * DAY_MS;
        };
        const fetches: { target: Target; days: number }[] = [];
        for (const m of members) {
          if (stale(m.instrumentKey, SCAN_LOOKBACK_DAYS))
            fetches.push({ target: { instrumentKey: m.instrumentKey, symbol: m.symbol }, days: SCAN_LOOKBACK_DAYS });
          const future = futures.get(m.instrumentKey);
          if (future && stale(future.instrumentKey, null))
            fetches.push({
              target: { instrumentKey: future.instrumentKey, symbol: future.tradingSymbol },
              days: SCAN_FUTURES_DAYS,
            });
        }
        const failed = new Map<string, string>();
        if (fetches.length > 0) {
          announce(`Bringing in the missing candles of ${fetches.length} instruments`, 0);
          let next = 0;
          let done = 0;
          const worker = async () => {
            while (next < fetches.length) {
              const { target, days } = fetches[next++]!;
              ctx.checkpoint();
              try {
                await marketData.refreshCandles(target, '1d', days, signal);
              } catch (error) {
                if (signal.aborted) throw error;
                failed.set(target.instrumentKey, error instanceof Error ? error.message : String(error));
              }
              done++;
              announce(`${done} of ${fetches.length} instruments brought up to date`, (done / fetches.length) * 50);
            }
          };
          await Promise.all(Array.from({ length: Math.min(FETCH_CONCURRENCY, fetches.length) }, worker));
        }

        const scoredFrom = fetches.length > 0 ? 50 : 0;
        const from = now - SCAN_LOOKBACK_DAYS * DAY_MS;
        const results: ScanResult[] = [];
        for (let i = 0; i < total; i++) {
          if (i % SCORE_BATCH === 0 && i > 0) {
            announce(`${i} of ${total} symbols scored`, scoredFrom + (i / total) * (100 - scoredFrom));
            await nextTurn();
            ctx.checkpoint();
          }
          const m = members[i]!;
          const future = futures.get(m.instrumentKey);
          const result = scoreSymbol({
            symbol: m.symbol,
            instrumentKey: m.instrumentKey,
            daily: stores.history.range(m.instrumentKey, '1d', from, now),
            futuresDaily: future
              ? stores.history.range(future.instrumentKey, '1d', now - SCAN_FUTURES_DAYS * DAY_MS, now)
              : null,
            threshold: payload.threshold,
          });
          const reason = failed.get(m.instrumentKey);
          results.push(reason && result.bars === 0 ? { ...result, note: `no daily candles: ${reason}` } : result);
        }
        const ranked = rankResults(results);
        const passed = ranked.filter((r) => r.verdict === 'PASS').length;
        stores.analyses.finishScan(scanId, clock.now(), JSON.stringify(ranked), passed, ranked.length);
        announce(`${passed} of ${ranked.length} symbols passed`, 100);
        emit('analysis_completed', {
          kind: 'scan',
          id: scanId,
          status: 'COMPLETED',
          symbol: null,
          reportId: null,
          convictionScore: null,
          riskGrade: null,
          passed,
          error: null,
        });
        return { passed, total: ranked.length, asOf: istDate(now) };
      } catch (error) {
        if (error instanceof JobStoppedError) throw error;
        const message = error instanceof Error ? error.message : String(error);
        emit('analysis_completed', {
          kind: 'scan',
          id: scanId,
          status: 'FAILED',
          symbol: null,
          reportId: null,
          convictionScore: null,
          riskGrade: null,
          passed: null,
          error: message,
        });
        throw error instanceof PermanentJobError ? error : new PermanentJobError('SCAN_FAILED', message);
      }
    },
  });
}
