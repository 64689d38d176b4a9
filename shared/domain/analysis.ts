import { z } from 'zod';
import { UniverseIdSchema } from './universes';

/** Level-1 scan and Level-2 deep-dive (LOCAL-API.md "Scan and deep-dive"). */

export const DIRECTIONS = ['LONG', 'SHORT', 'NEUTRAL'] as const;
export const DirectionSchema = z.enum(DIRECTIONS);
export type Direction = z.infer<typeof DirectionSchema>;

export const VERDICTS = ['PASS', 'FAIL'] as const;
export const VerdictSchema = z.enum(VERDICTS);
export type Verdict = z.infer<typeof VerdictSchema>;

export const RISK_GRADES = ['LOW', 'MODERATE', 'HIGH', 'VERY_HIGH'] as const;
export const RiskGradeSchema = z.enum(RISK_GRADES);
export type RiskGrade = z.infer<typeof RiskGradeSchema>;

/** Price change against open-interest change over the same days. */
export const OI_BUILD_UPS = ['LONG_BUILD_UP', 'SHORT_BUILD_UP', 'SHORT_COVERING', 'LONG_UNWINDING'] as const;
export const OiBuildUpSchema = z.enum(OI_BUILD_UPS);
export type OiBuildUp = z.infer<typeof OiBuildUpSchema>;

export const ANALYSIS_STATUSES = ['PROCESSING', 'COMPLETED', 'FAILED'] as const;
export const AnalysisStatusSchema = z.enum(ANALYSIS_STATUSES);
export type AnalysisStatus = z.infer<typeof AnalysisStatusSchema>;

/** Composite score a symbol needs to PASS a scan unless the request names another. */
export const DEFAULT_SCAN_THRESHOLD = 60;
/** Days of daily candles a scan reads. */
export const SCAN_LOOKBACK_DAYS = 365;

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');
const IsoTime = z.iso.datetime({ offset: true });
const Num = z.number();
const NumOrNull = z.number().nullable();
const Score = z.number().min(0).max(100);

// ---- Level-1 scan ----

export const ScanRequestSchema = z
  .object({
    universe: UniverseIdSchema,
    /** Composite score at or above which a symbol passes. */
    threshold: z.number().min(0).max(100).default(DEFAULT_SCAN_THRESHOLD),
  })
  .strict();
export type ScanRequest = z.infer<typeof ScanRequestSchema>;

export const ScanStartedSchema = z.object({ scanId: z.number().int(), jobId: z.number().int() });

/**
 * Each factor 0-100; open interest only for F&O symbols whose futures candles are stored. Trend, momentum, volume
 * and open interest read bullish (100) to bearish (0), volatility from unfavourable to favourable; the composite
 * score weighs them for the symbol's own direction, so a strong SHORT scores as high as a strong LONG.
 */
export const ScanFactorsSchema = z.object({
  trend: Score,
  momentum: Score,
  volume: Score,
  volatility: Score,
  openInterest: Score.nullable(),
});
export type ScanFactors = z.infer<typeof ScanFactorsSchema>;

export const ScanResultSchema = z.object({
  symbol: z.string(),
  instrumentKey: z.string(),
  verdict: VerdictSchema,
  compositeScore: Score,
  direction: DirectionSchema,
  oiBuildUp: OiBuildUpSchema.nullable(),
  factors: ScanFactorsSchema,
  lastClose: NumOrNull,
  /** Last close against the one before, in percent. */
  changePct: NumOrNull,
  /** The last 30 daily closes, oldest first, for the row's sparkline. */
  sparkline: z.array(Num),
  /** Daily candles the score was computed from. */
  bars: z.number().int(),
  /** Why a symbol could not be scored fully (too few candles), else null. */
  note: z.string().nullable(),
});
export type ScanResult = z.infer<typeof ScanResultSchema>;

export const ScanProgressSchema = z.object({
  percentage: z.number(),
  completed: z.number().int(),
  total: z.number().int(),
});

export const ScanSchema = z.object({
  scanId: z.number().int(),
  jobId: z.number().int(),
  universe: z.string(),
  universeName: z.string(),
  threshold: z.number(),
  status: AnalysisStatusSchema,
  createdAt: IsoTime,
  completedAt: IsoTime.nullable(),
  progress: ScanProgressSchema,
  /** Best composite score first. */
  results: z.array(ScanResultSchema),
  error: z.string().nullable(),
});
export type Scan = z.infer<typeof ScanSchema>;

