import { useCallback, useEffect, useState } from 'react';
import type { Schedule } from '../../../shared/domain/jobs';
import { useBridge } from '../bridge-context';
import { formatDateTime } from '../lib/format';
import { useCommand } from '../lib/use-command';

const REFRESH_MS = 30_000;

function ScheduleRow({ schedule, onChanged }: { schedule: Schedule; onChanged: (s: Schedule) => void }) {
  const bridge = useBridge();
  const [cron, setCron] = useState(schedule.cron);
  const [notice, setNotice] = useState<string | null>(null);
  const command = useCommand();
  const { busy } = command;

  const run = async (action: () => Promise<Schedule>, done?: string) => {
    setNotice(null);
    const next = await command.run(action);
    if (!next) return;
    onChanged(next);
    setCron(next.cron);
    if (done) setNotice(done);
  };

  return (
    <tr data-testid={`schedule-${schedule.name}`}>
      <td>
        <div>{schedule.description}</div>
        <div className="muted small">
          {schedule.name} · {schedule.jobKind}
          {schedule.tradingDaysOnly ? ' · NSE trading days only' : ''}
          {!schedule.available ? ' · arrives with a later version' : ''}
        </div>
      </td>
      <td>
        <input
          aria-label={`Cron for ${schedule.name}`}
          className="cron-input"
          value={cron}
          onChange={(e) => setCron(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter')
              void run(() => bridge.invoke('schedules.update', { name: schedule.name, cron }), 'Saved');
          }}
        />
        <div className="muted small">{schedule.timezone}</div>
      </td>
      <td>
        <label className="toggle">
          <input
            type="checkbox"
            aria-label={`Enable ${schedule.name}`}
            checked={schedule.enabled}
            disabled={busy || (!schedule.available && !schedule.enabled)}
            onChange={(e) =>
              void run(() => bridge.invoke('schedules.update', { name: schedule.name, enabled: e.target.checked }))
            }
          />
          {schedule.enabled ? 'On' : 'Off'}
        </label>
      </td>
      <td data-testid="schedule-next">{schedule.enabled ? formatDateTime(schedule.nextRunAt) : '—'}</td>
      <td>
        {formatDateTime(schedule.lastRunAt)}
        {schedule.lastJobId ? <div className="muted small">job #{schedule.lastJobId}</div> : null}
      </td>
      <td className="actions">
        <button
          type="button"
          className="secondary"
          disabled={busy || cron === schedule.cron}
          onClick={() => void run(() => bridge.invoke('schedules.update', { name: schedule.name, cron }), 'Saved')}
        >
          Save
        </button>{' '}
        <button
          type="button"
          className="secondary"
          disabled={busy || !schedule.available}
          onClick={() =>
            void run(async () => (await bridge.invoke('schedules.runNow', { name: schedule.name })).schedule, 'Queued')
          }
        >
          Run now
        </button>
        {command.message ? (
          <div className="bad small" role="alert">
            {command.message}
          </div>
        ) : null}
        {notice ? (
          <div className="good small" role="status">
            {notice}
          </div>
        ) : null}
      </td>
    </tr>
  );
}

/** The schedules editor: cron in IST, on/off, next and last run, run now. */
export function SchedulesPanel() {
  const bridge = useBridge();
  const [schedules, setSchedules] = useState<Schedule[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      setSchedules(await bridge.invoke('schedules.list', {}));
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [bridge]);

  useEffect(() => {
    const first = setTimeout(() => void load(), 0);
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => {
      clearTimeout(first);
      clearInterval(timer);
    };
  }, [load]);

  const replace = (next: Schedule) => setSchedules((all) => all?.map((s) => (s.name === next.name ? next : s)) ?? null);

  return (
    <section className="schedules" aria-labelledby="schedules-title">
      <h2 id="schedules-title">Schedules</h2>
      {error ? <p className="bad">{error}</p> : null}
      {!schedules ? (
        <p className="muted">Loading schedules…</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Schedule</th>
              <th>Cron</th>
              <th>Enabled</th>
              <th>Next run (IST)</th>
              <th>Last run</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {schedules.map((s) => (
              <ScheduleRow key={s.name} schedule={s} onChanged={replace} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
