import type { Clock, TimerHandle } from '../common/clock';

export interface Coalescer {
  /** Notes that an instrument changed; the next emit, at most `intervalMs` from now, carries it. */
  mark(key: string): void;
  /** Instruments marked since the last emit. */
  pending(): number;
  /** Drops what is pending and the timer. */
  stop(): void;
}

/**
 * Collects the instruments that changed and hands them over at most once per interval, on the trailing edge:
 * a burst of ticks becomes one event carrying the latest state, and an idle feed schedules nothing.
 */
export function createCoalescer(
  clock: Clock,
  intervalMs: number,
  emit: (keys: ReadonlySet<string>) => void,
): Coalescer {
  let changed = new Set<string>();
  let timer: TimerHandle | undefined;

  function fire(): void {
    timer = undefined;
    if (changed.size === 0) return;
    const keys = changed;
    changed = new Set();
    emit(keys);
  }

  return {
    mark(key) {
      changed.add(key);
      if (timer === undefined) timer = clock.setTimeout(fire, intervalMs);
    },
    pending: () => changed.size,
    stop() {
      clock.clearTimeout(timer);
      timer = undefined;
      changed.clear();
    },
  };
}
