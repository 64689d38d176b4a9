import {
  DEEP_DIVE_STEPS,
  type DeepDiveRequest,
  type DeepDiveStatus,
  type Download,
  type Report,
  type ReportBody,
  type ReportQuery,
  type ReportSummary,
  type Scan,
  type ScanRequest,
  type ScanResult,
  type ScanSummary,
} from '../../../shared/domain/analysis';
import { LOCAL_API_PREFIX } from '../../../shared/constants';
import type { Job } from '../../../shared/domain/jobs';
import { WorkstationError } from '../../../shared/errors';
import { DAY_MS, istDate } from '../../../shared/time';
import type { Clock } from '../common/clock';
import type { UniverseService } from '../imports/universes/service';
import type { JobService } from '../jobs/service';
import type { Stores } from '../store';
import { istIso } from '../store/candles';
import type { StoredScan } from '../store/analyses';
import type { StoredReport } from '../store/reports';
import { DEEP_DIVE_KIND, type DeepDivePayload } from './deep-dive.job';
import { parseFundamentalsCsv } from './fundamentals/csv';
import type { MarketData, Target } from './market-data';
import { compareReports } from './report/compare';
import { reportFilename, reportHtml, reportJson } from './report/html';
import { SCAN_KIND } from './scan.job';

export interface AnalysisServiceDeps {
  stores: Pick<Stores, 'db' | 'analyses' | 'reports' | 'instruments'>;
  jobs: JobService;
  universes: UniverseService;
  marketData: MarketData;
  clock: Clock;
}

const INSTRUMENT_KEY = /^[A-Z_]+\|.+$/;

const statusOf = (job: Job): 'PROCESSING' | 'COMPLETED' | 'FAILED' =>
  job.status === 'SUCCEEDED'
    ? 'COMPLETED'
    : job.status === 'FAILED' || job.status === 'CANCELLED'
      ? 'FAILED'
      : 'PROCESSING';

const summaryOf = (r: Omit<StoredReport, 'body'>): ReportSummary => ({
  id: r.id,
  symbol: r.symbol,
  instrumentKey: r.instrumentKey,
  createdAt: istIso(r.createdAt),
  convictionScore: r.convictionScore,
  riskGrade: r.riskGrade as ReportSummary['riskGrade'],
  direction: r.direction as ReportSummary['direction'],
});

/** A scan as lists show it: its request, its job's state, and how many passed once it is done. */
function scanSummary(scan: Omit<StoredScan, 'results'>, job: Job): ScanSummary {
  const done = scan.completedAt !== null;
  return {
    scanId: scan.jobId,
    jobId: scan.jobId,
    universe: scan.universe,
    universeName: scan.universeName,
    threshold: scan.threshold,
    // The results are stored, and announced, a moment before the runner marks the job done.
    status: done ? 'COMPLETED' : statusOf(job),
    createdAt: istIso(scan.createdAt),
    completedAt: done ? istIso(scan.completedAt!) : null,
    progress: {
      percentage: done ? 100 : job.progress.percentage,
      completed: done ? (scan.total ?? 0) : 0,
      total: scan.total ?? 0,
    },
    error: job.error?.message ?? null,
    passed: scan.passed ?? 0,
    total: scan.total ?? 0,
  };
}

