import http, { type IncomingHttpHeaders } from 'node:http';
import WebSocket, { type ClientOptions } from 'ws';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface RawRequest {
  port: number;
  /** Sent as written: no URL normalisation (fetch would resolve `..` and forbids the Host header). */
  path: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer | Buffer[];
}

/** One HTTP request through node:http, so tests can send a raw path, a foreign Host header or a chunked body. */
export function rawRequest({ port, path, method = 'GET', headers = {}, body }: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    if (Array.isArray(body)) for (const chunk of body) req.write(chunk);
    else if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Rejects after `ms` with a message naming what was awaited, so a missing event fails fast instead of hanging. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const sockets = new Set<WebSocket>();

export type UpgradeOutcome = { kind: 'open'; socket: WebSocket } | { kind: 'refused'; statusCode: number };

/** Opens a WebSocket and reports whether the server accepted the upgrade or answered with an HTTP status. */
export function connectSocket(url: string, options: ClientOptions = {}, ms = 5_000): Promise<UpgradeOutcome> {
  const socket = new WebSocket(url, options);
  sockets.add(socket);
  const outcome = new Promise<UpgradeOutcome>((resolve, reject) => {
    socket.once('open', () => resolve({ kind: 'open', socket }));
    socket.once('unexpected-response', (_req, res) => {
      resolve({ kind: 'refused', statusCode: res.statusCode ?? 0 });
      res.resume();
      socket.terminate();
    });
    socket.on('error', (error) => reject(error));
  });
  return withTimeout(outcome, ms, `the WebSocket upgrade of ${url}`);
}

/** The next message whose parsed JSON satisfies `match`. */
export function nextMessage<T = unknown>(
  socket: WebSocket,
  match: (message: T) => boolean = () => true,
  ms = 5_000,
): Promise<T> {
  let onMessage: ((data: WebSocket.RawData) => void) | undefined;
  const received = new Promise<T>((resolve) => {
    onMessage = (data) => {
      const message = JSON.parse(data.toString()) as T;
      if (match(message)) resolve(message);
    };
    socket.on('message', onMessage);
  });
  return withTimeout(received, ms, 'a WebSocket message').finally(() => socket.off('message', onMessage!));
}

/** Closes every socket `connectSocket` opened (afterEach). */
export function closeSockets(): void {
  for (const socket of sockets) socket.terminate();
  sockets.clear();
}
