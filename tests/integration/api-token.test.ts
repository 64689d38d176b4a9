import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { API_TOKEN_FILE, bearerOf, loadOrCreateApiToken, tokensMatch } from '../../electron/engine/api/token';
import { makeTempDir, removeTempDirs } from '../helpers/temp-dir';

afterEach(() => removeTempDirs());

describe('loadOrCreateApiToken', () => {
  it('creates a private (0600) token file of at least 32 characters on first start', () => {
    const dataDir = path.join(makeTempDir('tickdesk-token-'), 'not-yet-created');
    const token = loadOrCreateApiToken(dataDir);

    expect(token.length).toBeGreaterThanOrEqual(32);
    expect(token).toMatch(/^[\x21-\x7e]+$/);
    const file = path.join(dataDir, API_TOKEN_FILE);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, 'utf8').trim()).toBe(token);
  });

  it('returns the same token on the next start', () => {
    const dataDir = makeTempDir('tickdesk-token-');
    const first = loadOrCreateApiToken(dataDir);
    const second = loadOrCreateApiToken(dataDir);
    expect(second).toBe(first);
  });

  it('gives each install its own token', () => {
    expect(loadOrCreateApiToken(makeTempDir('tickdesk-token-'))).not.toBe(
      loadOrCreateApiToken(makeTempDir('tickdesk-token-')),
    );
  });

  it('a configured token wins over a saved one and writes nothing', () => {
    const fresh = makeTempDir('tickdesk-token-');
    expect(loadOrCreateApiToken(fresh, 'configured-token-0123456789')).toBe('configured-token-0123456789');
    expect(fs.existsSync(path.join(fresh, API_TOKEN_FILE))).toBe(false);

    const saved = makeTempDir('tickdesk-token-');
    const savedToken = loadOrCreateApiToken(saved);
    expect(loadOrCreateApiToken(saved, 'configured-token-0123456789')).toBe('configured-token-0123456789');
    expect(fs.readFileSync(path.join(saved, API_TOKEN_FILE), 'utf8').trim()).toBe(savedToken);
  });

  it('replaces a saved token too short to be safe', () => {
    const dataDir = makeTempDir('tickdesk-token-');
    fs.writeFileSync(path.join(dataDir, API_TOKEN_FILE), 'short\n');
    const token = loadOrCreateApiToken(dataDir);
    expect(token).not.toBe('short');
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect(loadOrCreateApiToken(dataDir)).toBe(token);
  });
});

describe('tokensMatch', () => {
  const expected = 'the-expected-api-token-0123456789abcdef';

  it('is true only for the exact token', () => {
    expect(tokensMatch(expected, expected)).toBe(true);
  });

  it('is false for a different, shorter, longer or differently cased token', () => {
    expect(tokensMatch('the-expected-api-token-0123456789abcdeF', expected)).toBe(false);
    expect(tokensMatch(expected.slice(0, -1), expected)).toBe(false);
    expect(tokensMatch(`${expected}0`, expected)).toBe(false);
    expect(tokensMatch(expected.toUpperCase(), expected)).toBe(false);
  });

  it('is false for no token at all', () => {
    expect(tokensMatch(undefined, expected)).toBe(false);
    expect(tokensMatch(null, expected)).toBe(false);
    expect(tokensMatch('', expected)).toBe(false);
  });
});

describe('bearerOf', () => {
  it('reads the token of a Bearer header, any case of the scheme', () => {
    expect(bearerOf('Bearer abc.def')).toBe('abc.def');
    expect(bearerOf('bearer abc')).toBe('abc');
  });

  it('reads nothing from a missing, empty or other-scheme header', () => {
    expect(bearerOf(undefined)).toBeUndefined();
    expect(bearerOf('Bearer ')).toBeUndefined();
    expect(bearerOf('Basic abc')).toBeUndefined();
    expect(bearerOf('Bearer a b')).toBeUndefined();
  });
});
