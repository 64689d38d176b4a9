export interface Coalesced {
  /** Asks for a run: soon if none ran lately, else once the interval since the last one has passed. */
  request(): void;
  cancel(): void;
}

/**
 * Runs `task` at most once per `intervalMs` and never twice at once: the requests that arrive meanwhile fold into one
 * run after it. A burst of events (one per symbol of an import) then costs a request a second, not one each.
 */
export function coalesce(task: () => Promise<void>, intervalMs: number, now: () => number = Date.now): Coalesced {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  let again = false;
  let lastStart = -Infinity;
  let cancelled = false;

  const fire = async () => {
    timer = undefined;
    running = true;
    lastStart = now();
    try {
      await task();
    } catch {
      // The task reports its own failures; a later request tries again.
    } finally {
      running = false;
      if (again && !cancelled) {
        again = false;
        request();
      }
    }
  };

  function request(): void {
    if (cancelled) return;
    if (running) {
      again = true;
      return;
    }
    if (timer !== undefined) return;
    timer = setTimeout(() => void fire(), Math.max(0, lastStart + intervalMs - now()));
  }

  return {
    request,
    cancel() {
      cancelled = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
