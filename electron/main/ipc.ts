/**
 * Binds the engine's router to Electron IPC: one channel for commands, one for pushed events (shared/contract.ts),
 * and one for printing a report to PDF, which only the desktop shell can do.
 * No business logic: the router validates inputs and answers; this file checks who is asking and shapes the reply.
 */
import { ipcMain, type BrowserWindow } from 'electron';
import { z } from 'zod';
import { IPC_CHANNELS } from '../../shared/contract';
import { WorkstationError, type ErrorBody, type Outcome } from '../../shared/errors';
import type { Engine } from '../engine';
import type { Logger } from '../engine/common/logger';
import { zodDetails } from '../engine/common/parse';
import { printReportToPdf, writeOwnerOnlyFile } from './pdf';
import { runLoginWindow } from './login-window';
import { choosePdfPath, renderPdfInHiddenWindow } from './pdf-window';
import { isTrustedSender, type AppOrigin } from './security';

/** What the preload sends on the invoke channel; the router then validates `input` against the command. */
const InvokeMessageSchema = z.object({ name: z.string(), input: z.unknown() }).strict();

export interface IpcDeps {
  engine: Pick<Engine, 'router' | 'events'>;
  /** The window whose main frame may call the engine and receives its events; null while there is none. */
  getWindow: () => BrowserWindow | null;
  origin: AppOrigin;
  logger: Logger;
}

function failure(error: WorkstationError): Outcome<never> {
  return { ok: false, error: error.toBody() };
}

/** A WorkstationError crosses as it is; anything else is logged here and crosses as INTERNAL, without its stack. */
function toErrorBody(error: unknown, command: string, logger: Logger): ErrorBody {
  if (error instanceof WorkstationError) return error.toBody();
  logger.error('IPC command failed', { command, error });
  return { code: 'INTERNAL', message: `${command} failed` };
}

/** Registers the IPC handler and the event forwarding; returns the function that removes both. */
export function registerIpc({ engine, getWindow, origin, logger }: Readonly<IpcDeps>): () => void {
  ipcMain.handle(IPC_CHANNELS.invoke, async (event, message: unknown): Promise<Outcome<unknown>> => {
    if (!isTrustedSender(event, getWindow(), origin)) {
      logger.warn('refused IPC from an untrusted sender', { url: event.senderFrame?.url });
      return failure(new WorkstationError('FORBIDDEN', 'this page may not call the engine'));
    }
    const parsed = InvokeMessageSchema.safeParse(message);
    if (!parsed.success) {
      return failure(
        new WorkstationError('VALIDATION_FAILED', 'an IPC call must be { name, input }', zodDetails(parsed.error)),
      );
    }
    const { name, input } = parsed.data;
    try {
      return { ok: true, data: await engine.router.dispatch(name, input, { transport: 'ipc' }) };
    } catch (error) {
      return { ok: false, error: toErrorBody(error, name, logger) };
    }
  });

  ipcMain.handle(IPC_CHANNELS.printReport, async (event, reportId: unknown): Promise<Outcome<unknown>> => {
    const window = getWindow();
    if (!window || !isTrustedSender(event, window, origin)) {
      logger.warn('refused a print from an untrusted sender', { url: event.senderFrame?.url });
      return failure(new WorkstationError('FORBIDDEN', 'this page may not print reports'));
    }
    try {
      const saved = await printReportToPdf(reportId, {
        exportHtml: (id) => engine.router.call('reports.export', { id, format: 'html' }, { transport: 'ipc' }),
        choosePath: (defaultName) => choosePdfPath(window, defaultName),
        renderPdf: renderPdfInHiddenWindow,
        writeFile: writeOwnerOnlyFile,
      });
      return { ok: true, data: saved };
    } catch (error) {
      return { ok: false, error: toErrorBody(error, 'printReportToPdf', logger) };
    }
  });

  ipcMain.handle(IPC_CHANNELS.openLogin, async (event): Promise<Outcome<unknown>> => {
    const window = getWindow();
    if (!window || !isTrustedSender(event, window, origin)) {
      logger.warn('refused a login from an untrusted sender', { url: event.senderFrame?.url });
      return failure(new WorkstationError('FORBIDDEN', 'this page may not open the login'));
    }
    try {
      const status = await engine.router.call('login.status', {}, { transport: 'ipc' });
      await runLoginWindow({
        parent: window,
        start: () => engine.router.call('login.start', {}, { transport: 'ipc' }),
        complete: (callback) => engine.router.call('login.complete', callback, { transport: 'ipc' }),
        redirectUri: status.app.redirectUri,
        logger: logger.child('login-window'),
      });
      return { ok: true, data: null };
    } catch (error) {
      return { ok: false, error: toErrorBody(error, 'openUpstoxLogin', logger) };
    }
  });

  const unsubscribe = engine.events.subscribe((envelope) => {
    const window = getWindow();
    if (!window || window.isDestroyed() || window.webContents.isDestroyed()) return;
    // Engine events are for our page only, never for whatever a frame may have been navigated to.
    if (!origin.isAppUrl(window.webContents.getURL())) return;
    window.webContents.send(IPC_CHANNELS.event, envelope);
  });

  return () => {
    ipcMain.removeHandler(IPC_CHANNELS.invoke);
    ipcMain.removeHandler(IPC_CHANNELS.printReport);
    ipcMain.removeHandler(IPC_CHANNELS.openLogin);
    unsubscribe();
  };
}
