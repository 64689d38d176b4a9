import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDirs } from '../../../tests/helpers/temp-dir';
import { createLogger, createMemoryLogger, redact } from './logger';

const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTQyIn0.c2lnbmF0dXJlLXNlY3JldC14eXo';
const OPAQUE = 'opaque-secret-value-9f8e7d6c';

afterEach(() => removeTempDirs());

describe('redact', () => {
  it('hides the values of token, authorization and similar keys, however they are spelled', () => {
    const out = redact({
      token: OPAQUE,
      accessToken: OPAQUE,
      Authorization: `Bearer ${OPAQUE}`,
      headers: { authorization: OPAQUE, 'x-api-key': OPAQUE, cookie: OPAQUE },
      password: OPAQUE,
      clientSecret: OPAQUE,
      instrumentKey: 'NSE_EQ|INE002A01018',
      count: 3,
    });
    expect(JSON.stringify(out)).not.toContain(OPAQUE);
    expect(out).toMatchObject({
      token: '[redacted]',
      Authorization: '[redacted]',
      headers: { authorization: '[redacted]' },
    });
    expect(out).toMatchObject({ instrumentKey: 'NSE_EQ|INE002A01018', count: 3 });
  });

  it('hides Bearer tokens and JWT-shaped strings inside free text, keeping the rest', () => {
    expect(redact(`upstream said 401 for Bearer ${OPAQUE} at /v2/orders`)).toBe(
      'upstream said 401 for Bearer [redacted] at /v2/orders',
    );
    expect(redact(`authorization: bearer abc.def-ghi~jk+l/m==`)).toBe('authorization: bearer [redacted]');
    const text = redact(`token ${JWT} expired`) as string;
    expect(text).not.toContain(JWT);
    expect(text).not.toContain('eyJzdWIiOiJ1c2VyLTQyIn0');
    expect(text).toBe('token [redacted] expired');
  });

  it('redacts inside arrays and Error objects', () => {
    const error = new Error(`request failed with Bearer ${OPAQUE}`);
    const out = redact({ attempts: [{ jwt: JWT }, `Bearer ${OPAQUE}`], error });
    const text = JSON.stringify(out);
    expect(text).not.toContain(OPAQUE);
    expect(text).not.toContain(JWT);
    expect(text).toContain('request failed with Bearer [redacted]');
  });

  it('hides a secret key however deep it sits', () => {
    const deep = { a: { b: { c: { d: { e: { f: { g: { token: OPAQUE } } } } } } } };
    expect(JSON.stringify(redact(deep))).not.toContain(OPAQUE);
  });
});

describe('createLogger', () => {
  it('writes JSON lines to tickdesk.log (mode 0600) with secrets redacted in message and fields', () => {
    const dir = makeTempDir('tickdesk-log-');
    const logger = createLogger({ dir, level: 'debug', now: () => Date.parse('2026-01-05T04:00:00.000Z') });
    logger
      .child('upstox')
      .warn(`auth failed for Bearer ${OPAQUE}`, { token: OPAQUE, response: { body: `jwt ${JWT}` } });
    logger.close();

    const file = path.join(dir, 'tickdesk.log');
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toContain(OPAQUE);
    expect(text).not.toContain(JWT);
    const entry = JSON.parse(text.trim()) as Record<string, unknown>;
    expect(entry).toMatchObject({
      time: '2026-01-05T04:00:00.000Z',
      level: 'warn',
      component: 'engine.upstox',
      message: 'auth failed for Bearer [redacted]',
      token: '[redacted]',
    });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('drops entries below its level', () => {
    const dir = makeTempDir('tickdesk-log-');
    const logger = createLogger({ dir, level: 'warn' });
    logger.info('chatty');
    logger.error('loud');
    logger.close();
    const lines = fs.readFileSync(path.join(dir, 'tickdesk.log'), 'utf8').trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { message: string }).message)).toEqual(['loud']);
  });

  it('does not throw when the fields contain a cycle', () => {
    const dir = makeTempDir('tickdesk-log-');
    const logger = createLogger({ dir });
    const socket: Record<string, unknown> = { name: 'feed' };
    socket.self = socket;
    expect(() => logger.error('socket failed', { socket })).not.toThrow();
    logger.close();
    expect(fs.readFileSync(path.join(dir, 'tickdesk.log'), 'utf8')).toContain('socket failed');
  });
});

describe('createMemoryLogger', () => {
  it('keeps redacted entries', () => {
    const logger = createMemoryLogger();
    logger.child('settings').info(`stored Bearer ${OPAQUE}`, { authorization: OPAQUE });
    expect(logger.entries).toEqual([
      {
        level: 'info',
        component: 'engine.settings',
        message: 'stored Bearer [redacted]',
        fields: { authorization: '[redacted]' },
      },
    ]);
  });
});
