import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { deliveryOf } from '../../../shared/contract';
import type { EventHub } from '../common/events';
import type { Logger } from '../common/logger';

/** Past this many unsent bytes a client is slow: snapshot events are skipped for it (the next one supersedes them). */
const SLOW_CLIENT_BYTES = 4 * 1024 * 1024;
/** Past this, the client is hopelessly behind and is disconnected rather than growing memory without bound. */
const DEAD_CLIENT_BYTES = 64 * 1024 * 1024;

export interface EventSocketOptions {
  events: EventHub;
  logger: Logger;
}

/** `/api/v1/events`: pushes every engine event as its envelope to each authorised client. */
export function createEventSocket({ events, logger }: EventSocketOptions) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const clients = new Set<WebSocket>();

  const unsubscribe = events.subscribe((envelope) => {
    if (clients.size === 0) return;
    const text = JSON.stringify(envelope);
    for (const socket of clients) {
      if (socket.bufferedAmount > DEAD_CLIENT_BYTES) {
        logger.warn('event client too slow, disconnecting', { buffered: socket.bufferedAmount });
        socket.terminate();
        continue;
      }
      if (socket.bufferedAmount > SLOW_CLIENT_BYTES && deliveryOf(envelope.event) === 'snapshot') continue;
      socket.send(text);
    }
  });

  return {
    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
      wss.handleUpgrade(req, socket, head, (ws) => {
        clients.add(ws);
        ws.on('close', () => clients.delete(ws));
        ws.on('error', () => clients.delete(ws));
        // The socket is for pushes only; anything a client sends is ignored.
        ws.on('message', () => undefined);
      });
    },
    clientCount: () => clients.size,
    close(): void {
      unsubscribe();
      for (const ws of clients) ws.close(1001, 'engine shutting down');
      wss.close();
    },
  };
}
