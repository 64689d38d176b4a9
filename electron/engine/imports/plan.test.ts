import { describe, expect, it } from 'vitest';
import { cutIntoSpans, lookbackStart, planRequests } from './plan';
import { UPSTOX_HISTORY_LIMITS as U } from './providers/upstox';

const ist = (date: string, time = '00:00') => Date.parse(`${date}T${time}:00+05:30`);

describe('import request planning (upstox-v3.md §4.2)', () => {
  it('cuts ranges into the span each unit allows, oldest first, without gaps or overlaps', () => {
    expect(cutIntoSpans({ from: '2024-01-15', to: '2024-04-10' }, U['1m'])).toEqual([
      { from: '2024-01-15', to: '2024-02-14' },
      { from: '2024-02-15', to: '2024-03-14' },
      { from: '2024-03-15', to: '2024-04-10' },
    ]);
    expect(cutIntoSpans({ from: '2024-01-31', to: '2024-03-31' }, U['1m'])).toEqual([
      { from: '2024-01-31', to: '2024-02-28' },
      { from: '2024-02-29', to: '2024-03-28' },
      { from: '2024-03-29', to: '2024-03-31' },
    ]);
    expect(cutIntoSpans({ from: '2023-01-01', to: '2023-12-31' }, U['1h'])).toHaveLength(4);
    expect(cutIntoSpans({ from: '2023-01-01', to: '2023-12-31' }, U['30m'])).toHaveLength(4);
    expect(cutIntoSpans({ from: '2000-01-01', to: '2026-12-03' }, U['1d'])).toEqual([
      { from: '2000-01-01', to: '2009-12-31' },
      { from: '2010-01-01', to: '2019-12-31' },
      { from: '2020-01-01', to: '2026-12-03' },
    ]);
    expect(cutIntoSpans({ from: '2000-01-01', to: '2026-12-03' }, U['1w'])).toEqual([
      { from: '2000-01-01', to: '2026-12-03' },
    ]);
    expect(cutIntoSpans({ from: '2026-12-04', to: '2026-12-03' }, U['1d'])).toEqual([]);
  });

  it('asks for everything on a first run, from no earlier than Upstox serves', () => {
    expect(lookbackStart('2026-12-03', 3650)).toBe('2016-12-06');
    expect(planRequests(U['1d'], '2016-12-06', '2026-12-03', null)).toEqual([{ from: '2016-12-06', to: '2026-12-03' }]);
    expect(planRequests(U['1d'], '2006-12-06', '2026-12-03', null)).toEqual([
      { from: '2006-12-06', to: '2016-12-05' },
      { from: '2016-12-06', to: '2026-12-03' },
    ]);
    expect(planRequests(U['1h'], '2019-01-01', '2022-02-10', null)).toEqual([{ from: '2022-01-01', to: '2022-02-10' }]);
  });

  it('a second identical run asks for one request: from the last stored day to today', () => {
    const stored = { first: ist('2016-12-06'), last: ist('2026-12-03'), count: 2470 };
    expect(planRequests(U['1d'], '2016-12-06', '2026-12-03', stored)).toEqual([
      { from: '2026-12-03', to: '2026-12-03' },
    ]);
    const hourly = { first: ist('2025-12-03', '09:15'), last: ist('2026-12-02', '15:15'), count: 1700 };
    expect(planRequests(U['1h'], '2025-12-03', '2026-12-03', hourly)).toEqual([
      { from: '2026-12-02', to: '2026-12-03' },
    ]);
  });

  it('a longer lookback than stored fetches the older part too, cut to spans', () => {
    const stored = { first: ist('2026-06-01', '09:15'), last: ist('2026-12-03', '15:29'), count: 50_000 };
    expect(planRequests(U['1m'], '2026-04-01', '2026-12-05', stored)).toEqual([
      { from: '2026-04-01', to: '2026-04-30' },
      { from: '2026-05-01', to: '2026-05-31' },
      { from: '2026-12-03', to: '2026-12-05' },
    ]);
  });

  it('a lookback that starts on a weekend before the first bar asks nothing for that weekend, run after run', () => {
    // 1 November 2025 is a Saturday: the first daily bar is Monday the 3rd.
    const stored = { first: ist('2025-11-03'), last: ist('2026-12-04'), count: 270 };
    expect(planRequests(U['1d'], '2025-11-01', '2026-12-05', stored)).toEqual([
      { from: '2026-12-04', to: '2026-12-05' },
    ]);
    // A Friday before the first bar is still fetched.
    expect(planRequests(U['1d'], '2025-10-31', '2026-12-05', stored)[0]).toEqual({
      from: '2025-10-31',
      to: '2025-11-02',
    });
  });

  it('counts lookback days including today', () => {
    expect(lookbackStart('2026-12-03', 1)).toBe('2026-12-03');
    expect(lookbackStart('2026-03-01', 2)).toBe('2026-02-28');
  });
});
