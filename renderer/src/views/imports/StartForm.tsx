import { useMemo, useState, type FormEvent, type KeyboardEvent } from 'react';
import {
  DEFAULT_LOOKBACK_DAYS,
  IMPORT_TIMEFRAMES,
  MAX_LOOKBACK_DAYS,
  type ImportPlan,
  type ImportRequest,
  type ImportTimeframe,
} from '../../../../shared/domain/imports';
import type { UniverseSummary } from '../../../../shared/domain/universes';
import { useBridge } from '../../bridge-context';
import { formatDuration } from '../../lib/format';
import { useCommand } from '../../lib/use-command';
import { isFinished, selectRun, useImportsStore } from '../../stores/imports';
import { fieldErrorsOf, formatCount } from './format';
import { useImportPlan, type PlanState } from './use-import-plan';

const TIMEFRAME_LABEL: Record<ImportTimeframe, string> = {
  '1m': '1 minute',
  '30m': '30 minutes',
  '1h': '1 hour',
  '1d': '1 day',
  '1w': '1 week',
  '1M': '1 month',
};

function FieldError({ message }: { message: string | undefined }) {
  return message ? (
    <span className="field-error" role="alert">
      {message}
    </span>
  ) : null;
}

function UniverseOption({
  universe,
  checked,
  onToggle,
}: {
  universe: UniverseSummary;
  checked: boolean;
  onToggle(): void;
}) {
  return (
    <label className="universe-option" title={universe.description ?? undefined}>
      <input type="checkbox" name="universe" value={universe.id} checked={checked} onChange={onToggle} />
      <span className="universe-name">{universe.name}</span>
      <span className="muted small">
        {formatCount(universe.memberCount)} members
        {universe.unresolvedCount > 0 ? <span className="warn"> · {universe.unresolvedCount} unresolved</span> : null}
        {universe.source !== 'predefined' ? ' · yours' : ''}
      </span>
    </label>
  );
}

