import WebSocket from 'ws';
import { z } from 'zod';
import { FEED_MODES, SUBSCRIPTION_LIMITS, type FeedMode } from '../../../shared/domain/feed';
import type { Clock } from '../common/clock';
import type { Logger } from '../common/logger';
import { garbageFrame, type DataFrameType, type FrameEncoder } from './frames';
import type { MarketModel } from './market';
import { createRng } from './rng';

const RequestSchema = z.object({
  guid: z.string().optional(),
  method: z.enum(['sub', 'unsub', 'change_mode']),
  data: z.object({ mode: z.enum(FEED_MODES).optional(), instrumentKeys: z.array(z.string()) }),
});

/** Past this much unsent data a socket is a slow reader: its live frames are skipped rather than queued. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

export type TicksSentHook = (instrumentKeys: readonly string[], type: DataFrameType) => void;

export interface FeedHubOptions {
  model: MarketModel;
  encoder: FrameEncoder;
  clock: Clock;
  logger: Logger;
  seed: number;
  tickIntervalMs: number;
  pingIntervalMs: number;
  onTicksSent?: TicksSentHook;
  /** Per-mode key limits; Upstox's by default. */
  limits?: Partial<SubscriptionLimits>;
}

export type SubscriptionLimits = Record<FeedMode, { individual: number; combined: number }>;

interface Session {
  ws: WebSocket;
  /** Instrument index -> mode: one mode per key per connection, as on Upstox. */
  modes: Map<number, FeedMode>;
  counts: Record<FeedMode, number>;
  /** Keys owed an `initial_feed` (sent at once, or when a stall ends). */
  pendingInitial: Set<number>;
  marketInfoSent: boolean;
}

const zeroCounts = (): Record<FeedMode, number> => ({ ltpc: 0, full: 0, option_greeks: 0, full_d30: 0 });

/**
 * The feed side of the simulator: one session per socket, the Upstox subscription rules, the tick loop and
 * the server pings, plus the socket-level faults (stall, drop, garbage, close codes).
 */
export class FeedHub {
  readonly counters = {
    connections: 0,
    maxConcurrentSockets: 0,
    framesSent: 0,
    ticksSent: 0,
    textFramesIgnored: 0,
    invalidRequests: 0,
    framesSkipped: 0,
    garbageSent: 0,
  };
  private readonly sessions = new Set<Session>();
  private last: Session | null = null;
  private stalledUntil = 0;
  private tickTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private readonly garbageRng: () => number;
  private readonly limits: SubscriptionLimits;

  constructor(private readonly o: FeedHubOptions) {
    this.garbageRng = createRng(o.seed ^ 0x9a7b);
    this.limits = { ...SUBSCRIPTION_LIMITS, ...o.limits };
  }

  start(): void {
    this.tickTimer = setInterval(() => this.tick(), this.o.tickIntervalMs);
    this.pingTimer = setInterval(() => this.ping(), this.o.pingIntervalMs);
  }

  stop(): void {
    clearInterval(this.tickTimer);
    clearInterval(this.pingTimer);
    for (const s of this.sessions) s.ws.terminate();
    this.sessions.clear();
  }

  get openSockets(): number {
    return this.sessions.size;
  }

  /** Key counts per mode of the most recent connection while it is open (zeros once it has closed). */
  subscriptions(): Record<FeedMode, number> {
    return this.last && this.sessions.has(this.last) ? { ...this.last.counts } : zeroCounts();
  }

  stalled(): boolean {
    return Date.now() < this.stalledUntil;
  }

  attach(ws: WebSocket): void {
    const session: Session = {
      ws,
      modes: new Map(),
      counts: zeroCounts(),
      pendingInitial: new Set(),
      marketInfoSent: false,
    };
    this.sessions.add(session);
    this.last = session;
    this.counters.connections++;
    this.counters.maxConcurrentSockets = Math.max(this.counters.maxConcurrentSockets, this.sessions.size);
    ws.on('message', (data: Buffer, isBinary: boolean) => this.onMessage(session, data, isBinary));
    // autoPong is off on the server, so that a stall can leave pings unanswered like a hung peer.
    ws.on('ping', (data: Buffer) => {
      if (!this.stalled() && ws.readyState === WebSocket.OPEN) ws.pong(data);
    });
    ws.on('error', (error) => this.o.logger.debug('simulator socket error', { error: error.message }));
    ws.on('close', () => this.sessions.delete(session));
    if (!this.stalled()) this.sendMarketInfo(session);
  }

  stall(ms: number): void {
    this.stalledUntil = Math.max(this.stalledUntil, Date.now() + ms);
  }

  endStall(): void {
    this.stalledUntil = 0;
  }

  /** A terminated socket is gone at once, so it leaves the open count now rather than on its close event. */
  dropAll(): number {
    const sessions = [...this.sessions];
    for (const s of sessions) {
      s.ws.terminate();
      this.sessions.delete(s);
    }
    return sessions.length;
  }

  closeAll(code: number, reason = ''): number {
    // 1006 is never sent on the wire: it is what a client reports when the connection just dies.
    if (code === 1006) return this.dropAll();
    for (const s of this.sessions) s.ws.close(code, reason);
    return this.sessions.size;
  }

