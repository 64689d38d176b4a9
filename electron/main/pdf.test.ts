import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkstationError } from '../../shared/errors';
import { makeTempDir, removeTempDirs } from '../../tests/helpers/temp-dir';
import { pdfFileName, printReportToPdf, writeOwnerOnlyFile, type ReportPdfPorts } from './pdf';

const PDF = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d]); // "%PDF-"

/** Ports that record what the flow asked of them; `chosen` is the dialog's answer (null: cancelled). */
function fakePorts(chosen: string | null, overrides: Partial<ReportPdfPorts> = {}) {
  const seen = { exported: [] as number[], offered: [] as string[], rendered: [] as string[], written: [] as string[] };
  const ports: ReportPdfPorts = {
    exportHtml: async (id) => {
      seen.exported.push(id);
      return { filename: `RELIANCE-report-${id}.html`, body: `<!doctype html><h1>RELIANCE ${id}</h1>` };
    },
    choosePath: async (name) => {
      seen.offered.push(name);
      return chosen;
    },
    renderPdf: async (html) => {
      seen.rendered.push(html);
      return PDF;
    },
    writeFile: async (file) => {
      seen.written.push(file);
    },
    ...overrides,
  };
  return { ports, seen };
}

async function rejection(promise: Promise<unknown>): Promise<WorkstationError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkstationError);
  return error as WorkstationError;
}

afterEach(removeTempDirs);

describe('printing a report to PDF', () => {
  it('offers the export name as .pdf, prints the exported page and saves it where the user chose', async () => {
    const { ports, seen } = fakePorts('/home/trader/Documents/reliance.pdf');
    expect(await printReportToPdf(3, ports)).toEqual({ saved: true, filePath: '/home/trader/Documents/reliance.pdf' });
    expect(seen).toEqual({
      exported: [3],
      offered: ['RELIANCE-report-3.pdf'],
      rendered: ['<!doctype html><h1>RELIANCE 3</h1>'],
      written: ['/home/trader/Documents/reliance.pdf'],
    });
  });

  it('answers not saved when the user cancels, without printing or writing anything', async () => {
    const { ports, seen } = fakePorts(null);
    expect(await printReportToPdf(3, ports)).toEqual({ saved: false, filePath: null });
    expect(seen.rendered).toEqual([]);
    expect(seen.written).toEqual([]);
  });

  it.each([0, -4, 2.5, '3', null, Number.NaN])('refuses %s as a report id before asking the engine', async (id) => {
    const { ports, seen } = fakePorts('/tmp/x.pdf');
    const error = await rejection(printReportToPdf(id, ports));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details?.[0]?.path).toEqual(['reportId']);
    expect(seen.exported).toEqual([]);
  });

  it("passes the engine's refusal of a missing report on, and shows no dialog", async () => {
    const { ports, seen } = fakePorts('/tmp/x.pdf', {
      exportHtml: async () => {
        throw new WorkstationError('NOT_FOUND', 'report 99 not found');
      },
    });
    const error = await rejection(printReportToPdf(99, ports));
    expect([error.code, error.message]).toEqual(['NOT_FOUND', 'report 99 not found']);
    expect(seen.offered).toEqual([]);
  });

  it('names the file it could not save, and why', async () => {
    const { ports } = fakePorts('/readonly/reliance.pdf', {
      writeFile: async () => {
        throw Object.assign(new Error("EACCES: permission denied, open '/readonly/reliance.pdf'"), { code: 'EACCES' });
      },
    });
    const error = await rejection(printReportToPdf(3, ports));
    expect(error.message).toBe(
      "could not save /readonly/reliance.pdf: EACCES: permission denied, open '/readonly/reliance.pdf'",
    );
  });

  it('says the printing failed when Chromium could not print the page', async () => {
    const { ports, seen } = fakePorts('/tmp/x.pdf', {
      renderPdf: async () => {
        throw new Error('ERR_INVALID_URL (-300) loading data:text/html');
      },
    });
    const error = await rejection(printReportToPdf(3, ports));
    expect(error.message).toBe('could not print the report: ERR_INVALID_URL (-300) loading data:text/html');
    expect(seen.written).toEqual([]);
  });
});

describe('the PDF file', () => {
  it('takes the export name with a .pdf extension', () => {
    expect(pdfFileName('RELIANCE-report-3.html')).toBe('RELIANCE-report-3.pdf');
    expect(pdfFileName('M&M-report-12')).toBe('M&M-report-12.pdf');
    expect(pdfFileName('.html')).toBe('report.pdf');
  });

  it.skipIf(process.platform === 'win32')('is owner-only, even when it replaces a file others could read', async () => {
    const file = path.join(makeTempDir(), 'reliance.pdf');
    fs.writeFileSync(file, 'old', { mode: 0o644 });
    fs.chmodSync(file, 0o644);
    await writeOwnerOnlyFile(file, PDF);
    expect(fs.readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });
});
