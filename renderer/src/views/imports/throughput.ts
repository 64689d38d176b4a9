import type { ThroughputSeries } from '../../stores/imports';

/** Width of one point of the chart. */
export const BUCKET_MS = 10_000;

export interface ThroughputPoint {
  /** Seconds since the run started, at the end of the bucket. */
  seconds: number;
  label: string;
  symbols: number;
  records: number;
}

/**
 * Symbols and records finished per 10 s, from the run's start to `until` (empty buckets included: a stall shows),
 * after a zero at the start so that even the first bucket draws as an area.
 */
export function bucketThroughput(series: ThroughputSeries, until: number): ThroughputPoint[] {
  const buckets = Math.max(1, Math.ceil((until - series.since) / BUCKET_MS));
  const points: ThroughputPoint[] = Array.from({ length: buckets }, (_, i) => {
    const seconds = ((i + 1) * BUCKET_MS) / 1000;
    return {
      seconds,
      label: `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`,
      symbols: 0,
      records: 0,
    };
  });
  for (const sample of series.samples) {
    const point = points[Math.min(buckets - 1, Math.max(0, Math.floor((sample.at - series.since) / BUCKET_MS)))]!;
    point.symbols++;
    point.records += sample.records;
  }
  return [{ seconds: 0, label: '0:00', symbols: 0, records: 0 }, ...points];
}
