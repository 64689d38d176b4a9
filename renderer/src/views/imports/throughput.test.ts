import { describe, expect, it } from 'vitest';
import { bucketThroughput } from './throughput';

describe('throughput', () => {
  it('buckets throughput per 10 s from the start, empty buckets included', () => {
    const points = bucketThroughput(
      {
        since: 0,
        samples: [
          { at: 1_000, records: 5, failed: false },
          { at: 9_000, records: 5, failed: false },
          { at: 25_000, records: 7, failed: true },
        ],
      },
      30_000,
    );
    expect(points.map((p) => [p.label, p.symbols, p.records])).toEqual([
      ['0:00', 0, 0],
      ['0:10', 2, 10],
      ['0:20', 0, 0],
      ['0:30', 1, 7],
    ]);
  });
});
