/** Small helpers shared by the live-feed benchmark (`feed.bench.ts`) and its memory soak (`feed-soak.ts`). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../electron/engine/common/logger';

export function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile of an already sorted array. */
export function percentileSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const int = (n: number): string => Math.round(n).toLocaleString('en-US');
export const rate = (count: number, ms: number): number => (count * 1000) / ms;
export const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'tickdesk-bench-feed-'));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

export function machineLine(): string {
  const cpus = os.cpus();
  return `machine: ${cpus.length} CPUs (${cpus[0]?.model.trim() ?? 'unknown'}), node ${process.version}, ${os.platform()} ${os.arch()}`;
}

/**
 * Discards info and debug lines (a file logger would put disk writes into the measured path) but keeps
 * warnings and errors, which the benchmarks print: a figure measured while the engine complained is suspect.
 */
export function createProblemLogger(): Logger & { problems: string[] } {
  const problems: string[] = [];
  const discard = () => undefined;
  const describe = (fields?: Record<string, unknown>) => {
    const error = fields?.error;
    if (error instanceof Error) return ` ${error.message}`;
    return fields ? ` ${JSON.stringify(fields).slice(0, 300)}` : '';
  };
  const logger: Logger & { problems: string[] } = {
    problems,
    debug: discard,
    info: discard,
    warn: (message, fields) => void problems.push(`warn: ${message}${describe(fields)}`),
    error: (message, fields) => void problems.push(`error: ${message}${describe(fields)}`),
    child: () => logger,
  };
  return logger;
}

/** One line of a benchmark's verdict: a figure, its value, the bar it is judged against, and whether it met it. */
export interface Check {
  figure: string;
  value: string;
  bar: string;
  pass: boolean;
}

/** Prints the verdict table, columns padded to `widths` (figure, value, bar), then PASS or FAIL. */
export function printChecks(checks: readonly Check[], widths: readonly [number, number, number]): void {
  console.log('');
  console.log(['figure', 'value', 'bar'].map((h, i) => h.padEnd(widths[i]!)).join('') + 'result');
  for (const c of checks)
    console.log(
      [c.figure, c.value, c.bar].map((cell, i) => cell.padEnd(widths[i]!)).join('') + (c.pass ? 'PASS' : 'FAIL'),
    );
}
