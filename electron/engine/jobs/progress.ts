import type { JobProgress } from '../../../shared/domain/jobs';
import type { Clock, TimerHandle } from '../common/clock';
import { EtaEstimator } from './eta';

/** A job's own estimate of its finish (epoch ms) with `remainingItems` left, or null when it cannot tell yet. */
export type EtaSource = (remainingItems: number, now: number) => number | null;

/** Most progress events a job publishes per second; ticks of progress in between are merged. */
export const PROGRESS_EVENTS_PER_SECOND = 4;
const MIN_INTERVAL_MS = 1000 / PROGRESS_EVENTS_PER_SECOND;

export type ProgressUpdate = Partial<
  Pick<JobProgress, 'message' | 'phase' | 'percentage' | 'currentItem' | 'total' | 'estimatedCompletion'>
>;

/**
 * Keeps a job's progress in memory and publishes it (persist + event) at most 4 times a second,
 * always publishing the latest state after a burst so the view never shows a stale figure.
 */
export class ProgressTracker {
  readonly eta = new EtaEstimator();
  private state: JobProgress;
  private lastPublished = -Infinity;
  private trailing: TimerHandle | undefined;
  private concurrency = 1;
  private estimator: EtaSource | null = null;

  constructor(
    initial: JobProgress,
    private readonly clock: Clock,
    private readonly publish: (progress: JobProgress) => void,
  ) {
    this.state = { ...initial };
  }

  current(): JobProgress {
    return this.state;
  }

  setConcurrency(n: number): void {
    this.concurrency = Math.max(1, n);
  }

  /**
   * Replaces the moving average with the job's own estimate (an import bound by the rate limiter knows the requests
   * it still needs and the rate it will be allowed); null from it falls back to the average.
   */
  estimateWith(source: EtaSource | null): void {
    this.estimator = source;
  }

  update(update: ProgressUpdate): void {
    this.state = { ...this.state, ...update };
    this.schedule();
  }

  /** Item counts changed: derive percentage and ETA from them. */
  items(counts: { completed: number; failed: number; total: number; currentItem?: string | null }): void {
    const done = counts.completed + counts.failed;
    const remaining = Math.max(0, counts.total - done);
    const now = this.clock.now();
    const eta =
      remaining === 0 ? now : (this.estimator?.(remaining, now) ?? this.eta.estimate(remaining, this.concurrency, now));
    this.state = {
      ...this.state,
      completed: counts.completed,
      failed: counts.failed,
      total: counts.total,
      percentage: counts.total > 0 ? Math.round((done / counts.total) * 1000) / 10 : this.state.percentage,
      currentItem: counts.currentItem === undefined ? this.state.currentItem : counts.currentItem,
      avgItemMs: this.eta.avgItemMs(),
      estimatedCompletion: eta === null ? null : new Date(eta).toISOString(),
    };
    this.schedule();
  }

  /** Publishes now, whatever the throttle says (start, finish). */
  flush(): void {
    this.clock.clearTimeout(this.trailing);
    this.trailing = undefined;
    this.lastPublished = this.clock.now();
    this.publish(this.state);
  }

  dispose(): void {
    this.clock.clearTimeout(this.trailing);
    this.trailing = undefined;
  }

  private schedule(): void {
    const wait = this.lastPublished + MIN_INTERVAL_MS - this.clock.now();
    if (wait <= 0) {
      this.flush();
      return;
    }
    this.trailing ??= this.clock.setTimeout(() => {
      this.trailing = undefined;
      this.flush();
    }, wait);
  }
}
