import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../../shared/time';
import { FakeClock } from '../../../tests/helpers/fake-clock';
import { makeTempDir, removeTempDirs } from '../../../tests/helpers/temp-dir';
import { createUpstoxCredentials } from './credentials';
import { createFileVault } from './vault';

/** The fake clock starts Monday 2026-01-05 09:30 IST; a daily token set then dies at 03:30 IST Tuesday. */
const MONDAY_0930_IST = Date.parse('2026-01-05T04:00:00Z');
const TUESDAY_0330_IST = Date.parse('2026-01-05T22:00:00Z');
const CANDLES = '/v3/historical-candle';
const OPTION_CHAIN = '/v2/option/chain';

const LOGIN_TOKEN = 'login-daily-token-0123456789abcdef';
const PASTED_TOKEN = 'pasted-daily-token-0123456789abcdef';
const ENV_TOKEN = 'environment-daily-token-0123456789';
const ANALYTICS_TOKEN = 'analytics-token-0123456789abcdefghij';

const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (claims: unknown) => `${segment({ alg: 'HS256', typ: 'JWT' })}.${segment(claims)}.signature-of-upstox`;

afterEach(() => removeTempDirs());

function setup(environmentToken?: string) {
  const dataDir = makeTempDir('tickdesk-credentials-');
  const clock = new FakeClock();
  const credentials = createUpstoxCredentials({ vault: createFileVault(dataDir), clock, environmentToken });
  return { dataDir, clock, credentials };
}

describe('upstox credentials: the daily token', () => {
  it('has nothing to call Upstox with before any token is set', () => {
    const { credentials } = setup();
    expect(credentials.hasAny()).toBe(false);
    expect(credentials.daily()).toBeNull();
    expect(credentials.forMarketData(CANDLES)).toBeNull();
    expect(credentials.forAccount()).toBeNull();
    expect(credentials.nextExpiry()).toBeNull();
  });

  it('uses a pasted token until 03:30 IST after it was set, then no longer, while staying live', () => {
    const { clock, credentials } = setup();
    credentials.setDaily(PASTED_TOKEN, { source: 'settings' });
    expect(credentials.daily()).toEqual({
      value: PASTED_TOKEN,
      source: 'settings',
      storage: 'file-0600',
      issuedAt: MONDAY_0930_IST,
      expiresAt: TUESDAY_0330_IST,
      userId: null,
      userName: null,
    });
    expect(credentials.nextExpiry()).toBe(TUESDAY_0330_IST);

    clock.set(TUESDAY_0330_IST - 1);
    expect(credentials.forAccount()).toEqual({ token: PASTED_TOKEN, kind: 'daily' });
    expect(credentials.forMarketData(CANDLES)).toEqual({ token: PASTED_TOKEN, kind: 'daily' });

    clock.advance(1);
    expect(credentials.usableDaily()).toBeNull();
    expect(credentials.forAccount()).toBeNull();
    expect(credentials.forMarketData(CANDLES)).toBeNull();
    expect(credentials.nextExpiry()).toBeNull();
    expect(credentials.hasAny()).toBe(true);
  });

  it('keeps a login token and who logged in across a restart, in a 0600 secrets file', () => {
    const { dataDir, clock, credentials } = setup();
    credentials.setDaily(LOGIN_TOKEN, { source: 'login', userId: '7ABCDE', userName: 'Asha Rao' });
    const restarted = createUpstoxCredentials({ vault: createFileVault(dataDir), clock });
    expect(restarted.daily()).toMatchObject({
      value: LOGIN_TOKEN,
      source: 'login',
      userId: '7ABCDE',
      userName: 'Asha Rao',
    });
    expect(restarted.forAccount()).toEqual({ token: LOGIN_TOKEN, kind: 'daily' });
    expect(fs.statSync(path.join(dataDir, 'secrets.json')).mode & 0o777).toBe(0o600);
  });

  it('takes a token from the environment over a pasted one, and a login token over both', () => {
    const { credentials } = setup(ENV_TOKEN);
    expect(credentials.daily()).toMatchObject({ value: ENV_TOKEN, source: 'environment', storage: 'environment' });
    expect(credentials.hasAny()).toBe(true);

    credentials.setDaily(PASTED_TOKEN, { source: 'settings' });
    expect(credentials.forAccount()).toEqual({ token: ENV_TOKEN, kind: 'daily' });

    credentials.setDaily(LOGIN_TOKEN, { source: 'login' });
    expect(credentials.daily()).toMatchObject({ value: LOGIN_TOKEN, source: 'login' });
    expect(credentials.forAccount()).toEqual({ token: LOGIN_TOKEN, kind: 'daily' });

    credentials.clearDaily();
    expect(credentials.forAccount()).toEqual({ token: ENV_TOKEN, kind: 'daily' });
  });

  it('reads who and when from an environment JWT, and never expires an opaque one', () => {
    const iat = Date.parse('2026-01-05T03:00:00Z') / 1000;
    const fromJwt = setup(jwt({ sub: '7ABCDE', iat }));
    expect(fromJwt.credentials.daily()).toMatchObject({
      source: 'environment',
      issuedAt: iat * 1000,
      expiresAt: TUESDAY_0330_IST,
      userId: '7ABCDE',
    });

    const opaque = setup(ENV_TOKEN);
    expect(opaque.credentials.daily()).toMatchObject({ issuedAt: null, expiresAt: null });
    opaque.clock.advance(30 * DAY_MS);
    expect(opaque.credentials.forAccount()).toEqual({ token: ENV_TOKEN, kind: 'daily' });
  });
});

