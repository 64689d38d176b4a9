import type { FeedHub } from './hub';

/** Fault injection for the feed's reliability tests. Counted faults apply to the next N matching events. */
export interface SimulatorFaults {
  /** Terminates every socket without a close frame (the client sees 1006); returns how many. */
  dropConnections(): number;
  /** Sends `count` binary frames that are not valid protobuf to every open socket. */
  sendGarbage(count: number): void;
  /** For `ms`: no data frames, no server pings and no pongs to client pings; TCP stays open. */
  stall(ms: number): void;
  /** The next `times` authorize calls fail with this status (401 or 403 envelope). */
  failAuthorize(times: number, status?: number): void;
  /** The next `times` WebSocket handshakes are answered with this HTTP status. */
  rejectUpgrade(times: number, status?: number): void;
  /** Delays the answer to handshakes by `ms` (the next `times`, or all until set to 0). */
  slowHandshake(ms: number, times?: number): void;
  /** The next `times` REST calls answer 429 UDAPI10005. */
  rateLimit(times: number): void;
  /** Closes every socket with this close code (1006: terminate, as no peer can send it). */
  closeWith(code: number, reason?: string): number;
  /** Clears every pending counted fault and delay, and ends a stall. */
  reset(): void;
}

/** The counters that the HTTP side consumes; the socket faults act on the hub directly. */
export class FaultState {
  private authorizeFailures = { times: 0, status: 401 };
  private upgradeRejections = { times: 0, status: 403 };
  private handshakeDelay = { ms: 0, times: 0 };
  private rateLimited = 0;

  takeRateLimit(): boolean {
    if (this.rateLimited <= 0) return false;
    this.rateLimited--;
    return true;
  }

  /** The status the next authorize call must fail with, or null. */
  takeAuthorizeFailure(): number | null {
    if (this.authorizeFailures.times <= 0) return null;
    this.authorizeFailures.times--;
    return this.authorizeFailures.status;
  }

  takeUpgradeRejection(): number | null {
    if (this.upgradeRejections.times <= 0) return null;
    this.upgradeRejections.times--;
    return this.upgradeRejections.status;
  }

  takeHandshakeDelay(): number {
    if (this.handshakeDelay.ms <= 0 || this.handshakeDelay.times <= 0) return 0;
    this.handshakeDelay.times--;
    return this.handshakeDelay.ms;
  }

  controls(hub: FeedHub): SimulatorFaults {
    const count = (n: number) => Math.max(0, Math.floor(n));
    return {
      dropConnections: () => hub.dropAll(),
      sendGarbage: (n) => hub.sendGarbage(count(n)),
      stall: (ms) => hub.stall(ms),
      failAuthorize: (times, status = 401) => void (this.authorizeFailures = { times: count(times), status }),
      rejectUpgrade: (times, status = 403) => void (this.upgradeRejections = { times: count(times), status }),
      slowHandshake: (ms, times = Infinity) => void (this.handshakeDelay = { ms, times }),
      rateLimit: (times) => void (this.rateLimited = count(times)),
      closeWith: (code, reason) => hub.closeAll(code, reason),
      reset: () => {
        this.authorizeFailures = { times: 0, status: 401 };
        this.upgradeRejections = { times: 0, status: 403 };
        this.handshakeDelay = { ms: 0, times: 0 };
        this.rateLimited = 0;
        hub.endStall();
      },
    };
  }
}
