/**
 * The name of every job kind, written once: the engine registers its kinds under these, default schedules name
 * them, and the renderer recognises their jobs by them. Stored in job rows and schedules: never rename one.
 */
export const JOB_KINDS = {
  demo: 'demo.work',
  databaseMaintenance: 'maintenance.database',
  jobCleanup: 'maintenance.job-cleanup',
  tickRetention: 'maintenance.tick-retention',
  feedBackfill: 'feed.backfill',
  instrumentsImport: 'instruments.import',
  ohlcvImport: 'ohlcv.import',
  analysisScan: 'analysis.scan',
  analysisDeepDive: 'analysis.deep-dive',
  tradingOrder: 'trading.order',
  tradingSquareOff: 'trading.square-off',
  tradingSettleExpiries: 'trading.settle-expiries',
  tradingReconcileLedger: 'trading.reconcile-ledger',
  tradingArchiveOrders: 'trading.archive-orders',
} as const;

export type JobKindName = (typeof JOB_KINDS)[keyof typeof JOB_KINDS];
