import { useState, type FormEvent } from 'react';
import type { Settings, SettingsView as SettingsViewData } from '../../../shared/domain/settings';
import { WorkstationError } from '../../../shared/errors';
import { useBridge } from '../bridge-context';
import { useCommand } from '../lib/use-command';
import { NumberField, type NumberFieldSpec } from '../components/NumberField';
import { useAppStore } from '../stores/app';
import { TradingSettings } from './orders/TradingSettings';
import { UpstoxLogin } from './settings/UpstoxLogin';

type FieldErrors = Partial<Record<keyof Settings | 'token' | 'form', string>>;

/** The settings this form saves; the trading ones have their own form, so neither overwrites the other's. */
const PREFERENCE_KEYS = [
  'theme',
  'tickRetentionDays',
  'jobRetentionDays',
  'feedSubscribeBatchSize',
  'upstoxRequestsPerSecond',
  'upstoxOrdersPerSecond',
] as const;
type Preferences = Pick<Settings, (typeof PREFERENCE_KEYS)[number]>;

const PREFERENCE_FIELDS: readonly NumberFieldSpec<Exclude<keyof Preferences, 'theme'>>[] = [
  { name: 'tickRetentionDays', label: 'Keep raw ticks for (days)', hint: '1-minute candles are kept for good.' },
  {
    name: 'jobRetentionDays',
    label: 'Keep finished jobs for (days)',
    hint: 'Older finished jobs are removed by the cleanup schedule.',
  },
  {
    name: 'feedSubscribeBatchSize',
    label: 'Instruments per subscribe frame',
    hint: 'How many keys go into one feed subscription message.',
  },
  {
    name: 'upstoxRequestsPerSecond',
    label: 'Upstox requests per second',
    hint: 'Quotes, candles and other REST calls; Upstox allows 50.',
  },
  {
    name: 'upstoxOrdersPerSecond',
    label: 'Upstox orders per second',
    hint: '10, or 50 for a SEBI-registered algo account.',
  },
];

const pickPreferences = (values: Settings): Preferences =>
  Object.fromEntries(PREFERENCE_KEYS.map((key) => [key, values[key]])) as Preferences;

function errorsOf(error: unknown): FieldErrors {
  if (error instanceof WorkstationError || (error && typeof error === 'object' && 'code' in error)) {
    const e = error as WorkstationError;
    const out: FieldErrors = {};
    for (const detail of e.details ?? []) {
      const key = (detail.path[0] as keyof FieldErrors | undefined) ?? 'form';
      out[key] ??= detail.message;
    }
    if (Object.keys(out).length === 0) out.form = e.message;
    return out;
  }
  return { form: String(error) };
}

/** Which world the app runs in, and on what: the first thing Settings says. */
function ModeBanner({ view }: { view: SettingsViewData }) {
  const status = view.upstoxToken;
  return (
    <p
      data-testid="mode-banner"
      className={`settings-banner banner ${view.mode === 'demo' ? 'banner-info' : 'banner-ok'}`}
    >
      {view.mode === 'demo'
        ? 'Demo mode: not logged in to Upstox and no access token is set, so the app runs on its built-in market simulator.'
        : `Live mode: using the Upstox token ${status.hint ?? ''} (${status.source === 'environment' ? 'from UPSTOX_ACCESS_TOKEN' : 'stored'}).`}
    </p>
  );
}

function UpstoxTokenForm() {
  const bridge = useBridge();
  const view = useAppStore((s) => s.settings);
  const [token, setToken] = useState('');
  const command = useCommand();
  const { busy } = command;
  if (!view) return null;
  const status = view.upstoxToken;
  const fieldErrors = command.error === null ? {} : errorsOf(command.error);
  const error = fieldErrors.token ?? fieldErrors.form;

  const run = async (action: () => Promise<typeof view>) => {
    const settings = await command.run(action);
    if (!settings) return;
    useAppStore.setState({ settings });
    setToken('');
  };

  return (
    <section className="card" aria-labelledby="upstox-title">
      <h2 id="upstox-title">Or paste an access token</h2>
      {status.present ? (
        <p className="muted">
          Stored token ends in <code>{status.hint}</code>; kept{' '}
          {status.storage === 'os-encrypted'
            ? 'encrypted by the OS keychain'
            : status.storage === 'file-0600'
              ? 'in a file only your user can read'
              : 'in the environment'}
          {status.updatedAt ? `, saved ${new Date(status.updatedAt).toLocaleString()}` : ''}. Upstox tokens expire daily
          at 03:30 IST.
        </p>
      ) : null}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void run(() => bridge.invoke('settings.setUpstoxToken', { token }));
        }}
        className="row"
      >
        <label className="field grow">
          <span className="field-label">Access token</span>
          <input
            name="upstoxToken"
            type="password"
            autoComplete="off"
            value={token}
            onChange={(e) => setToken(e.target.value)}
            placeholder="Paste today's Upstox access token"
          />
          {error ? (
            <span className="field-error" role="alert">
              {error}
            </span>
          ) : null}
        </label>
        <button type="submit" disabled={busy || token.trim() === ''}>
          Save token
        </button>
        {status.source === 'settings' ? (
          <button
            type="button"
            className="secondary"
            disabled={busy}
            onClick={() => void run(() => bridge.invoke('settings.clearUpstoxToken', {}))}
          >
            Remove token
          </button>
        ) : null}
      </form>
    </section>
  );
}

export function SettingsView() {
  const view = useAppStore((s) => s.settings);
  return (
    <section className="view" aria-labelledby="view-title">
      <h1 id="view-title">Settings</h1>
      {view ? (
        <>
          <ModeBanner view={view} />
          <UpstoxLogin />
          <UpstoxTokenForm />
          <TradingSettings values={view.values} />
          <PreferencesForm initial={view.values} dataDir={view.dataDir} />
        </>
      ) : (
        <p className="muted">Loading settings…</p>
      )}
    </section>
  );
}

function PreferencesForm({ initial, dataDir }: { initial: Settings; dataDir: string }) {
  const bridge = useBridge();
  const [draft, setDraft] = useState<Preferences>(() => pickPreferences(initial));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saved, setSaved] = useState(false);

  const change = <K extends keyof Preferences>(key: K, value: Preferences[K]) => {
    setDraft({ ...draft, [key]: value });
    setSaved(false);
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    try {
      const next = await bridge.invoke('settings.update', draft);
      useAppStore.setState({ settings: next });
      setDraft(pickPreferences(next.values));
      setSaved(true);
    } catch (error) {
      setErrors(errorsOf(error));
    }
  };

  return (
    <form className="card" onSubmit={(e) => void submit(e)} aria-labelledby="prefs-title">
      <h2 id="prefs-title">Preferences</h2>
      <label className="field">
        <span className="field-label">Theme</span>
        <select name="theme" value={draft.theme} onChange={(e) => change('theme', e.target.value as Settings['theme'])}>
          <option value="dark">Dark</option>
          <option value="light">Light</option>
        </select>
      </label>
      {PREFERENCE_FIELDS.map((field) => (
        <NumberField
          key={field.name}
          {...field}
          value={draft[field.name]}
          onChange={(v) => change(field.name, v)}
          error={errors[field.name]}
        />
      ))}
      {errors.form ? (
        <p className="field-error" role="alert">
          {errors.form}
        </p>
      ) : null}
      <div className="row">
        <button type="submit">Save settings</button>
        {saved ? (
          <span className="saved" role="status">
            Saved
          </span>
        ) : null}
      </div>
      <p className="muted">
        Data folder: <code>{dataDir}</code>
      </p>
    </form>
  );
}
