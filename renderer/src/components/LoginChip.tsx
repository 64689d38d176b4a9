import { useId } from 'react';
import { useBridge } from '../bridge-context';
import { useNow } from '../lib/use-now';
import { selectWorld, useAppStore } from '../stores/app';
import { startLogin, useLoginStore } from '../stores/login';
import {
  analyticsUsable,
  APP_NOT_READY,
  formatHoursMinutes,
  formatIstDate,
  hasExpired,
} from '../views/settings/login-text';

/** The Upstox login in the status bar, live world only: how long it lasts, or a way to log in again. */
export function LoginChip() {
  const bridge = useBridge();
  const world = useAppStore(selectWorld);
  const status = useLoginStore((s) => s.status);
  const starting = useLoginStore((s) => s.busy.start === true);
  const now = useNow(10_000);
  const reasonId = useId();
  if (world !== 'live' || !status) return null;

  const { daily, analytics } = status;
  const expired = daily.present && hasExpired(daily, now);
  const tone = !daily.present ? 'warn' : expired ? 'bad' : 'ok';
  const text = !daily.present
    ? 'Upstox: not logged in'
    : expired
      ? 'Upstox: login expired'
      : daily.expiresAt
        ? `Upstox: expires in ${formatHoursMinutes(Date.parse(daily.expiresAt) - now)}`
        : 'Upstox: logged in';
  const withAnalytics = analyticsUsable(analytics, now);
  return (
    <span className="login-chip" data-testid="login-chip" data-tone={tone}>
      <span className={`dot dot-${tone}`} aria-hidden="true" />
      {text}
      {withAnalytics ? (
        <span
          title={analytics.expiresAt ? `Analytics token expires on ${formatIstDate(analytics.expiresAt)}` : undefined}
        >
          {' · Analytics ✓'}
        </span>
      ) : null}
      {!daily.present || expired ? (
        <>
          <button
            type="button"
            className="small-button login-chip-button"
            disabled={!status.app.ready || starting}
            title={status.app.ready ? undefined : APP_NOT_READY}
            aria-describedby={status.app.ready ? undefined : reasonId}
            onClick={() => void startLogin(bridge)}
          >
            Log in
          </button>
          {status.app.ready ? null : (
            <span id={reasonId} className="visually-hidden">
              {APP_NOT_READY}
            </span>
          )}
        </>
      ) : null}
    </span>
  );
}
