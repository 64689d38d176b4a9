import { describe, expect, it } from 'vitest';
import { backfillRequest, supersede } from './backfill.job';

const MINUTE = 60_000;
const at = (iso: string) => Date.parse(iso);

describe('supersede', () => {
  it('cancels queued backfills whose instruments the new one covers, and starts from the earliest of their minutes', () => {
    const request = backfillRequest({ since: at('2026-01-05T06:00:00Z'), keys: ['A', 'B', 'C'], reason: 'reconnect' });
    const queued = [
      { id: 1, payload: { since: at('2026-01-05T03:45:00Z'), instrumentKeys: ['A', 'B'] } },
      { id: 2, payload: { since: at('2026-01-05T05:00:00Z'), instrumentKeys: ['C'] } },
      { id: 3, payload: { since: at('2026-01-05T03:45:00Z'), instrumentKeys: ['A', 'Z'] } },
    ];
    const { request: merged, superseded } = supersede(request, queued);
    expect(superseded).toEqual([1, 2]);
    expect(merged.payload).toEqual({ since: at('2026-01-05T03:45:00Z'), instrumentKeys: ['A', 'B', 'C'] });
    expect(merged.idempotencyKey).toBeNull();
    expect(merged.priority).toBe('HIGH');
  });

  it('leaves the request as it is when nothing queued is covered', () => {
    const request = backfillRequest({ since: 10 * MINUTE, keys: ['A'], reason: 'reconnect' });
    const { request: same, superseded } = supersede(request, [
      { id: 4, payload: { since: 0, instrumentKeys: ['A', 'B'] } },
    ]);
    expect(superseded).toEqual([]);
    expect(same).toBe(request);
    expect(same.idempotencyKey).toBe('feed.backfill:10');
  });
});