export const ScanSummarySchema = ScanSchema.omit({ results: true }).extend({
  passed: z.number().int(),
  total: z.number().int(),
});
export type ScanSummary = z.infer<typeof ScanSummarySchema>;

export const ScanIdSchema = z.object({ id: z.coerce.number().int().positive() }).strict();
export const ScanListQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(200).default(20) }).strict();

// ---- Level-2 deep-dive ----

export const Level1ResultSchema = z
  .object({ verdict: VerdictSchema, compositeScore: Score, direction: DirectionSchema })
  .strict();
export type Level1Result = z.infer<typeof Level1ResultSchema>;

export const DeepDiveRequestSchema = z
  .object({
    /** A trading symbol (`RELIANCE`) or an instrument key (`NSE_EQ|INE002A01018`). */
    symbol: z.string().trim().min(1).max(64),
    /** The option expiry to analyse; the nearest listed one when absent. */
    expiryDate: IsoDate.optional(),
    level1Results: Level1ResultSchema.optional(),
  })
  .strict();
export type DeepDiveRequest = z.infer<typeof DeepDiveRequestSchema>;

/** The named steps of a deep-dive and the progress each one ends at. */
export const DEEP_DIVE_STEPS = [
  { name: 'refresh', label: 'Refresh data', endsAt: 33 },
  { name: 'analyse', label: 'Multi-factor analysis', endsAt: 66 },
  { name: 'save', label: 'Save report', endsAt: 100 },
] as const;
export type DeepDiveStepName = (typeof DEEP_DIVE_STEPS)[number]['name'];

export const DeepDiveStartedSchema = z.object({
  analysisId: z.number().int(),
  status: z.literal('PROCESSING'),
  pollUrl: z.string(),
});

export const StepStateSchema = z.object({
  name: z.string(),
  label: z.string(),
  status: z.enum(['PENDING', 'RUNNING', 'DONE', 'FAILED']),
});

export const DeepDiveIdSchema = z.object({ id: z.coerce.number().int().positive() }).strict();

// ---- the report ----

/** A candle of the snapshot: daily `ts` is the IST session date at 00:00 IST. */
export const SnapshotBarSchema = z.object({
  ts: IsoTime,
  open: Num,
  high: Num,
  low: Num,
  close: Num,
  volume: Num,
  oi: NumOrNull,
});
export type SnapshotBar = z.infer<typeof SnapshotBarSchema>;

export const OptionSideSchema = z.object({
  ltp: Num,
  oi: Num,
  prevOi: Num,
  volume: Num,
  /** Implied volatility as a fraction (0.18 = 18%). */
  iv: NumOrNull,
  delta: NumOrNull,
});
export type OptionSide = z.infer<typeof OptionSideSchema>;

export const OptionChainSchema = z.object({
  underlyingKey: z.string(),
  expiry: IsoDate,
  spot: Num,
  /** Strikes ascending. */
  strikes: z.array(z.object({ strike: Num, call: OptionSideSchema.nullable(), put: OptionSideSchema.nullable() })),
});
export type OptionChain = z.infer<typeof OptionChainSchema>;

/** One company's fundamentals, in the screener-export vocabulary; percentages as percent numbers (18.5 = 18.5%). */
export const FundamentalsSchema = z.object({
  symbol: z.string(),
  name: z.string().nullable(),
  industry: z.string().nullable(),
  asOf: IsoDate,
  source: z.string(),
  marketCap: NumOrNull,
  pe: NumOrNull,
  industryPe: NumOrNull,
  pb: NumOrNull,
  roe: NumOrNull,
  roce: NumOrNull,
  debtToEquity: NumOrNull,
  salesGrowth3y: NumOrNull,
  profitGrowth3y: NumOrNull,
  dividendYield: NumOrNull,
  promoterHolding: NumOrNull,
  promoterHoldingChange: NumOrNull,
  fiiHolding: NumOrNull,
  fiiHoldingChange: NumOrNull,
  diiHolding: NumOrNull,
  diiHoldingChange: NumOrNull,
  pledgedPercentage: NumOrNull,
});
export type Fundamentals = z.infer<typeof FundamentalsSchema>;