  sendGarbage(count: number): void {
    for (const s of this.sessions) {
      if (s.ws.readyState !== WebSocket.OPEN) continue;
      for (let i = 0; i < count; i++) {
        s.ws.send(garbageFrame(this.garbageRng), { binary: true });
        this.counters.garbageSent++;
      }
    }
  }

  private onMessage(session: Session, data: Buffer, isBinary: boolean): void {
    // Upstox reads requests only from binary frames; text frames are ignored.
    if (!isBinary) {
      this.counters.textFramesIgnored++;
      return;
    }
    let request: z.infer<typeof RequestSchema>;
    try {
      request = RequestSchema.parse(JSON.parse(data.toString('utf8')));
    } catch {
      this.counters.invalidRequests++;
      return;
    }
    const indexes: number[] = [];
    for (const key of request.data.instrumentKeys) {
      const index = this.o.model.indexOf(key);
      // Unknown keys are dropped silently, as Upstox does.
      if (index !== undefined) indexes.push(index);
    }
    if (request.method === 'unsub') {
      for (const index of indexes) this.remove(session, index);
      return;
    }
    const mode = request.data.mode ?? 'ltpc';
    for (const index of indexes) {
      const current = session.modes.get(index);
      if (request.method === 'change_mode' && current === undefined) continue;
      if (current !== mode && !this.hasRoom(session, mode)) continue;
      if (current !== mode) {
        if (current) session.counts[current]--;
        session.counts[mode]++;
        session.modes.set(index, mode);
      }
      session.pendingInitial.add(index);
    }
    if (!this.stalled()) this.flushInitial(session, this.o.clock.now(), new Map());
  }

  /** Upstox limits per mode: `individual` while it is the only mode in use, `combined` once several are. */
  private hasRoom(session: Session, mode: FeedMode): boolean {
    const inUse = FEED_MODES.filter((m) => m === mode || session.counts[m] > 0).length;
    const limit = inUse > 1 ? this.limits[mode].combined : this.limits[mode].individual;
    return session.counts[mode] < limit;
  }

  private remove(session: Session, index: number): void {
    const mode = session.modes.get(index);
    if (!mode) return;
    session.modes.delete(index);
    session.counts[mode]--;
    session.pendingInitial.delete(index);
  }

  private tick(): void {
    const now = this.o.clock.now();
    const changed = this.o.model.step(now);
    if (this.stalled() || this.sessions.size === 0) return;
    const cache = new Map<number, Uint8Array>();
    for (const session of this.sessions) {
      if (session.ws.readyState !== WebSocket.OPEN) continue;
      if (!session.marketInfoSent) this.sendMarketInfo(session);
      if (session.pendingInitial.size > 0) this.flushInitial(session, now, cache);
      if (session.modes.size === 0) continue;
      if (session.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
        this.counters.framesSkipped++;
        continue;
      }
      const feeds: Array<readonly [string, Uint8Array]> = [];
      for (const index of changed) {
        const mode = session.modes.get(index);
        if (mode) feeds.push([this.o.model.instrument(index).instrumentKey, this.encoded(index, mode, cache)]);
      }
      this.sendData(session, 'live_feed', feeds, now);
    }
  }

  private encoded(index: number, mode: FeedMode, cache: Map<number, Uint8Array>): Uint8Array {
    const slot = index * FEED_MODES.length + FEED_MODES.indexOf(mode);
    let bytes = cache.get(slot);
    if (!bytes) {
      bytes = this.o.encoder.feed(index, mode);
      cache.set(slot, bytes);
    }
    return bytes;
  }

  private flushInitial(session: Session, now: number, cache: Map<number, Uint8Array>): void {
    if (session.ws.readyState !== WebSocket.OPEN) return;
    const feeds: Array<readonly [string, Uint8Array]> = [];
    for (const index of session.pendingInitial) {
      const mode = session.modes.get(index);
      if (mode) feeds.push([this.o.model.instrument(index).instrumentKey, this.encoded(index, mode, cache)]);
    }
    session.pendingInitial.clear();
    this.sendData(session, 'initial_feed', feeds, now);
  }

  private sendData(
    session: Session,
    type: DataFrameType,
    feeds: ReadonlyArray<readonly [string, Uint8Array]>,
    now: number,
  ): void {
    if (feeds.length === 0) return;
    session.ws.send(this.o.encoder.response(type, feeds, now), { binary: true });
    this.counters.framesSent++;
    this.counters.ticksSent += feeds.length;
    this.o.onTicksSent?.(
      feeds.map(([key]) => key),
      type,
    );
  }

  private sendMarketInfo(session: Session): void {
    if (session.ws.readyState !== WebSocket.OPEN) return;
    session.ws.send(this.o.encoder.marketInfo(this.o.clock.now()), { binary: true });
    session.marketInfoSent = true;
    this.counters.framesSent++;
  }

  private ping(): void {
    if (this.stalled()) return;
    for (const s of this.sessions) if (s.ws.readyState === WebSocket.OPEN) s.ws.ping();
  }
}
