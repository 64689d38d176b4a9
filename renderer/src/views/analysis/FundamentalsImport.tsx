import { useState, type ChangeEvent } from 'react';
import { useBridge } from '../../bridge-context';
import { useCommand } from '../../lib/use-command';
import { lineErrorsOf } from '../imports/format';
import { LineErrors } from '../imports/LineErrors';
import { fundamentalsImportedText, type FundamentalsImported } from './fundamentals';

/**
 * Fundamentals from a screener export: the file is sent as it is chosen; the engine takes it whole or refuses it
 * whole, naming every bad line.
 */
export function FundamentalsImport() {
  const bridge = useBridge();
  const command = useCommand();
  const [imported, setImported] = useState<FundamentalsImported | null>(null);
  const lineErrors = lineErrorsOf(command.error);

  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const input = event.target;
    const file = input.files?.[0];
    setImported(null);
    command.clearError();
    if (!file) return;
    const csv = await file.text();
    const result = await command.run(() => bridge.invoke('fundamentals.import', { csv }));
    if (result) setImported(result);
    // Choosing the same file again, after fixing it, must fire another change.
    input.value = '';
  };

  return (
    <section className="card fundamentals-import" aria-labelledby="fundamentals-title">
      <h2 id="fundamentals-title">Fundamentals</h2>
      <p className="muted">
        The valuation and institutional sections of a deep-dive read these figures. In demo mode the simulator provides
        them.
      </p>
      <label className="field">
        <span className="field-label">Import a screener export (CSV)</span>
        <input
          type="file"
          accept=".csv,text/csv,text/plain"
          data-testid="fundamentals-file"
          disabled={command.busy}
          onChange={(e) => void onFile(e)}
        />
      </label>
      {command.busy ? <p className="muted small">Importing…</p> : null}
      {imported ? (
        <p className="banner banner-ok" role="status" data-testid="fundamentals-imported">
          {fundamentalsImportedText(imported)}.
        </p>
      ) : null}
      {command.message ? (
        <p className="banner banner-bad" role="alert">
          {command.message}
        </p>
      ) : null}
      <LineErrors errors={lineErrors} testId="fundamentals-errors" />
    </section>
  );
}
