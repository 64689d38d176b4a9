import type { Db } from '../types';

/**
 * Every job goes QUEUED, RUNNING, then SUCCEEDED (or FAILED, CANCELLED), and an index on status rewrites its entry
 * at each step: five index writes a job, and pages dirtied in three places of that index at every commit of the
 * queue. Queued and running jobs have partial indexes of their own already (jobs_claim, jobs_running); only finished
 * jobs need one by status (their counts, their lists), written once, when the job finishes. `finished_at` is set
 * exactly for finished jobs; queries name it so that the planner can use the partial index.
 */
export default function up(db: Db): void {
  db.exec(`
    DROP INDEX jobs_status_created;
    CREATE INDEX jobs_finished_status ON jobs (status, id) WHERE finished_at IS NOT NULL;
  `);
}
