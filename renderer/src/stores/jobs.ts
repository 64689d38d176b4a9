import { create } from 'zustand';
import type { Job, JobStats } from '../../../shared/domain/jobs';
import type { EventPayload } from '../../../shared/contract';
import type { Bridge } from '../bridge';
import { followEngine } from './follow';

export interface JobsState {
  byId: Record<number, Job>;
  stats: JobStats | null;
  loaded: boolean;
}

export const useJobsStore = create<JobsState>()(() => ({ byId: {}, stats: null, loaded: false }));

/** How many jobs the Jobs view holds: the newest, as the engine lists them. */
const LISTED_JOBS = 200;

export function replaceJobs(jobs: Job[], stats: JobStats): void {
  useJobsStore.setState({ byId: Object.fromEntries(jobs.map((job) => [job.id, job])), stats, loaded: true });
}

export function upsertJob(job: Job): void {
  useJobsStore.setState((s) => ({ byId: { ...s.byId, [job.id]: job } }));
}

/** Merges a progress event into the job it belongs to; an unknown job is fetched by the caller. */
export function applyProgress(update: EventPayload<'job_progress_update'>): boolean {
  const job = useJobsStore.getState().byId[update.jobId];
  if (!job) return false;
  upsertJob({ ...job, status: update.status, attempts: update.attempts, progress: update.progress });
  return true;
}

export function jobsNewestFirst(byId: Record<number, Job>): Job[] {
  return Object.values(byId).sort((a, b) => b.id - a.id);
}

/** Feeds the jobs store: the list on load, then progress, completion and failure events as they come. */
export function wireJobs(bridge: Bridge): () => void {
  const load = async () => {
    try {
      const [jobs, stats] = await Promise.all([
        bridge.invoke('jobs.list', { limit: LISTED_JOBS }),
        bridge.invoke('jobs.stats', {}),
      ]);
      replaceJobs(jobs, stats);
    } catch {
      // The connection state already tells the user; the next reconnect loads again.
    }
  };
  const loadJob = async (id: number) => {
    try {
      const [job, stats] = await Promise.all([bridge.invoke('jobs.get', { id }), bridge.invoke('jobs.stats', {})]);
      upsertJob(job);
      useJobsStore.setState({ stats });
    } catch {
      // Gone (cleaned up) or the engine is away: the next load settles it.
    }
  };
  const statusOf = new Map<number, string>();
  const offs = [
    followEngine(
      bridge,
      () => void load(),
      () => {
        statusOf.clear();
        useJobsStore.setState(useJobsStore.getInitialState(), true);
      },
    ),
    bridge.on('job_progress_update', ({ payload }) => {
      const known = applyProgress(payload);
      // A new job, or one whose status changed: fetch it whole, and the queue stats with it.
      if (!known || statusOf.get(payload.jobId) !== payload.status) void loadJob(payload.jobId);
      statusOf.set(payload.jobId, payload.status);
    }),
    bridge.on('job_completed', ({ payload }) => void loadJob(payload.jobId)),
    bridge.on('job_failed', ({ payload }) => void loadJob(payload.jobId)),
  ];
  return () => offs.forEach((off) => off());
}
