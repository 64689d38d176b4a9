import type { ScanSummary } from '../../../../shared/domain/analysis';
import { SelectableRow } from '../../components/SelectableRow';
import { formatDateTime } from '../../lib/format';
import { selectScan, useAnalysisStore } from '../../stores/analysis';
import { formatCount } from '../imports/format';
import { ANALYSIS_STATUS_BADGE } from './ScanPanel';

function ScanRow({ scan, selected }: { scan: ScanSummary; selected: boolean }) {
  return (
    <SelectableRow
      selected={selected}
      onPick={() => selectScan(scan.scanId)}
      testId={`scan-history-${scan.scanId}`}
      status={scan.status}
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
    </SelectableRow>
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
