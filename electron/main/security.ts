/**
 * The desktop shell's security defaults in one place (STYLE.md practice 15): what the window may load, open,
 * navigate to and ask for, and which IPC senders are ours.
 */
import { pathToFileURL } from 'node:url';
import { shell, type BrowserWindow, type IpcMainInvokeEvent, type Session } from 'electron';
import type { Logger } from '../engine/common/logger';

/**
 * The page's Content-Security-Policy, added as a response header to the built app. `renderer/index.html` carries
 * the same policy in a meta tag, a second layer that holds even where a response bypasses webRequest;
 * `frame-ancestors` only works as a header.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Protocols a link may hand to the operating system; anything else (file:, smb:, custom schemes) is refused. */
const EXTERNAL_PROTOCOLS: ReadonlySet<string> = new Set(['https:', 'http:']);

/** Where the renderer comes from, and the test every navigation and IPC sender must pass. */
export interface AppOrigin {
  /** What the window loads: the dev server in development, the built `index.html` otherwise. */
  readonly entry: { readonly kind: 'url'; readonly url: string } | { readonly kind: 'file'; readonly path: string };
  isAppUrl(url: string): boolean;
}

export interface AppOriginOptions {
  /** `ELECTRON_RENDERER_URL`, honoured only in an unpackaged app so that no environment can point a shipped build elsewhere. */
  devServerUrl: string | undefined;
  indexHtml: string;
}

function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

export function resolveAppOrigin({ devServerUrl, indexHtml }: Readonly<AppOriginOptions>): AppOrigin {
  const dev = devServerUrl ? parseUrl(devServerUrl) : null;
  if (dev) {
    return { entry: { kind: 'url', url: dev.href }, isAppUrl: (url) => parseUrl(url)?.origin === dev.origin };
  }
  // Every file:// URL has the opaque origin "null", so the page itself is the origin: the built index.html,
  // whatever hash route or query it carries.
  const page = pathToFileURL(indexHtml);
  return {
    entry: { kind: 'file', path: indexHtml },
    isAppUrl(url) {
      const target = parseUrl(url);
      return target?.protocol === 'file:' && target.host === page.host && target.pathname === page.pathname;
    },
  };
}

/** The one way a URL leaves the app: only http(s), only through the OS browser. Resolves false when refused. */
export async function safeOpenExternal(url: string): Promise<boolean> {
  const target = parseUrl(url);
  if (!target || !EXTERNAL_PROTOCOLS.has(target.protocol)) return false;
  await shell.openExternal(target.href);
  return true;
}

/** New windows are never created; links go to the OS browser; the page never navigates away from the app. */
export function hardenWindow(window: BrowserWindow, origin: AppOrigin, logger: Logger): void {
  const openOutside = (url: string) => {
    safeOpenExternal(url).then(
      (opened) => {
        if (!opened) logger.warn('refused to open a link', { url });
      },
      (error: unknown) => logger.warn('could not open a link in the browser', { url, error }),
    );
  };
  const contents = window.webContents;
  contents.setWindowOpenHandler(({ url }) => {
    openOutside(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event) => {
    if (origin.isAppUrl(event.url)) return;
    event.preventDefault();
    openOutside(event.url);
  });
  contents.on('will-redirect', (event) => {
    if (!origin.isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** Session-wide rules: no permission is ever granted, and the built app's responses carry the CSP header. */
export function hardenSession(session: Session, origin: AppOrigin): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  // Not on the dev server: Vite puts the inline React Refresh preamble ahead of the meta tag, where the meta policy
  // does not reach it but a header policy would block it. The production build has no inline script.
  if (origin.entry.kind !== 'file') return;
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
}

/**
 * Whether an IPC message comes from our window's main frame showing our own page (VS Code's validatedIpcMain):
 * a subframe, another window, or a page that got navigated elsewhere is refused.
 */
export function isTrustedSender(event: IpcMainInvokeEvent, window: BrowserWindow | null, origin: AppOrigin): boolean {
  const frame = event.senderFrame;
  if (!frame || !window || window.isDestroyed()) return false;
  if (event.sender.id !== window.webContents.id || frame.parent !== null) return false;
  return origin.isAppUrl(frame.url);
}
