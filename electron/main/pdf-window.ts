/** The Electron side of a report's PDF: the save dialog, and Chromium printing the page in a hidden window. */
import path from 'node:path';
import { app, BrowserWindow, dialog, type PrintToPDFOptions } from 'electron';
import { WorkstationError } from '../../shared/errors';

/** Chromium refuses a URL longer than 2 MiB, so a bigger page could not load as a data: URL. */
const MAX_URL_CHARS = 2 * 1024 * 1024;

/**
 * The report's own stylesheet asks for A4 with 16 mm by 14 mm margins (`@page`); the same here, in inches as
 * printToPDF takes them, so the page looks the same whichever of the two Chromium honours.
 */
const PDF_OPTIONS: PrintToPDFOptions = {
  pageSize: 'A4',
  printBackground: false,
  margins: { top: 16 / 25.4, bottom: 16 / 25.4, left: 14 / 25.4, right: 14 / 25.4 },
};

export async function choosePdfPath(parent: BrowserWindow, defaultName: string): Promise<string | null> {
  const { canceled, filePath } = await dialog.showSaveDialog(parent, {
    title: 'Save the report as PDF',
    defaultPath: path.join(app.getPath('documents'), defaultName),
    filters: [{ name: 'PDF', extensions: ['pdf'] }],
    properties: ['createDirectory', 'showOverwriteConfirmation'],
  });
  return canceled || !filePath ? null : filePath;
}

/**
 * Prints a self-contained page to PDF. The window never shows, runs no script, has no preload and goes nowhere
 * but the page it was given; it is gone once the PDF is made, or once that failed.
 */
export async function renderPdfInHiddenWindow(html: string): Promise<Buffer> {
  const url = `data:text/html;base64,${Buffer.from(html, 'utf8').toString('base64')}`;
  if (url.length > MAX_URL_CHARS) {
    throw new WorkstationError('PAYLOAD_TOO_LARGE', 'the report is too large to print; export it as HTML instead');
  }
  const window = new BrowserWindow({
    show: false,
    webPreferences: {
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      javascript: false,
      webSecurity: true,
      webviewTag: false,
    },
  });
  try {
    const contents = window.webContents;
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    await window.loadURL(url);
    return await contents.printToPDF(PDF_OPTIONS);
  } finally {
    if (!window.isDestroyed()) window.destroy();
  }
}
