import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../shared/contract';
import { createEngine, type Engine } from '../../electron/engine';
import { startLocalApi, type LocalApi } from '../../electron/engine/api/server';
import { loadConfig } from '../../electron/engine/config';
import { startUpstoxSimulator, type Simulator, type UpstoxSimulatorOptions } from '../../electron/engine/sim';
import { dailyTokenExpiry } from '../../electron/engine/upstox/token-expiry';
import { loopbackOnlyFetch } from '../fixtures/ohlcv-import-worker';
import { TEST_API_TOKEN } from '../helpers/engine';
import { FakeClock } from '../helpers/fake-clock';
import { RESOURCES } from '../helpers/live-app';
import { makeTempDir, removeTempDirs } from '../helpers/temp-dir';
import { waitFor } from '../helpers/wait';

// Answers are compared by field below; read loosely here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

const CLIENT_ID = 'tickdesk-test-app-0001';
const API_SECRET = 'api-secret-Zq8Lw3Rt7Yp2';
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  removeTempDirs();
});

interface LoginApp {
  engine: Engine;
  api: LocalApi;
  sim: Simulator;
  dataDir: string;
  events: EventEnvelope[];
  /** Every answer body the Local API gave this test, for the secrets check. */
  answers: string[];
  send(method: string, route: string, body?: unknown): Promise<{ status: number; body: Loose }>;
  status(): Promise<Loose>;
  /** Opens `url` as a browser would follow Upstox's redirect to our callback: no bearer token. */
  visit(url: string): Promise<{ status: number; text: string }>;
}

async function startSim(options: Partial<UpstoxSimulatorOptions> = {}): Promise<Simulator> {
  const sim = await startUpstoxSimulator({ resourcesDir: RESOURCES, port: 0, seed: 7, ...options });
  cleanups.push(() => sim.close());
  return sim;
}

