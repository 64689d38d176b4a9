import { z } from 'zod';
import {
  AnalysisCompletedEventSchema,
  AnalysisListQuerySchema,
  AnalysisProgressEventSchema,
  AnalysisSummarySchema,
  DeepDiveIdSchema,
  DeepDiveRequestSchema,
  DeepDiveStartedSchema,
  DeepDiveStatusSchema,
  DownloadSchema,
  FundamentalsImportedSchema,
  FundamentalsImportSchema,
  FundamentalsQuerySchema,
  FundamentalsSchema,
  ReportComparisonSchema,
  ReportCompareQuerySchema,
  ReportExportQuerySchema,
  ReportIdSchema,
  ReportQuerySchema,
  ReportSchema,
  ReportSummarySchema,
  ScanIdSchema,
  ScanListQuerySchema,
  ScanRequestSchema,
  ScanSchema,
  ScanStartedSchema,
  ScanSummarySchema,
} from '../domain/analysis';
import { command, stream } from './define';

/** Level-1 scans, Level-2 deep-dives, the report library and fundamentals (LOCAL-API.md "Scan and deep-dive"). */
export const analysisCommands = {
  'scans.start': command(ScanRequestSchema, ScanStartedSchema, { method: 'POST', path: '/scans', status: 202 }),
  'scans.list': command(ScanListQuerySchema, z.array(ScanSummarySchema), { method: 'GET', path: '/scans' }),
  'scans.get': command(ScanIdSchema, ScanSchema, { method: 'GET', path: '/scans/:id' }),
  'deepDive.start': command(DeepDiveRequestSchema, DeepDiveStartedSchema, {
    method: 'POST',
    path: '/deep-dive',
    status: 202,
  }),
  'deepDive.status': command(DeepDiveIdSchema, DeepDiveStatusSchema, { method: 'GET', path: '/deep-dive/:id/status' }),
  'deepDive.list': command(AnalysisListQuerySchema, z.array(AnalysisSummarySchema), {
    method: 'GET',
    path: '/deep-dive',
  }),
  'reports.list': command(ReportQuerySchema, z.array(ReportSummarySchema), { method: 'GET', path: '/reports' }),
  'reports.get': command(ReportIdSchema, ReportSchema, { method: 'GET', path: '/reports/:id' }),
  'reports.compare': command(ReportCompareQuerySchema, ReportComparisonSchema, {
    method: 'GET',
    path: '/reports/compare',
  }),
  'reports.export': command(ReportExportQuerySchema, DownloadSchema, {
    method: 'GET',
    path: '/reports/:id/export',
    download: true,
  }),
  'reports.delete': command(ReportIdSchema, ReportSummarySchema, { method: 'DELETE', path: '/reports/:id' }),
  'fundamentals.import': command(FundamentalsImportSchema, FundamentalsImportedSchema, {
    method: 'POST',
    path: '/fundamentals',
  }),
  'fundamentals.get': command(FundamentalsQuerySchema, FundamentalsSchema, {
    method: 'GET',
    path: '/fundamentals/:symbol',
  }),
} as const;

export const analysisEvents = {
  analysis_progress: stream(AnalysisProgressEventSchema),
  analysis_completed: stream(AnalysisCompletedEventSchema),
} as const;
