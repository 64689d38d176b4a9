import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { UpstoxApiError } from './errors';
import { dialogUrl, exchangeCode, loginFailureMessage, logoutToken, type UpstoxApp } from './login-client';

const APP: UpstoxApp = {
  clientId: 'a1b2c3d4-client-id',
  apiSecret: 'S3cr3t-api-secret-9f8e7d',
  redirectUri: 'http://127.0.0.1:17820/api/v1/login/callback',
};
const CODE = 'Xq7LmN';
const ACCESS_TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI3QUJDREUifQ.daily-access-token-sig';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const servers: http.Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A stand-in for Upstox's login host that answers every request with `status` and `body`, recording what it saw. */
async function upstox(status: number, body: unknown): Promise<{ apiUrl: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: text });
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

async function failureOf(promise: Promise<unknown>): Promise<UpstoxApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UpstoxApiError);
  return error as UpstoxApiError;
}

const upstoxError = (code: string, message: string) => ({
  status: 'error',
  errors: [{ errorCode: code, message, propertyPath: null, invalidValue: null, error_code: code, property_path: null }],
});

describe('dialogUrl', () => {
  it("points at Upstox's authorization dialog with the app, its redirect and the state", () => {
    const url = dialogUrl('https://api.upstox.com', APP, 'state-4f1c9e');
    expect(url).toContain('redirect_uri=http%3A%2F%2F127.0.0.1%3A17820%2Fapi%2Fv1%2Flogin%2Fcallback');
    const parsed = new URL(url);
    expect(parsed.origin + parsed.pathname).toBe('https://api.upstox.com/v2/login/authorization/dialog');
    expect(Object.fromEntries(parsed.searchParams)).toEqual({
      response_type: 'code',
      client_id: APP.clientId,
      redirect_uri: APP.redirectUri,
      state: 'state-4f1c9e',
    });
  });
});

