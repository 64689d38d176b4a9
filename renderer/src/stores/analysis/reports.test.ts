import { beforeEach, describe, expect, it } from 'vitest';
import { summary } from './fixtures';
import {
  compareTicked,
  openReport,
  removeReport,
  replaceReports,
  reportQuery,
  toggleCompare,
  toggleCompareId,
} from './reports';
import { EMPTY_REPORT_FILTERS, useAnalysisStore } from './state';

const state = () => useAnalysisStore.getState();

describe('the report library', () => {
  beforeEach(() => useAnalysisStore.setState(useAnalysisStore.getInitialState(), true));

  it('turns the filters into a query without the empty ones', () => {
    expect(reportQuery(EMPTY_REPORT_FILTERS)).toEqual({ limit: 200 });
    expect(reportQuery({ q: '  breakout ', symbol: 'tcs', grade: 'LOW', from: '2026-01-01', to: '2026-0' })).toEqual({
      limit: 200,
      q: 'breakout',
      symbol: 'TCS',
      grade: 'LOW',
      from: '2026-01-01',
    });
  });

  it('lists reports newest first', () => {
    replaceReports([
      summary(1, 'TCS', '2026-03-10T10:00:00.000+05:30'),
      summary(3, 'TCS', '2026-03-12T10:00:00.000+05:30'),
      summary(2, 'INFY', '2026-03-11T10:00:00.000+05:30'),
    ]);
    expect(state().reports.map((r) => r.id)).toEqual([3, 2, 1]);
  });

  it('ticks at most two reports, both of one symbol, for a comparison', () => {
    const reports = [
      summary(1, 'TCS', '2026-03-10T10:00:00Z'),
      summary(2, 'TCS', '2026-03-11T10:00:00Z'),
      summary(3, 'TCS', '2026-03-12T10:00:00Z'),
      summary(4, 'INFY', '2026-03-12T10:00:00Z'),
    ];
    expect(toggleCompareId([], 1, reports)).toEqual([1]);
    expect(toggleCompareId([1], 2, reports)).toEqual([1, 2]);
    expect(toggleCompareId([1, 2], 3, reports)).toEqual([2, 3]);
    expect(toggleCompareId([1, 2], 4, reports)).toEqual([4]);
    expect(toggleCompareId([1, 2], 1, reports)).toEqual([2]);
  });

  it('compares the two ticked reports, and a deleted report leaves the ticks, the comparison and the open report', () => {
    replaceReports([summary(1, 'TCS', '2026-03-10T10:00:00Z'), summary(2, 'TCS', '2026-03-11T10:00:00Z')]);
    toggleCompare(2);
    compareTicked();
    expect(state().comparePair).toBeNull();
    toggleCompare(1);
    compareTicked();
    expect(state().comparePair).toEqual([1, 2]);
    removeReport(2);
    expect(state()).toMatchObject({ comparePair: null, compareIds: [1], reports: [{ id: 1 }] });
    openReport(1);
    removeReport(1);
    expect(state()).toMatchObject({ openReportId: null, reports: [] });
  });
});
