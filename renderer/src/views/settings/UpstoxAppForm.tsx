import { useState, type FormEvent } from 'react';
import type { UpstoxAppStatus } from '../../../../shared/domain/login';
import { useBridge } from '../../bridge-context';
import { saveApp, useLoginStore } from '../../stores/login';
import { TextField } from './TextField';

/** What the form holds: the redirect URI is empty while the default one applies. */
const draftOf = (app: UpstoxAppStatus) => ({
  clientId: app.clientId ?? '',
  apiSecret: '',
  redirectUri: app.redirectUri === app.defaultRedirectUri ? '' : app.redirectUri,
});

/** The Upstox app the login runs as: its API key and secret, and where Upstox sends the trader back. */
export function UpstoxAppForm({ app }: { app: UpstoxAppStatus }) {
  const bridge = useBridge();
  const busy = useLoginStore((s) => s.busy.app === true);
  const error = useLoginStore((s) => s.errors.app);
  const [draft, setDraft] = useState(() => draftOf(app));
  const [saved, setSaved] = useState(false);
  const fields = error?.fields ?? {};
  const formError = error && !fields.clientId && !fields.apiSecret && !fields.redirectUri ? error.message : null;

  const change = (key: keyof typeof draft) => (value: string) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setSaved(false);
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const secret = draft.apiSecret.trim();
    const ok = await saveApp(bridge, {
      clientId: draft.clientId,
      ...(secret ? { apiSecret: secret } : {}),
      redirectUri: draft.redirectUri.trim(),
    });
    if (!ok) return;
    const stored = useLoginStore.getState().status?.app;
    if (stored) setDraft(draftOf(stored));
    setSaved(true);
  };

  return (
    <form className="login-app" onSubmit={(e) => void submit(e)}>
      <h3>Upstox app</h3>
      <TextField
        name="upstoxClientId"
        label="API key"
        value={draft.clientId}
        onChange={change('clientId')}
        error={fields.clientId}
      />
      <TextField
        name="upstoxApiSecret"
        label="API secret"
        type="password"
        value={draft.apiSecret}
        onChange={change('apiSecret')}
        placeholder={app.apiSecret.present ? `set (${app.apiSecret.hint ?? ''})` : undefined}
        hint={app.apiSecret.present ? 'Leave empty to keep the stored secret.' : undefined}
        error={fields.apiSecret}
      />
      <TextField
        name="upstoxRedirectUri"
        label="Redirect URI"
        value={draft.redirectUri}
        onChange={change('redirectUri')}
        placeholder={app.defaultRedirectUri}
        hint="Empty: this app's own callback."
        error={fields.redirectUri}
      />
      <p className="login-redirect">
        Register this redirect URI for your app in the Upstox developer console (Apps → your app → Redirect URL). It
        must match exactly, character for character: <code data-testid="redirect-uri">{app.redirectUri}</code>
      </p>
      {formError ? (
        <p className="field-error" role="alert">
          {formError}
        </p>
      ) : null}
      <div className="row">
        <button type="submit" disabled={busy}>
          Save app
        </button>
        {saved ? (
          <span className="saved" role="status">
            Saved
          </span>
        ) : null}
      </div>
    </form>
  );
}
