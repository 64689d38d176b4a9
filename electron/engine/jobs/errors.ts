import { delay } from '../common/backoff';
import type { Clock } from '../common/clock';

/** A failure worth trying again later (rate limit, timeout, network): retried with backoff up to maxAttempts. */
export class TransientJobError extends Error {
  readonly code: string;
  /** When the handler knows how long to wait (a user's setting), instead of the kind's backoff. */
  readonly retryInMs: number | undefined;
  constructor(code: string, message: string, options: { retryInMs?: number } = {}) {
    super(message);
    this.name = 'TransientJobError';
    this.code = code;
    this.retryInMs = options.retryInMs;
  }
}

/** A failure that will not go away by waiting (bad input, unknown symbol, rejected order): fails at once. */
export class PermanentJobError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'PermanentJobError';
    this.code = code;
  }
}

export type StopReason = 'cancel' | 'shutdown' | 'lease-lost';

/** Thrown at a safe point when the job was asked to stop; the runner decides what that means for the job. */
export class JobStoppedError extends Error {
  readonly reason: StopReason;
  constructor(reason: StopReason) {
    super(`job stopped: ${reason}`);
    this.name = 'JobStoppedError';
    this.reason = reason;
  }
}

export interface ClassifiedError {
  code: string;
  message: string;
  transient: boolean;
  retryInMs?: number;
}

/**
 * An error from a client that knows whether trying again can help (Upstox REST, the instrument import): the runner
 * retries or fails it by that, under `jobCode`, so job kinds need not translate their clients' errors.
 */
export interface SelfClassifyingError extends Error {
  readonly retryable: boolean;
  readonly jobCode: string;
}

function isSelfClassifying(error: unknown): error is SelfClassifyingError {
  return (
    error instanceof Error &&
    typeof (error as Partial<SelfClassifyingError>).retryable === 'boolean' &&
    typeof (error as Partial<SelfClassifyingError>).jobCode === 'string'
  );
}

export function classifyError(error: unknown, retryUnknown: boolean): ClassifiedError {
  if (error instanceof TransientJobError) {
    const classified: ClassifiedError = { code: error.code, message: error.message, transient: true };
    if (error.retryInMs !== undefined) classified.retryInMs = error.retryInMs;
    return classified;
  }
  if (error instanceof PermanentJobError) return { code: error.code, message: error.message, transient: false };
  if (isSelfClassifying(error)) return { code: error.jobCode, message: error.message, transient: error.retryable };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'UNEXPECTED', message, transient: retryUnknown };
}

export function stopReasonOf(signal: AbortSignal): StopReason {
  const reason: unknown = signal.reason;
  return reason === 'cancel' || reason === 'shutdown' || reason === 'lease-lost' ? reason : 'cancel';
}

/** Waits `ms` on `clock`, or rejects with JobStoppedError as soon as the job is asked to stop. */
export function sleepUnlessStopped(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  return delay(clock, ms, signal).catch((error: unknown) => {
    throw signal.aborted ? new JobStoppedError(stopReasonOf(signal)) : error;
  });
}
