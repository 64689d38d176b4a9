import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { API_PATHS, isCommandName } from '../../../shared/contract';
import { LOCAL_API_PREFIX, UPSTOX_CALLBACK_PATH } from '../../../shared/constants';
import { WorkstationError } from '../../../shared/errors';
import type { EventHub } from '../common/events';
import type { Logger } from '../common/logger';
import type { Router } from '../router';
import { createEventSocket } from './event-socket';
import { answerLoginCallback } from './login-callback';
import type { Download } from '../../../shared/domain/analysis';
import { DEFAULT_BODY_LIMIT_BYTES, queryOf, readJsonBody, sendDownload, sendError, sendJson } from './http';
import { compileRoutes, decodePathSegment, matchRoute } from './routes';
import { serveStatic } from './static';
import { bearerOf, tokensMatch } from './token';

export interface LocalApiOptions {
  router: Router;
  events: EventHub;
  logger: Logger;
  token: string;
  port: number;
  /** Only loopback: the API is for this machine's user. */
  host?: '127.0.0.1';
  /** The built renderer, served at `/`; none serves the API alone. */
  staticDir?: string;
  bodyLimitBytes?: number;
}

export interface LocalApi {
  readonly port: number;
  readonly origin: string;
  close(): Promise<void>;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Refuses requests whose Host is not loopback, so a web page cannot reach the API through DNS rebinding. */
function isLoopbackHost(hostHeader: string | undefined): boolean {
  if (!hostHeader) return false;
  const host = hostHeader.replace(/:\d+$/, '').toLowerCase();
  return LOOPBACK_HOSTS.has(host);
}

/** Browsers send an Origin on WebSocket upgrades: only pages served from loopback may open the event stream. */
function isLoopbackOrigin(origin: string): boolean {
  try {
    return isLoopbackHost(new URL(origin).host);
  } catch {
    return false;
  }
}

/**
 * A request Node's parser refused (headers over 16 KB, a bad Content-Length, both Content-Length and
 * Transfer-Encoding): answered with a status line and the error envelope, then closed, never a silent reset.
 */
function answerMalformed(error: NodeJS.ErrnoException, socket: Duplex, logger: Logger): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const body = JSON.stringify({
    error: tooLarge
      ? {
          code: 'HEADERS_TOO_LARGE',
          message: 'request line and headers are over 16 KB: send long inputs in a JSON body',
        }
      : {
          code: 'VALIDATION_FAILED',
          message: `malformed HTTP request (${error.code ?? 'parse error'})`,
          details: [{ path: [], message: 'malformed request' }],
        },
  });
  const status = tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request';
  logger.warn('malformed request refused', { code: error.code });
  socket.end(
    `HTTP/1.1 ${status}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
  );
}

export async function startLocalApi(options: LocalApiOptions): Promise<LocalApi> {
  const { router, events, logger, token, staticDir } = options;
  const bodyLimit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const routes = compileRoutes();
  const eventSocket = createEventSocket({ events, logger });
  const commandPath = new RegExp(`^${API_PATHS.command.replace(':name', '([^/]+)')}$`);

  const authorised = (req: IncomingMessage, url: URL) =>
    tokensMatch(bearerOf(req.headers.authorization) ?? url.searchParams.get('token'), token);

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL, path: string): Promise<void> {
    if (!tokensMatch(bearerOf(req.headers.authorization), token)) {
      throw new WorkstationError('UNAUTHORIZED', 'missing or wrong bearer token');
    }
    const method = req.method ?? 'GET';
    const generic = commandPath.exec(path);
    if (generic) {
      if (method !== 'POST')
        throw new WorkstationError('NOT_FOUND', `commands are run with POST ${LOCAL_API_PREFIX}${path}`);
      const name = decodePathSegment(generic[1]!);
      if (!isCommandName(name)) throw new WorkstationError('NOT_FOUND', `unknown command: ${name}`);
      // No body is no input; a body of `null` is a wrong one, for the command's schema to refuse.
      const input = await readJsonBody(req, bodyLimit);
      sendJson(res, 200, await router.dispatch(name, input === undefined ? {} : input, { transport: 'local-api' }));
      return;
    }
    const match = matchRoute(routes, method, path);
    if (!match) throw new WorkstationError('NOT_FOUND', `no route ${method} ${LOCAL_API_PREFIX}${path}`);
    const fromRequest = method === 'GET' ? queryOf(url) : await readJsonBody(req, bodyLimit);
    if (
      fromRequest !== undefined &&
      (typeof fromRequest !== 'object' || fromRequest === null || Array.isArray(fromRequest))
    ) {
      throw new WorkstationError('VALIDATION_FAILED', 'request body must be a JSON object', [
        { path: [], message: 'expected an object' },
      ]);
    }
    const input = { ...(fromRequest as Record<string, unknown> | undefined), ...match.params };
    const answer = await router.dispatch(match.route.command, input, { transport: 'local-api' });
    if (match.route.download) sendDownload(res, answer as Download);
    else sendJson(res, match.route.status, answer);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    try {
      if (!isLoopbackHost(req.headers.host))
        throw new WorkstationError('FORBIDDEN', 'the Local API answers only to loopback host names');
      if (url.pathname === LOCAL_API_PREFIX || url.pathname.startsWith(LOCAL_API_PREFIX + '/')) {
        await handleApi(req, res, url, url.pathname.slice(LOCAL_API_PREFIX.length) || '/');
      } else if (url.pathname === UPSTOX_CALLBACK_PATH && req.method === 'GET') {
        await answerLoginCallback(router, url, res);
      } else if (staticDir && (req.method === 'GET' || req.method === 'HEAD')) {
        serveStatic(staticDir, req, res, url.pathname);
      } else {
        throw new WorkstationError('NOT_FOUND', `no route ${req.method} ${url.pathname}`);
      }
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof WorkstationError) {
        if (error.code === 'PAYLOAD_TOO_LARGE') res.setHeader('Connection', 'close');
        sendError(res, error);
      } else {
        logger.error('local api request failed', { method: req.method, path: url.pathname, error });
        sendError(res, new WorkstationError('INTERNAL', 'internal error'));
      }
    }
  }

  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (url.pathname !== LOCAL_API_PREFIX + API_PATHS.events) return refuse(404, 'Not Found');
    if (!isLoopbackHost(req.headers.host)) return refuse(403, 'Forbidden');
    const origin = req.headers.origin;
    if (origin && !isLoopbackOrigin(origin)) return refuse(403, 'Forbidden');
    if (!authorised(req, url)) return refuse(401, 'Unauthorized');
    eventSocket.handleUpgrade(req, socket, head);
  }

  const server = http.createServer((req, res) => void handle(req, res));
  server.on('upgrade', upgrade);
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => answerMalformed(error, socket, logger));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  logger.info('local api listening', { port });

  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        eventSocket.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
