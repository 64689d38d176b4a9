import crypto from 'node:crypto';
import os from 'node:os';
import type { StopReason } from './errors';

/**
 * An AbortController made only when its signal is first read or a stop is asked for: making one costs about 7 µs
 * on Node 20, a large share of a short job's whole run, and most jobs finish without either.
 */
export class LazyAbortController {
  private controller: AbortController | undefined;

  get signal(): AbortSignal {
    return (this.controller ??= new AbortController()).signal;
  }

  get aborted(): boolean {
    return this.controller?.signal.aborted ?? false;
  }

  abort(reason: StopReason): void {
    (this.controller ??= new AbortController()).abort(reason);
  }
}

/** Identifies this runner in leases: host and pid let a restarted engine see that the previous one is gone. */
export function newOwnerId(): string {
  return `${os.hostname()}/${process.pid}/${crypto.randomBytes(4).toString('hex')}`;
}

/** A lease owner that was a process on this host which no longer exists: its jobs can be taken back at once. */
export function ownerIsDeadProcess(owner: string | null): boolean {
  if (!owner) return true;
  const [host, pidText] = owner.split('/');
  const pid = Number(pidText);
  if (host !== os.hostname() || !Number.isInteger(pid) || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
