import { DemoJobPayloadSchema } from '../../../shared/domain/jobs';
import { JOB_KINDS } from '../../../shared/job-kinds';
import { TransientJobError } from './errors';
import { defineJobKind } from './registry';

export const DEMO_JOB_KIND = JOB_KINDS.demo;
export { DemoJobPayloadSchema };

/** Simulated work over many items, to try the runner, its progress, cancel and retry without touching data. */
export const demoJobKind = defineJobKind({
  kind: DEMO_JOB_KIND,
  description: 'Demo: simulated work over many items',
  payload: DemoJobPayloadSchema,
  maxAttempts: 3,
  concurrency: 2,
  backoff: { baseMs: 1_000, maxMs: 10_000 },
  async handler(ctx) {
    const { items, itemMs, failEvery } = ctx.payload;
    ctx.items.ensure(Array.from({ length: items }, (_, i) => `item-${String(i + 1).padStart(4, '0')}`));
    ctx.progress({ phase: 'working', message: `${items} simulated items of about ${itemMs} ms each` });
    await ctx.items.run(
      async (key) => {
        await ctx.sleep(itemMs);
        const n = Number(key.slice(5));
        if (failEvery > 0 && n % failEvery === 0 && ctx.job.attempts === 1) {
          throw new TransientJobError(
            'DEMO_FLAKY',
            `${key} failed on purpose (every ${failEvery}th item fails its first try)`,
          );
        }
        return { records: 1 };
      },
      { concurrency: 1 },
    );
    return { processed: ctx.items.counts().succeeded };
  },
});
