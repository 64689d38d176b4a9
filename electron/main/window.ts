/** The application window: sandboxed, isolated, with the contract preload and nothing else. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrowserWindow } from 'electron';
import { APP_NAME } from '../../shared/constants';
import type { Logger } from '../engine/common/logger';
import { hardenWindow, type AppOrigin } from './security';

// Main builds as ESM (package.json "type": "module") into out/main, so there is no __dirname; the preload and the
// renderer are its siblings under out/.
const OUT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The sandboxed preload must be CommonJS, hence `.cjs` (electron.vite.config.ts). */
export const PRELOAD_PATH = path.join(OUT_DIR, 'preload', 'index.cjs');
export const RENDERER_INDEX = path.join(OUT_DIR, 'renderer', 'index.html');

/** Matches the renderer's dark theme, so the window never flashes white before the first paint. */
const BACKGROUND = '#0f1115';

export function createMainWindow(origin: AppOrigin, logger: Logger): BrowserWindow {
  const window = new BrowserWindow({
    title: APP_NAME,
    width: 1440,
    height: 900,
    minWidth: 1024,
    minHeight: 640,
    show: false,
    backgroundColor: BACKGROUND,
    webPreferences: {
      preload: PRELOAD_PATH,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  hardenWindow(window, origin, logger);

  const loading = origin.entry.kind === 'url' ? window.loadURL(origin.entry.url) : window.loadFile(origin.entry.path);
  loading.catch((error: unknown) => logger.error('the window could not load the app', { entry: origin.entry, error }));
  return window;
}
