import type { WorldName } from '../../../shared/domain/system';
import { DAY_MS } from '../../../shared/time';
import type { CommandHandler } from '../common/commands';
import type { Emit, EventHub } from '../common/events';
import { openWorld, type World, type WorldDeps } from './open';

/** The job code of an Upstox call refused for want of a valid login (UpstoxApiError of kind `auth`). */
const UPSTOX_AUTH_JOB_CODE = 'UPSTOX_AUTH';

export type WorldHandlers = World['handlers'];

export interface ActiveWorldDeps extends WorldDeps {
  events: EventHub;
  /** Which world the user is in now: live while an Upstox token is set, demo otherwise. */
  wanted: () => WorldName;
}

/**
 * The world the engine is in, and the switch between worlds when the Upstox token comes or goes: the old world
 * stops (its feed, runner and scheduler, then its file) before the new one opens, commands wait for the switch,
 * and an event from a world that is no longer active is dropped, so no value of one ever reaches a client of the other.
 */
export function createActiveWorld(deps: ActiveWorldDeps) {
  const logger = deps.logger.child('worlds');
  let generation = 0;
  const open = (name: WorldName): World => {
    const mine = ++generation;
    const guarded: Emit = (event, payload, source) => {
      if (mine === generation) deps.events.emit(event, payload, source);
    };
    return openWorld(name, deps, guarded);
  };

  let current = open(deps.wanted());
  let started = false;
  let switching: Promise<void> | null = null;

  async function switchTo(name: WorldName): Promise<void> {
    if (current.name === name) return;
    const previous = current;
    logger.info('switching world', { from: previous.name, to: name });
    // Silences the old world at once: what it emits while stopping belongs to a world no client is in any more.
    generation++;
    await previous.stop();
    current = open(name);
    if (started) current.start();
    deps.events.emit('world_changed', { world: name });
  }

  /** Brings the active world in line with the token, one switch at a time. */
  function follow(): Promise<void> {
    const run = async () => {
      while (current.name !== deps.wanted()) await switchTo(deps.wanted());
    };
    const next = (switching ?? Promise.resolve()).then(run);
    const settled = next.finally(() => {
      if (switching === settled) switching = null;
    });
    switching = settled;
    return settled;
  }

  /** The same commands for whichever world is active; each waits out a switch in progress. */
  function delegate<H extends Record<string, CommandHandler<never>>>(handlers: H): H {
    return Object.fromEntries(
      Object.keys(handlers).map((name) => [
        name,
        async (input: never, context: never) => {
          if (switching) await switching;
          return (current.handlers as unknown as H)[name]!(input, context);
        },
      ]),
    ) as H;
  }

  return {
    /** After the token is set or removed: the other world if the mode changed, else the feed again on the new token. */
    async tokenChanged(): Promise<void> {
      const before = current.name;
      await follow();
      if (current.name === before) await current.feed.service.reconnect();
    },
    /**
     * After a login: jobs of the last day that failed for want of one (imports, backfills, a deep-dive) run again.
     * Orders never do: a trader decides whether an order that could not go out still should.
     */
    rerunWaitingOnLogin(now: number): number {
      const jobs = current.jobs.service;
      const recent = (job: { finishedAt: string | null }) =>
        job.finishedAt !== null && now - Date.parse(job.finishedAt) < DAY_MS;
      const waiting = jobs
        .list({ status: 'FAILED', limit: 500 })
        .filter((job) => job.error?.code === UPSTOX_AUTH_JOB_CODE && !job.kind.startsWith('trading.') && recent(job));
      for (const job of waiting) jobs.retry(job.id);
      if (waiting.length > 0) logger.info('jobs run again after login', { jobs: waiting.length });
      return waiting.length;
    },
    current: (): World => current,
    name: (): WorldName => current.name,
    handlers: delegate(
      current.handlers as unknown as Record<string, CommandHandler<never>>,
    ) as unknown as WorldHandlers,
    follow,
    start(): void {
      started = true;
      current.start();
    },
    async stop(): Promise<void> {
      if (switching) await switching.catch(() => undefined);
      await current.stop();
    },
  };
}
export type ActiveWorld = ReturnType<typeof createActiveWorld>;
