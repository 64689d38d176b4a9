import { create } from 'zustand';
import type { Job, JobStats } from '../../../shared/domain/jobs';
import type { EventPayload } from '../../../shared/contract';

export interface JobsState {
  byId: Record<number, Job>;
  stats: JobStats | null;
  loaded: boolean;
}

export const useJobsStore = create<JobsState>()(() => ({ byId: {}, stats: null, loaded: false }));

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
