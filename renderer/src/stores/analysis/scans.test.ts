import { beforeEach, describe, expect, it } from 'vitest';
import type { Scan, ScanSummary } from '../../../../shared/domain/analysis';
import { scan } from './fixtures';
import { noteScanStarted, replaceScans } from './scans';
import { useAnalysisStore } from './state';

const state = () => useAnalysisStore.getState();

describe('lists answered while something starts', () => {
  beforeEach(() => useAnalysisStore.setState(useAnalysisStore.getInitialState(), true));

  it('keeps a scan started here when a list answer that left before it arrives, and drops it once listed', () => {
    const listed = (scanId: number, status: Scan['status']): ScanSummary => {
      const { results: _results, ...rest } = scan(scanId, status);
      return { ...rest, passed: 0, total: 0 };
    };
    noteScanStarted(
      { scanId: 9, jobId: 109 },
      { universe: 'nifty50', threshold: 60 },
      'NIFTY 50',
      '2026-03-12T10:00:00Z',
    );
    replaceScans([listed(8, 'COMPLETED')]);
    expect(state().scans.map((x) => x.scanId)).toEqual([9, 8]);
    expect(state().selectedScanId).toBe(9);
    replaceScans([listed(9, 'PROCESSING'), listed(8, 'COMPLETED')]);
    expect(state().scans.map((x) => [x.scanId, x.status])).toEqual([
      [9, 'PROCESSING'],
      [8, 'COMPLETED'],
    ]);
  });
});
