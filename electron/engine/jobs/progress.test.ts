import { describe, expect, it } from 'vitest';
import type { JobProgress } from '../../../shared/domain/jobs';
import { FakeClock } from '../../../tests/helpers/fake-clock';
import { emptyProgress } from '../store/jobs';
import { PROGRESS_EVENTS_PER_SECOND, ProgressTracker } from './progress';

interface Published {
  at: number;
  progress: JobProgress;
}

function setup(total = 0) {
  const clock = new FakeClock('2026-01-05T04:00:00.000Z');
  const start = clock.now();
  const published: Published[] = [];
  const tracker = new ProgressTracker(emptyProgress(total), clock, (progress) =>
    published.push({ at: clock.now() - start, progress }),
  );
  return { clock, tracker, published };
}

describe('ProgressTracker', () => {
  it('allows 4 events per second', () => {
    expect(PROGRESS_EVENTS_PER_SECOND).toBe(4);
  });

  it('publishes the first change at once', () => {
    const { tracker, published } = setup();
    tracker.update({ phase: 'running', message: 'starting' });
    expect(published).toHaveLength(1);
    expect(published[0]!.progress).toMatchObject({ phase: 'running', message: 'starting' });
  });

  it('merges a burst: nothing more inside 250 ms, then the latest state from the trailing timer', () => {
    const { clock, tracker, published } = setup(100);
    tracker.update({ phase: 'running' });
    for (let i = 1; i <= 50; i++) {
      clock.advance(2);
      tracker.items({ completed: i, failed: 0, total: 100, currentItem: `item-${i}` });
    }
    expect(published).toHaveLength(1); // 100 ms of changes, none published yet

    clock.advance(149);
    expect(published).toHaveLength(1);
    clock.advance(1); // 250 ms after the first publish
    expect(published).toHaveLength(2);
    expect(published[1]).toMatchObject({
      at: 250,
      progress: { completed: 50, percentage: 50, currentItem: 'item-50' },
    });

    // Nothing changed since: the timer does not publish again.
    clock.advance(5_000);
    expect(published).toHaveLength(2);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('publishes at most every 250 ms under a steady stream of changes, and never a stale final state', () => {
    const { clock, tracker, published } = setup(1_000);
    for (let i = 1; i <= 1_000; i++) {
      clock.advance(3);
      tracker.items({ completed: i, failed: 0, total: 1_000 });
    }
    clock.advance(250);

    const seconds = 3;
    expect(published.length).toBeLessThanOrEqual(PROGRESS_EVENTS_PER_SECOND * seconds + 1);
    expect(published.length).toBeGreaterThanOrEqual(PROGRESS_EVENTS_PER_SECOND * seconds - 1);
    for (let i = 1; i < published.length; i++)
      expect(published[i]!.at - published[i - 1]!.at).toBeGreaterThanOrEqual(250);
    expect(published.at(-1)!.progress).toMatchObject({ completed: 1_000, percentage: 100 });
  });

  it('publishes a change made long after the last one at once', () => {
    const { clock, tracker, published } = setup();
    tracker.update({ message: 'a' });
    clock.advance(10_000);
    tracker.update({ message: 'b' });
    expect(published.map((p) => [p.at, p.progress.message])).toEqual([
      [0, 'a'],
      [10_000, 'b'],
    ]);
  });

  it('derives percentage, average item time and ETA from item counts', () => {
    const { clock, tracker } = setup(8);
    expect(tracker.current().estimatedCompletion).toBeNull();
    tracker.setConcurrency(2);
    for (const ms of [100, 100, 100]) tracker.eta.record(ms);
    tracker.items({ completed: 2, failed: 1, total: 8 });
    expect(tracker.current()).toMatchObject({ completed: 2, failed: 1, total: 8, percentage: 37.5, avgItemMs: 100 });
    // 5 items left at 100 ms each, 2 at a time.
    expect(tracker.current().estimatedCompletion).toBe(new Date(clock.now() + 250).toISOString());

    tracker.items({ completed: 8, failed: 0, total: 8, currentItem: null });
    expect(tracker.current()).toMatchObject({
      percentage: 100,
      estimatedCompletion: new Date(clock.now()).toISOString(),
      currentItem: null,
    });
  });

  it('flush publishes now whatever the throttle says; dispose drops a pending trailing publish', () => {
    const { clock, tracker, published } = setup();
    tracker.update({ message: 'one' });
    tracker.update({ message: 'two' });
    expect(published).toHaveLength(1);
    tracker.flush();
    expect(published.map((p) => p.progress.message)).toEqual(['one', 'two']);

    tracker.update({ message: 'three' });
    expect(clock.pendingTimers()).toBe(1);
    tracker.dispose();
    expect(clock.pendingTimers()).toBe(0);
    clock.advance(1_000);
    expect(published.map((p) => p.progress.message)).toEqual(['one', 'two']);
  });
});
