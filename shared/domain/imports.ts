import { z } from 'zod';
import { InstrumentKeySchema } from './feed';
import { decimalInt } from './inputs';
import { JOB_STATUSES } from './jobs';
import { UniverseIdSchema } from './universes';

/** Timeframes an OHLCV import stores, mapped to Upstox's v3 historical units and intervals by the Upstox provider. */
export const IMPORT_TIMEFRAMES = ['1m', '30m', '1h', '1d', '1w', '1M'] as const;
export const ImportTimeframeSchema = z.enum(IMPORT_TIMEFRAMES);
export type ImportTimeframe = z.infer<typeof ImportTimeframeSchema>;

/** Days of history an import asks for when the request names none for a timeframe. */
export const DEFAULT_LOOKBACK_DAYS: Readonly<Record<ImportTimeframe, number>> = {
  '1m': 30,
  '30m': 180,
  '1h': 365,
  '1d': 3650,
  '1w': 7300,
  '1M': 9125,
};
/** Twenty-five years: further back than any provider serves. */
export const MAX_LOOKBACK_DAYS = 9125;

/** Codes of a symbol that failed to import (LOCAL-API.md). */
export const IMPORT_ERROR_CODES = [
  'API_RATE_LIMIT',
  'API_KEY_INVALID',
  'SYMBOL_NOT_FOUND',
  'STORAGE_FAILED',
  'NETWORK_TIMEOUT',
  'BAD_RESPONSE',
] as const;
export type ImportErrorCode = (typeof IMPORT_ERROR_CODES)[number];

export const ImportRequestSchema = z
  .object({
    universes: z.array(UniverseIdSchema).max(20).optional(),
    symbols: z.array(InstrumentKeySchema).max(5000).optional(),
    timeframes: z
      .array(ImportTimeframeSchema)
      .min(1, 'name at least one timeframe')
      .max(IMPORT_TIMEFRAMES.length)
      .refine((list) => new Set(list).size === list.length, 'a timeframe is named twice'),
    lookbackDays: z
      .partialRecord(
        ImportTimeframeSchema,
        z.number().int().min(1).max(MAX_LOOKBACK_DAYS, `at most ${MAX_LOOKBACK_DAYS} days (25 years)`),
      )
      .optional(),
  })
  .strict()
  .refine((r) => (r.universes?.length ?? 0) + (r.symbols?.length ?? 0) > 0, {
    message: 'name a universe or at least one symbol',
    path: ['universes'],
  });
export type ImportRequest = z.infer<typeof ImportRequestSchema>;

export const ImportUnresolvedSchema = z.object({ symbol: z.string(), isin: z.string().nullable() });

/** What an import would fetch, shown before it starts: requests and the least time the rate limits allow. */
export const ImportPlanSchema = z.object({
  totalSymbols: z.number().int(),
  unresolved: z.array(ImportUnresolvedSchema),
  requests: z.number().int(),
  requestsByTimeframe: z.partialRecord(ImportTimeframeSchema, z.number().int()),
  /** The least time the requests take within the rate limits (more if other work shares them). */
  estimatedMs: z.number(),
});
export type ImportPlan = z.infer<typeof ImportPlanSchema>;

export const ImportStartedSchema = z.object({
  runId: z.number().int(),
  jobId: z.number().int(),
  status: z.enum(JOB_STATUSES),
  totalSymbols: z.number().int(),
  unresolved: z.array(ImportUnresolvedSchema),
});

export const ImportProgressSchema = z.object({
  percentage: z.number(),
  completed: z.number().int(),
  failed: z.number().int(),
  remaining: z.number().int(),
  total: z.number().int(),
  currentSymbol: z.string().nullable(),
  estimatedCompletion: z.string().nullable(),
  avgSymbolTimeMs: z.number().nullable(),
});

export const ImportRunSummarySchema = z.object({
  runId: z.number().int(),
  jobId: z.number().int(),
  status: z.enum(JOB_STATUSES),
  phase: z.string(),
  message: z.string(),
  universes: z.array(z.string()),
  timeframes: z.array(ImportTimeframeSchema),
  lookbackDays: z.partialRecord(ImportTimeframeSchema, z.number()),
  progress: ImportProgressSchema,
  recordsImported: z.number().int(),
  /** Succeeded symbols over all symbols, 0-1, once finished; null before. */
  successRate: z.number().nullable(),
  retryCount: z.number().int(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type ImportRunSummary = z.infer<typeof ImportRunSummarySchema>;

export const ImportRunSchema = ImportRunSummarySchema.extend({ failedSymbols: z.array(z.string()) });
export type ImportRun = z.infer<typeof ImportRunSchema>;

export const IMPORT_SYMBOL_STATUSES = ['pending', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type ImportSymbolStatus = (typeof IMPORT_SYMBOL_STATUSES)[number];

export const ImportSymbolSchema = z.object({
  symbol: z.string(),
  instrumentKey: z.string().nullable(),
  status: z.enum(IMPORT_SYMBOL_STATUSES),
  attempts: z.number().int(),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  records: z.number().int(),
  processingTimeMs: z.number().nullable(),
  /** The provider that served the symbol (each timeframe's in `providers` when they differ). */
  provider: z.string().nullable(),
  providers: z.partialRecord(ImportTimeframeSchema, z.string()),
});
export type ImportSymbol = z.infer<typeof ImportSymbolSchema>;

const RunIdSchema = decimalInt().pipe(z.number().positive());
export const ImportRunIdSchema = z.object({ runId: RunIdSchema }).strict();
export const ImportSymbolsQuerySchema = z
  .object({
    runId: RunIdSchema,
    status: z
      .string()
      .transform((s) => s.toLowerCase())
      .pipe(z.enum(IMPORT_SYMBOL_STATUSES))
      .optional(),
    limit: decimalInt().pipe(z.number().min(1).max(10_000)).default(5000),
  })
  .strict();
export const ImportRetrySchema = z
  .object({
    runId: RunIdSchema,
    /** Symbols or instrument keys of failed symbols; none: every failed symbol. */
    symbols: z.array(z.string().min(1).max(100)).min(1).max(5000).optional(),
  })
  .strict();
export const ImportRetriedSchema = z.object({
  runId: z.number().int(),
  retryCount: z.number().int(),
  retried: z.number().int(),
});
export const ImportListQuerySchema = z
  .object({ limit: decimalInt().pipe(z.number().min(1).max(500)).default(50) })
  .strict();

export const ImportStartedEventSchema = z.object({
  runId: z.number().int(),
  universes: z.array(z.string()),
  timeframes: z.array(ImportTimeframeSchema),
  lookbackDays: z.partialRecord(ImportTimeframeSchema, z.number()),
  totalSymbols: z.number().int(),
  requests: z.number().int(),
  retryCount: z.number().int(),
});
export const SymbolCompleteEventSchema = z.object({
  runId: z.number().int(),
  symbol: z.string(),
  instrumentKey: z.string().nullable(),
  status: z.enum(['succeeded', 'failed']),
  records: z.number().int(),
  processingTimeMs: z.number().nullable(),
  provider: z.string().nullable(),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
});
export const ImportCompletedEventSchema = z.object({
  runId: z.number().int(),
  status: z.enum(JOB_STATUSES),
  universes: z.array(z.string()),
  timeframes: z.array(ImportTimeframeSchema),
  totalSymbols: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  successRate: z.number(),
  recordsImported: z.number().int(),
  durationMs: z.number(),
});
