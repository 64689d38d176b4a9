import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../tests/helpers/fake-clock';
import { api, startSim, stopSims, TOKEN } from '../../../tests/helpers/sim-client';
import type { Logger } from '../common/logger';
import { readJwtClaims } from '../upstox/token-expiry';
import type { LoginApp, UpstoxSimulator, UpstoxSimulatorOptions } from '.';

afterEach(stopSims);

const CLIENT_ID = 'demo-client-7f3a';
/** The engine's callback, with a query of its own that the redirect must keep. */
const REDIRECT_URI = 'http://127.0.0.1:47123/upstox/callback?window=main';
const APP: LoginApp = {
  clientId: 'registered-app',
  clientSecret: 'registered-secret',
  redirectUri: 'http://127.0.0.1:47123/cb',
};
const WRONG_APP = "Check your 'client_id' and 'redirect_uri'; one or both are incorrect.";
const CHAIN = `/v2/option/chain?instrument_key=${encodeURIComponent('NSE_INDEX|Nifty 50')}&expiry_date=2026-01-06`;
const FEED_AUTHORIZE = '/v3/feed/market-data-feed/authorize';
/** Monday 2026-01-05 10:30 IST, as the other simulator tests. */
const START = '2026-01-05T05:00:00.000Z';

type Fields = Record<string, string>;
interface WireError {
  status: number;
  code: string;
  message: string;
  property: string | null;
}

async function errorOf(res: Response): Promise<WireError> {
  const body = (await res.json()) as {
    status: string;
    errors: [{ error_code: string; message: string; property_path: string | null }];
  };
  expect(body.status).toBe('error');
  const [error] = body.errors;
  return { status: res.status, code: error.error_code, message: error.message, property: error.property_path };
}

async function simWithClock(options: Partial<UpstoxSimulatorOptions> = {}) {
  const clock = new FakeClock(START);
  return { sim: await startSim({ clock, ...options }), clock };
}

function openDialog(sim: UpstoxSimulator, params: Record<string, string | null>): Promise<Response> {
  const url = new URL('/v2/login/authorization/dialog', sim.apiUrl);
  for (const [key, value] of Object.entries(params)) if (value !== null) url.searchParams.set(key, value);
  return fetch(url, { redirect: 'manual' });
}

const dialogParams = (app: Pick<LoginApp, 'clientId' | 'redirectUri'>, state: string | null = 'state-1') => ({
  response_type: 'code',
  client_id: app.clientId,
  redirect_uri: app.redirectUri,
  state,
});

const postForm = (sim: UpstoxSimulator, path: string, fields: Fields) =>
  fetch(sim.apiUrl + path, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' });

const decide = (sim: UpstoxSimulator, fields: Fields) => postForm(sim, '/v2/login/authorization/decision', fields);

/** Authorizes in the dialog, as a user pressing the button, and returns the code the redirect carries. */
async function authorizedCode(sim: UpstoxSimulator, app: Pick<LoginApp, 'clientId' | 'redirectUri'>): Promise<string> {
  const res = await decide(sim, { client_id: app.clientId, redirect_uri: app.redirectUri, decision: 'authorize' });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location')!).searchParams.get('code')!;
}

const exchangeFields = (code: string, app: LoginApp): Fields => ({
  code,
  client_id: app.clientId,
  client_secret: app.clientSecret,
  redirect_uri: app.redirectUri,
  grant_type: 'authorization_code',
});

const exchange = (sim: UpstoxSimulator, fields: Fields) => postForm(sim, '/v2/login/authorization/token', fields);

const DEMO_APP: LoginApp = { clientId: CLIENT_ID, clientSecret: 'any secret', redirectUri: REDIRECT_URI };

async function logIn(sim: UpstoxSimulator, app: LoginApp = DEMO_APP): Promise<Record<string, unknown>> {
  const res = await exchange(sim, exchangeFields(await authorizedCode(sim, app), app));
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

const logout = (sim: UpstoxSimulator, token: string | null) =>
  fetch(`${sim.apiUrl}/v2/logout`, {
    method: 'DELETE',
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });

const placeOrder = (sim: UpstoxSimulator, token: string) =>
  fetch(`${sim.apiUrl}/v3/order/place`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ instrument_token: 'NSE_EQ|INE002A01018', quantity: 1, transaction_type: 'BUY' }),
  });

