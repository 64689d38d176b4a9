import { useState, type ChangeEvent, type FormEvent } from 'react';
import type { Universe, UniverseSummary } from '../../../../shared/domain/universes';
import { useBridge } from '../../bridge-context';
import { formatDateTime } from '../../lib/format';
import { useCommand } from '../../lib/use-command';
import { removeUniverse, upsertUniverse, useImportsStore } from '../../stores/imports';
import { fieldErrorsOf, formatCount, keyLineErrorsOf, lineErrorsOf } from './format';
import { LineErrors } from './LineErrors';

type Source = 'file' | 'paste' | 'keys';
const SOURCES: { id: Source; label: string }[] = [
  { id: 'file', label: 'CSV file' },
  { id: 'paste', label: 'Paste CSV' },
  { id: 'keys', label: 'Instrument keys' },
];

/** The non-blank lines of a key list, with the line each came from (for naming refused ones). */
function keysOf(text: string): { keys: string[]; lines: number[] } {
  const keys: string[] = [];
  const lines: number[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const key = line.trim();
    if (key) {
      keys.push(key);
      lines.push(i + 1);
    }
  });
  return { keys, lines };
}

function UniverseRow({ universe }: { universe: UniverseSummary }) {
  const bridge = useBridge();
  const remove = useCommand();
  const [confirming, setConfirming] = useState(false);
  const onDelete = async () => {
    if (!confirming) return setConfirming(true);
    const deleted = await remove.run(() => bridge.invoke('universes.delete', { id: universe.id }));
    if (deleted) removeUniverse(universe.id);
    else setConfirming(false);
  };
  return (
    <tr data-testid={`universe-${universe.id}`}>
      <td>
        <div>{universe.name}</div>
        <div className="muted small">{universe.id}</div>
      </td>
      <td>{universe.source === 'csv' ? 'CSV' : 'keys'}</td>
      <td className="num">{formatCount(universe.memberCount)}</td>
      <td className={universe.unresolvedCount > 0 ? 'num warn' : 'num muted'}>
        {formatCount(universe.unresolvedCount)}
      </td>
      <td className="muted">{formatDateTime(universe.updatedAt)}</td>
      <td className="actions">
        {remove.message ? <span className="bad small">{remove.message} </span> : null}
        <button
          type="button"
          className={confirming ? 'danger' : 'secondary'}
          disabled={remove.busy}
          onBlur={() => setConfirming(false)}
          onClick={() => void onDelete()}
        >
          {confirming ? 'Confirm delete' : 'Delete'}
        </button>
      </td>
    </tr>
  );
}