describe('exchangeCode', () => {
  it('posts the code, app and secret form-encoded and returns the session from the flat answer', async () => {
    const { apiUrl, seen } = await upstox(200, {
      email: 'asha@example.in',
      exchanges: ['NSE', 'NFO', 'BSE', 'BFO'],
      products: ['D', 'I', 'CO'],
      broker: 'UPSTOX',
      user_id: '7ABCDE',
      user_name: 'Asha Rao',
      user_type: 'individual',
      poa: false,
      is_active: true,
      access_token: ACCESS_TOKEN,
      extended_token: null,
    });
    await expect(exchangeCode(fetch, apiUrl, APP, CODE)).resolves.toEqual({
      accessToken: ACCESS_TOKEN,
      userId: '7ABCDE',
      userName: 'Asha Rao',
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/v2/login/authorization/token' });
    expect(seen[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(seen[0]?.headers.accept).toBe('application/json');
    expect(Object.fromEntries(new URLSearchParams(seen[0]?.body))).toEqual({
      code: CODE,
      client_id: APP.clientId,
      client_secret: APP.apiSecret,
      redirect_uri: APP.redirectUri,
      grant_type: 'authorization_code',
    });
  });

  it('refuses an answer without an access token as bad_response', async () => {
    const { apiUrl } = await upstox(200, { user_id: '7ABCDE', user_name: 'Asha Rao', is_active: true });
    const error = await failureOf(exchangeCode(fetch, apiUrl, APP, CODE));
    expect(error).toMatchObject({ kind: 'bad_response', retryable: false });
    expect(error.message).toContain('no access token');
  });

  it('maps UDAPI100068 to an error that keeps the code and never the secret or the auth code', async () => {
    const { apiUrl } = await upstox(
      400,
      upstoxError(
        'UDAPI100068',
        `Check your 'client_id' and 'redirect_uri'; one or both are incorrect (client_secret=${APP.apiSecret}, code=${CODE})`,
      ),
    );
    const error = await failureOf(exchangeCode(fetch, apiUrl, APP, CODE));
    expect(error).toMatchObject({ kind: 'invalid_request', status: 400, upstoxCode: 'UDAPI100068' });
    expect(error.message).toContain('UDAPI100068');
    for (const text of [error.message, JSON.stringify(error.details), JSON.stringify(error.toBody())]) {
      expect(text).not.toContain(APP.apiSecret);
      expect(text).not.toContain(CODE);
    }
    expect(loginFailureMessage(error)).toContain('the API key or the redirect URI is not the one registered');
  });

  it('refuses a login of an account with no active segment', async () => {
    for (const answer of [
      { access_token: ACCESS_TOKEN, user_id: '7ABCDE', is_active: false },
      { access_token: ACCESS_TOKEN, user_id: '7ABCDE', exchanges: [] },
    ]) {
      const { apiUrl } = await upstox(200, answer);
      const error = await failureOf(exchangeCode(fetch, apiUrl, APP, CODE));
      expect(error.kind).toBe('invalid_request');
      expect(loginFailureMessage(error)).toBe(
        'Upstox says no segment of this account is active: activate one with Upstox, then log in again',
      );
    }
  });

  it('fails as transient when Upstox cannot be reached', async () => {
    const { apiUrl } = await upstox(200, {});
    for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
    const error = await failureOf(exchangeCode(fetch, apiUrl, APP, CODE));
    expect(error).toMatchObject({ kind: 'transient', retryable: true });
    expect(loginFailureMessage(error)).toMatch(/^could not reach Upstox to finish the login/);
  });
});

describe('logoutToken', () => {
  it('sends DELETE /v2/logout with the token as bearer', async () => {
    const { apiUrl, seen } = await upstox(200, { status: 'success', data: true });
    await logoutToken(fetch, apiUrl, ACCESS_TOKEN);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'DELETE', url: '/v2/logout' });
    expect(seen[0]?.headers.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
  });

  it('reports a refused logout without the token in the message', async () => {
    const { apiUrl } = await upstox(
      401,
      upstoxError('UDAPI100050', `Invalid token used to access API: ${ACCESS_TOKEN}`),
    );
    const error = await failureOf(logoutToken(fetch, apiUrl, ACCESS_TOKEN));
    expect(error).toMatchObject({ kind: 'auth', status: 401, upstoxCode: 'UDAPI100050' });
    expect(error.message).not.toContain(ACCESS_TOKEN);
  });
});

describe('loginFailureMessage', () => {
  const refusal = (upstoxCode: string, message: string) =>
    new UpstoxApiError({ kind: 'invalid_request', status: 400, upstoxCode, message });

  it('tells a wrong app registration from a used code and a wrong secret', () => {
    expect(loginFailureMessage(refusal('UDAPI100068', 'Upstox login failed (UDAPI100068: Check your client_id)'))).toBe(
      'Upstox refused the app: the API key or the redirect URI is not the one registered for it (UDAPI100068). Check both in Settings and in the Upstox developer console',
    );
    expect(loginFailureMessage(refusal('UDAPI100016', 'Upstox login failed (UDAPI100016: Invalid Auth code)'))).toBe(
      'Upstox refused the login: the code was already used or has expired; log in again (UDAPI100016)',
    );
    expect(loginFailureMessage(refusal('UDAPI100016', 'Upstox login failed (UDAPI100016: Invalid Credentials)'))).toBe(
      'Upstox refused the login: the API key or secret is wrong (UDAPI100016)',
    );
  });

  it('says when the account has no active segment, whatever the code', () => {
    expect(
      loginFailureMessage(refusal('UDAPI100073', 'Upstox login failed (No segments for these users are active)')),
    ).toBe('Upstox says no segment of this account is active: activate one with Upstox, then log in again');
  });

  it('passes on any other refusal and covers an answer that is not an Upstox error', () => {
    expect(loginFailureMessage(refusal('UDAPI1000', 'Upstox login failed (UDAPI1000: Something else)'))).toBe(
      'Upstox refused the login: Upstox login failed (UDAPI1000: Something else)',
    );
    expect(loginFailureMessage(new Error('boom'))).toBe('the login failed: Upstox gave no usable answer');
  });
});
