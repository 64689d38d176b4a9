import type { KeyboardEvent } from 'react';
import type { ScanSummary } from '../../../../shared/domain/analysis';
import { formatDateTime } from '../../lib/format';
import { selectScan, useAnalysisStore } from '../../stores/analysis';
import { formatCount } from '../imports/format';
import { ANALYSIS_STATUS_BADGE } from './ScanPanel';

function ScanRow({ scan, selected }: { scan: ScanSummary; selected: boolean }) {
  const pick = () => selectScan(scan.scanId);
  const onKeyDown = (event: KeyboardEvent<HTMLTableRowElement>) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      pick();
    }
  };
  return (
    <tr
      className={selected ? 'run-row selected' : 'run-row'}
      tabIndex={0}
      aria-selected={selected}
      onClick={pick}
      onKeyDown={onKeyDown}
      data-testid={`scan-history-${scan.scanId}`}
      data-status={scan.status}
    >
      <td className="num">{scan.scanId}</td>
      <td>{formatDateTime(scan.createdAt)}</td>
      <td>{scan.universeName}</td>
      <td className="num">{scan.threshold}</td>
      <td>
        <span className={`badge ${ANALYSIS_STATUS_BADGE[scan.status]}`}>{scan.status}</span>
      </td>
      <td className="num">
        {scan.status === 'COMPLETED' ? (
          <>
            <span className="good">{formatCount(scan.passed)}</span> / {formatCount(scan.total)}
          </>
        ) : scan.status === 'PROCESSING' ? (
          `${scan.progress.percentage.toFixed(0)}%`
        ) : (
          <span className="bad" title={scan.error ?? undefined}>
            failed
          </span>
        )}
      </td>
    </tr>
  );
}

/** Recent scans, newest first; a click (or Enter) shows one's results again. */
export function ScanHistory() {
  const scans = useAnalysisStore((s) => s.scans);
  const loaded = useAnalysisStore((s) => s.scansLoaded);
  const selectedScanId = useAnalysisStore((s) => s.selectedScanId);
  if (!loaded || scans.length === 0) return null;
  return (
    <section className="history-panel" aria-labelledby="scan-history-title">
      <h2 id="scan-history-title">Recent scans</h2>
      <table className="table history-table" aria-label="Recent scans">
        <thead>
          <tr>
            <th className="num">#</th>
            <th>Created</th>
            <th>Universe</th>
            <th className="num">Threshold</th>
            <th>Status</th>
            <th className="num">Passed / scored</th>
          </tr>
        </thead>
        <tbody>
          {scans.map((scan) => (
            <ScanRow key={scan.scanId} scan={scan} selected={scan.scanId === selectedScanId} />
          ))}
        </tbody>
      </table>
    </section>
  );
}