/** How old each part of the snapshot was when the report was made, and whether this deep-dive refreshed it. */
export const DataAgeSchema = z.record(
  z.string(),
  z.object({ asOf: IsoTime.nullable(), refreshed: z.boolean(), ageMs: NumOrNull }),
);

export const SnapshotSchema = z.object({
  candles: z.object({ '1d': z.array(SnapshotBarSchema), '1h': z.array(SnapshotBarSchema) }),
  /** The benchmark index (NIFTY 50) daily candles, for beta. */
  index: z.object({ instrumentKey: z.string(), candles: z.array(SnapshotBarSchema) }).nullable(),
  /** The near-month future's daily candles, for its open interest. */
  futures: z.object({ instrumentKey: z.string(), candles: z.array(SnapshotBarSchema) }).nullable(),
  optionChain: OptionChainSchema.nullable(),
  fundamentals: FundamentalsSchema.nullable(),
  dataAge: DataAgeSchema,
});
export type Snapshot = z.infer<typeof SnapshotSchema>;

export const TECHNICAL_INDICATORS = [
  'sma20',
  'sma50',
  'sma200',
  'ema20',
  'ema50',
  'rsi14',
  'atr14',
  'macd',
  'macdSignal',
  'macdHistogram',
  'bbUpper',
  'bbMiddle',
  'bbLower',
  'adx14',
  'roc10',
  'realisedVol20',
] as const;
export const IndicatorValuesSchema = z.object(
  Object.fromEntries(TECHNICAL_INDICATORS.map((name) => [name, NumOrNull])) as Record<
    (typeof TECHNICAL_INDICATORS)[number],
    typeof NumOrNull
  >,
);
export type IndicatorValues = z.infer<typeof IndicatorValuesSchema>;

export const TechnicalSectionSchema = z.object({
  indicators: IndicatorValuesSchema,
  lastClose: Num,
  trend: z.enum(['UP', 'DOWN', 'SIDEWAYS']),
  /** Last close against the 200-day SMA, in percent. */
  priceVsSma200Pct: NumOrNull,
  signals: z.array(z.string()),
  score: Score,
});

export const MomentumSectionSchema = z.object({
  rsi14: NumOrNull,
  roc10: NumOrNull,
  macdHistogram: NumOrNull,
  /** Returns as fractions over about 21, 63, 126 and 252 sessions. */
  return1m: NumOrNull,
  return3m: NumOrNull,
  return6m: NumOrNull,
  return1y: NumOrNull,
  obvTrend: z.enum(['RISING', 'FALLING', 'FLAT']),
  /** Hourly candles: last close against the 20-hour SMA, in percent. */
  hourlyVsSma20Pct: NumOrNull,
  score: Score,
});

export const RiskSectionSchema = z.object({
  atrPct: NumOrNull,
  realisedVol20: NumOrNull,
  realisedVol60: NumOrNull,
  /** Over the last year of daily closes, as a fraction (0.2 = 20% down from a peak). */
  maxDrawdown1y: NumOrNull,
  beta: NumOrNull,
  /** Median daily turnover (close × volume) of the last 20 sessions, in rupees. */
  medianTurnover20: NumOrNull,
  liquidity: z.enum(['HIGH', 'MEDIUM', 'LOW']),
  grade: RiskGradeSchema,
  /** Higher is safer, as a factor score. */
  score: Score,
});

export const DerivativesSectionSchema = z.object({
  available: z.boolean(),
  expiry: IsoDate.nullable(),
  spot: NumOrNull,
  pcr: NumOrNull,
  maxPain: NumOrNull,
  atmStrike: NumOrNull,
  atmIv: NumOrNull,
  totalCallOi: NumOrNull,
  totalPutOi: NumOrNull,
  /** Chain OI against its previous session's, in percent. */
  chainOiChangePct: NumOrNull,
  futuresOi: NumOrNull,
  futuresOiChangePct: NumOrNull,
  oiBuildUp: OiBuildUpSchema.nullable(),
  oiByStrike: z.array(z.object({ strike: Num, callOi: Num, putOi: Num })),
  ivSmile: z.array(z.object({ strike: Num, callIv: NumOrNull, putIv: NumOrNull })),
  score: Score.nullable(),
  note: z.string().nullable(),
});

