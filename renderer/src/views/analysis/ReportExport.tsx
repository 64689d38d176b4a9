import { useState } from 'react';
import type { Download } from '../../../../shared/domain/analysis';
import type { ErrorBody } from '../../../../shared/errors';
import { reviveBridgedError } from '../../bridge';
import { useBridge } from '../../bridge-context';
import { useCommand } from '../../lib/use-command';

/**
 * The desktop shell's PDF of a report, where it offers one; a browser has none. The preload rejects with a plain
 * ErrorBody (contextBridge drops an Error's class), revived here so that its sentence shows.
 */
function printReportToPdfOf(win: Window) {
  const print = win.workstation?.printReportToPdf;
  if (typeof print !== 'function') return null;
  return (reportId: number) =>
    print.call(win.workstation, reportId).catch((reason: Partial<ErrorBody> | undefined) => {
      throw reviveBridgedError(reason);
    });
}

/** How long a download's blob URL stays valid. */
const REVOKE_AFTER_MS = 10_000;

/** Saves a download the engine answered as a file, under the name it gave. */
export function saveDownload(download: Download, doc: Document = document): void {
  const url = URL.createObjectURL(new Blob([download.body], { type: download.contentType }));
  const link = doc.createElement('a');
  link.href = url;
  link.download = download.filename;
  link.style.display = 'none';
  doc.body.append(link);
  link.click();
  link.remove();
  // The browser reads the blob after the click returns: revoking the URL at once can cancel the download.
  setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
}

/** HTML and JSON exports of a saved report, and PDF in the desktop app. */
export function ReportExport({ reportId }: { reportId: number }) {
  const bridge = useBridge();
  const command = useCommand();
  // Kept with its report: a view that moves on to another report shows no path of the previous one.
  const [saved, setSaved] = useState<{ reportId: number; filePath: string } | null>(null);
  const savedTo = saved?.reportId === reportId ? saved.filePath : null;
  const printToPdf = printReportToPdfOf(window);
  const exportAs = (format: 'html' | 'json') => {
    setSaved(null);
    void command.run(async () => saveDownload(await bridge.invoke('reports.export', { id: reportId, format })));
  };
  const savePdf = async (print: NonNullable<typeof printToPdf>) => {
    setSaved(null);
    const result = await command.run(() => print(reportId));
    if (result?.saved && result.filePath) setSaved({ reportId, filePath: result.filePath });
  };
  return (
    <div className="report-export" role="group" aria-label="Export">
      <button
        type="button"
        className="secondary"
        disabled={command.busy}
        data-testid="report-export-html"
        onClick={() => exportAs('html')}
      >
        Export HTML
      </button>
      <button
        type="button"
        className="secondary"
        disabled={command.busy}
        data-testid="report-export-json"
        onClick={() => exportAs('json')}
      >
        Export JSON
      </button>
      {printToPdf ? (
        <button
          type="button"
          className="secondary"
          disabled={command.busy}
          data-testid="report-export-pdf"
          onClick={() => void savePdf(printToPdf)}
        >
          PDF
        </button>
      ) : null}
      {savedTo ? (
        <span className="muted small" role="status" data-testid="report-export-saved">
          Saved to {savedTo}
        </span>
      ) : null}
      {command.message ? (
        <span className="bad small" role="alert">
          Export failed: {command.message}
        </span>
      ) : null}
    </div>
  );
}