describe('simulator login dialog', () => {
  it('shows which app asks and where it returns, escaped, under a script-free policy', async () => {
    const { sim } = await simWithClock();
    const hostileState = '"><script>alert(1)</script>';
    const res = await openDialog(sim, dialogParams({ clientId: CLIENT_ID, redirectUri: REDIRECT_URI }, hostileState));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-security-policy')).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http://127.0.0.1:47123",
    );
    const page = await res.text();
    expect(page).toContain('<title>Upstox login (demo market)</title>');
    expect(page).toContain(CLIENT_ID);
    expect(page).toContain('http://127.0.0.1:47123/upstox/callback?window=main');
    expect(page).not.toMatch(/<script/i);
    expect(page).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(page.match(/<form /g)).toHaveLength(1);
    expect(page).toContain('<form method="post" action="/v2/login/authorization/decision">');
    expect(page).toContain(`<input type="hidden" name="client_id" value="${CLIENT_ID}">`);
    expect(page).toContain('<button name="decision" value="authorize">Authorize</button>');
    expect(page).toContain('<button name="decision" value="cancel">Cancel</button>');

    const withoutState = await openDialog(sim, dialogParams({ clientId: CLIENT_ID, redirectUri: REDIRECT_URI }, null));
    expect(await withoutState.text()).not.toContain('name="state"');
    expect(sim.login.stats().dialogs).toBe(2);
  });

  it('refuses a malformed request, and any app but the registered one, with UDAPI100068', async () => {
    const { sim: demo } = await simWithClock();
    const demoApp = { clientId: CLIENT_ID, redirectUri: REDIRECT_URI };
    const malformed = [
      { ...dialogParams(demoApp), response_type: 'token' },
      { ...dialogParams(demoApp), client_id: null },
      { ...dialogParams(demoApp), client_id: 'has space' },
      { ...dialogParams(demoApp), redirect_uri: '/relative/callback' },
      { ...dialogParams(demoApp), redirect_uri: 'javascript:alert(1)' },
      { ...dialogParams(demoApp), redirect_uri: null },
    ];
    for (const params of malformed)
      expect(await errorOf(await openDialog(demo, params))).toEqual({
        status: 400,
        code: 'UDAPI100068',
        message: WRONG_APP,
        property: null,
      });

    const { sim: registered } = await simWithClock({ loginApp: APP });
    expect((await openDialog(registered, dialogParams(APP))).status).toBe(200);
    for (const other of [
      { ...APP, clientId: 'someone-else' },
      { ...APP, redirectUri: 'http://127.0.0.1:47123/other' },
    ]) {
      expect((await errorOf(await openDialog(registered, dialogParams(other)))).code).toBe('UDAPI100068');
      const fields = { client_id: other.clientId, redirect_uri: other.redirectUri, decision: 'authorize' };
      expect(await errorOf(await decide(registered, fields))).toMatchObject({ status: 400, code: 'UDAPI100068' });
    }
  });

  it('redirects with a code and the state on authorize, with access_denied on cancel', async () => {
    const { sim } = await simWithClock();
    const form = { client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, state: 'state-1' };
    const authorized = await decide(sim, { ...form, decision: 'authorize' });
    expect(authorized.status).toBe(302);
    const back = new URL(authorized.headers.get('location')!);
    expect(back.origin + back.pathname).toBe('http://127.0.0.1:47123/upstox/callback');
    expect(back.searchParams.get('window')).toBe('main');
    expect(back.searchParams.get('code')).toMatch(/^[\w-]{16}$/);
    expect(back.searchParams.get('state')).toBe('state-1');

    const cancelled = await decide(sim, { ...form, decision: 'cancel' });
    expect(cancelled.status).toBe(302);
    const refused = new URL(cancelled.headers.get('location')!).searchParams;
    expect(Object.fromEntries(refused)).toEqual({
      window: 'main',
      error: 'access_denied',
      error_description: 'The user cancelled the login',
      state: 'state-1',
    });

    const stateless = await decide(sim, { client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, decision: 'authorize' });
    expect(new URL(stateless.headers.get('location')!).searchParams.has('state')).toBe(false);
    expect(await errorOf(await decide(sim, { ...form, decision: 'maybe' }))).toMatchObject({
      status: 400,
      code: 'UDAPI100036',
    });
  });
});

