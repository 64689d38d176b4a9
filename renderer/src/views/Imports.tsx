import { WorldBadge } from '../components/WorldBadge';
import { useImportsStore } from '../stores/imports';
import { RunHistory } from './imports/RunHistory';
import { RunPanel } from './imports/RunPanel';
import { StartForm } from './imports/StartForm';
import { SymbolTable } from './imports/SymbolTable';
import { UniverseEditor } from './imports/UniverseEditor';

/**
 * OHLCV imports: a new import with its plan, the selected run's progress, throughput and symbols, the run history,
 * and the user's universes.
 */
export function ImportsView() {
  const selectedRunId = useImportsStore((s) => s.selectedRunId);
  const error = useImportsStore((s) => s.error);
  return (
    <section className="view imports-view" aria-labelledby="view-title">
      <div className="view-header">
        <h1 id="view-title">Imports</h1>
        <WorldBadge />
      </div>
      {error ? (
        <p className="banner banner-bad" role="alert">
          Could not load imports: {error}
        </p>
      ) : null}
      <div className="imports-top">
        <StartForm />
        <RunPanel />
      </div>
      {/* A fresh table per run: the filter and the chosen rows belong to the run they were made on. */}
      <SymbolTable key={selectedRunId ?? 'none'} />
      <RunHistory />
      <UniverseEditor />
    </section>
  );
}