/** Scans, deep-dives and the report library, as the contract's commands see them. */
export function createAnalysisService(deps: AnalysisServiceDeps) {
  const { stores, jobs, clock } = deps;

  /** A trading symbol or instrument key, as the instrument master knows it now. */
  function resolve(symbol: string): Target {
    const text = symbol.trim();
    const notFound = () =>
      new WorkstationError('NOT_FOUND', `unknown symbol: ${text}`, [
        { path: ['symbol'], message: 'not in the instrument master (import it from Settings, or check the spelling)' },
      ]);
    if (INSTRUMENT_KEY.test(text)) {
      const [found] = stores.instruments.get([text]);
      if (!found) throw notFound();
      return { instrumentKey: found.instrumentKey, symbol: found.tradingSymbol };
    }
    const upper = text.toUpperCase();
    const equity = stores.instruments.equities().find((e) => e.tradingSymbol.toUpperCase() === upper);
    if (equity) return { instrumentKey: equity.instrumentKey, symbol: equity.tradingSymbol };
    const index = stores.instruments
      .search({ q: text, segment: 'NSE_INDEX', limit: 5 })
      .find((i) => i.tradingSymbol.toUpperCase() === upper || i.name.toUpperCase() === upper);
    if (index) return { instrumentKey: index.instrumentKey, symbol: index.tradingSymbol };
    throw notFound();
  }

  function readReport(id: number): Report {
    const stored = stores.reports.get(id);
    if (!stored) throw new WorkstationError('NOT_FOUND', `no report ${id}`);
    return { id: stored.id, ...(JSON.parse(stored.body) as ReportBody) };
  }

  function scanOf(id: number): { job: Job; scan: NonNullable<ReturnType<typeof stores.analyses.scan>> } {
    const scan = stores.analyses.scan(id);
    const job = scan ? jobs.get(id) : undefined;
    if (!scan || !job) throw new WorkstationError('NOT_FOUND', `no scan ${id}`);
    return { job, scan };
  }

  function stepsOf(analysisId: number, job: Job) {
    const items = new Map(jobs.items(analysisId, undefined, 10).map((i) => [i.key, i.status]));
    const failed = job.status === 'FAILED' || job.status === 'CANCELLED';
    return DEEP_DIVE_STEPS.map((s) => {
      const item = items.get(`step:${s.name}`);
      const status =
        item === 'SUCCEEDED'
          ? ('DONE' as const)
          : item === 'RUNNING'
            ? failed
              ? ('FAILED' as const)
              : ('RUNNING' as const)
            : item === 'FAILED'
              ? ('FAILED' as const)
              : ('PENDING' as const);
      return { name: s.name, label: s.label, status };
    });
  }

  return {
    resolve,

    startScan(request: ScanRequest) {
      let universe;
      try {
        universe = deps.universes.get(request.universe);
      } catch (error) {
        if (error instanceof WorkstationError && error.code === 'NOT_FOUND')
          throw new WorkstationError('NOT_FOUND', `unknown universe: ${request.universe}`, [
            { path: ['universe'], message: 'no universe with this id' },
          ]);
        throw error;
      }
      return stores.db.transaction(() => {
        const { job } = jobs.enqueue(SCAN_KIND, { universe: universe.id, threshold: request.threshold });
        stores.analyses.addScan(job.id, universe.id, universe.name, request.threshold, clock.now());
        return { scanId: job.id, jobId: job.id };
      })();
    },

    getScan(id: number): Scan {
      const { job, scan } = scanOf(id);
      const { passed: _passed, total: _total, ...summary } = scanSummary(scan, job);
      return { ...summary, results: scan.results ? (JSON.parse(scan.results) as ScanResult[]) : [] };
    },

    listScans: (limit: number): ScanSummary[] =>
      stores.analyses.scans(limit).map((scan) => scanSummary(scan, jobs.get(scan.jobId))),

    startDeepDive(request: DeepDiveRequest) {
      const target = resolve(request.symbol);
      const payload: DeepDivePayload = {
        instrumentKey: target.instrumentKey,
        symbol: target.symbol,
        ...(request.expiryDate ? { expiryDate: request.expiryDate } : {}),
        level1: request.level1Results ?? null,
      };
      const analysisId = stores.db.transaction(() => {
        const { job } = jobs.enqueue(DEEP_DIVE_KIND, payload, { priority: 'HIGH' });
        stores.analyses.addAnalysis(job.id, target.symbol, target.instrumentKey, request, clock.now());
        return job.id;
      })();
      return {
        analysisId,
        status: 'PROCESSING' as const,
        pollUrl: `${LOCAL_API_PREFIX}/deep-dive/${analysisId}/status`,
      };
    },

    deepDiveStatus(id: number): DeepDiveStatus {
      const analysis = stores.analyses.analysis(id);
      const job = analysis ? jobs.get(id) : undefined;
      if (!analysis || !job) throw new WorkstationError('NOT_FOUND', `no deep-dive ${id}`);
      // The report is saved, and announced, a moment before the runner marks the job done: it is what says done.
      const status = analysis.reportId !== null ? 'COMPLETED' : statusOf(job);
      if (status === 'COMPLETED' && analysis.reportId !== null && stores.reports.get(analysis.reportId)) {
        const report = readReport(analysis.reportId);
        return {
          status,
          analysisId: id,
          symbol: analysis.symbol,
          reportId: report.id,
          report,
          convictionScore: report.convictionScore,
          riskGrade: report.riskGrade,
        };
      }
      if (status === 'FAILED' || status === 'COMPLETED')
        return {
          status: 'FAILED',
          analysisId: id,
          symbol: analysis.symbol,
          error:
            status === 'COMPLETED'
              ? 'its report was deleted from the library'
              : (job.error?.message ?? 'the deep-dive was cancelled'),
          errorCode: status === 'COMPLETED' ? 'REPORT_DELETED' : (job.error?.code ?? 'CANCELLED'),
          steps: stepsOf(id, job),
        };
      return {
        status,
        analysisId: id,
        symbol: analysis.symbol,
        message: job.status === 'QUEUED' ? 'Waiting to start' : job.progress.message,
        progress: job.progress.percentage,
        step: job.progress.phase && job.status === 'RUNNING' ? job.progress.phase : null,
        steps: stepsOf(id, job),
      };
    },

    listDeepDives(limit: number) {
      return stores.analyses.analyses(limit).flatMap((a) => {
        const job = jobs.get(a.jobId);
        if (!job) return [];
        return [
          {
            analysisId: a.jobId,
            symbol: a.symbol,
            status: statusOf(job),
            createdAt: istIso(a.createdAt),
            reportId: a.reportId,
            error: job.error?.message ?? null,
          },
        ];
      });
    },

    listReports(query: ReportQuery): ReportSummary[] {
      const day = (date: string) => Date.parse(`${date}T00:00:00+05:30`);
      return stores.reports
        .list({
          ...(query.symbol ? { symbol: query.symbol } : {}),
          ...(query.q ? { q: query.q } : {}),
          ...(query.grade ? { grade: query.grade } : {}),
          ...(query.from ? { from: day(query.from) } : {}),
          ...(query.to ? { to: day(query.to) + DAY_MS - 1 } : {}),
          limit: query.limit,
        })
        .map(summaryOf);
    },

    getReport: readReport,

    compareReports: (a: number, b: number) => compareReports(readReport(a), readReport(b)),

    exportReport(id: number, format: 'html' | 'json'): Download {
      const report = readReport(id);
      return format === 'html'
        ? {
            filename: reportFilename(report, 'html'),
            contentType: 'text/html; charset=utf-8',
            body: reportHtml(report),
          }
        : {
            filename: reportFilename(report, 'json'),
            contentType: 'application/json; charset=utf-8',
            body: reportJson(report),
          };
    },

    deleteReport(id: number): ReportSummary {
      const report = readReport(id);
      stores.reports.delete(id);
      return summaryOf({ ...report, createdAt: Date.parse(report.createdAt) });
    },

    importFundamentals(csv: string, asOf?: string) {
      const date = asOf ?? istDate(clock.now());
      const { companies, skipped } = parseFundamentalsCsv(csv, { asOf: date, source: 'csv' });
      return { imported: deps.marketData.importFundamentals(companies), asOf: date, skipped };
    },

    fundamentals(symbol: string) {
      const found = deps.marketData.fundamentals(symbol.trim());
      if (!found)
        throw new WorkstationError('NOT_FOUND', `no fundamentals of ${symbol}: import a screener export first`, [
          { path: ['symbol'], message: 'no fundamentals stored' },
        ]);
      return found.value;
    },
  };
}
export type AnalysisService = ReturnType<typeof createAnalysisService>;
