import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { writePrivateFile } from '../common/files';

export const API_TOKEN_FILE = 'api-token';

/** The Local API bearer token: the configured one, else the one saved on first start (mode 0600), else a new one. */
export function loadOrCreateApiToken(dataDir: string, configured?: string): string {
  if (configured) return configured;
  const file = path.join(dataDir, API_TOKEN_FILE);
  try {
    const saved = fs.readFileSync(file, 'utf8').trim();
    if (saved.length >= 32) return saved;
  } catch {
    // First start: fall through and create one.
  }
  const token = crypto.randomBytes(32).toString('base64url');
  writePrivateFile(file, token + '\n');
  return token;
}

/** Compares in time independent of where the strings differ; hashing first also hides the length. */
export function tokensMatch(given: string | undefined | null, expected: string): boolean {
  if (!given) return false;
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}

export function bearerOf(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/** Where the token `loadOrCreateApiToken` answers comes from, as the start banner says it. */
export function apiTokenSource(dataDir: string, configured?: string): string {
  return configured ? 'from the TICKDESK_API_TOKEN environment variable' : `in ${path.join(dataDir, API_TOKEN_FILE)}`;
}
