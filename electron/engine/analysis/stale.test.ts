import { describe, expect, it } from 'vitest';
import { ageText, staleWarnings } from './stale';

describe('stale-data warnings', () => {
  it('name the part, the reason and the age of the stored data used instead', () => {
    const warnings = staleWarnings(
      [
        { part: 'candles1d', reason: 'Upstox answered 500' },
        { part: 'optionChain', reason: 'timed out' },
      ],
      {
        candles1d: { asOf: '2026-12-01T00:00:00+05:30', refreshed: false, ageMs: 2 * 86_400_000 + 3_600_000 },
        optionChain: { asOf: null, refreshed: false, ageMs: null },
      },
    );
    expect(warnings).toEqual([
      'Daily candles could not be refreshed (Upstox answered 500): using stored data as of 2026-12-01T00:00:00+05:30 (2 days old).',
      'The option chain could not be refreshed (timed out): no stored data to fall back on.',
    ]);
  });

  it('says ages in minutes, hours or days', () => {
    expect(ageText(5 * 60_000)).toBe('5 min');
    expect(ageText(5 * 3_600_000)).toBe('5 h');
    expect(ageText(47 * 3_600_000)).toBe('47 h');
    expect(ageText(72 * 3_600_000)).toBe('3 days');
  });
});
