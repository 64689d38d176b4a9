import { describe, expect, it } from 'vitest';
import { deepDiveSteps } from './deep-dives';

describe('deep-dive steps', () => {
  it('derives each named step from the progress when the engine sent none', () => {
    const statuses = (progress: number, status: 'PROCESSING' | 'COMPLETED' | 'FAILED') =>
      deepDiveSteps([], progress, status).map((s) => `${s.label}: ${s.status}`);
    expect(statuses(0, 'PROCESSING')).toEqual([
      'Refresh data: RUNNING',
      'Multi-factor analysis: PENDING',
      'Save report: PENDING',
    ]);
    expect(statuses(40, 'PROCESSING')).toEqual([
      'Refresh data: DONE',
      'Multi-factor analysis: RUNNING',
      'Save report: PENDING',
    ]);
    expect(statuses(50, 'FAILED')).toEqual([
      'Refresh data: DONE',
      'Multi-factor analysis: FAILED',
      'Save report: PENDING',
    ]);
    expect(statuses(70, 'COMPLETED').every((s) => s.endsWith('DONE'))).toBe(true);
  });

  it("keeps the engine's own steps, marking the running one failed when the deep-dive fails", () => {
    const steps = [
      { name: 'refresh', label: 'Refresh data', status: 'DONE' as const },
      { name: 'analyse', label: 'Multi-factor analysis', status: 'RUNNING' as const },
      { name: 'save', label: 'Save report', status: 'PENDING' as const },
    ];
    expect(deepDiveSteps(steps, 50, 'FAILED').map((s) => s.status)).toEqual(['DONE', 'FAILED', 'PENDING']);
  });
});
