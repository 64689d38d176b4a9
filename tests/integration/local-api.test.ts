import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../shared/contract';
import { SETTINGS_DEFAULTS, type SettingsView } from '../../shared/domain/settings';
import type { ErrorBody } from '../../shared/errors';
import { APP_VERSION } from '../../electron/engine/common/version';
import { APP_JS, INDEX_HTML, startApi, stopAll, type TestApi } from '../helpers/engine';
import { closeSockets, connectSocket, nextMessage, rawRequest } from '../helpers/net';
import { removeTempDirs } from '../helpers/temp-dir';

const UPSTOX_TOKEN = 'upstox-token-via-api-0123456789-QRST';

let app: TestApi;

beforeEach(async () => {
  app = await startApi();
});

afterEach(async () => {
  closeSockets();
  await stopAll();
  removeTempDirs();
});

async function errorOf(response: Response): Promise<ErrorBody> {
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await response.json()) as { error: ErrorBody };
  expect(body.error).toBeDefined();
  return body.error;
}

async function currentSettings(): Promise<SettingsView> {
  const response = await app.call('/api/v1/settings');
  expect(response.status).toBe(200);
  return (await response.json()) as SettingsView;
}

function putSettings(body: unknown): Promise<Response> {
  return app.call('/api/v1/settings', {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

function wsUrl(query = ''): string {
  return `ws://127.0.0.1:${app.api.port}/api/v1/events${query}`;
}

describe('Local API: health and authentication', () => {
  it('GET /api/v1/health with the token answers status, version, uptime and db', async () => {
    const response = await app.call('/api/v1/health');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toEqual({ status: 'ok', version: APP_VERSION, uptimeS: expect.any(Number), db: 'ok' });
    expect(body.uptimeS).toBeGreaterThanOrEqual(0);
  });

  it('refuses a request without a token with 401 UNAUTHORIZED', async () => {
    const response = await app.call('/api/v1/health', { auth: false });
    expect(response.status).toBe(401);
    expect((await errorOf(response)).code).toBe('UNAUTHORIZED');
  });

  it('refuses a wrong token, a token of another scheme and an empty bearer with 401', async () => {
    for (const authorization of [
      `Bearer ${app.token}x`,
      `Bearer ${app.token.slice(0, -1)}`,
      `Basic ${app.token}`,
      'Bearer ',
      app.token,
    ]) {
      const response = await app.call('/api/v1/health', { headers: { authorization } });
      expect(response.status, authorization).toBe(401);
      expect((await errorOf(response)).code).toBe('UNAUTHORIZED');
    }
  });

  it('does not accept the token in the query string for HTTP routes', async () => {
    const response = await app.call(`/api/v1/settings?token=${encodeURIComponent(app.token)}`, { auth: false });
    expect(response.status).toBe(401);
    expect((await errorOf(response)).code).toBe('UNAUTHORIZED');
  });

  it('refuses a Host header that is not loopback with 403, even with the right token', async () => {
    const evil = await rawRequest({
      port: app.api.port,
      path: '/api/v1/health',
      headers: { host: 'evil.example', authorization: `Bearer ${app.token}` },
    });
    expect(evil.status).toBe(403);
    expect((JSON.parse(evil.body) as { error: ErrorBody }).error.code).toBe('FORBIDDEN');

    const rebinding = await rawRequest({
      port: app.api.port,
      path: '/',
      headers: { host: `localhost.evil.example:${app.api.port}` },
    });
    expect(rebinding.status).toBe(403);
    expect(rebinding.body).not.toContain('tickdesk-test-index');

    const local = await rawRequest({
      port: app.api.port,
      path: '/api/v1/health',
      headers: { host: `localhost:${app.api.port}`, authorization: `Bearer ${app.token}` },
    });
    expect(local.status).toBe(200);
  });
});

describe('Local API: routing and errors', () => {
  it('answers an unknown route with 404 NOT_FOUND', async () => {
    const response = await app.call('/api/v1/no-such-thing');
    expect(response.status).toBe(404);
    expect((await errorOf(response)).code).toBe('NOT_FOUND');
  });

  it('answers an unknown command with 404 NOT_FOUND', async () => {
    const response = await app.call('/api/v1/commands/nope', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(404);
    const error = await errorOf(response);
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain('nope');
  });

  it('runs a command through the generic POST /api/v1/commands/:name', async () => {
    const response = await app.call('/api/v1/commands/settings.get', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(200);
    const view = (await response.json()) as SettingsView;
    expect(view.values).toEqual(SETTINGS_DEFAULTS);
    expect(view.mode).toBe('demo');

    const empty = await app.call('/api/v1/commands/system.status', { method: 'POST' });
    expect(empty.status).toBe(200);
    expect(await empty.json()).toMatchObject({ transport: 'local-api', mode: 'demo' });
  });

  it('refuses a bad setting with 400 VALIDATION_FAILED naming the field, and changes nothing', async () => {
    const before = await currentSettings();
    const response = await putSettings({ theme: 'light', tickRetentionDays: -1 });
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details?.[0]?.path).toEqual(['tickRetentionDays']);
    expect(await currentSettings()).toEqual(before);
  });

  it('refuses an unknown setting key with 400 and changes nothing', async () => {
    const response = await putSettings({ theme: 'light', colour: 'red' });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toContain('colour');
    expect((await currentSettings()).values).toEqual(SETTINGS_DEFAULTS);
  });

  it('a good PUT /api/v1/settings round-trips', async () => {
    const response = await putSettings({ theme: 'light', tickRetentionDays: 14 });
    expect(response.status).toBe(200);
    const expected = { ...SETTINGS_DEFAULTS, theme: 'light', tickRetentionDays: 14 };
    expect(((await response.json()) as SettingsView).values).toEqual(expected);
    expect((await currentSettings()).values).toEqual(expected);
  });

  it('a second PUT /api/v1/settings changes only what it names', async () => {
    expect((await putSettings({ theme: 'light', tickRetentionDays: 14 })).status).toBe(200);
    const response = await putSettings({ confirmOrders: false });
    expect(response.status).toBe(200);
    const expected = { ...SETTINGS_DEFAULTS, theme: 'light', tickRetentionDays: 14, confirmOrders: false };
    expect(((await response.json()) as SettingsView).values).toEqual(expected);
    expect((await currentSettings()).values).toEqual(expected);
  });

  it('refuses malformed JSON with 400 and a non-JSON content type with 400', async () => {
    const malformed = await app.call('/api/v1/settings', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{"theme": "light",',
    });
    expect(malformed.status).toBe(400);
    expect((await errorOf(malformed)).code).toBe('VALIDATION_FAILED');

    const text = await app.call('/api/v1/settings', {
      method: 'PUT',
      headers: { 'content-type': 'text/plain' },
      body: '{"theme":"light"}',
    });
    expect(text.status).toBe(400);

    const array = await putSettings([{ theme: 'light' }]);
    expect(array.status).toBe(400);
    expect((await currentSettings()).values).toEqual(SETTINGS_DEFAULTS);
  });

  it('refuses a body over 1 MiB with 413 PAYLOAD_TOO_LARGE and changes nothing', async () => {
    // Valid JSON that would apply if it were read: only the size limit stops it.
    const body = `{"theme":"light",${' '.repeat(1_500_000)}"tickRetentionDays":7}`;
    const response = await app.call('/api/v1/settings', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(response.status).toBe(413);
    expect((await errorOf(response)).code).toBe('PAYLOAD_TOO_LARGE');
    expect((await currentSettings()).values).toEqual(SETTINGS_DEFAULTS);
  });

  it('refuses a chunked body (no Content-Length) that grows over 1 MiB with 413 and changes nothing', async () => {
    const chunks = [
      Buffer.from('{"theme":"light",'),
      ...Array.from({ length: 24 }, () => Buffer.alloc(64 * 1024, 0x20)),
      Buffer.from('"tickRetentionDays":7}'),
    ];
    const response = await rawRequest({
      port: app.api.port,
      path: '/api/v1/settings',
      method: 'PUT',
      headers: {
        host: `127.0.0.1:${app.api.port}`,
        authorization: `Bearer ${app.token}`,
        'content-type': 'application/json',
        'transfer-encoding': 'chunked',
      },
      body: chunks,
    });
    expect(response.status).toBe(413);
    expect((await currentSettings()).values).toEqual(SETTINGS_DEFAULTS);
  });
});

describe('Local API: the Upstox token', () => {
  it('is stored through PUT /api/v1/settings/upstox-token and never returned in full', async () => {
    const set = await app.call('/api/v1/settings/upstox-token', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: UPSTOX_TOKEN }),
    });
    expect(set.status).toBe(200);
    const setText = await set.text();
    expect(setText).not.toContain(UPSTOX_TOKEN);

    const get = await app.call('/api/v1/settings');
    const text = await get.text();
    expect(text).not.toContain(UPSTOX_TOKEN);
    const view = JSON.parse(text) as SettingsView;
    expect(view.mode).toBe('live');
    expect(view.upstoxToken).toMatchObject({ present: true, source: 'settings' });
    expect(view.upstoxToken.hint).toMatch(/QRST$/);

    const cleared = await app.call('/api/v1/settings/upstox-token', { method: 'DELETE' });
    expect(cleared.status).toBe(200);
    expect(((await cleared.json()) as SettingsView).mode).toBe('demo');
  });
});

describe('Local API: event WebSocket', () => {
  it('refuses an upgrade without a token, or with a wrong one, with 401', async () => {
    expect(await connectSocket(wsUrl())).toEqual({ kind: 'refused', statusCode: 401 });
    expect(await connectSocket(wsUrl('?token=wrong-token'))).toEqual({ kind: 'refused', statusCode: 401 });
  });

  it('refuses an upgrade from a foreign Origin with 403, even with the right token', async () => {
    const outcome = await connectSocket(wsUrl(`?token=${encodeURIComponent(app.token)}`), {
      origin: 'http://evil.example',
    });
    expect(outcome).toEqual({ kind: 'refused', statusCode: 403 });
  });

  it('refuses an upgrade on another path with 404', async () => {
    const outcome = await connectSocket(
      `ws://127.0.0.1:${app.api.port}/api/v1/other?token=${encodeURIComponent(app.token)}`,
    );
    expect(outcome).toEqual({ kind: 'refused', statusCode: 404 });
  });

  it('with ?token= receives a settings_changed envelope after PUT /api/v1/settings', async () => {
    const outcome = await connectSocket(wsUrl(`?token=${encodeURIComponent(app.token)}`), { origin: app.origin });
    if (outcome.kind !== 'open') throw new Error(`upgrade refused with ${outcome.statusCode}`);

    const message = nextMessage<EventEnvelope>(outcome.socket, (m) => m.event === 'settings_changed');
    const response = await putSettings({ theme: 'light' });
    expect(response.status).toBe(200);

    const envelope = await message;
    expect(envelope).toEqual({
      event: 'settings_changed',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/),
      source: expect.any(String),
      version: '1.0',
      payload: { ...SETTINGS_DEFAULTS, theme: 'light' },
    });
  });

  it('accepts the token as a bearer header too', async () => {
    const outcome = await connectSocket(wsUrl(), { headers: { authorization: `Bearer ${app.token}` } });
    expect(outcome.kind).toBe('open');
  });
});

describe('Local API: static renderer', () => {
  it('serves index.html at / with a Content-Security-Policy', async () => {
    const response = await fetch(`${app.origin}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = (response.headers.get('content-security-policy') ?? '').split(';').map((d) => d.trim());
    expect(csp).toContain("script-src 'self'");
    expect(csp.filter((d) => d.startsWith('script-src'))).toEqual(["script-src 'self'"]);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(await response.text()).toBe(INDEX_HTML);
  });

  it('serves assets with their content type, and index.html for unknown paths (reload on any view)', async () => {
    const asset = await fetch(`${app.origin}/assets/app.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await asset.text()).toBe(APP_JS);

    const view = await fetch(`${app.origin}/orders`);
    expect(view.status).toBe(200);
    expect(await view.text()).toBe(INDEX_HTML);
  });

  it('never serves files outside its folder, however the path is written', async () => {
    const parent = path.dirname(app.staticDir);
    const secretName = `${path.basename(app.staticDir)}-secret.txt`;
    fs.writeFileSync(path.join(parent, secretName), 'TOP-SECRET-CONTENT');
    fs.writeFileSync(path.join(app.dataDir, 'peek.txt'), 'TOP-SECRET-CONTENT');
    const dataRel = path.relative(app.staticDir, path.join(app.dataDir, 'peek.txt')).split(path.sep).join('/');

    const attempts = [
      `/../${secretName}`,
      `/../../../../../../etc/passwd`,
      `/..%2f${secretName}`,
      `/%2e%2e/${secretName}`,
      `/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd`,
      `/assets/../../${secretName}`,
      `/${dataRel}`,
      `/..\\${secretName}`,
      `/index.html%00.js`,
    ];
    for (const attempt of attempts) {
      const response = await rawRequest({
        port: app.api.port,
        path: attempt,
        headers: { host: `127.0.0.1:${app.api.port}` },
      });
      expect(response.body, attempt).not.toContain('TOP-SECRET-CONTENT');
      expect(response.body, attempt).not.toMatch(/root:.*:0:0:/);
      expect(response.status, attempt).toBeLessThan(500);
    }
    // The server is still up.
    expect((await app.call('/api/v1/health')).status).toBe(200);
  });
});
