import type { Db } from './types';

/** A report as the library keeps it: indexed columns, and its JSON (without its id) exactly as it was made. */
export interface StoredReport {
  id: number;
  analysisId: number;
  symbol: string;
  instrumentKey: string;
  createdAt: number;
  convictionScore: number;
  riskGrade: string;
  direction: string;
  body: string;
}

export interface NewReport extends Omit<StoredReport, 'id'> {
  summary: string;
}

export interface ReportFilter {
  symbol?: string;
  q?: string;
  grade?: string;
  /** Epoch ms bounds of createdAt, both inclusive. */
  from?: number;
  to?: number;
  limit: number;
}

const COLUMNS = `id, analysis_id AS analysisId, symbol, instrument_key AS instrumentKey, created_at AS createdAt,
  conviction_score AS convictionScore, risk_grade AS riskGrade, direction`;

/** `%` and `_` in the user's text match themselves. */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The offline report library (migration 0011). */
export function createReportStore(db: Db) {
  const s = {
    insert: db.prepare<NewReport>(
      `INSERT INTO reports (analysis_id, symbol, instrument_key, created_at, conviction_score, risk_grade, direction, summary, body)
       VALUES (@analysisId, @symbol, @instrumentKey, @createdAt, @convictionScore, @riskGrade, @direction, @summary, @body)`,
    ),
    byAnalysis: db.prepare<[number], number>('SELECT id FROM reports WHERE analysis_id = ?').pluck(),
    get: db.prepare<[number], StoredReport>(`SELECT ${COLUMNS}, body FROM reports WHERE id = ?`),
    list: db.prepare<Record<string, unknown>, Omit<StoredReport, 'body'>>(
      `SELECT ${COLUMNS} FROM reports
       WHERE (@symbol IS NULL OR symbol = @symbol OR instrument_key = @symbol)
         AND (@q IS NULL OR symbol LIKE @q ESCAPE '\\' OR summary LIKE @q ESCAPE '\\')
         AND (@grade IS NULL OR risk_grade = @grade)
         AND (@from IS NULL OR created_at >= @from)
         AND (@to IS NULL OR created_at <= @to)
       ORDER BY created_at DESC, id DESC LIMIT @limit`,
    ),
    delete: db.prepare<[number]>('DELETE FROM reports WHERE id = ?'),
  };
  return {
    /** Saves a report once per analysis: a resumed save finds the first one and answers its id. */
    save(report: NewReport): number {
      const existing = s.byAnalysis.get(report.analysisId);
      if (existing !== undefined) return existing;
      return Number(s.insert.run(report).lastInsertRowid);
    },
    get: (id: number): StoredReport | undefined => s.get.get(id),
    list: (filter: ReportFilter) =>
      s.list.all({
        symbol: filter.symbol ?? null,
        q: filter.q ? likePattern(filter.q) : null,
        grade: filter.grade ?? null,
        from: filter.from ?? null,
        to: filter.to ?? null,
        limit: filter.limit,
      }),
    delete: (id: number): boolean => s.delete.run(id).changes > 0,
  };
}
export type ReportStore = ReturnType<typeof createReportStore>;
