import type { ServerResponse } from 'node:http';
import { LoginCallbackSchema, type LoginStatus } from '../../../shared/domain/login';
import { WorkstationError } from '../../../shared/errors';
import { escapeHtml } from '../common/html';
import type { Router } from '../router';

const PARAMS = ['state', 'code', 'error', 'error_description'] as const;

function page(res: ServerResponse, status: number, title: string, message: string, ok: boolean): void {
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · Tickdesk</title>
<style>body{background:#0f1115;color:#e6e8eb;font:16px system-ui,sans-serif;display:grid;place-items:center;min-height:90vh;margin:0}
main{max-width:34rem;padding:2rem;border:1px solid #2a2f3a;border-radius:8px;background:#161a21}
h1{font-size:1.3rem;margin:0 0 .8rem;color:${ok ? '#4cc38a' : '#f06a6a'}}p{line-height:1.5;margin:.4rem 0}.muted{color:#9aa3b2}</style>
</head><body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>
<p class="muted">You can close this tab and return to Tickdesk.</p></main></body></html>`;
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'Content-Security-Policy':
      "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; form-action 'none'",
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(body);
}

/**
 * Upstox's redirect after its login dialog (`GET /oauth/upstox/callback?code=…&state=…`): the Local API's only
 * route without the bearer token, so it does nothing but hand a pending login its answer; anything else is refused
 * by `login.complete`, and the page says why.
 */
export async function answerLoginCallback(router: Router, url: URL, res: ServerResponse): Promise<void> {
  const input: Record<string, string> = {};
  for (const name of PARAMS) {
    const value = url.searchParams.get(name);
    if (value !== null) input[name] = value;
  }
  const parsed = LoginCallbackSchema.safeParse(input);
  if (!parsed.success) return page(res, 400, 'Login not completed', 'This address carries no login answer.', false);
  try {
    const status = (await router.dispatch('login.complete', parsed.data, { transport: 'local-api' })) as LoginStatus;
    const attempt = status.lastAttempt;
    if (attempt?.outcome === 'logged_in') {
      const name = status.daily.userName ? ` as ${status.daily.userName}` : '';
      return page(
        res,
        200,
        `Logged in to Upstox${name}`,
        'Tickdesk has the day’s login; the live feed is starting.',
        true,
      );
    }
    return page(
      res,
      200,
      'Login cancelled',
      attempt?.message ?? 'The login was cancelled: nothing was changed.',
      false,
    );
  } catch (error) {
    const message = error instanceof WorkstationError ? error.message : 'the login could not be completed';
    return page(res, 400, 'Login failed', message.charAt(0).toUpperCase() + message.slice(1), false);
  }
}
