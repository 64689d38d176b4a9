/**
 * A saved report as a PDF in the desktop app: the engine's self-contained HTML export, printed by Chromium, saved
 * where the user says. The Electron pieces are passed in (pdf-window.ts), so this flow runs without Electron.
 */
import fs from 'node:fs/promises';
import type { ReportPdfSaved } from '../../shared/contract';
import type { Download } from '../../shared/domain/analysis';
import { WorkstationError } from '../../shared/errors';

export interface ReportPdfPorts {
  /** `reports.export { id, format: 'html' }` through the engine's router. */
  exportHtml(reportId: number): Promise<Pick<Download, 'filename' | 'body'>>;
  /** Where to save: the path the user chose, or null when they cancelled. */
  choosePath(defaultName: string): Promise<string | null>;
  renderPdf(html: string): Promise<Uint8Array>;
  writeFile(filePath: string, pdf: Uint8Array): Promise<void>;
}

/** The argument as a report id; anything else is refused before it reaches the engine. */
export function reportIdOf(value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  throw new WorkstationError('VALIDATION_FAILED', 'reportId must be a positive integer', [
    { path: ['reportId'], message: 'must be a positive integer' },
  ]);
}

/** The export's file name with a .pdf extension: RELIANCE-report-3.html becomes RELIANCE-report-3.pdf. */
export function pdfFileName(exportName: string): string {
  const stem = exportName.replace(/\.[^./\\]*$/, '');
  return `${stem || 'report'}.pdf`;
}

/** Owner-only (0600) whatever the umask, even when it replaces a file that was not. */
export async function writeOwnerOnlyFile(filePath: string, data: Uint8Array): Promise<void> {
  await fs.writeFile(filePath, data, { mode: 0o600 });
  if (process.platform !== 'win32') await fs.chmod(filePath, 0o600);
}

/**
 * Exports, asks where, then prints: the name to offer comes from the export, and a cancelled dialog costs no
 * rendering.
 */
export async function printReportToPdf(reportId: unknown, ports: Readonly<ReportPdfPorts>): Promise<ReportPdfSaved> {
  const id = reportIdOf(reportId);
  const page = await ports.exportHtml(id);
  const filePath = await ports.choosePath(pdfFileName(page.filename));
  if (!filePath) return { saved: false, filePath: null };
  const pdf = await ports.renderPdf(page.body).catch((error: unknown) => {
    throw asWorkstationError(error, 'could not print the report');
  });
  await ports.writeFile(filePath, pdf).catch((error: unknown) => {
    throw asWorkstationError(error, `could not save ${filePath}`);
  });
  return { saved: true, filePath };
}

/** A failure of the shell's own work, as a sentence the page can show (EACCES, a page Chromium would not load...). */
function asWorkstationError(error: unknown, what: string): WorkstationError {
  if (error instanceof WorkstationError) return error;
  return new WorkstationError('INTERNAL', `${what}: ${error instanceof Error ? error.message : String(error)}`);
}
