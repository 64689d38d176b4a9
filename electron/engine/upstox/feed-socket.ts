import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import type { FeedMode } from '../../../shared/domain/feed';
import type { Clock, TimerHandle } from '../common/clock';
import { backoffDelay } from '../common/backoff';
import type { Logger } from '../common/logger';

export type FeedSocketState = 'stopped' | 'connecting' | 'connected' | 'reconnecting' | 'auth_failed';

export interface FeedSocketOptions {
  /** First reconnect delay; doubles per failed attempt, with jitter, up to `backoffMaxMs`. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  handshakeTimeoutMs: number;
  /** How often we ping the server; a missing pong (and no other traffic) within `pongTimeoutMs` means the link is dead. */
  pingIntervalMs: number;
  pongTimeoutMs: number;
  /** Data silence that counts as a stall, only while a subscribed segment is NORMAL_OPEN. */
  silenceTimeoutMs: number;
}

export const DEFAULT_FEED_SOCKET_OPTIONS: FeedSocketOptions = {
  backoffBaseMs: 1_000,
  backoffMaxMs: 30_000,
  handshakeTimeoutMs: 10_000,
  pingIntervalMs: 10_000,
  pongTimeoutMs: 10_000,
  silenceTimeoutMs: 30_000,
};

export interface FeedRequest {
  method: 'sub' | 'unsub' | 'change_mode';
  mode?: FeedMode;
  instrumentKeys: readonly string[];
}

export interface FeedSocketDeps {
  /** Returns a fresh single-use feed URL (Upstox `authorize`); called before every connect. */
  authorize(signal: AbortSignal): Promise<string>;
  /** True for errors that a retry cannot fix (401/403): the socket stops in `auth_failed`. */
  isAuthError(error: unknown): boolean;
  /** The requests that rebuild the whole subscription set on a new connection. */
  resubscribeRequests(): FeedRequest[];
  /** Whether data silence now means a stall (a subscribed instrument's segment is NORMAL_OPEN). */
  expectsData(): boolean;
  onMessage(frame: Buffer): void;
  onStateChange(state: FeedSocketState, detail: { reconnects: number; message?: string }): void;
  /** Called after every successful (re)connect; `reconnected` is false for the first one. */
  onConnected?(info: { reconnected: boolean; disconnectedAt: number | null }): void;
  clock: Clock;
  logger: Logger;
  random?: () => number;
  options?: Partial<FeedSocketOptions>;
}

export interface FeedSocket {
  start(): void;
  stop(): Promise<void>;
  /** Sends now when connected; otherwise the next connection sends the whole set anyway. */
  send(request: FeedRequest): boolean;
  state(): FeedSocketState;
  reconnects(): number;
  /** Sockets open at this moment (0 or 1: never two). */
  openSockets(): number;
}

const HTTP_AUTH_STATUSES = new Set([401, 403]);

/**
 * One Upstox V3 market socket: authorize, connect, resubscribe, watch liveness, reconnect with backoff.
 * A new socket is only created after the previous one has fully closed, so there are never two.
 */
