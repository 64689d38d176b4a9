/**
 * Where the desktop login window may go: Upstox's dialog and login pages, and the redirect back to us, which is
 * caught before it loads. Plain functions, so they are tested without Electron.
 */

/** Upstox's own login pages, where the dialog sends the user to sign in (mobile, OTP, PIN). */
const UPSTOX_LOGIN_ORIGINS = ['https://login.upstox.com'];

export type LoginNavigation =
  { action: 'allow' } | { action: 'callback'; params: Record<string, string> } | { action: 'block' };

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** The redirect URI without its query: the callback is that origin and path, whatever Upstox appends. */
function sameEndpoint(a: URL, b: URL): boolean {
  return a.origin === b.origin && a.pathname === b.pathname;
}

export function classifyLoginNavigation(url: string, dialogUrl: string, redirectUri: string): LoginNavigation {
  const target = parse(url);
  const dialog = parse(dialogUrl);
  const redirect = parse(redirectUri);
  if (!target || !dialog || !redirect) return { action: 'block' };
  if (sameEndpoint(target, redirect)) {
    const params: Record<string, string> = {};
    for (const name of ['state', 'code', 'error', 'error_description'])
      if (target.searchParams.has(name)) params[name] = target.searchParams.get(name)!;
    return { action: 'callback', params };
  }
  if (target.origin === dialog.origin || UPSTOX_LOGIN_ORIGINS.includes(target.origin)) return { action: 'allow' };
  return { action: 'block' };
}

/** The state the engine put in the dialog URL, to end the login as cancelled when the window is closed. */
export function stateOf(dialogUrl: string): string | null {
  return parse(dialogUrl)?.searchParams.get('state') ?? null;
}
