import type { Db } from './types';

/** A scan's row beyond its job (migration 0011): what it ranked, and its ranked results once done. */
export interface StoredScan {
  jobId: number;
  universe: string;
  universeName: string;
  threshold: number;
  createdAt: number;
  completedAt: number | null;
  /** JSON of the ranked results, null until the scan completes. */
  results: string | null;
  passed: number | null;
  total: number | null;
}

export interface StoredAnalysis {
  jobId: number;
  symbol: string;
  instrumentKey: string;
  request: string;
  createdAt: number;
  reportId: number | null;
}

/** Scans and deep-dive analyses (migration 0011): what each has beyond its job. */
export function createAnalysisStore(db: Db) {
  const s = {
    addScan: db.prepare<[number, string, string, number, number]>(
      `INSERT INTO scans (job_id, universe, universe_name, threshold, created_at) VALUES (?, ?, ?, ?, ?)`,
    ),
    finishScan: db.prepare<[number, string, number, number, number]>(
      'UPDATE scans SET completed_at = ?, results = ?, passed = ?, total = ? WHERE job_id = ?',
    ),
    scan: db.prepare<[number], StoredScan>(
      `SELECT job_id AS jobId, universe, universe_name AS universeName, threshold, created_at AS createdAt,
              completed_at AS completedAt, results, passed, total FROM scans WHERE job_id = ?`,
    ),
    scans: db.prepare<[number], Omit<StoredScan, 'results'>>(
      `SELECT job_id AS jobId, universe, universe_name AS universeName, threshold, created_at AS createdAt,
              completed_at AS completedAt, passed, total FROM scans ORDER BY job_id DESC LIMIT ?`,
    ),
    addAnalysis: db.prepare<[number, string, string, string, number]>(
      'INSERT INTO analyses (job_id, symbol, instrument_key, request, created_at) VALUES (?, ?, ?, ?, ?)',
    ),
    analysis: db.prepare<[number], StoredAnalysis>(
      `SELECT job_id AS jobId, symbol, instrument_key AS instrumentKey, request, created_at AS createdAt,
              report_id AS reportId FROM analyses WHERE job_id = ?`,
    ),
    analyses: db.prepare<[number], StoredAnalysis>(
      `SELECT job_id AS jobId, symbol, instrument_key AS instrumentKey, request, created_at AS createdAt,
              report_id AS reportId FROM analyses ORDER BY job_id DESC LIMIT ?`,
    ),
    setReport: db.prepare<[number, number]>('UPDATE analyses SET report_id = ? WHERE job_id = ?'),
  };
  return {
    /** Inside the transaction that enqueues the scan's job. */
    addScan: (jobId: number, universe: string, universeName: string, threshold: number, now: number) =>
      void s.addScan.run(jobId, universe, universeName, threshold, now),
    finishScan: (jobId: number, now: number, results: string, passed: number, total: number) =>
      void s.finishScan.run(now, results, passed, total, jobId),
    scan: (jobId: number): StoredScan | undefined => s.scan.get(jobId),
    scans: (limit: number) => s.scans.all(limit),
    /** Inside the transaction that enqueues the analysis's job. */
    addAnalysis: (jobId: number, symbol: string, instrumentKey: string, request: unknown, now: number) =>
      void s.addAnalysis.run(jobId, symbol, instrumentKey, JSON.stringify(request), now),
    analysis: (jobId: number): StoredAnalysis | undefined => s.analysis.get(jobId),
    analyses: (limit: number): StoredAnalysis[] => s.analyses.all(limit),
    setReport: (jobId: number, reportId: number) => void s.setReport.run(reportId, jobId),
  };
}
export type AnalysisStore = ReturnType<typeof createAnalysisStore>;
