import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { closeTestJobs, createTestJobs } from '../../../tests/helpers/jobs';
import { removeTempDirs } from '../../../tests/helpers/temp-dir';
import { defineJobKind } from './registry';

const noteKind = defineJobKind({
  kind: 'test.note',
  description: 'writes nothing, succeeds',
  payload: z.object({ text: z.string() }).strict(),
  handler: async () => ({ ok: true }),
});

afterEach(async () => {
  await closeTestJobs();
  removeTempDirs();
});

const announced = (h: ReturnType<typeof createTestJobs>) => h.events.filter((e) => e.event === 'job_progress_update');

describe('enqueue inside a caller transaction', () => {
  it('stores the job with the caller rows and announces it only after the commit', async () => {
    const h = createTestJobs({ kinds: [noteKind] });
    h.stores.db.exec('CREATE TABLE note (id INTEGER PRIMARY KEY, job_id INTEGER NOT NULL)');
    const write = h.stores.db.transaction(() => {
      const { job } = h.jobs.service.enqueue(noteKind.kind, { text: 'hello' });
      h.stores.db.prepare('INSERT INTO note (job_id) VALUES (?)').run(job.id);
      expect(announced(h)).toHaveLength(0);
      return job.id;
    });
    const id = write();
    expect(announced(h)).toHaveLength(0);
    await Promise.resolve();
    expect(announced(h).map((e) => e.payload)).toEqual([expect.objectContaining({ jobId: id, status: 'QUEUED' })]);
    expect(h.stores.db.prepare('SELECT job_id FROM note').pluck().all()).toEqual([id]);
  });

  it('leaves no job and announces nothing when the caller rolls back', async () => {
    const h = createTestJobs({ kinds: [noteKind] });
    const write = h.stores.db.transaction(() => {
      h.jobs.service.enqueue(noteKind.kind, { text: 'hello' });
      throw new Error('the order row failed its check');
    });
    expect(() => write()).toThrow('the order row failed its check');
    await Promise.resolve();
    expect(h.jobs.service.list({ limit: 10 })).toEqual([]);
    expect(announced(h)).toEqual([]);
  });

  it('announces at once outside a transaction, and the runner then runs the job to success', async () => {
    const h = createTestJobs({ kinds: [noteKind] });
    h.jobs.start();
    const { job } = h.jobs.service.enqueue(noteKind.kind, { text: 'now' });
    expect(announced(h)[0]?.payload).toMatchObject({ jobId: job.id, status: 'QUEUED' });
    const done = await h.waitForStatus(job.id, ['SUCCEEDED', 'FAILED']);
    expect(done.status).toBe('SUCCEEDED');
  });
});
