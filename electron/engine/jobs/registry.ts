import type { z } from 'zod';
import type { JobContext } from './context';

export interface JobKind<P = unknown> {
  kind: string;
  /** Checked when a job is enqueued and again when it is loaded to run. */
  payload: z.ZodType<P>;
  description: string;
  maxAttempts?: number;
  /** At most this many jobs of this kind run at once in one runner. */
  concurrency?: number;
  backoff?: { baseMs: number; maxMs: number };
  /**
   * Whether the job may succeed with failed items: the handler judges them (an import succeeds above its success
   * threshold, and says so by returning). By default a failed item fails the job.
   */
  acceptsFailedItems?: boolean;
  /** Whether an error that is neither transient nor permanent is retried; an order never is. */
  retryUnknownErrors?: boolean;
  handler(ctx: JobContext<P>): Promise<unknown>;
}

export const DEFAULT_MAX_ATTEMPTS = 3;
export const DEFAULT_BACKOFF = { baseMs: 2_000, maxMs: 5 * 60_000 };

/** A kind of any payload type: handlers and schemas are paired inside each kind, so the registry need not know P. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyJobKind = JobKind<any>;

export function defineJobKind<P>(kind: JobKind<P>): JobKind<P> {
  return kind;
}

export interface JobRegistry {
  get(kind: string): JobKind | undefined;
  kinds(): string[];
  /** Adds kinds before the runner starts; a name registered twice is a startup error. */
  register(kinds: readonly AnyJobKind[]): void;
}

export function createJobRegistry(initial: readonly AnyJobKind[] = []): JobRegistry {
  const byName = new Map<string, JobKind>();
  const register = (kinds: readonly AnyJobKind[]) => {
    for (const kind of kinds) {
      if (byName.has(kind.kind)) throw new Error(`job kind registered twice: ${kind.kind}`);
      byName.set(kind.kind, kind);
    }
  };
  register(initial);
  return { get: (name) => byName.get(name), kinds: () => [...byName.keys()], register };
}
