import type { Db } from './types';

export interface ScheduleRecord {
  name: string;
  jobKind: string;
  cron: string;
  enabled: boolean;
  tradingDaysOnly: boolean;
  payload: unknown;
  lastRunAt: number | null;
  lastJobId: number | null;
  nextRunAt: number | null;
}

interface DbSchedule {
  name: string;
  job_kind: string;
  cron: string;
  enabled: number;
  trading_days_only: number;
  payload: string;
  last_run_at: number | null;
  last_job_id: number | null;
  next_run_at: number | null;
}

function toRecord(row: DbSchedule): ScheduleRecord {
  let payload: unknown = {};
  try {
    payload = JSON.parse(row.payload);
  } catch {
    // Checked against the job kind when the schedule fires; an unreadable payload fails that job clearly.
  }
  return {
    name: row.name,
    jobKind: row.job_kind,
    cron: row.cron,
    enabled: row.enabled === 1,
    tradingDaysOnly: row.trading_days_only === 1,
    payload,
    lastRunAt: row.last_run_at,
    lastJobId: row.last_job_id,
    nextRunAt: row.next_run_at,
  };
}

export function createScheduleStore(db: Db) {
  const s = {
    seed: db.prepare<[string, string, string, number, number, string, number, number]>(
      `INSERT INTO schedules (name, job_kind, cron, enabled, trading_days_only, payload, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING`,
    ),
    all: db.prepare<[], DbSchedule>('SELECT * FROM schedules ORDER BY name'),
    get: db.prepare<[string], DbSchedule>('SELECT * FROM schedules WHERE name = ?'),
    update: db.prepare<[string, number, string, number | null, number, string]>(
      'UPDATE schedules SET cron = ?, enabled = ?, payload = ?, next_run_at = ?, updated_at = ? WHERE name = ?',
    ),
    setNext: db.prepare<[number | null, number, string]>(
      'UPDATE schedules SET next_run_at = ?, updated_at = ? WHERE name = ?',
    ),
    ran: db.prepare<[number, number, number | null, number, string]>(
      'UPDATE schedules SET last_run_at = ?, last_job_id = ?, next_run_at = ?, updated_at = ? WHERE name = ?',
    ),
  };
  return {
    seed(defaults: readonly Omit<ScheduleRecord, 'lastRunAt' | 'lastJobId' | 'nextRunAt'>[], now: number): void {
      db.transaction(() => {
        for (const d of defaults)
          s.seed.run(
            d.name,
            d.jobKind,
            d.cron,
            d.enabled ? 1 : 0,
            d.tradingDaysOnly ? 1 : 0,
            JSON.stringify(d.payload ?? {}),
            now,
            now,
          );
      })();
    },
    all: () => s.all.all().map(toRecord),
    get(name: string): ScheduleRecord | undefined {
      const row = s.get.get(name);
      return row ? toRecord(row) : undefined;
    },
    update(
      name: string,
      fields: { cron: string; enabled: boolean; payload: unknown; nextRunAt: number | null },
      now: number,
    ): void {
      s.update.run(
        fields.cron,
        fields.enabled ? 1 : 0,
        JSON.stringify(fields.payload ?? {}),
        fields.nextRunAt,
        now,
        name,
      );
    },
    setNextRun: (name: string, nextRunAt: number | null, now: number) => s.setNext.run(nextRunAt, now, name),
    recordRun: (name: string, ranAt: number, jobId: number, nextRunAt: number | null) =>
      s.ran.run(ranAt, jobId, nextRunAt, ranAt, name),
  };
}
export type ScheduleStore = ReturnType<typeof createScheduleStore>;