export const ValuationSectionSchema = z.object({
  available: z.boolean(),
  pe: NumOrNull,
  industryPe: NumOrNull,
  pb: NumOrNull,
  roe: NumOrNull,
  roce: NumOrNull,
  debtToEquity: NumOrNull,
  salesGrowth3y: NumOrNull,
  profitGrowth3y: NumOrNull,
  dividendYield: NumOrNull,
  marketCap: NumOrNull,
  score: Score.nullable(),
  note: z.string().nullable(),
});

export const InstitutionalSectionSchema = z.object({
  available: z.boolean(),
  promoterHolding: NumOrNull,
  promoterHoldingChange: NumOrNull,
  fiiHolding: NumOrNull,
  fiiHoldingChange: NumOrNull,
  diiHolding: NumOrNull,
  diiHoldingChange: NumOrNull,
  pledgedPercentage: NumOrNull,
  score: Score.nullable(),
  note: z.string().nullable(),
});

export const REPORT_FACTORS = ['technical', 'momentum', 'risk', 'derivatives', 'valuation', 'institutional'] as const;
export const ReportFactorNameSchema = z.enum(REPORT_FACTORS);
export type ReportFactorName = z.infer<typeof ReportFactorNameSchema>;

/** A factor's score (0-100), its weight (the weights of the factors with data sum to 1) and score × weight. */
export const FactorSchema = z.object({
  name: ReportFactorNameSchema,
  score: Score.nullable(),
  weight: Num,
  contribution: Num,
  /** Why it scored what it did, in a sentence. */
  detail: z.string(),
});
export type Factor = z.infer<typeof FactorSchema>;

export const KeyLevelSchema = z.object({
  price: Num,
  source: z.enum(['swing', 'volume']),
  /** Swing points or volume share behind the level; higher is stronger. */
  strength: Num,
});
export type KeyLevel = z.infer<typeof KeyLevelSchema>;

export const ReportSectionsSchema = z.object({
  technical: TechnicalSectionSchema,
  momentum: MomentumSectionSchema,
  risk: RiskSectionSchema,
  derivatives: DerivativesSectionSchema,
  valuation: ValuationSectionSchema,
  institutional: InstitutionalSectionSchema,
});
export type ReportSections = z.infer<typeof ReportSectionsSchema>;

export const ReportSchema = z.object({
  id: z.number().int(),
  analysisId: z.number().int(),
  symbol: z.string(),
  instrumentKey: z.string(),
  createdAt: IsoTime,
  /** The last daily candle's session the report reads. */
  asOf: IsoTime,
  convictionScore: Score,
  riskGrade: RiskGradeSchema,
  direction: DirectionSchema,
  level1: Level1ResultSchema.nullable(),
  agreesWithLevel1: z.boolean().nullable(),
  factors: z.array(FactorSchema),
  keyLevels: z.object({ support: z.array(KeyLevelSchema), resistance: z.array(KeyLevelSchema) }),
  summary: z.string(),
  warnings: z.array(z.string()),
  sections: ReportSectionsSchema,
  snapshot: SnapshotSchema,
});
export type Report = z.infer<typeof ReportSchema>;
/** The report as the analysis computes it, before the library gives it its id. */
export type ReportBody = Omit<Report, 'id'>;

export const ReportSummarySchema = z.object({
  id: z.number().int(),
  symbol: z.string(),
  instrumentKey: z.string(),
  createdAt: IsoTime,
  convictionScore: Score,
  riskGrade: RiskGradeSchema,
  direction: DirectionSchema,
});
export type ReportSummary = z.infer<typeof ReportSummarySchema>;