describe('simulator token exchange', () => {
  it("answers Upstox's flat profile with tokens that die at 03:30 IST and after a year", async () => {
    const { sim } = await simWithClock();
    const answer = await logIn(sim);
    expect(answer).toEqual({
      email: 'demo.trader@example.com',
      exchanges: ['NSE', 'NFO', 'BSE', 'BFO', 'MCX'],
      products: ['D', 'I', 'CO', 'MTF'],
      broker: 'UPSTOX',
      user_id: 'SIM001',
      user_name: 'Demo Trader',
      order_types: ['MARKET', 'LIMIT', 'SL', 'SL-M'],
      user_type: 'individual',
      poa: false,
      is_active: true,
      access_token: expect.any(String),
      extended_token: expect.any(String),
    });
    const accessToken = answer.access_token as string;
    const [header] = accessToken.split('.');
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
    const issuedAt = Date.parse(START) / 1000;
    expect(readJwtClaims(accessToken)).toEqual({
      sub: 'SIM001',
      iss: 'tickdesk-simulator',
      kind: 'daily',
      jti: expect.any(String),
      iat: issuedAt,
      exp: Date.parse('2026-01-06T03:30:00+05:30') / 1000,
    });
    expect(readJwtClaims(answer.extended_token as string)).toMatchObject({
      kind: 'extended',
      iat: issuedAt,
      exp: issuedAt + 365 * 86_400,
    });
    expect((await api(sim, FEED_AUTHORIZE, accessToken)).status).toBe(200);
    expect(sim.login.stats()).toMatchObject({ decisions: 1, exchanges: 1, exchangesRefused: 0 });
  });

  it('spends a code on first sight, even when that exchange fails', async () => {
    const { sim, clock } = await simWithClock();
    const code = await authorizedCode(sim, DEMO_APP);
    const elsewhere = { ...exchangeFields(code, DEMO_APP), redirect_uri: 'http://127.0.0.1:47123/elsewhere' };
    expect(await errorOf(await exchange(sim, elsewhere))).toMatchObject({ status: 400, code: 'UDAPI100068' });
    const retried = await errorOf(await exchange(sim, exchangeFields(code, DEMO_APP)));
    expect(retried).toMatchObject({ status: 400, code: 'UDAPI100016', message: 'Invalid Auth code' });

    const used = await authorizedCode(sim, DEMO_APP);
    expect((await exchange(sim, exchangeFields(used, DEMO_APP))).status).toBe(200);
    expect((await errorOf(await exchange(sim, exchangeFields(used, DEMO_APP)))).code).toBe('UDAPI100016');
    expect((await errorOf(await exchange(sim, exchangeFields('never-issued', DEMO_APP)))).code).toBe('UDAPI100016');

    const stale = await authorizedCode(sim, DEMO_APP);
    clock.advance(10 * 60_000);
    expect(await errorOf(await exchange(sim, exchangeFields(stale, DEMO_APP)))).toMatchObject({
      message: 'Invalid Auth code',
    });
    expect(sim.login.stats()).toMatchObject({ exchanges: 6, exchangesRefused: 5 });
  });

  it('wants a complete form, not JSON', async () => {
    const { sim } = await simWithClock();
    const code = await authorizedCode(sim, DEMO_APP);
    const asJson = await fetch(`${sim.apiUrl}/v2/login/authorization/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(exchangeFields(code, DEMO_APP)),
    });
    expect(await errorOf(asJson)).toEqual({
      status: 400,
      code: 'UDAPI100036',
      message: 'Invalid input',
      property: null,
    });

    const { client_secret: _secret, ...withoutSecret } = exchangeFields(await authorizedCode(sim, DEMO_APP), DEMO_APP);
    expect(await errorOf(await exchange(sim, withoutSecret))).toMatchObject({
      code: 'UDAPI100036',
      property: 'client_secret',
    });
    const wrongGrant = { ...exchangeFields(await authorizedCode(sim, DEMO_APP), DEMO_APP), grant_type: 'password' };
    expect(await errorOf(await exchange(sim, wrongGrant))).toMatchObject({
      code: 'UDAPI100036',
      property: 'grant_type',
    });
  });

  it("refuses the registered app's login with another secret", async () => {
    const { sim } = await simWithClock({ loginApp: APP });
    const code = await authorizedCode(sim, APP);
    const res = await exchange(sim, { ...exchangeFields(code, APP), client_secret: 'guessed' });
    expect(await errorOf(res)).toMatchObject({ status: 401, code: 'UDAPI100016', message: 'Invalid Credentials' });
    expect((await logIn(sim, APP)).user_id).toBe('SIM001');
  });

  it('fails a login as Upstox does for an account without an active segment', async () => {
    const { sim } = await simWithClock();
    sim.faults.failLogin('no-segments');
    const code = await authorizedCode(sim, DEMO_APP);
    expect(await errorOf(await exchange(sim, exchangeFields(code, DEMO_APP)))).toMatchObject({
      status: 400,
      code: 'UDAPI100016',
      message: 'No segments for these users are active. Please activate at least one segment to log in.',
    });
    expect((await errorOf(await exchange(sim, exchangeFields(code, DEMO_APP)))).message).toBe('Invalid Auth code');
    expect((await logIn(sim)).is_active).toBe(true);
  });

  it('logs client ids, never codes, secrets or tokens', async () => {
    const lines: string[] = [];
    const record = (message: string, fields?: Record<string, unknown>) =>
      void lines.push(`${message} ${JSON.stringify(fields ?? {})}`);
    const logger: Logger = { debug: record, info: record, warn: record, error: record, child: () => logger };
    const { sim } = await simWithClock({ logger, loginApp: APP });
    const code = await authorizedCode(sim, APP);
    const { access_token: accessToken } = (await (await exchange(sim, exchangeFields(code, APP))).json()) as {
      access_token: string;
    };
    await exchange(sim, exchangeFields(code, APP));
    await logout(sim, accessToken);
    const logged = lines.join('\n');
    expect(logged).toContain(APP.clientId);
    for (const secret of [code, APP.clientSecret, accessToken]) expect(logged).not.toContain(secret);
  });
});

describe('simulator bearer tokens', () => {
  it('refuses a daily token from 03:30 IST on', async () => {
    const { sim, clock } = await simWithClock();
    const token = (await logIn(sim)).access_token as string;
    expect((await api(sim, CHAIN, token)).status).toBe(200);
    clock.set('2026-01-06T03:29:59+05:30');
    expect((await api(sim, CHAIN, token)).status).toBe(200);
    clock.advance(1_000);
    expect(await errorOf(await api(sim, CHAIN, token))).toMatchObject({
      status: 401,
      code: 'UDAPI100050',
      message: 'Invalid token used to access API',
    });
    const yesterdays = sim.login.issueAccessToken(clock.now() - 86_400_000);
    expect((await api(sim, FEED_AUTHORIZE, yesterdays)).status).toBe(401);
  });

  it('revokes a token on logout', async () => {
    const { sim } = await simWithClock();
    const token = sim.login.issueAccessToken();
    expect((await api(sim, FEED_AUTHORIZE, token)).status).toBe(200);
    const res = await logout(sim, token);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'success', data: true });
    expect(sim.login.isRevoked(token)).toBe(true);
    expect((await errorOf(await api(sim, FEED_AUTHORIZE, token))).code).toBe('UDAPI100050');
    expect((await logout(sim, token)).status).toBe(401);
    expect((await logout(sim, null)).status).toBe(401);

    const other = sim.login.issueAccessToken();
    expect(sim.login.isRevoked(other)).toBe(false);
    expect((await api(sim, FEED_AUTHORIZE, other)).status).toBe(200);
    expect((await logout(sim, TOKEN)).status).toBe(200);
    expect(sim.login.stats().logouts).toBe(2);
  });

  it('lets Analytics and extended tokens read, never place orders or call the paths refused to them', async () => {
    const { sim } = await simWithClock();
    const analytics = sim.login.issueAnalyticsToken();
    const extended = (await logIn(sim)).extended_token as string;
    const daily = sim.login.issueAccessToken();
    const notPermitted = {
      status: 403,
      code: 'UDAPI100067',
      message: 'The API you are trying to access is not permitted with this token',
    };
    for (const token of [analytics, extended]) {
      expect((await api(sim, CHAIN, token)).status).toBe(200);
      expect((await api(sim, '/v2/order/retrieve-all', token)).status).toBe(200);
      expect(await errorOf(await placeOrder(sim, token))).toMatchObject(notPermitted);
    }
    expect((await placeOrder(sim, daily)).status).not.toBe(403);

    sim.faults.refuseAnalyticsOn('/v2/option/chain');
    expect(await errorOf(await api(sim, CHAIN, analytics))).toMatchObject(notPermitted);
    expect((await api(sim, CHAIN, daily)).status).toBe(200);
    expect((await api(sim, FEED_AUTHORIZE, analytics)).status).toBe(200);
    sim.faults.reset();
    expect((await api(sim, CHAIN, analytics)).status).toBe(200);
  });

  it('keeps accepting tokens it did not sign, and refuses forged or foreign simulator tokens', async () => {
    const { sim } = await simWithClock();
    const { sim: other } = await simWithClock();
    expect((await api(sim, FEED_AUTHORIZE, TOKEN)).status).toBe(200);
    expect((await placeOrder(sim, TOKEN)).status).not.toBe(403);

    const foreign = other.login.issueAccessToken();
    expect((await api(sim, FEED_AUTHORIZE, foreign)).status).toBe(401);
    const [header, , mac] = sim.login.issueAccessToken().split('.');
    const claims = { ...readJwtClaims(foreign), kind: 'daily', exp: 4_102_444_800 };
    const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${mac}`;
    expect((await api(sim, FEED_AUTHORIZE, forged)).status).toBe(401);
    expect((await logout(sim, forged)).status).toBe(401);
  });
});
