/**
 * The Upstox simulator as a child process of the live-feed benchmarks (started by `feed-live.ts` with `fork`).
 * In production the exchange is remote: running the simulator's tick loop and frame encoding in the engine's own
 * process would put its CPU time into the engine's event loop and inflate the latency being measured.
 *
 * Protocol (IPC): reads its options from argv[2] as JSON; sends `{ type: 'ready', apiUrl, instrumentKeys }`,
 * answers `{ type: 'stats' }` with `{ type: 'stats', stats }` and closes on `{ type: 'close' }` or when the
 * parent goes away.
 */
import { startUpstoxSimulator } from '../electron/engine/sim';
import { RESOURCES_DIR } from './feed-frames';

export interface FeedSimOptions {
  tickIntervalMs: number;
  ticksPerInterval: number | 'all';
  seed: number;
}

export type FeedSimMessage =
  | { type: 'ready'; apiUrl: string; instrumentKeys: string[] }
  | { type: 'stats'; stats: { framesSent: number; ticksSent: number; framesSkipped: number } };

async function main(): Promise<void> {
  const send = process.send?.bind(process);
  if (!send) throw new Error('feed-sim.ts runs as a forked child of the feed benchmarks');
  const options = JSON.parse(process.argv[2] ?? '{}') as FeedSimOptions;
  const sim = await startUpstoxSimulator({
    resourcesDir: RESOURCES_DIR,
    port: 0,
    seed: options.seed,
    tickIntervalMs: options.tickIntervalMs,
    ticksPerInterval: options.ticksPerInterval,
  });
  let closing = false;
  const close = async () => {
    if (closing) return;
    closing = true;
    await sim.close();
    process.exit(0);
  };
  process.on('message', (message: { type?: string }) => {
    if (message.type === 'stats') {
      const { framesSent, ticksSent, framesSkipped } = sim.stats();
      send({ type: 'stats', stats: { framesSent, ticksSent, framesSkipped } } satisfies FeedSimMessage);
    } else if (message.type === 'close') void close();
  });
  process.on('disconnect', () => void close());
  send({
    type: 'ready',
    apiUrl: sim.apiUrl,
    instrumentKeys: sim.instruments().map((i) => i.instrumentKey),
  } satisfies FeedSimMessage);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
