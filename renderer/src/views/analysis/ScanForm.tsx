import { useState, type FormEvent } from 'react';
import { DEFAULT_SCAN_THRESHOLD, type ScanRequest } from '../../../../shared/domain/analysis';
import { useBridge } from '../../bridge-context';
import { useCommand } from '../../lib/use-command';
import { noteScanStarted, useAnalysisStore } from '../../stores/analysis';
import { fieldErrorsOf, formatCount } from '../imports/format';

/** A new Level-1 scan: the universe to rank and the composite score a symbol needs to pass. */
export function ScanForm() {
  const bridge = useBridge();
  const universes = useAnalysisStore((s) => s.universes);
  const loaded = useAnalysisStore((s) => s.universesLoaded);
  const [chosen, setChosen] = useState('');
  const [threshold, setThreshold] = useState(String(DEFAULT_SCAN_THRESHOLD));
  const command = useCommand();
  const universe = chosen || universes[0]?.id || '';
  const errors = fieldErrorsOf(command.error);
  const thresholdValue = Number(threshold);
  const thresholdValid = threshold.trim() !== '' && thresholdValue >= 0 && thresholdValue <= 100;

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const request: ScanRequest = { universe, threshold: thresholdValue };
    const started = await command.run(() => bridge.invoke('scans.start', request));
    if (!started) return;
    const name = universes.find((u) => u.id === universe)?.name ?? universe;
    noteScanStarted(started, request, name, new Date().toISOString());
  };

  return (
    <form className="card scan-form" aria-labelledby="scan-form-title" onSubmit={(e) => void onSubmit(e)}>
      <h2 id="scan-form-title">New scan</h2>
      <label className="field">
        <span className="field-label">Universe</span>
        <select
          name="universe"
          value={universe}
          disabled={!loaded || universes.length === 0}
          onChange={(e) => setChosen(e.target.value)}
          aria-invalid={errors.universe ? true : undefined}
          data-testid="scan-universe"
        >
          {!loaded ? <option value="">Loading…</option> : null}
          {universes.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name} ({formatCount(u.memberCount)})
            </option>
          ))}
        </select>
        {errors.universe ? <span className="field-error">{errors.universe}</span> : null}
      </label>
      <label className="field">
        <span className="field-label">Pass threshold</span>
        <input
          type="number"
          name="threshold"
          min={0}
          max={100}
          step={1}
          value={threshold}
          onChange={(e) => setThreshold(e.target.value)}
          aria-invalid={!thresholdValid || errors.threshold ? true : undefined}
          data-testid="scan-threshold"
        />
        <span className={errors.threshold ? 'field-error' : 'field-hint'}>
          {errors.threshold ?? 'A symbol passes when its composite score (0-100) reaches this.'}
        </span>
      </label>
      {command.message && !errors.universe && !errors.threshold ? (
        <p className="banner banner-bad" role="alert">
          Could not start the scan: {command.message}
        </p>
      ) : null}
      <button type="submit" disabled={command.busy || !universe || !thresholdValid} data-testid="scan-run">
        {command.busy ? 'Starting…' : 'Run scan'}
      </button>
    </form>
  );
}
