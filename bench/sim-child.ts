/**
 * The Upstox simulator as a child process of the benchmarks (started by `feed-live.ts` with `fork`). In production
 * the exchange is remote: running the simulator's tick loop, frame encoding and candle building in the engine's own
 * process would put its CPU time into the engine's event loop and inflate what is being measured.
 *
 * Protocol (IPC): reads its options from argv[2] as JSON; sends `{ type: 'ready', apiUrl, instrumentKeys }`,
 * answers `{ type: 'stats' }` with `{ type: 'stats', stats }` (the simulator's whole stats) and closes on
 * `{ type: 'close' }` or when the parent goes away.
 */
import { startUpstoxSimulator, type SimulatorStats, type UpstoxSimulatorOptions } from '../electron/engine/sim';
import { RESOURCES_DIR } from './feed-frames';

/** The simulator options that travel as JSON (no clock, logger or callbacks). */
export type SimChildOptions = Pick<
  UpstoxSimulatorOptions,
  | 'seed'
  | 'tickIntervalMs'
  | 'ticksPerInterval'
  | 'restLatencyMs'
  | 'rateLimits'
  | 'pastSessionCacheBars'
  | 'optionStrikesEachSide'
>;

export type SimChildMessage =
  { type: 'ready'; apiUrl: string; instrumentKeys: string[] } | { type: 'stats'; stats: SimulatorStats };

async function main(): Promise<void> {
  const send = process.send?.bind(process);
  if (!send) throw new Error('sim-child.ts runs as a forked child of the benchmarks');
  const options = JSON.parse(process.argv[2] ?? '{}') as SimChildOptions;
  const sim = await startUpstoxSimulator({ resourcesDir: RESOURCES_DIR, port: 0, ...options });
  let closing = false;
  const close = async () => {
    if (closing) return;
    closing = true;
    await sim.close();
    process.exit(0);
  };
  process.on('message', (message: { type?: string }) => {
    if (message.type === 'stats') send({ type: 'stats', stats: sim.stats() } satisfies SimChildMessage);
    else if (message.type === 'close') void close();
  });
  process.on('disconnect', () => void close());
  send({
    type: 'ready',
    apiUrl: sim.apiUrl,
    instrumentKeys: sim.instruments().map((i) => i.instrumentKey),
  } satisfies SimChildMessage);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
