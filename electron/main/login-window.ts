/** The desktop Upstox login: Upstox's dialog in a window of its own, the redirect caught and handed to the engine. */
import { BrowserWindow, session } from 'electron';
import type { LoginCallback, LoginStart } from '../../shared/domain/login';
import type { Logger } from '../engine/common/logger';
import { classifyLoginNavigation, stateOf } from './login-navigation';

export interface LoginWindowDeps {
  parent: BrowserWindow | null;
  start: () => Promise<LoginStart>;
  complete: (callback: LoginCallback) => Promise<unknown>;
  redirectUri: string;
  logger: Logger;
}

/** One login window at a time: a second Login click focuses it. */
let open: BrowserWindow | null = null;

/**
 * Opens the dialog with no preload, no Node, a sandbox and a session of its own that keeps nothing on disk. It may
 * go only to Upstox's login pages; the redirect to `redirectUri` never loads: its query goes to `login.complete`
 * and the window closes. Closing it first ends the login as cancelled. Resolves when the window is gone.
 */
export async function runLoginWindow(deps: LoginWindowDeps): Promise<void> {
  if (open && !open.isDestroyed()) {
    open.focus();
    return;
  }
  const { url } = await deps.start();
  const state = stateOf(url);
  const loginSession = session.fromPartition('upstox-login');
  loginSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  const window = new BrowserWindow({
    width: 520,
    height: 760,
    title: 'Log in to Upstox',
    backgroundColor: '#0f1115',
    autoHideMenuBar: true,
    ...(deps.parent ? { parent: deps.parent } : {}),
    webPreferences: {
      session: loginSession,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webviewTag: false,
      webSecurity: true,
    },
  });
  open = window;
  let answered = false;
  const contents = window.webContents;

  const guard = (event: { preventDefault(): void }, target: string) => {
    const where = classifyLoginNavigation(target, url, deps.redirectUri);
    if (where.action === 'allow') return;
    event.preventDefault();
    if (where.action === 'block') {
      deps.logger.warn('login window: navigation refused', { origin: safeOrigin(target) });
      return;
    }
    if (answered) return;
    answered = true;
    deps
      .complete({ state: where.params.state ?? '', ...where.params })
      .catch((error: unknown) =>
        deps.logger.warn('login did not complete', { error: error instanceof Error ? error.message : String(error) }),
      )
      .finally(() => {
        if (!window.isDestroyed()) window.close();
      });
  };
  contents.on('will-navigate', (event, target) => guard(event, target));
  contents.on('will-redirect', (event, target) => guard(event, target));
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame) guard(event, event.url);
  });
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-attach-webview', (event) => event.preventDefault());

  const closed = new Promise<void>((resolve) =>
    window.once('closed', () => {
      if (open === window) open = null;
      if (!answered && state) void deps.complete({ state, error: 'access_denied' }).catch(() => undefined);
      resolve();
    }),
  );
  await window.loadURL(url).catch((error: unknown) => {
    deps.logger.warn('login window could not load the dialog', {
      error: error instanceof Error ? error.message : String(error),
    });
  });
  return closed;
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'unparsable';
  }
}
