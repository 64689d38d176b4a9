import { useCallback, useRef, useState } from 'react';

export interface CommandState {
  /** True while an action runs: its control shows it and takes no second press. */
  busy: boolean;
  /** What the last action threw (a WorkstationError from the engine, usually), until the next one starts. */
  error: unknown;
  /** The error as a sentence for a banner, or null. */
  message: string | null;
  /** Runs `action` unless one is running; answers its result, or undefined when it failed or was refused. */
  run<T>(action: () => Promise<T>): Promise<T | undefined>;
  clearError(): void;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** One control's engine command: busy while it runs, its error kept for display, one at a time. */
export function useCommand(): CommandState {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const running = useRef(false);
  const run = useCallback(async <T>(action: () => Promise<T>): Promise<T | undefined> => {
    if (running.current) return undefined;
    running.current = true;
    setBusy(true);
    setError(null);
    try {
      return await action();
    } catch (e) {
      setError(e);
      return undefined;
    } finally {
      running.current = false;
      setBusy(false);
    }
  }, []);
  const clearError = useCallback(() => setError(null), []);
  return { busy, error, message: error === null ? null : messageOf(error), run, clearError };
}
