/**
 * Composition root of the desktop app: builds the engine, the window, the IPC binding and the menu, and ties the
 * engine's shutdown to the app's quit. Everything else lives in the engine or in the files beside this one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { app, BrowserWindow, dialog, Menu, safeStorage, session } from 'electron';
import { APP_NAME } from '../../shared/constants';
import { createEngine, type Engine } from '../engine';
import { loadConfig } from '../engine/config';
import { createEncryptedVault, type SecretVault } from '../engine/settings/vault';
import { registerIpc } from './ipc';
import { buildMenu } from './menu';
import { hardenSession, resolveAppOrigin } from './security';
import { createMainWindow, RENDERER_INDEX } from './window';

/**
 * TICKDESK_DATA_DIR wins over the OS default. It becomes Electron's userData too, so that Chromium's profile and
 * the single-instance lock live beside the database: a test with a temp folder never collides with a running app.
 */
function applyDataDirOverride(): void {
  const override = process.env.TICKDESK_DATA_DIR?.trim();
  if (!override) return;
  const dir = path.resolve(override);
  fs.mkdirSync(dir, { recursive: true });
  app.setPath('userData', dir);
}

/**
 * Secrets encrypted by the OS keychain, or undefined for the engine's 0600 file vault. Linux's `basic_text`
 * backend encrypts with a fixed key, so it would only pretend to be "os-encrypted".
 */
function createOsVault(dataDir: string): SecretVault | undefined {
  if (!safeStorage.isEncryptionAvailable()) return undefined;
  if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') return undefined;
  return createEncryptedVault(dataDir, {
    encrypt: (plain) => safeStorage.encryptString(plain),
    decrypt: (cipher) => safeStorage.decryptString(cipher),
  });
}

function startEngine(): Engine {
  const config = loadConfig(process.env, {
    dataDir: app.getPath('userData'),
    logToConsole: !app.isPackaged,
    // A packaged app ships resources/ beside its archive (electron-builder extraResources).
    ...(app.isPackaged ? { resourcesDir: path.join(process.resourcesPath, 'resources') } : {}),
  });
  const vault = createOsVault(config.dataDir);
  const engine = createEngine(config, vault ? { vault } : {});
  if (!vault)
    engine.logger.child('shell').warn('OS encryption is not available: secrets are kept in a 0600 file instead');
  return engine;
}

/** Quitting waits for the engine to close (VS Code's onWillShutdown): the first quit is held until it has. */
function quitAfterShutdown(engine: Engine, beforeShutdown: () => void): void {
  let state: 'running' | 'stopping' | 'stopped' = 'running';
  app.on('before-quit', (event) => {
    if (state === 'stopped') return;
    event.preventDefault();
    if (state === 'stopping') return;
    state = 'stopping';
    beforeShutdown();
    engine
      .shutdown()
      .catch((error: unknown) => engine.logger.error('engine shutdown failed', { error }))
      .finally(() => {
        state = 'stopped';
        app.quit();
      });
  });
}

function main(): void {
  app.enableSandbox();
  applyDataDirOverride();
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }

  let window: BrowserWindow | null = null;
  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('window-all-closed', () => {
    // macOS apps stay in the dock with no window; elsewhere closing the last window quits.
    if (process.platform !== 'darwin') app.quit();
  });

  const start = () => {
    const engine = startEngine();
    const logger = engine.logger.child('shell');
    const origin = resolveAppOrigin({
      devServerUrl: app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL,
      indexHtml: RENDERER_INDEX,
    });
    hardenSession(session.defaultSession, origin);
    const unregisterIpc = registerIpc({ engine, getWindow: () => window, origin, logger: logger.child('ipc') });
    quitAfterShutdown(engine, unregisterIpc);
    Menu.setApplicationMenu(buildMenu({ isPackaged: app.isPackaged }));
    engine.start();

    const openWindow = () => {
      const created = createMainWindow(origin, logger.child('window'));
      created.on('closed', () => {
        if (window === created) window = null;
      });
      window = created;
    };
    openWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) openWindow();
    });
  };

  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      dialog.showErrorBox(`${APP_NAME} could not start`, error instanceof Error ? error.message : String(error));
      app.exit(1);
    });
}

main();
