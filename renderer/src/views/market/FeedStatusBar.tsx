import { useId, useMemo } from 'react';
import { FEED_MODES, segmentOf, SUBSCRIPTION_LIMITS, type FeedStatus } from '../../../../shared/domain/feed';
import { useBridge } from '../../bridge-context';
import { useCommand } from '../../lib/use-command';
import { useNow } from '../../lib/use-now';
import { useAppStore } from '../../stores/app';
import { startLogin, useLoginStore } from '../../stores/login';
import { useMarketStore } from '../../stores/market';
import { APP_NOT_READY } from '../settings/login-text';
import { formatAge } from './format';
import { MODE_LABEL } from './WatchRow';

const STATE_LABEL: Record<FeedStatus['state'], string> = {
  connected: 'Connected',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  stopped: 'Stopped',
  auth_failed: 'Token refused',
};

const MARKET_LABEL: Record<string, string> = {
  PRE_OPEN_START: 'pre-open',
  PRE_OPEN_END: 'pre-open ended',
  NORMAL_OPEN: 'open',
  NORMAL_CLOSE: 'closed',
  CLOSING_START: 'closing session',
  CLOSING_END: 'closed',
};

function marketTone(status: string): string {
  if (status === 'NORMAL_OPEN') return 'up';
  if (status.startsWith('PRE_OPEN') || status === 'CLOSING_START') return 'warn';
  return 'muted';
}

/** Per-mode usage against the Upstox limit that applies now: `individual` for one mode, `combined` for several. */
export function subscriptionUsage(
  counts: Record<string, number>,
): { mode: (typeof FEED_MODES)[number]; used: number; limit: number }[] {
  const inUse = FEED_MODES.filter((mode) => (counts[mode] ?? 0) > 0);
  const combined = inUse.length > 1;
  return inUse.map((mode) => ({
    mode,
    used: counts[mode] ?? 0,
    limit: SUBSCRIPTION_LIMITS[mode][combined ? 'combined' : 'individual'],
  }));
}

/** The segments the watchlist trades in. */
function useWatchedSegments(): string {
  const subscriptions = useMarketStore((s) => s.subscriptions);
  return useMemo(
    () => [...new Set(subscriptions.map((sub) => segmentOf(sub.instrumentKey)))].sort().join(','),
    [subscriptions],
  );
}

/**
 * The session of every segment the watchlist trades in, one chip each; the other segments grouped by session,
 * so that the eleven segments Upstox reports do not crowd the bar.
 */
export function groupSegments(
  marketStatus: Record<string, string>,
  watched: string,
): { shown: [string, string][]; others: [string, string[]][] } {
  const mine = new Set(watched.split(',').filter(Boolean));
  const entries = Object.entries(marketStatus).sort(([a], [b]) => a.localeCompare(b));
  const shown = entries.filter(([segment]) => mine.has(segment));
  const others = new Map<string, string[]>();
  for (const [segment, status] of entries)
    if (!mine.has(segment)) others.set(status, [...(others.get(status) ?? []), segment]);
  return { shown, others: [...others] };
}

function LastTick({ at }: { at: string | null }) {
  const now = useNow(1000);
  if (!at) return <span className="muted">no ticks yet</span>;
  const age = now - Date.parse(at);
  return <span className={age > 10_000 ? 'warn' : undefined}>{formatAge(age)} ago</span>;
}

/** Upstox turned the feed's token away: the way back is a fresh login, offered right here. */
function AuthFailedBanner({ message, onSettings }: { message: string | null | undefined; onSettings(): void }) {
  const bridge = useBridge();
  const reasonId = useId();
  const ready = useLoginStore((s) => s.status?.app.ready ?? false);
  const starting = useLoginStore((s) => s.busy.start === true);
  const startError = useLoginStore((s) => s.errors.start?.message ?? null);
  const settingsLink = (
    <button type="button" className="link-button" onClick={onSettings}>
      Settings
    </button>
  );
  return (
    <div className="banner banner-bad auth-failed" role="alert" data-testid="feed-auth-failed">
      <p>
        Upstox refused the login: it has expired (logins expire daily at 03:30 IST) or was revoked.
        {message ? ` (${message})` : ''}
      </p>
      <div className="auth-failed-actions">
        <button
          type="button"
          className="small-button"
          disabled={!ready || starting}
          aria-describedby={ready ? undefined : reasonId}
          onClick={() => void startLogin(bridge)}
        >
          Log in
        </button>
        {ready ? (
          <span>or paste a fresh token in {settingsLink}, then press Reconnect.</span>
        ) : (
          <span id={reasonId}>
            {APP_NOT_READY}: set the Upstox app in {settingsLink}, or paste a fresh token there and press Reconnect.
          </span>
        )}
      </div>
      {startError ? <p className="auth-failed-error">{startError}</p> : null}
    </div>
  );
}

