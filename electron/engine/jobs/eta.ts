/**
 * Estimates when a job of many items will finish: an exponential moving average of item durations
 * (recent items weigh more, so a slowdown such as rate limiting shows quickly), times the items left,
 * divided by how many items run at once.
 */
export class EtaEstimator {
  private average: number | null = null;

  constructor(private readonly alpha = 0.2) {}

  record(durationMs: number): void {
    this.average = this.average === null ? durationMs : this.alpha * durationMs + (1 - this.alpha) * this.average;
  }

  avgItemMs(): number | null {
    return this.average === null ? null : Math.round(this.average * 10) / 10;
  }

  /** Epoch ms of the expected finish, or null before the first item has finished. */
  estimate(remaining: number, concurrency: number, now: number): number | null {
    if (this.average === null) return null;
    return Math.round(now + (this.average * remaining) / Math.max(1, concurrency));
  }
}
