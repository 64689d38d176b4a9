import { z } from 'zod';
import { errorFromResponse, networkReason, UpstoxApiError, withoutSecret } from './errors';

export const DIALOG_PATH = '/v2/login/authorization/dialog';
export const TOKEN_PATH = '/v2/login/authorization/token';
export const LOGOUT_PATH = '/v2/logout';
const TIMEOUT_MS = 15_000;

export interface UpstoxApp {
  clientId: string;
  apiSecret: string;
  redirectUri: string;
}

/** Upstox's authorization dialog for this app, carrying `state` back to the redirect. */
export function dialogUrl(apiUrl: string, app: Pick<UpstoxApp, 'clientId' | 'redirectUri'>, state: string): string {
  const url = new URL(DIALOG_PATH, apiUrl);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', app.clientId);
  url.searchParams.set('redirect_uri', app.redirectUri);
  url.searchParams.set('state', state);
  return url.toString();
}

/** The token answer is flat JSON, without Upstox's usual `{status, data}` envelope (upstox-v3.md §4.1). */
const TokenResponseSchema = z.object({
  access_token: z.string().min(16),
  user_id: z.string().optional(),
  user_name: z.string().optional(),
  exchanges: z.array(z.string()).optional(),
  is_active: z.boolean().optional(),
});
export interface UpstoxSession {
  accessToken: string;
  userId: string | undefined;
  userName: string | undefined;
}

/**
 * "No segments for these users are active": Upstox's answer to a login of an account that cannot trade; the singular
 * is this file's own refusal of an answer with `is_active: false`.
 */
const NO_SEGMENTS = /no segments?\b/i;

async function call(
  fetcher: typeof fetch,
  url: string,
  init: RequestInit,
  what: string,
  secrets: string[],
): Promise<unknown> {
  let status: number;
  let text: string;
  try {
    const response = await fetcher(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'error' });
    status = response.status;
    text = await response.text();
  } catch (cause) {
    throw withoutSecret(
      new UpstoxApiError({ kind: 'transient', message: `Upstox ${what} failed: ${networkReason(cause)}`, cause }),
      ...secrets,
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const failure = errorFromResponse(status, body, what);
  if (failure) throw withoutSecret(failure, ...secrets);
  if (status < 200 || status >= 300 || body === undefined)
    throw new UpstoxApiError({ kind: 'bad_response', status, message: `Upstox ${what} gave an unusable answer` });
  return body;
}

/** Trades the dialog's single-use code for the day's access token (form-encoded, as Upstox wants it). */
export async function exchangeCode(
  fetcher: typeof fetch,
  apiUrl: string,
  app: UpstoxApp,
  code: string,
): Promise<UpstoxSession> {
  const what = 'login (token exchange)';
  const body = new URLSearchParams({
    code,
    client_id: app.clientId,
    client_secret: app.apiSecret,
    redirect_uri: app.redirectUri,
    grant_type: 'authorization_code',
  });
  const answer = await call(
    fetcher,
    new URL(TOKEN_PATH, apiUrl).toString(),
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: body.toString(),
    },
    what,
    [app.apiSecret, code],
  );
  const parsed = TokenResponseSchema.safeParse(answer);
  if (!parsed.success)
    throw new UpstoxApiError({ kind: 'bad_response', status: 200, message: `Upstox ${what} gave no access token` });
  if (parsed.data.is_active === false || parsed.data.exchanges?.length === 0)
    throw new UpstoxApiError({
      kind: 'invalid_request',
      status: 200,
      message: 'Upstox says no segment of this account is active: activate one with Upstox, then log in again',
    });
  return {
    accessToken: parsed.data.access_token,
    userId: parsed.data.user_id,
    userName: parsed.data.user_name,
  };
}

/** Invalidates the token on Upstox's side (`DELETE /v2/logout`). */
export async function logoutToken(fetcher: typeof fetch, apiUrl: string, token: string): Promise<void> {
  await call(
    fetcher,
    new URL(LOGOUT_PATH, apiUrl).toString(),
    { method: 'DELETE', headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } },
    'logout',
    [token],
  );
}

/** A person's sentence for a failed exchange, by what Upstox said. */
export function loginFailureMessage(error: unknown): string {
  if (!(error instanceof UpstoxApiError)) return 'the login failed: Upstox gave no usable answer';
  if (NO_SEGMENTS.test(error.message))
    return 'Upstox says no segment of this account is active: activate one with Upstox, then log in again';
  if (error.upstoxCode === 'UDAPI100068')
    return 'Upstox refused the app: the API key or the redirect URI is not the one registered for it (UDAPI100068). Check both in Settings and in the Upstox developer console';
  if (error.upstoxCode === 'UDAPI100016')
    return `Upstox refused the login: ${error.message.includes('Auth code') ? 'the code was already used or has expired; log in again' : 'the API key or secret is wrong'} (UDAPI100016)`;
  if (error.kind === 'transient') return `could not reach Upstox to finish the login (${error.message})`;
  return `Upstox refused the login: ${error.message}`;
}