/** The feed at a glance: connection, source, rate, limits, freshness and exchange session per segment. */
export function FeedStatusBar() {
  const bridge = useBridge();
  const feed = useMarketStore((s) => s.feed);
  const watched = useWatchedSegments();
  const setView = useAppStore((s) => s.setView);
  const command = useCommand();

  if (!feed) {
    return (
      <div className="feed-bar" data-testid="feed-status" data-state="unknown" role="status">
        <span className="feed-state state-stopped">Feed status unknown</span>
        <span className="muted">waiting for the engine…</span>
      </div>
    );
  }

  const reconnect = async () => {
    const status = await command.run(() => bridge.invoke('feed.reconnect', {}));
    if (status) useMarketStore.setState({ feed: status });
  };
  const usage = subscriptionUsage(feed.subscriptions);
  const { shown, others } = groupSegments(feed.marketStatus, watched);

  return (
    <div className="feed-bar-wrap">
      <div
        className="feed-bar"
        data-testid="feed-status"
        data-state={feed.state}
        role="status"
        aria-label="Feed status"
      >
        <span className={`feed-state state-${feed.state}`}>{STATE_LABEL[feed.state]}</span>
        <span title="Market data source">{feed.source === 'demo' ? 'Demo simulator' : 'Upstox V3'}</span>
        <span title="Ticks per second">
          <b>{feed.ticksPerSecond.toFixed(1)}</b> ticks/s
        </span>
        <span title="Subscriptions per mode against the limit that applies">
          {usage.length === 0 ? <span className="muted">no subscriptions</span> : null}
          {usage.map((u) => (
            <span key={u.mode} className={u.used >= u.limit ? 'usage bad' : 'usage'}>
              {MODE_LABEL[u.mode]} {u.used}/{u.limit}
            </span>
          ))}
        </span>
        <span title="Age of the last tick">
          Last tick <LastTick at={feed.lastTickAt} />
        </span>
        <span className="feed-segments" title="Exchange session per segment">
          {shown.map(([segment, status]) => (
            <span key={segment} className={`segment ${marketTone(status)}`} title={status}>
              {segment} {MARKET_LABEL[status] ?? status}
            </span>
          ))}
          {others.map(([status, list]) => (
            <span key={status} className={`segment ${marketTone(status)}`} title={list.join(', ')}>
              {shown.length > 0 ? `+${list.length} more` : `${list.length} segments`} {MARKET_LABEL[status] ?? status}
            </span>
          ))}
        </span>
        <span className="feed-counters muted">
          reconnects {feed.reconnects} · decode errors{' '}
          <span className={feed.decodeErrors > 0 ? 'bad' : undefined}>{feed.decodeErrors}</span>
        </span>
        {feed.state === 'auth_failed' || feed.state === 'stopped' ? (
          <button
            type="button"
            className="secondary small-button"
            disabled={command.busy}
            onClick={() => void reconnect()}
          >
            {command.busy ? 'Reconnecting…' : 'Reconnect'}
          </button>
        ) : null}
      </div>
      {feed.state === 'auth_failed' ? (
        <AuthFailedBanner message={feed.message ?? null} onSettings={() => setView('settings')} />
      ) : null}
      {feed.state === 'stopped' && feed.message ? (
        <p className="banner banner-bad" role="alert">
          {feed.message}
        </p>
      ) : null}
      {command.message ? (
        <p className="banner banner-bad" role="alert">
          Reconnect failed: {command.message}
        </p>
      ) : null}
    </div>
  );
}
