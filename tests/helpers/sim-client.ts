/** Test-only helpers: a real `ws` client that decodes frames with the shipped schema. */
import path from 'node:path';
import WebSocket from 'ws';
import type { FeedMode } from '../../shared/domain/feed';
import { withTimeout } from './net';
import { waitFor } from './wait';
import { FakeClock } from './fake-clock';
import { loadFeedSchema } from '../../electron/engine/upstox/proto';
import { startUpstoxSimulator, type UpstoxSimulator, type UpstoxSimulatorOptions } from '../../electron/engine/sim';

export const RESOURCES_DIR = path.resolve(import.meta.dirname, '..', '..', 'resources');
export const TOKEN = 'demo-access-token';
export const schema = loadFeedSchema(RESOURCES_DIR);

/** A weekday mid-session (2026-01-05 10:30 IST), so tests do not depend on when they run. */
export const testClock = () => new FakeClock('2026-01-05T05:00:00.000Z');

export interface DecodedTick {
  ltpc?: { ltp?: number; ltt?: number; ltq?: number; cp?: number };
  fullFeed?: {
    marketFF?: Record<string, unknown> & { ltpc?: DecodedTick['ltpc'] };
    indexFF?: Record<string, unknown> & { ltpc?: DecodedTick['ltpc'] };
  };
  firstLevelWithGreeks?: Record<string, unknown> & { ltpc?: DecodedTick['ltpc'] };
  requestMode?: string;
}

export interface DecodedFrame {
  type: 'initial_feed' | 'live_feed' | 'market_info';
  feeds: Record<string, DecodedTick>;
  currentTs: number;
  marketInfo?: { segmentStatus: Record<string, string> };
  receivedAt: number;
}

export function decodeFrame(data: Buffer): Omit<DecodedFrame, 'receivedAt'> {
  const { FeedResponse } = schema;
  // defaults: true only for `type`, so an absent initial_feed (0) reads as such; other zero fields stay absent.
  const object = FeedResponse.toObject(FeedResponse.decode(data), {
    longs: Number,
    enums: String,
  }) as Partial<DecodedFrame>;
  return {
    type: object.type ?? 'initial_feed',
    feeds: object.feeds ?? {},
    currentTs: object.currentTs ?? 0,
    ...(object.marketInfo ? { marketInfo: object.marketInfo } : {}),
  };
}

/** The LTPC of a decoded feed, whatever its mode. */
export function ltpcOf(tick: DecodedTick): NonNullable<DecodedTick['ltpc']> {
  return (
    tick.ltpc ?? tick.fullFeed?.marketFF?.ltpc ?? tick.fullFeed?.indexFF?.ltpc ?? tick.firstLevelWithGreeks?.ltpc ?? {}
  );
}

const running = new Set<UpstoxSimulator>();
const clients = new Set<WebSocket>();

export async function startSim(options: Partial<UpstoxSimulatorOptions> = {}): Promise<UpstoxSimulator> {
  const sim = await startUpstoxSimulator({
    resourcesDir: RESOURCES_DIR,
    clock: testClock(),
    tickIntervalMs: 20,
    ...options,
  });
  running.add(sim);
  return sim;
}

/** Closes every client and simulator the helpers started (afterEach). */
export async function stopSims(): Promise<void> {
  for (const ws of clients) ws.terminate();
  clients.clear();
  for (const sim of [...running]) {
    running.delete(sim);
    await sim.close();
  }
}

export function api(sim: UpstoxSimulator, pathAndQuery: string, token: string | null = TOKEN): Promise<Response> {
  return fetch(sim.apiUrl + pathAndQuery, {
    headers: token === null ? {} : { authorization: `Bearer ${token}`, accept: 'application/json' },
  });
}

export async function authorize(sim: UpstoxSimulator): Promise<string> {
  const res = await api(sim, '/v3/feed/market-data-feed/authorize');
  const body = (await res.json()) as { data: { authorized_redirect_uri: string } };
  return body.data.authorized_redirect_uri;
}

/** A connected feed client that records every decoded frame, ping and pong with its arrival time. */
export class FeedClient {
  readonly frames: DecodedFrame[] = [];
  readonly undecodable: Buffer[] = [];
  readonly pings: number[] = [];
  readonly pongs: number[] = [];
  closeCode: number | null = null;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      try {
        this.frames.push({ ...decodeFrame(data), receivedAt: Date.now() });
      } catch {
        this.undecodable.push(data);
      }
    });
    ws.on('ping', () => this.pings.push(Date.now()));
    ws.on('pong', () => this.pongs.push(Date.now()));
    ws.on('close', (code) => (this.closeCode = code));
  }

  /** Listeners go on before the handshake completes: the server's first frame can arrive with the 101. */
  static async connect(sim: UpstoxSimulator): Promise<FeedClient> {
    const ws = new WebSocket(await authorize(sim));
    clients.add(ws);
    const client = new FeedClient(ws);
    await withTimeout(
      new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject)),
      5_000,
      'the feed socket to open',
    );
    return client;
  }

  send(method: 'sub' | 'unsub' | 'change_mode', instrumentKeys: string[], mode?: FeedMode): void {
    const data = mode === undefined ? { instrumentKeys } : { mode, instrumentKeys };
    this.ws.send(Buffer.from(JSON.stringify({ guid: `g-${Date.now()}-${Math.random()}`, method, data })), {
      binary: true,
    });
  }

  ofType(type: DecodedFrame['type']): DecodedFrame[] {
    return this.frames.filter((f) => f.type === type);
  }

  waitForFrame(what: string, match: (frame: DecodedFrame) => boolean, timeoutMs = 5_000): Promise<DecodedFrame> {
    return waitFor(() => this.frames.find(match), what, timeoutMs);
  }

  waitForClose(timeoutMs = 5_000): Promise<number> {
    return waitFor(() => this.closeCode, 'the socket to close', timeoutMs);
  }
}
