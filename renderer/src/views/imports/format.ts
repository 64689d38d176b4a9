import type { ImportRunSummary } from '../../../../shared/domain/imports';
import type { UniverseSummary } from '../../../../shared/domain/universes';
import { WorkstationError, type ErrorDetail } from '../../../../shared/errors';
import { messageOf } from '../../lib/use-command';
import { formatDuration } from '../../lib/format';

const INTEGER = new Intl.NumberFormat('en-IN', { maximumFractionDigits: 0 });

/** Whole numbers with Indian grouping: 2,21,850 records. */
export function formatCount(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : INTEGER.format(n);
}

/** "850 ms", "3.1 s", "2 min 5 s". */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  return formatDuration(ms);
}

/** How long a run took, or has taken so far; null before it started. */
export function runDurationMs(run: ImportRunSummary, now: number): number | null {
  if (!run.startedAt) return null;
  const end = run.finishedAt ? Date.parse(run.finishedAt) : now;
  return Math.max(0, end - Date.parse(run.startedAt));
}

/** The names of a run's universes, by the universes known here (a deleted one keeps its id). */
export function universeNames(ids: readonly string[], universes: readonly UniverseSummary[]): string {
  if (ids.length === 0) return 'symbols';
  return ids.map((id) => universes.find((u) => u.id === id)?.name ?? id).join(', ');
}

function detailsOf(error: unknown): ErrorDetail[] {
  if (error instanceof WorkstationError) return error.details ?? [];
  if (error && typeof error === 'object' && 'details' in error)
    return (error as { details?: ErrorDetail[] }).details ?? [];
  return [];
}

/**
 * An engine refusal by the field it names: `universes`, `timeframes`, `lookbackDays.1d`, `name`... (the detail's
 * path, its indexes dropped except a timeframe's key); what names no field goes under `form`.
 */
export function fieldErrorsOf(error: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const detail of detailsOf(error)) {
    const [head, next] = detail.path;
    const field = typeof head !== 'string' ? 'form' : typeof next === 'string' ? `${head}.${next}` : head;
    out[field] ??= detail.message;
  }
  if (Object.keys(out).length === 0 && error !== null && error !== undefined) out.form = messageOf(error);
  return out;
}

export interface LineError {
  line: number;
  value: string;
  reason: string;
}

/** The rows a refused CSV file names (`{ line, value, reason }`), first line first. */
export function lineErrorsOf(error: unknown): LineError[] {
  return detailsOf(error)
    .filter((d) => d.line !== undefined)
    .map((d) => ({ line: d.line!, value: d.value ?? '', reason: d.reason ?? d.message }))
    .sort((a, b) => a.line - b.line);
}

/** The keys a refused key list names, by their line in the text (`instrumentKeys[i]` is the i-th non-blank line). */
export function keyLineErrorsOf(error: unknown, keys: readonly string[], lineOfKey: readonly number[]): LineError[] {
  return detailsOf(error)
    .filter((d) => d.path[0] === 'instrumentKeys' && typeof d.path[1] === 'number')
    .map((d) => {
      const index = d.path[1] as number;
      return { line: lineOfKey[index] ?? index + 1, value: keys[index] ?? '', reason: d.message };
    });
}
