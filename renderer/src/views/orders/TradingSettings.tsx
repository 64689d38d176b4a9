import { useState, type FormEvent } from 'react';
import type { Settings } from '../../../../shared/domain/settings';
import { useBridge } from '../../bridge-context';
import { useCommand } from '../../lib/use-command';
import { NumberField, type NumberFieldSpec } from '../../components/NumberField';
import { useAppStore } from '../../stores/app';
import { fieldErrorsOf, fieldSentence, sentence, type FieldErrors } from './field-errors';

/** The trading settings saved together by this form; the trading mode is saved the moment it changes. */
const LIMIT_KEYS = [
  'confirmOrders',
  'maxOrderValue',
  'maxOrderQuantity',
  'orderRetryDelaySeconds',
  'paperStartingCash',
  'paperSlippageBps',
] as const;
type LimitKey = (typeof LIMIT_KEYS)[number];
type Limits = Pick<Settings, LimitKey>;

const pickLimits = (values: Settings): Limits =>
  Object.fromEntries(LIMIT_KEYS.map((key) => [key, values[key]])) as Limits;

const LIMIT_FIELDS: readonly NumberFieldSpec<Exclude<LimitKey, 'confirmOrders'>>[] = [
  {
    name: 'maxOrderValue',
    label: 'Largest order value (₹)',
    hint: 'A ticket worth more is refused: a guard against a slipped finger.',
    step: '0.01',
  },
  {
    name: 'maxOrderQuantity',
    label: 'Largest order quantity (units)',
    hint: 'Counted in units, not lots: 2 lots of 75 are 150.',
  },
  {
    name: 'orderRetryDelaySeconds',
    label: 'Wait before sending an order again (seconds)',
    hint: 'Only after a check found that the broker never received it.',
  },
  {
    name: 'paperStartingCash',
    label: 'Paper starting cash (₹)',
    hint: 'Booked when the paper wallet first opens.',
    step: '0.01',
  },
  {
    name: 'paperSlippageBps',
    label: 'Paper slippage (basis points)',
    hint: 'Paper market orders fill this much worse than the live price (100 bps = 1 %).',
    step: '0.1',
  },
];

const STATIC_IP_NOTE =
  'Upstox accepts orders only from the static IP registered on your Upstox app (Settings → Static IP in the Upstox ' +
  'developer console); from any other address every order is rejected (UDAPI1221).';

/** Paper or live: switching is one `settings.update`, refused (LIVE_TRADING_UNAVAILABLE) while no token is set. */
function TradingModeField({ mode }: { mode: Settings['tradingMode'] }) {
  const bridge = useBridge();
  const command = useCommand();
  const choose = async (tradingMode: Settings['tradingMode']) => {
    if (tradingMode === mode) return;
    const next = await command.run(() => bridge.invoke('settings.update', { tradingMode }));
    if (next) useAppStore.setState({ settings: next });
  };
  return (
    <fieldset className="field trading-mode-field" aria-describedby="static-ip-note">
      <legend className="field-label">Trading mode</legend>
      <div className="segments">
        {(['paper', 'live'] as const).map((option) => (
          <label key={option} className={option === mode ? 'segment checked' : 'segment'}>
            <input
              type="radio"
              name="tradingMode"
              value={option}
              checked={option === mode}
              disabled={command.busy}
              onChange={() => void choose(option)}
            />
            <span>{option === 'paper' ? 'Paper' : 'Live (Upstox)'}</span>
          </label>
        ))}
      </div>
      <span className="field-hint">
        {mode === 'live'
          ? 'New orders go to Upstox and spend real money; every one is confirmed first.'
          : 'New orders go to the paper broker: they fill against live prices from a simulated wallet.'}
      </span>
      <span className="field-hint" id="static-ip-note" data-testid="static-ip-note">
        {STATIC_IP_NOTE}
      </span>
      {command.message ? (
        <span className="field-error" role="alert" data-testid="trading-mode-error">
          {command.message}
        </span>
      ) : null}
    </fieldset>
  );
}

/** Where orders go, whether each is confirmed, the fat-finger limits and the paper broker's behaviour. */
export function TradingSettings({ values }: { values: Settings }) {
  const bridge = useBridge();
  const [draft, setDraft] = useState<Limits>(() => pickLimits(values));
  const [errors, setErrors] = useState<FieldErrors<LimitKey>>({});
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  const change = <K extends LimitKey>(key: K, value: Limits[K]) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setSaved(false);
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setErrors({});
    setBusy(true);
    try {
      const next = await bridge.invoke('settings.update', draft);
      useAppStore.setState({ settings: next });
      setDraft(pickLimits(next.values));
      setSaved(true);
    } catch (error) {
      setErrors(fieldErrorsOf(error, LIMIT_KEYS));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card" onSubmit={(e) => void submit(e)} aria-labelledby="trading-title">
      <h2 id="trading-title">Trading</h2>
      <TradingModeField mode={values.tradingMode} />
      <label className="field checkbox">
        <input
          name="confirmOrders"
          type="checkbox"
          checked={draft.confirmOrders}
          onChange={(e) => change('confirmOrders', e.target.checked)}
        />
        <span className="field-label">Confirm every order before it is queued</span>
      </label>
      <p className="field-hint trading-confirm-hint">Live orders are always confirmed, whatever this says.</p>
      {LIMIT_FIELDS.map((field) => (
        <NumberField
          key={field.name}
          {...field}
          value={draft[field.name]}
          onChange={(v) => change(field.name, v)}
          error={errors[field.name] && fieldSentence(field.label.replace(/\s*\(.*\)$/, ''), errors[field.name]!)}
        />
      ))}
      {errors.form || errors.confirmOrders ? (
        <p className="field-error">{sentence(errors.form ?? errors.confirmOrders ?? '')}</p>
      ) : null}
      <div className="row">
        <button type="submit" disabled={busy}>
          Save trading settings
        </button>
        {saved ? (
          <span className="saved" role="status">
            Trading settings saved
          </span>
        ) : null}
      </div>
    </form>
  );
}