export const ReportQuerySchema = z
  .object({
    symbol: z.string().trim().min(1).max(64).optional(),
    /** Free text over symbol and summary. */
    q: z.string().trim().min(1).max(100).optional(),
    grade: RiskGradeSchema.optional(),
    from: IsoDate.optional(),
    to: IsoDate.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();
export type ReportQuery = z.infer<typeof ReportQuerySchema>;

export const ReportIdSchema = z.object({ id: z.coerce.number().int().positive() }).strict();

export const REPORT_EXPORT_FORMATS = ['html', 'json'] as const;
export const ReportExportQuerySchema = z
  .object({ id: z.coerce.number().int().positive(), format: z.enum(REPORT_EXPORT_FORMATS).default('html') })
  .strict();
/** A file to download: the Local API sends `body` as the response with these headers. */
export const DownloadSchema = z.object({ filename: z.string(), contentType: z.string(), body: z.string() });
export type Download = z.infer<typeof DownloadSchema>;

export const ReportCompareQuerySchema = z
  .object({ a: z.coerce.number().int().positive(), b: z.coerce.number().int().positive() })
  .strict();

/** Two reports of one symbol, older first: what changed and why the score moved. */
export const ReportComparisonSchema = z.object({
  symbol: z.string(),
  older: ReportSummarySchema,
  newer: ReportSummarySchema,
  scoreChange: Num,
  gradeChanged: z.boolean(),
  directionChanged: z.boolean(),
  factors: z.array(
    z.object({
      name: ReportFactorNameSchema,
      before: Score.nullable(),
      after: Score.nullable(),
      contributionChange: Num,
    }),
  ),
  indicators: z.array(z.object({ name: z.string(), before: NumOrNull, after: NumOrNull })),
  /** Plain-language reasons, the largest contribution change first. */
  explanation: z.array(z.string()),
});
export type ReportComparison = z.infer<typeof ReportComparisonSchema>;

export const DeepDiveStatusSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('PROCESSING'),
    analysisId: z.number().int(),
    symbol: z.string(),
    message: z.string(),
    progress: z.number(),
    step: z.string().nullable(),
    steps: z.array(StepStateSchema),
  }),
  z.object({
    status: z.literal('COMPLETED'),
    analysisId: z.number().int(),
    symbol: z.string(),
    reportId: z.number().int(),
    report: ReportSchema,
    convictionScore: Score,
    riskGrade: RiskGradeSchema,
  }),
  z.object({
    status: z.literal('FAILED'),
    analysisId: z.number().int(),
    symbol: z.string(),
    error: z.string(),
    errorCode: z.string(),
    steps: z.array(StepStateSchema),
  }),
]);
export type DeepDiveStatus = z.infer<typeof DeepDiveStatusSchema>;

export const AnalysisListQuerySchema = z
  .object({ limit: z.coerce.number().int().min(1).max(200).default(20) })
  .strict();
export const AnalysisSummarySchema = z.object({
  analysisId: z.number().int(),
  symbol: z.string(),
  status: AnalysisStatusSchema,
  createdAt: IsoTime,
  reportId: z.number().int().nullable(),
  error: z.string().nullable(),
});

// ---- fundamentals ----

export const FundamentalsImportSchema = z
  .object({ csv: z.string().min(1).max(900_000), asOf: IsoDate.optional() })
  .strict();
export const FundamentalsImportedSchema = z.object({
  imported: z.number().int(),
  asOf: IsoDate,
  /** Rows left out without refusing the file (BSE-only companies). */
  skipped: z.array(z.object({ line: z.number().int(), value: z.string(), reason: z.string() })),
});
export const FundamentalsQuerySchema = z.object({ symbol: z.string().trim().min(1).max(64) }).strict();

// ---- events ----

export const AnalysisProgressEventSchema = z.object({
  kind: z.enum(['scan', 'deep-dive']),
  /** The scan's or the analysis's id. */
  id: z.number().int(),
  symbol: z.string().nullable(),
  step: z.string().nullable(),
  steps: z.array(StepStateSchema),
  message: z.string(),
  progress: z.number(),
});
export type AnalysisProgressEvent = z.infer<typeof AnalysisProgressEventSchema>;

export const AnalysisCompletedEventSchema = z.object({
  kind: z.enum(['scan', 'deep-dive']),
  id: z.number().int(),
  status: z.enum(['COMPLETED', 'FAILED']),
  symbol: z.string().nullable(),
  reportId: z.number().int().nullable(),
  convictionScore: Score.nullable(),
  riskGrade: RiskGradeSchema.nullable(),
  /** Symbols that passed a scan. */
  passed: z.number().int().nullable(),
  error: z.string().nullable(),
});
export type AnalysisCompletedEvent = z.infer<typeof AnalysisCompletedEventSchema>;