/** The live engine on "Upstox" (the simulator) with its own file logger, so its logs are files the test can read. */
async function startApp(
  sim: Simulator,
  { clock, secrets }: { clock?: FakeClock; secrets?: Record<string, { value: string; updatedAt: number }> } = {},
): Promise<LoginApp> {
  const dataDir = makeTempDir('tickdesk-login-');
  if (secrets) fs.writeFileSync(path.join(dataDir, 'secrets.json'), JSON.stringify(secrets), { mode: 0o600 });
  const config = loadConfig(
    {
      TICKDESK_DATA_DIR: dataDir,
      UPSTOX_API_URL: sim.apiUrl,
      UPSTOX_ORDER_URL: sim.apiUrl,
      UPSTOX_ASSETS_URL: sim.apiUrl,
    },
    { validateEvents: true },
  );
  const engine = createEngine(config, {
    fetch: loopbackOnlyFetch().fetch,
    startFeed: true,
    ...(clock ? { clock } : {}),
    feedSocket: { pingIntervalMs: 86_400_000, pongTimeoutMs: 86_400_000, silenceTimeoutMs: 86_400_000 },
  });
  cleanups.push(() => engine.shutdown());
  const api = await startLocalApi({
    router: engine.router,
    events: engine.events,
    logger: engine.logger.child('api'),
    token: TEST_API_TOKEN,
    port: 0,
  });
  cleanups.push(() => api.close());
  engine.localApiListening(api.origin);
  const events: EventEnvelope[] = [];
  engine.events.subscribe((e) => events.push(e));
  const answers: string[] = [];
  engine.start();
  const app: LoginApp = {
    engine,
    api,
    sim,
    dataDir,
    events,
    answers,
    async send(method, route, body) {
      const response = await fetch(api.origin + route, {
        method,
        headers: { authorization: `Bearer ${TEST_API_TOKEN}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      answers.push(text);
      return { status: response.status, body: JSON.parse(text) };
    },
    async status() {
      const answer = await app.send('GET', '/api/v1/login');
      expect(answer.status).toBe(200);
      return answer.body;
    },
    async visit(url) {
      const response = await fetch(url, { redirect: 'manual' });
      const text = await response.text();
      answers.push(text);
      return { status: response.status, text };
    },
  };
  return app;
}

async function saveApp(app: LoginApp, secret = API_SECRET): Promise<void> {
  const saved = await app.send('PUT', '/api/v1/login/app', { clientId: CLIENT_ID, apiSecret: secret });
  expect(saved.status).toBe(200);
}

/** What a trader does in Upstox's dialog: answers Authorize or Cancel; returns where Upstox redirects the browser. */
async function decide(loginUrl: string, decision: 'authorize' | 'cancel'): Promise<string> {
  const dialog = await fetch(loginUrl);
  expect(dialog.status).toBe(200);
  expect(await dialog.text()).toContain('Authorize');
  const query = new URL(loginUrl).searchParams;
  const form = new URLSearchParams({
    client_id: query.get('client_id')!,
    redirect_uri: query.get('redirect_uri')!,
    state: query.get('state')!,
    decision,
  });
  const answer = await fetch(new URL('/v2/login/authorization/decision', loginUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    redirect: 'manual',
  });
  expect(answer.status).toBe(302);
  return answer.headers.get('location')!;
}

async function startLogin(app: LoginApp): Promise<string> {
  const started = await app.send('POST', '/api/v1/login/start');
  expect(started.status).toBe(200);
  return started.body.url as string;
}

/** A whole login: start, Authorize, the redirect to our callback. */
async function logIn(app: LoginApp): Promise<{ callback: string; page: string }> {
  const callback = await decide(await startLogin(app), 'authorize');
  const page = await app.visit(callback);
  expect(page.status, page.text).toBe(200);
  return { callback, page: page.text };
}

const feedState = async (app: LoginApp) => (await app.send('GET', '/api/v1/feed/status')).body;

describe('the daily Upstox login', () => {
  it('starts with an expired token without asking Upstox, logs in through the dialog, and the feed comes back live', async () => {
    const sim = await startSim();
    const yesterday = Date.now() - 86_400_000;
    const expired = sim.login.issueAccessToken(yesterday - 86_400_000);
    const app = await startApp(sim, { secrets: { 'upstox-access-token': { value: expired, updatedAt: yesterday } } });
    expect(app.engine.world).toBe('live');

    const before = await app.status();
    expect(before.daily).toMatchObject({ present: true, expired: true });
    expect(before.ordersAvailable).toBe(false);
    const failed = await waitFor(async () => {
      const feed = await feedState(app);
      return feed.state === 'auth_failed' ? feed : null;
    }, 'the feed to stop for a login');
    expect(failed.message).toMatch(/log in again/);
    // The engine knew the token was dead: it never asked Upstox with it.
    expect(sim.stats().authorizeCalls).toBe(0);

    const refused = await app.send('POST', '/api/v1/login/start');
    expect(refused.status).toBe(400);
    expect(refused.body.error.details[0].path).toEqual(['clientId']);

    await saveApp(app);
    const ready = await app.status();
    expect(ready.app).toMatchObject({ clientId: CLIENT_ID, ready: true, apiSecret: { present: true, hint: '…7Yp2' } });
    expect(ready.app.redirectUri).toBe(`${app.api.origin}/oauth/upstox/callback`);

    const loginUrl = await startLogin(app);
    const dialog = new URL(loginUrl);
    expect(dialog.origin).toBe(sim.apiUrl);
    expect(dialog.pathname).toBe('/v2/login/authorization/dialog');
    expect(dialog.searchParams.get('redirect_uri')).toBe(ready.app.redirectUri);
    expect((await app.status()).pending).not.toBeNull();

    const issuedAround = Date.now();
    const page = await app.visit(await decide(loginUrl, 'authorize'));
    expect(page.status).toBe(200);
    expect(page.text).toContain('Logged in to Upstox as Demo Trader');

    const after = await app.status();
    expect(after.daily).toMatchObject({
      present: true,
      expired: false,
      source: 'login',
      userId: 'SIM001',
      userName: 'Demo Trader',
    });
    expect(Date.parse(after.daily.expiresAt)).toBe(Math.floor(dailyTokenExpiry(issuedAround) / 1000) * 1000);
    expect(after).toMatchObject({ pending: null, ordersAvailable: true, marketData: 'daily' });
    expect(after.lastAttempt).toMatchObject({ outcome: 'logged_in' });
    await waitFor(async () => (await feedState(app)).state === 'connected', 'the feed live again');
    expect(
      app.events.some((e) => e.event === 'login_changed' && (e.payload as Loose).lastAttempt?.outcome === 'logged_in'),
    ).toBe(true);
  });

  it('a state works once: a replayed, unknown or missing state changes nothing and says why', async () => {
    const sim = await startSim();
    const app = await startApp(sim);
    await saveApp(app);
    const { callback } = await logIn(app);
    const loggedIn = await app.status();

    const replay = await app.visit(callback);
    expect(replay.status).toBe(400);
    expect(replay.text).toMatch(/no login is waiting for this answer/i);
    const forged = new URL(callback);
    forged.searchParams.set('state', 'x'.repeat(32));
    expect((await app.visit(forged.toString())).status).toBe(400);
    expect((await app.visit(`${app.api.origin}/oauth/upstox/callback`)).status).toBe(400);
    const post = await fetch(`${app.api.origin}/oauth/upstox/callback`, { method: 'POST' });
    expect(post.status).toBe(404);

    const after = await app.status();
    expect(after.daily.hint).toBe(loggedIn.daily.hint);
    expect(after.lastAttempt).toEqual(loggedIn.lastAttempt);
    expect(sim.login.stats().exchanges).toBe(1);
  });

  it('a code is single-use: reused, the login fails with a clear message and the stored login stays', async () => {
    const sim = await startSim();
    const app = await startApp(sim);
    await saveApp(app);
    const { callback } = await logIn(app);
    const first = await app.status();

    // A second login answered with the first login's code.
    const second = new URL(await decide(await startLogin(app), 'authorize'));
    second.searchParams.set('code', new URL(callback).searchParams.get('code')!);
    const page = await app.visit(second.toString());
    expect(page.status).toBe(400);
    expect(page.text).toMatch(/already used or has expired/);
    const after = await app.status();
    expect(after.lastAttempt).toMatchObject({ outcome: 'failed', upstoxCode: 'UDAPI100016' });
    expect(after.daily.hint).toBe(first.daily.hint);
  });

  it('a wrong app, a cancel and an account without segments end in clear messages, nothing stored', async () => {
    const sim = await startSim({
      loginApp: { clientId: CLIENT_ID, clientSecret: API_SECRET, redirectUri: 'http://127.0.0.1:1/unused' },
    });
    const app = await startApp(sim);
    // The registered redirect URI is not ours: Upstox refuses the dialog itself (UDAPI100068).
    await saveApp(app);
    const wrongApp = await fetch(await startLogin(app));
    expect(wrongApp.status).toBe(400);
    expect(JSON.stringify(await wrongApp.json())).toContain('UDAPI100068');

    const open = await startSim();
    const demo = await startApp(open);
    await saveApp(demo);
    const cancelled = await demo.visit(await decide(await startLogin(demo), 'cancel'));
    expect(cancelled.text).toContain('cancelled');
    expect((await demo.status()).lastAttempt).toMatchObject({ outcome: 'cancelled' });

    open.faults.failLogin('no-segments');
    const noSegments = await demo.visit(await decide(await startLogin(demo), 'authorize'));
    expect(noSegments.status).toBe(400);
    expect(noSegments.text).toMatch(/no segment of this account is active/);
    const status = await demo.status();
    expect(status.lastAttempt.outcome).toBe('failed');
    expect(status.daily.present).toBe(false);
    expect(demo.engine.world).toBe('demo');
  });

  it('logout invalidates the token at Upstox and removes it here', async () => {
    const sim = await startSim();
    const app = await startApp(sim);
    await saveApp(app);
    await logIn(app);
    const token = JSON.parse(fs.readFileSync(path.join(app.dataDir, 'secrets.json'), 'utf8'))['upstox-access-token']
      .value as string;
    const out = await app.send('DELETE', '/api/v1/login');
    expect(out.status).toBe(200);
    expect(out.body.lastAttempt.outcome).toBe('logged_out');
    expect(out.body.daily.present).toBe(false);
    expect(sim.login.isRevoked(token)).toBe(true);
    expect(app.engine.world).toBe('demo');
  });

  it('keeps the API secret, the tokens and the code out of logs, events, answers and every file but the vault', async () => {
    const sim = await startSim();
    const app = await startApp(sim);
    await saveApp(app);
    const { callback } = await logIn(app);
    const code = new URL(callback).searchParams.get('code')!;
    await app.visit(callback); // a failure: the replay
    const analytics = sim.login.issueAnalyticsToken();
    expect((await app.send('PUT', '/api/v1/login/analytics-token', { token: analytics })).status).toBe(200);
    const vault = path.join(app.dataDir, 'secrets.json');
    const stored = JSON.parse(fs.readFileSync(vault, 'utf8')) as Record<string, { value: string }>;
    const daily = stored['upstox-access-token']!.value;
    expect(fs.statSync(vault).mode & 0o777).toBe(0o600);
    await app.engine.shutdown();

    const secrets = [API_SECRET, daily, analytics, code];
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (full !== vault) files.push(full);
      }
    };
    walk(app.dataDir);
    expect(files.some((f) => f.endsWith('.log'))).toBe(true);
    for (const file of files) {
      const content = fs.readFileSync(file).toString('latin1');
      for (const secret of secrets) expect(content.includes(secret), `${secret.slice(0, 6)}… in ${file}`).toBe(false);
    }
    const said = JSON.stringify(app.events) + app.answers.join('\n');
    for (const secret of secrets) expect(said.includes(secret)).toBe(false);
  });
});

describe('expiry and the Analytics token, on a fake clock', () => {
  /** Time moves by itself in small steps, so sockets and timers work; the test jumps it where it matters. */
  function movingClock(start: string): FakeClock {
    const clock = new FakeClock(start);
    const ticker = setInterval(() => clock.advance(20), 20);
    cleanups.push(() => clearInterval(ticker));
    return clock;
  }

  it('a login not finished within 10 minutes is void: its answer changes nothing', async () => {
    const clock = movingClock('2026-01-05T04:00:00.000Z');
    const sim = await startSim({ clock });
    const app = await startApp(sim, { clock });
    await saveApp(app);
    const callback = await decide(await startLogin(app), 'authorize');
    expect((await app.status()).pending).not.toBeNull();
    clock.advance(10 * 60_000);
    expect((await app.status()).pending).toBeNull();
    const late = await app.visit(callback);
    expect(late.status).toBe(400);
    expect(late.text).toMatch(/no login is waiting/i);
    expect((await app.status()).daily.present).toBe(false);
    expect(sim.login.stats().exchanges).toBe(0);
  });

  it('stops asking Upstox at 03:30 IST and says "log in again", without a retry loop', async () => {
    // 20:00 IST, Monday 5 January 2026.
    const clock = movingClock('2026-01-05T14:30:00.000Z');
    const sim = await startSim({ clock });
    const app = await startApp(sim, { clock });
    await saveApp(app);
    await logIn(app);
    const status = await app.status();
    expect(status.daily.expiresAt).toBe('2026-01-05T22:00:00.000Z'); // 03:30 IST Tuesday
    await waitFor(async () => (await feedState(app)).state === 'connected', 'the feed live');

    clock.advance(Date.parse('2026-01-05T21:59:00.000Z') - clock.now());
    expect((await app.status()).daily.expired).toBe(false);
    clock.advance(60_000);
    const expired = await waitFor(async () => {
      const now = await app.status();
      return now.daily.expired ? now : null;
    }, 'the login to lapse');
    expect(expired.lastAttempt).toMatchObject({ outcome: 'expired' });
    expect(expired.ordersAvailable).toBe(false);
    const feed = await waitFor(async () => {
      const now = await feedState(app);
      return now.state === 'auth_failed' ? now : null;
    }, 'the feed to stop');
    expect(feed.message).toMatch(/log in again/);
    const asked = sim.stats().authorizeCalls;
    clock.advance(3_600_000);
    // An hour of backoff timers has fired. A retry would show as a reconnect here, and its authorize would
    // have been sent before this request.
    expect(await feedState(app)).toMatchObject({ state: 'auth_failed', reconnects: feed.reconnects });
    expect((await fetch(`${sim.apiUrl}/v2/login/authorization/dialog`)).status).toBe(400);
    expect(sim.stats().authorizeCalls).toBe(asked);
    const live = await app.send('PUT', '/api/v1/settings', { tradingMode: 'live' });
    expect(live.status).toBe(409);
    expect(live.body.error.code).toBe('LIVE_TRADING_UNAVAILABLE');
  });

  it('market data keeps flowing on the Analytics token after 03:30; a route that refuses it falls back, said once', async () => {
    const clock = movingClock('2026-01-05T14:30:00.000Z');
    const sim = await startSim({ clock });
    const app = await startApp(sim, { clock });
    await saveApp(app);
    await logIn(app);
    sim.faults.refuseAnalyticsOn('/v3/feed/market-data-feed/authorize');
    const set = await app.send('PUT', '/api/v1/login/analytics-token', { token: sim.login.issueAnalyticsToken() });
    expect(set.body).toMatchObject({ marketData: 'analytics', analytics: { present: true, expired: false } });
    // The feed's authorize refuses the Analytics token: the daily token takes over there.
    await waitFor(async () => (await feedState(app)).state === 'connected', 'the feed on the daily token');
    expect((await app.status()).analytics.refusedBy).toEqual(['/v3/feed/market-data-feed/authorize']);
    expect((await app.send('POST', '/api/v1/feed/reconnect')).status).toBe(200);
    await waitFor(async () => (await feedState(app)).state === 'connected', 'the feed again');
    // Said once: the route joins the refused list one time, however often the feed asks.
    let known = 0;
    let notices = 0;
    for (const e of app.events) {
      if (e.event !== 'login_changed') continue;
      const refused = (e.payload as Loose).analytics.refusedBy.length as number;
      if (refused > known) notices++;
      known = refused;
    }
    expect(notices).toBe(1);

    // The refusal lifted: after 03:30 the feed reconnects on the Analytics token alone.
    sim.faults.reset();
    const restarted = await app.send('PUT', '/api/v1/login/analytics-token', {
      token: sim.login.issueAnalyticsToken(),
    });
    expect(restarted.body.analytics.refusedBy).toEqual([]);
    await waitFor(async () => (await feedState(app)).state === 'connected', 'the feed on the Analytics token');
    clock.advance(Date.parse('2026-01-05T22:00:01.000Z') - clock.now());
    const lapsed = await waitFor(async () => {
      const now = await app.status();
      return now.daily.expired ? now : null;
    }, 'the daily login to lapse');
    expect(lapsed).toMatchObject({ marketData: 'analytics', ordersAvailable: false });
    expect((await app.send('POST', '/api/v1/feed/reconnect')).status).toBe(200);
    await waitFor(async () => (await feedState(app)).state === 'connected', 'the feed on the Analytics token alone');
  });
});