export function createFeedSocket(deps: FeedSocketDeps): FeedSocket {
  const options = { ...DEFAULT_FEED_SOCKET_OPTIONS, ...deps.options };
  const { clock, logger } = deps;
  const random = deps.random ?? Math.random;

  let state: FeedSocketState = 'stopped';
  let running = false;
  let socket: WebSocket | null = null;
  let attempt = 0;
  let reconnects = 0;
  let everConnected = false;
  let disconnectedAt: number | null = null;
  let retryTimer: TimerHandle | undefined;
  let pingTimer: TimerHandle | undefined;
  let authorizing: AbortController | null = null;
  let lastTrafficAt = 0;
  let lastDataAt = 0;
  let closed: Promise<void> = Promise.resolve();

  function setState(next: FeedSocketState, message?: string): void {
    if (state === next && message === undefined) return;
    state = next;
    deps.onStateChange(next, message === undefined ? { reconnects } : { reconnects, message });
  }

  function scheduleConnect(): void {
    if (!running) return;
    const delay =
      everConnected || attempt > 0 ? backoffDelay(attempt + 1, options.backoffBaseMs, options.backoffMaxMs, random) : 0;
    attempt++;
    clock.clearTimeout(retryTimer);
    retryTimer = clock.setTimeout(() => void connect(), delay);
  }

  async function connect(): Promise<void> {
    retryTimer = undefined;
    if (!running || socket) return;
    setState(everConnected ? 'reconnecting' : 'connecting');
    const controller = new AbortController();
    authorizing = controller;
    let url: string;
    try {
      url = await deps.authorize(controller.signal);
    } catch (error) {
      authorizing = null;
      if (!running) return;
      if (deps.isAuthError(error)) return authFailed(`authorize refused: ${messageOf(error)}`);
      logger.warn('feed authorize failed; will retry', { error: messageOf(error), attempt });
      setState(everConnected ? 'reconnecting' : 'connecting', `authorize failed: ${messageOf(error)}`);
      return scheduleConnect();
    }
    authorizing = null;
    if (!running || socket) return;
    open(url);
  }

  function open(url: string): void {
    const ws = new WebSocket(url, {
      handshakeTimeout: options.handshakeTimeoutMs,
      perMessageDeflate: false,
      followRedirects: true,
    });
    socket = ws;
    let upgradeStatus = 0;
    let resolveClosed!: () => void;
    closed = new Promise((resolve) => (resolveClosed = resolve));

    ws.on('unexpected-response', (_req, res) => {
      upgradeStatus = res.statusCode ?? 0;
      res.resume();
      ws.terminate();
    });
    ws.on('open', () => {
      if (!running) return ws.close(1000);
      const reconnected = everConnected;
      everConnected = true;
      attempt = 0;
      lastTrafficAt = lastDataAt = clock.now();
      setState('connected');
      for (const request of deps.resubscribeRequests()) sendOn(ws, request);
      deps.onConnected?.({ reconnected, disconnectedAt });
      schedulePing();
    });
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      lastTrafficAt = lastDataAt = clock.now();
      if (isBinary) deps.onMessage(data);
    });
    ws.on('ping', () => (lastTrafficAt = clock.now()));
    ws.on('pong', () => (lastTrafficAt = clock.now()));
    ws.on('error', (error) => logger.warn('feed socket error', { error: messageOf(error) }));
    ws.on('close', (code) => {
      socket = null;
      clock.clearTimeout(pingTimer);
      pingTimer = undefined;
      resolveClosed();
      if (!running) return;
      if (HTTP_AUTH_STATUSES.has(upgradeStatus)) return authFailed(`feed handshake refused with HTTP ${upgradeStatus}`);
      if (state === 'connected') {
        reconnects++;
        disconnectedAt = clock.now();
      }
      const reason = upgradeStatus ? `handshake answered HTTP ${upgradeStatus}` : `socket closed (${code})`;
      logger.info('feed disconnected; reconnecting', { reason, attempt });
      setState(everConnected ? 'reconnecting' : 'connecting', reason);
      scheduleConnect();
    });
  }

  function schedulePing(): void {
    clock.clearTimeout(pingTimer);
    pingTimer = clock.setTimeout(
      checkLiveness,
      Math.min(options.pingIntervalMs, options.pongTimeoutMs, options.silenceTimeoutMs),
    );
  }

  function checkLiveness(): void {
    pingTimer = undefined;
    const ws = socket;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    const now = clock.now();
    if (now - lastTrafficAt > options.pongTimeoutMs + options.pingIntervalMs)
      return dropStalled(ws, 'no pong or traffic');
    if (deps.expectsData() && now - lastDataAt > options.silenceTimeoutMs)
      return dropStalled(ws, 'no data while the market is open');
    if (now - lastTrafficAt >= options.pingIntervalMs / 2) ws.ping();
    schedulePing();
  }

  function dropStalled(ws: WebSocket, why: string): void {
    logger.warn('feed stalled; dropping the socket', { why });
    // terminate(), not close(): a stalled peer would never answer the closing handshake.
    ws.terminate();
  }

  function authFailed(message: string): void {
    running = false;
    clock.clearTimeout(retryTimer);
    logger.error('feed stopped: authorization failed; a new access token is needed', { message });
    setState('auth_failed', message);
  }

  function sendOn(ws: WebSocket, request: FeedRequest): void {
    const data: Record<string, unknown> = { instrumentKeys: request.instrumentKeys };
    if (request.mode && request.method !== 'unsub') data.mode = request.mode;
    // Upstox wants binary frames of UTF-8 JSON; text frames are ignored.
    ws.send(Buffer.from(JSON.stringify({ guid: randomUUID(), method: request.method, data })), { binary: true });
  }

  return {
    start() {
      if (running) return;
      running = true;
      attempt = 0;
      scheduleConnect();
    },
    async stop() {
      running = false;
      clock.clearTimeout(retryTimer);
      clock.clearTimeout(pingTimer);
      authorizing?.abort();
      const ws = socket;
      if (ws) {
        if (ws.readyState === WebSocket.OPEN) ws.close(1000, 'client stopped');
        else ws.terminate();
        await closed;
      }
      if (state !== 'auth_failed') setState('stopped');
    },
    send(request) {
      const ws = socket;
      if (!ws || ws.readyState !== WebSocket.OPEN || state !== 'connected') return false;
      sendOn(ws, request);
      return true;
    },
    state: () => state,
    reconnects: () => reconnects,
    openSockets: () => (socket ? 1 : 0),
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
