import { selectWorld, useAppStore } from '../stores/app';
import { useJobsStore } from '../stores/jobs';
import { useMarketStore } from '../stores/market';
import { LoginChip } from './LoginChip';
import { WorldBadge } from './WorldBadge';

const CONNECTION_LABEL = {
  connecting: 'connecting…',
  connected: 'connected',
  disconnected: 'disconnected, retrying',
  unauthorized: 'not authorised',
} as const;

const FEED_LABEL = {
  connected: 'connected',
  connecting: 'connecting…',
  reconnecting: 'reconnecting…',
  stopped: 'stopped',
  auth_failed: 'token refused',
} as const;

function Dot({ tone }: { tone: 'ok' | 'warn' | 'bad' | 'idle' }) {
  return <span className={`dot dot-${tone}`} aria-hidden="true" />;
}

export function StatusBar() {
  const connection = useAppStore((s) => s.connection);
  const transport = useAppStore((s) => s.transport);
  const mode = useAppStore(selectWorld);
  const feed = useMarketStore((s) => s.feed);
  const running = useJobsStore((s) => s.stats?.running);
  const queued = useJobsStore((s) => s.stats?.queued);
  const connectionTone = connection === 'connected' ? 'ok' : connection === 'connecting' ? 'warn' : 'bad';
  const feedTone = !feed ? 'idle' : feed.state === 'connected' ? 'ok' : feed.state === 'auth_failed' ? 'bad' : 'warn';
  return (
    <footer className="status-bar" role="status" aria-label="Status">
      <span data-testid="status-engine">
        <Dot tone={connectionTone} /> Engine: {CONNECTION_LABEL[connection]}
        {transport ? ` (${transport === 'ipc' ? 'desktop' : 'Local API'})` : ''}
      </span>
      <span data-testid="status-mode">{mode ? <WorldBadge size="small" /> : '…'}</span>
      <LoginChip />
      <span data-testid="status-feed">
        <Dot tone={feedTone} /> Feed: {feed ? FEED_LABEL[feed.state] : 'not started'}
        {feed?.state === 'connected' ? ` · ${feed.ticksPerSecond.toFixed(1)} ticks/s` : ''}
      </span>
      <span data-testid="status-jobs">
        <Dot tone={running ? 'ok' : 'idle'} /> Jobs: {running ?? 0} running{queued ? `, ${queued} queued` : ''}
      </span>
    </footer>
  );
}