/** The user's universes: the list with delete, and a new one from a CSV file, pasted CSV or instrument keys. */
export function UniverseEditor() {
  const bridge = useBridge();
  const universes = useImportsStore((s) => s.universes);
  const own = universes.filter((u) => u.source !== 'predefined');
  const [name, setName] = useState('');
  const [source, setSource] = useState<Source>('file');
  const [fileName, setFileName] = useState<string | null>(null);
  const [csv, setCsv] = useState('');
  const [keysText, setKeysText] = useState('');
  const [created, setCreated] = useState<Universe | null>(null);
  const create = useCommand();

  const { keys, lines } = keysOf(keysText);
  const errors = fieldErrorsOf(create.error);
  const lineErrors = create.error
    ? source === 'keys'
      ? keyLineErrorsOf(create.error, keys, lines)
      : lineErrorsOf(create.error)
    : [];
  const content = source === 'keys' ? keys.length > 0 : csv.trim() !== '';

  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    create.clearError();
    if (!file) return;
    setFileName(file.name);
    setCsv(await file.text());
    if (!name.trim()) setName(file.name.replace(/\.csv$/i, ''));
  };
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setCreated(null);
    const universe = await create.run(() =>
      bridge.invoke('universes.create', source === 'keys' ? { name, instrumentKeys: keys } : { name, csv }),
    );
    if (!universe) return;
    upsertUniverse(universe);
    setCreated(universe);
    setName('');
    setCsv('');
    setKeysText('');
    setFileName(null);
  };
  // A refused name is shown at its field; anything else is the engine's sentence, with the refused lines below it.
  const nameOnly = Object.keys(errors).length === 1 && errors.name !== undefined;
  const formError = create.error !== null && !nameOnly ? create.message : null;

  return (
    <section className="card universe-editor" aria-labelledby="universes-title">
      <h2 id="universes-title">Your universes</h2>
      {own.length === 0 ? (
        <p className="muted" data-testid="universes-empty">
          None yet. A universe of your own comes from a CSV file (NSE&apos;s constituents download works as it is: a
          Symbol, ISIN or Instrument Key column) or from a list of instrument keys.
        </p>
      ) : (
        <table className="table universes-table" aria-label="Your universes">
          <thead>
            <tr>
              <th>Name</th>
              <th>From</th>
              <th className="num">Members</th>
              <th className="num">Unresolved</th>
              <th>Updated</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {own.map((u) => (
              <UniverseRow key={u.id} universe={u} />
            ))}
          </tbody>
        </table>
      )}

      <form className="universe-form" onSubmit={(e) => void onSubmit(e)} aria-label="New universe">
        <h3 className="subheading">New universe</h3>
        <div className="row">
          <label className="field grow">
            <span className="field-label">Name</span>
            <input
              name="universeName"
              value={name}
              maxLength={60}
              onChange={(e) => setName(e.target.value)}
              aria-invalid={errors.name ? true : undefined}
            />
            {errors.name ? (
              <span className="field-error" role="alert">
                {errors.name}
              </span>
            ) : null}
          </label>
          <div className="segmented source-tabs" role="group" aria-label="Members from">
            {SOURCES.map((s) => (
              <button
                key={s.id}
                type="button"
                aria-pressed={source === s.id}
                onClick={() => {
                  create.clearError();
                  setSource(s.id);
                }}
              >
                {s.label}
              </button>
            ))}
          </div>
        </div>
        {source === 'file' ? (
          <label className="field">
            <span className="field-label">CSV file</span>
            <input
              type="file"
              accept=".csv,text/csv,text/plain"
              aria-label="CSV file"
              onChange={(e) => void onFile(e)}
            />
            <span className="field-hint">
              {fileName
                ? `${fileName}: ${formatCount(csv.split(/\r?\n/).filter(Boolean).length)} lines`
                : 'A header line, then one member a line.'}
            </span>
          </label>
        ) : source === 'paste' ? (
          <label className="field wide">
            <span className="field-label">CSV text</span>
            <textarea
              name="universeCsv"
              rows={6}
              value={csv}
              placeholder={'Symbol,ISIN\nRELIANCE,INE002A01018'}
              onChange={(e) => setCsv(e.target.value)}
            />
          </label>
        ) : (
          <label className="field wide">
            <span className="field-label">Instrument keys, one a line</span>
            <textarea
              name="universeKeys"
              rows={6}
              value={keysText}
              placeholder={'NSE_EQ|INE002A01018\nNSE_INDEX|Nifty 50'}
              onChange={(e) => setKeysText(e.target.value)}
            />
          </label>
        )}
        {formError ? (
          <p className="banner banner-bad" role="alert">
            {formError}
          </p>
        ) : null}
        <LineErrors errors={lineErrors} testId="universe-line-errors" />
        {created ? (
          <p className="banner banner-ok" role="status" data-testid="universe-created">
            Created <b>{created.name}</b>: {formatCount(created.memberCount)} members
            {created.unresolvedCount > 0 ? `, ${created.unresolvedCount} not in the instrument master` : ''}.
          </p>
        ) : null}
        <button type="submit" disabled={create.busy || !name.trim() || !content}>
          Create universe
        </button>
      </form>
    </section>
  );
}
