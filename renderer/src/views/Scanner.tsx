import { useRef } from 'react';
import { WorldBadge } from '../components/WorldBadge';
import { useAnalysisStore } from '../stores/analysis';
import { ScanForm } from './analysis/ScanForm';
import { ScanHistory } from './analysis/ScanHistory';
import { ScanPanel } from './analysis/ScanPanel';
import { ScanResults } from './analysis/ScanResults';
import { useSlashFocus } from './analysis/use-keys';

/** Level-1 scans: a new scan, the selected scan's progress and ranked results, and the recent scans. */
export function ScannerView() {
  const filterRef = useRef<HTMLInputElement>(null);
  const selectedScanId = useAnalysisStore((s) => s.selectedScanId);
  const error = useAnalysisStore((s) => s.errors.scans);
  useSlashFocus(filterRef);
  return (
    <section className="view analysis-view scanner-view" aria-labelledby="view-title">
      <div className="view-header">
        <h1 id="view-title">Scanner</h1>
        <WorldBadge />
      </div>
      {error ? (
        <p className="banner banner-bad" role="alert">
          Could not load scans: {error}
        </p>
      ) : null}
      <div className="analysis-top">
        <ScanForm />
        <ScanPanel />
      </div>
      {/* A fresh table per scan: its sort and filters belong to the results they were set on. */}
      <ScanResults key={selectedScanId ?? 'none'} filterRef={filterRef} />
      <ScanHistory />
    </section>
  );
}
