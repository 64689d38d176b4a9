import type { IncomingMessage, ServerResponse } from 'node:http';
import { HTTP_STATUS_BY_CODE, WorkstationError, type ErrorBody } from '../../../shared/errors';

export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(text);
}

/** A file as an attachment; nothing in it may run or fetch if a browser opens it on the API's origin. */
export function sendDownload(res: ServerResponse, file: { filename: string; contentType: string; body: string }): void {
  const safeName = file.filename.replace(/[^\w.-]/g, '_');
  res.writeHead(200, {
    'Content-Type': file.contentType,
    'Content-Length': Buffer.byteLength(file.body),
    'Content-Disposition': `attachment; filename="${safeName}"`,
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox",
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(file.body);
}

export function sendError(res: ServerResponse, error: WorkstationError | ErrorBody): void {
  const body = error instanceof WorkstationError ? error.toBody() : error;
  sendJson(res, HTTP_STATUS_BY_CODE[body.code], { error: body });
}

/** Reads a JSON body up to `limit` bytes; past it, a PAYLOAD_TOO_LARGE error (and nothing is parsed). */
export async function readJsonBody(req: IncomingMessage, limit = DEFAULT_BODY_LIMIT_BYTES): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit)
    throw new WorkstationError('PAYLOAD_TOO_LARGE', `request body is over the limit of ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit)
      throw new WorkstationError('PAYLOAD_TOO_LARGE', `request body is over the limit of ${limit} bytes`);
    chunks.push(chunk);
  }
  if (size === 0) return undefined;
  const text = Buffer.concat(chunks).toString('utf8');
  const type = String(req.headers['content-type'] ?? 'application/json');
  if (!/^application\/json\b/i.test(type)) {
    throw new WorkstationError('VALIDATION_FAILED', `request body must be application/json, got ${type}`, [
      { path: [], message: 'unsupported content type' },
    ]);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new WorkstationError('VALIDATION_FAILED', `request body is not valid JSON: ${(error as Error).message}`, [
      { path: [], message: 'malformed JSON' },
    ]);
  }
}

/** Query parameters as plain strings (repeated keys: the last wins); schemas coerce what they need. */
export function queryOf(url: URL): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of url.searchParams) out[key] = value;
  return out;
}
