import { describe, expect, it } from 'vitest';
import { formatIsoDate, fundamentalsImportedText } from './fundamentals';

describe('fundamentals import summary', () => {
  it('counts the companies imported and the BSE-only rows left out, with the date they are as of', () => {
    expect(
      fundamentalsImportedText({
        imported: 2120,
        asOf: '2026-03-12',
        skipped: [
          { line: 4, value: '543210', reason: 'BSE-listed only: no NSE code' },
          { line: 9, value: '543211', reason: 'BSE-listed only: no NSE code' },
        ],
      }),
    ).toBe('2,120 companies imported as of 12 Mar 2026, 2 BSE-only rows left out');
  });

  it('says one company and one row in the singular, and none left out when none were', () => {
    expect(
      fundamentalsImportedText({
        imported: 1,
        asOf: '2026-01-05',
        skipped: [{ line: 3, value: '500001', reason: 'BSE-listed only: no NSE code' }],
      }),
    ).toBe('1 company imported as of 5 Jan 2026, 1 BSE-only row left out');
    expect(fundamentalsImportedText({ imported: 50, asOf: '2026-01-05', skipped: [] })).toBe(
      '50 companies imported as of 5 Jan 2026, 0 BSE-only rows left out',
    );
  });

  it('keeps the calendar day whatever the time zone of the machine', () => {
    expect(formatIsoDate('2026-12-31')).toBe('31 Dec 2026');
    expect(formatIsoDate('not a date')).toBe('not a date');
  });
});
