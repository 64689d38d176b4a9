import { useId } from 'react';
import type { LoginStatus } from '../../../../shared/domain/login';
import { useBridge } from '../../bridge-context';
import { useNow } from '../../lib/use-now';
import { logout, startLogin, useLoginStore } from '../../stores/login';
import { AnalyticsTokenForm } from './AnalyticsTokenForm';
import { APP_NOT_READY, dailyUsable, loginStatusLine, MARKET_DATA_LABEL } from './login-text';
import { UpstoxAppForm } from './UpstoxAppForm';

/** What went wrong last, until the next try: the start itself, a logout, or how Upstox ended the login. */
function useLoginError(status: LoginStatus): string | null {
  const startError = useLoginStore((s) => s.errors.start?.message ?? null);
  const logoutError = useLoginStore((s) => s.errors.logout?.message ?? null);
  if (startError) return startError;
  if (logoutError) return `Log out failed: ${logoutError}`;
  const attempt = status.lastAttempt;
  if (status.pending || !attempt) return null;
  return attempt.outcome === 'failed' || attempt.outcome === 'cancelled' ? attempt.message : null;
}

function LoginActions({ status }: { status: LoginStatus }) {
  const bridge = useBridge();
  const reasonId = useId();
  const starting = useLoginStore((s) => s.busy.start === true);
  const loggingOut = useLoginStore((s) => s.busy.logout === true);
  const error = useLoginError(status);
  const ready = status.app.ready;
  return (
    <>
      <div className="row login-actions">
        <button
          type="button"
          disabled={!ready || starting}
          aria-describedby={ready ? undefined : reasonId}
          onClick={() => void startLogin(bridge)}
        >
          Log in to Upstox
        </button>
        {status.daily.present ? (
          <button type="button" className="secondary" disabled={loggingOut} onClick={() => void logout(bridge)}>
            Log out
          </button>
        ) : null}
        {ready ? null : (
          <span className="muted" id={reasonId}>
            {APP_NOT_READY}
          </span>
        )}
      </div>
      {status.pending || starting ? (
        <p className="banner banner-info" role="status" data-testid="login-pending">
          Waiting for Upstox… (finish the login in the window or tab that opened)
        </p>
      ) : null}
      {error ? (
        <p className="banner banner-bad" role="alert" data-testid="login-error">
          {error}
        </p>
      ) : null}
    </>
  );
}

/** Settings' Upstox login: who is logged in and until when, the app the login runs as, the Analytics token. */
export function UpstoxLogin() {
  const status = useLoginStore((s) => s.status);
  const now = useNow(1000);
  return (
    <section className="card login-card" aria-labelledby="login-title">
      <h2 id="login-title">Upstox login</h2>
      {status ? (
        <>
          <p
            className={`login-status ${dailyUsable(status.daily, now) ? 'login-ok' : 'login-bad'}`}
            data-testid="login-status"
          >
            {loginStatusLine(status, now)}
          </p>
          <LoginActions status={status} />
          <p className="muted" data-testid="login-usage">
            Market data uses {MARKET_DATA_LABEL[status.marketData]}.{' '}
            {status.ordersAvailable ? 'Orders are available.' : 'Orders need the daily login.'}
          </p>
          <UpstoxAppForm app={status.app} />
          <AnalyticsTokenForm analytics={status.analytics} />
        </>
      ) : (
        <p className="muted">Loading the Upstox login…</p>
      )}
    </section>
  );
}