describe('upstox credentials: the Analytics token', () => {
  it('reads market data with the Analytics token and the account with the daily one', () => {
    const { credentials } = setup();
    credentials.setDaily(LOGIN_TOKEN, { source: 'login' });
    credentials.setAnalytics(ANALYTICS_TOKEN);
    expect(credentials.forMarketData(CANDLES)).toEqual({ token: ANALYTICS_TOKEN, kind: 'analytics' });
    expect(credentials.forAccount()).toEqual({ token: LOGIN_TOKEN, kind: 'daily' });
  });

  it('keeps market data going on the Analytics token alone, but not the account', () => {
    const { credentials } = setup();
    credentials.setAnalytics(ANALYTICS_TOKEN);
    expect(credentials.hasAny()).toBe(true);
    expect(credentials.forMarketData(CANDLES)).toEqual({ token: ANALYTICS_TOKEN, kind: 'analytics' });
    expect(credentials.forAccount()).toBeNull();
    credentials.refuseAnalytics(CANDLES);
    expect(credentials.forMarketData(CANDLES)).toBeNull();
  });

  it('sends a route that refused the Analytics token to the daily token, reporting the refusal once', () => {
    const { credentials } = setup();
    credentials.setDaily(LOGIN_TOKEN, { source: 'login' });
    credentials.setAnalytics(ANALYTICS_TOKEN);
    expect(credentials.refuseAnalytics(CANDLES)).toBe(true);
    expect(credentials.refuseAnalytics(CANDLES)).toBe(false);
    expect(credentials.analyticsRefusedBy()).toEqual([CANDLES]);
    expect(credentials.forMarketData(CANDLES)).toEqual({ token: LOGIN_TOKEN, kind: 'daily' });
    expect(credentials.forMarketData(OPTION_CHAIN)).toEqual({ token: ANALYTICS_TOKEN, kind: 'analytics' });
  });

  it('gives a new Analytics token a fresh chance on every route', () => {
    const { credentials } = setup();
    credentials.setDaily(LOGIN_TOKEN, { source: 'login' });
    credentials.setAnalytics(ANALYTICS_TOKEN);
    credentials.refuseAnalytics(CANDLES);
    credentials.setAnalytics(`${ANALYTICS_TOKEN}-renewed`);
    expect(credentials.analyticsRefusedBy()).toEqual([]);
    expect(credentials.forMarketData(CANDLES)).toEqual({ token: `${ANALYTICS_TOKEN}-renewed`, kind: 'analytics' });
    expect(credentials.refuseAnalytics(CANDLES)).toBe(true);
  });

  it("dies at its JWT's exp, or a year after it was set when it does not say", () => {
    const { clock, credentials } = setup();
    credentials.setAnalytics(ANALYTICS_TOKEN);
    expect(credentials.analytics()).toEqual({
      value: ANALYTICS_TOKEN,
      storage: 'file-0600',
      setAt: MONDAY_0930_IST,
      expiresAt: MONDAY_0930_IST + 365 * DAY_MS,
    });

    const exp = Date.parse('2026-06-30T18:30:00Z') / 1000;
    credentials.setAnalytics(jwt({ sub: '7ABCDE', iat: MONDAY_0930_IST / 1000, exp }));
    expect(credentials.analytics()?.expiresAt).toBe(exp * 1000);
    clock.set(exp * 1000);
    expect(credentials.forMarketData(CANDLES)).toBeNull();
    expect(credentials.hasAny()).toBe(true);
  });
});

describe('upstox credentials: nextExpiry and the app', () => {
  it('names the soonest death of a token still alive', () => {
    const { clock, credentials } = setup();
    credentials.setAnalytics(ANALYTICS_TOKEN);
    credentials.setDaily(LOGIN_TOKEN, { source: 'login' });
    expect(credentials.nextExpiry()).toBe(TUESDAY_0330_IST);
    clock.set(TUESDAY_0330_IST);
    expect(credentials.nextExpiry()).toBe(MONDAY_0930_IST + 365 * DAY_MS);
  });

  it('keeps the app and its secret, and an update without a secret keeps the old one', () => {
    const { dataDir, clock, credentials } = setup();
    expect(credentials.app()).toBeNull();
    expect(credentials.apiSecret()).toBeNull();
    credentials.setApp({ clientId: 'a1b2c3d4-client-id', redirectUri: null }, 'S3cr3t-api-secret');
    credentials.setApp({ clientId: 'a1b2c3d4-client-id', redirectUri: 'http://127.0.0.1:5005/callback' }, undefined);
    const restarted = createUpstoxCredentials({ vault: createFileVault(dataDir), clock });
    expect(restarted.app()).toEqual({ clientId: 'a1b2c3d4-client-id', redirectUri: 'http://127.0.0.1:5005/callback' });
    expect(restarted.apiSecret()).toBe('S3cr3t-api-secret');
    expect(fs.statSync(path.join(dataDir, 'secrets.json')).mode & 0o777).toBe(0o600);
  });
});
