import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Logger } from '../common/logger';
import type { FaultState } from './faults';
import type { FeedHub } from './hub';
import { bearerToken, errorBody, FEED_PATH, handleRest, type RestContext } from './rest';

/** Path A of the real API: the feed entry point answers a Bearer-authenticated upgrade with a 307. */
const DIRECT_FEED_PATH = '/v3/feed/market-data-feed';
/** Authorized URLs nobody used are forgotten past this many, so a client that never connects cannot grow the map. */
const MAX_PENDING_CODES = 1000;

export interface SimulatorServerDeps {
  hub: FeedHub;
  faults: FaultState;
  logger: Logger;
  counters: { upgrades: number; upgradesRefused: number };
  rest: Omit<RestContext, 'issueFeedUrl'>;
}

export interface SimulatorServer {
  port: number;
  close(): Promise<void>;
}

/** Writes a plain HTTP answer on a socket whose upgrade is refused (what `ws` clients see as `unexpected-response`). */
function refuse(socket: Duplex, status: number, headers: Record<string, string>, body = ''): void {
  const lines = [
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? 'Error'}`,
    'Connection: close',
    `Content-Length: ${Buffer.byteLength(body)}`,
  ];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  socket.once('finish', () => socket.destroy());
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
}

function refuseJson(socket: Duplex, status: number, code: string, message: string): void {
  refuse(socket, status, { 'Content-Type': 'application/json' }, JSON.stringify(errorBody(code, message)));
}

/** One HTTP server on 127.0.0.1 for REST, the master file and the feed upgrades. */
export async function startSimulatorServer(deps: SimulatorServerDeps, port: number): Promise<SimulatorServer> {
  const { hub, faults, logger, counters } = deps;
  const codes = new Set<string>();
  const delayed = new Map<NodeJS.Timeout, Duplex>();
  let boundPort = 0;
  let closing = false;

  const issueFeedUrl = (): string => {
    const code = randomUUID();
    codes.add(code);
    if (codes.size > MAX_PENDING_CODES) codes.delete(codes.values().next().value!);
    return `ws://127.0.0.1:${boundPort}${FEED_PATH}?requestId=${randomUUID()}&code=${code}`;
  };
  const rest: RestContext = { ...deps.rest, issueFeedUrl };
  // autoPong off: pings are answered by the hub, which stays silent during a stall.
  const wss = new WebSocketServer({
    noServer: true,
    autoPong: false,
    perMessageDeflate: false,
    maxPayload: 4 * 1024 * 1024,
  });

  const server = http.createServer((req, res) => {
    try {
      handleRest(rest, req, res);
    } catch (error) {
      logger.error('simulator request failed', { error: error instanceof Error ? error.message : String(error) });
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify(errorBody('UDAPI100500', 'Something went wrong... please contact Upstox support')));
    }
  });

  const onFeedUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer, url: URL) => {
    counters.upgrades++;
    const code = url.searchParams.get('code');
    // The code is spent by the attempt itself, whatever happens to the handshake next.
    const valid = code !== null && codes.delete(code);
    const proceed = () => {
      if (closing || socket.destroyed) return void socket.destroy();
      const status = faults.takeUpgradeRejection();
      if (status !== null) {
        counters.upgradesRefused++;
        return refuseJson(
          socket,
          status,
          status === 401 || status === 403 ? 'UDAPI100050' : 'UDAPI100500',
          'Feed connection refused',
        );
      }
      if (!valid) {
        counters.upgradesRefused++;
        return refuseJson(socket, 401, 'UDAPI100050', 'Invalid token used to access API');
      }
      wss.handleUpgrade(req, socket, head, (ws) => hub.attach(ws));
    };
    const delay = faults.takeHandshakeDelay();
    if (delay <= 0) return proceed();
    const timer = setTimeout(() => {
      delayed.delete(timer);
      proceed();
    }, delay);
    delayed.set(timer, socket);
  };

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', (error) => logger.debug('simulator upgrade socket error', { error: error.message }));
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === FEED_PATH) return onFeedUpgrade(req, socket, head, url);
    if (url.pathname === DIRECT_FEED_PATH) {
      const token = bearerToken(req.headers.authorization);
      if (token === null || !rest.acceptToken(token))
        return refuseJson(socket, 401, 'UDAPI100050', 'Invalid token used to access API');
      return refuse(socket, 307, { Location: issueFeedUrl() });
    }
    refuseJson(socket, 404, 'UDAPI10000', 'This request is not supported by Upstox API');
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  boundPort = typeof address === 'object' && address ? address.port : port;
  hub.start();

  return {
    port: boundPort,
    async close() {
      if (closing) return;
      closing = true;
      for (const [timer, socket] of delayed) {
        clearTimeout(timer);
        socket.destroy();
      }
      delayed.clear();
      hub.stop();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
