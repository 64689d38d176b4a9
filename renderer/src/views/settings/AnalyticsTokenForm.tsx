import { useState, type FormEvent } from 'react';
import type { AnalyticsTokenStatus } from '../../../../shared/domain/login';
import { useBridge } from '../../bridge-context';
import { useNow } from '../../lib/use-now';
import { clearAnalyticsToken, setAnalyticsToken, useLoginStore } from '../../stores/login';
import { describeAnalyticsToken } from './login-text';
import { TextField } from './TextField';

/** The optional one-year Analytics token, which keeps market data running after the daily login lapses. */
export function AnalyticsTokenForm({ analytics }: { analytics: AnalyticsTokenStatus }) {
  const bridge = useBridge();
  const now = useNow(60_000);
  const busy = useLoginStore((s) => s.busy.analytics === true);
  const error = useLoginStore((s) => s.errors.analytics);
  const [token, setToken] = useState('');
  const fieldError = error ? (error.fields.token ?? error.message) : undefined;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await setAnalyticsToken(bridge, token)) setToken('');
  };

  return (
    <form className="login-analytics" onSubmit={(e) => void submit(e)}>
      <h3>Analytics token</h3>
      <p data-testid="analytics-status">
        Analytics token: <b>{describeAnalyticsToken(analytics, now)}</b>
      </p>
      {analytics.refusedBy.length > 0 ? (
        <p className="banner banner-info" data-testid="analytics-refused">
          Upstox refused it on {analytics.refusedBy.join(', ')}: market data there uses the daily login.
        </p>
      ) : null}
      <TextField
        name="upstoxAnalyticsToken"
        label="Analytics token"
        type="password"
        value={token}
        onChange={setToken}
        placeholder={analytics.present ? `set (${analytics.hint ?? ''})` : 'Paste an Upstox Analytics token'}
        hint="Optional, read-only, valid one year (Upstox developer console → Analytics). Market data uses it, so the feed keeps running after the daily login lapses; orders always need the daily login."
        error={fieldError}
      />
      <div className="row">
        <button type="submit" disabled={busy || token.trim() === ''}>
          Save Analytics token
        </button>
        {analytics.present ? (
          <button type="button" className="secondary" disabled={busy} onClick={() => void clearAnalyticsToken(bridge)}>
            Remove Analytics token
          </button>
        ) : null}
      </div>
    </form>
  );
}