function PlanLine({ state, chosen }: { state: PlanState; chosen: number }) {
  if (chosen === 0) return <p className="plan-line muted">Choose a universe to see what the import would fetch.</p>;
  if (state.pending && !state.plan) return <p className="plan-line muted">Planning…</p>;
  const plan: ImportPlan | null = state.plan;
  if (!plan) return null;
  const byTimeframe = IMPORT_TIMEFRAMES.filter((tf) => plan.requestsByTimeframe[tf] !== undefined)
    .map((tf) => `${tf}: ${formatCount(plan.requestsByTimeframe[tf])}`)
    .join(' · ');
  return (
    <div className="plan" data-testid="import-plan">
      <p className="plan-line" title={byTimeframe}>
        <b>{formatCount(plan.totalSymbols)}</b> symbols · <b>{formatCount(plan.requests)}</b> requests · at least ~
        {formatDuration(plan.estimatedMs)} within Upstox&apos;s rate limits
      </p>
      {plan.unresolved.length > 0 ? (
        <details className="unresolved">
          <summary className="warn">
            {plan.unresolved.length} member{plan.unresolved.length === 1 ? '' : 's'} not in the instrument master: they
            will fail with SYMBOL_NOT_FOUND
          </summary>
          <ul>
            {plan.unresolved.map((u) => (
              <li key={`${u.symbol}:${u.isin ?? ''}`}>
                {u.symbol}
                {u.isin ? <span className="muted"> ({u.isin})</span> : null}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}

/** The new-import form: universes, timeframes with their lookback, the plan before starting, and Import. */
export function StartForm() {
  const bridge = useBridge();
  const universes = useImportsStore((s) => s.universes);
  const universesLoaded = useImportsStore((s) => s.universesLoaded);
  const finishedRuns = useImportsStore((s) => s.runs.filter((r) => isFinished(r.status)).length);
  const [chosen, setChosen] = useState<string[]>([]);
  const [timeframes, setTimeframes] = useState<ImportTimeframe[]>(['1d']);
  const [lookback, setLookback] = useState<Record<ImportTimeframe, number>>({ ...DEFAULT_LOOKBACK_DAYS });
  const command = useCommand();

  const request = useMemo((): ImportRequest => {
    const ordered = IMPORT_TIMEFRAMES.filter((tf) => timeframes.includes(tf));
    return {
      universes: chosen.filter((id) => universes.some((u) => u.id === id)),
      timeframes: ordered,
      lookbackDays: Object.fromEntries(ordered.map((tf) => [tf, lookback[tf]])),
    };
  }, [chosen, timeframes, lookback, universes]);
  const plan = useImportPlan(request, finishedRuns);
  const errors = fieldErrorsOf(command.error ?? plan.error);
  const chosenCount = request.universes?.length ?? 0;

  const toggle = <T,>(list: T[], item: T) => (list.includes(item) ? list.filter((x) => x !== item) : [...list, item]);
  // A refusal of the start is about the request as it was: an edit makes it the plan's to judge again.
  const edit = (change: () => void) => {
    command.clearError();
    change();
  };
  const start = async () => {
    const started = await command.run(() => bridge.invoke('imports.start', request));
    if (started) selectRun(started.runId, true);
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void start();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLFormElement>) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void start();
    }
  };

  const predefined = universes.filter((u) => u.source === 'predefined');
  const own = universes.filter((u) => u.source !== 'predefined');

  return (
    <form className="card import-form" aria-labelledby="import-form-title" onSubmit={onSubmit} onKeyDown={onKeyDown}>
      <h2 id="import-form-title">New import</h2>
      <fieldset className="field universes-field" aria-invalid={errors.universes ? true : undefined}>
        <legend className="field-label">Universes</legend>
        {!universesLoaded ? (
          <p className="muted">Loading universes…</p>
        ) : universes.length === 0 ? (
          <p className="muted" data-testid="no-universes">
            No universes yet. Create one below from a CSV file or a list of instrument keys.
          </p>
        ) : (
          <div className="universe-list">
            {[...predefined, ...own].map((u) => (
              <UniverseOption
                key={u.id}
                universe={u}
                checked={chosen.includes(u.id)}
                onToggle={() => edit(() => setChosen(toggle(chosen, u.id)))}
              />
            ))}
          </div>
        )}
        <FieldError message={errors.universes ?? errors.symbols} />
      </fieldset>

      <fieldset className="field" aria-invalid={errors.timeframes ? true : undefined}>
        <legend className="field-label">Timeframes</legend>
        <div className="timeframe-list">
          {IMPORT_TIMEFRAMES.map((tf) => (
            <label key={tf} className="chip" title={TIMEFRAME_LABEL[tf]}>
              <input
                type="checkbox"
                name="timeframe"
                value={tf}
                checked={timeframes.includes(tf)}
                onChange={() => edit(() => setTimeframes(toggle(timeframes, tf)))}
              />
              {tf}
            </label>
          ))}
        </div>
        <FieldError message={errors.timeframes} />
      </fieldset>

      {request.timeframes.length > 0 ? (
        <div className="lookback-grid">
          {request.timeframes.map((tf) => (
            <label key={tf} className="field lookback-field">
              <span className="field-label">{tf} lookback (days)</span>
              <input
                type="number"
                name={`lookback-${tf}`}
                min={1}
                max={MAX_LOOKBACK_DAYS}
                value={Number.isNaN(lookback[tf]) ? '' : lookback[tf]}
                onChange={(e) => {
                  const days = e.target.valueAsNumber;
                  edit(() => setLookback({ ...lookback, [tf]: days }));
                }}
                aria-invalid={errors[`lookbackDays.${tf}`] ? true : undefined}
              />
              <FieldError message={errors[`lookbackDays.${tf}`]} />
            </label>
          ))}
        </div>
      ) : null}

      <PlanLine state={plan} chosen={chosenCount} />
      {errors.form ? (
        <p className="banner banner-bad" role="alert">
          {errors.form}
        </p>
      ) : null}
      <div className="row form-actions">
        <button type="submit" disabled={command.busy || chosenCount === 0 || request.timeframes.length === 0}>
          {command.busy ? 'Starting…' : 'Import'}
        </button>
        <span className="muted small">
          <kbd>Ctrl</kbd>+<kbd>Enter</kbd>
        </span>
      </div>
    </form>
  );
}
