/**
 * The engine-shaped live setup of the feed benchmarks: the real engine (`createEngine`, live mode) connected
 * through its own feed service, feed socket and tick pipeline to the Upstox simulator over a real WebSocket.
 * The simulator runs in a child process (`sim-child.ts`) unless asked otherwise, as the exchange is remote in
 * production.
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import type { LatestTick } from '../shared/domain/feed';
import { loadConfig } from '../electron/engine/config';
import { createEngine, type Engine } from '../electron/engine/index';
import type { Logger } from '../electron/engine/common/logger';
import { startUpstoxSimulator, type SimulatorStats } from '../electron/engine/sim';
import { RESOURCES_DIR } from './feed-frames';
import type { SimChildMessage, SimChildOptions } from './sim-child';

export type SimStats = SimulatorStats;

export interface SimHandle {
  apiUrl: string;
  instrumentKeys: string[];
  where: 'in a child process' | 'in this process';
  stats(): Promise<SimStats>;
  close(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;

async function startChildSimulator(options: SimChildOptions): Promise<SimHandle> {
  // fork reuses this process's execArgv, which carries tsx's loader: the child runs the TypeScript directly.
  const child = fork(path.join(import.meta.dirname, 'sim-child.ts'), [JSON.stringify(options)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<Extract<SimChildMessage, { type: 'ready' }>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('simulator child did not start in time')), READY_TIMEOUT_MS);
    child.once('exit', (code) => reject(new Error(`simulator child exited early (code ${code})`)));
    child.on('message', (message: SimChildMessage) => {
      if (message.type !== 'ready') return;
      clearTimeout(timer);
      resolve(message);
    });
  });
  return {
    apiUrl: ready.apiUrl,
    instrumentKeys: ready.instrumentKeys,
    where: 'in a child process',
    stats: () =>
      new Promise<SimStats>((resolve) => {
        const onMessage = (message: SimChildMessage) => {
          if (message.type !== 'stats') return;
          child.off('message', onMessage);
          resolve(message.stats);
        };
        child.on('message', onMessage);
        child.send({ type: 'stats' });
      }),
    async close() {
      if (child.exitCode === null && child.connected) child.send({ type: 'close' });
      const timer = setTimeout(() => child.kill(), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function startInProcessSimulator(options: SimChildOptions): Promise<SimHandle> {
  const sim = await startUpstoxSimulator({ resourcesDir: RESOURCES_DIR, port: 0, ...options });
  return {
    apiUrl: sim.apiUrl,
    instrumentKeys: sim.instruments().map((i) => i.instrumentKey),
    where: 'in this process',
    stats: async () => sim.stats(),
    close: () => sim.close(),
  };
}

export function startSimulator(options: SimChildOptions, inProcess = false): Promise<SimHandle> {
  return inProcess ? startInProcessSimulator(options) : startChildSimulator(options);
}

/** The product's engine in live mode against the simulator: authorize, single-use feed URL, socket, pipeline. */
export function startLiveEngine(apiUrl: string, dataDir: string, logger: Logger): Engine {
  const config = loadConfig({
    TICKDESK_DATA_DIR: dataDir,
    UPSTOX_ACCESS_TOKEN: 'bench-access-token-0123456789abcdef',
    UPSTOX_API_URL: apiUrl,
    UPSTOX_ORDER_URL: apiUrl,
    // Anything that would fetch the instrument master stays on loopback too.
    UPSTOX_ASSETS_URL: apiUrl,
  });
  const engine = createEngine(config, { logger, startFeed: true });
  engine.start();
  return engine;
}

export async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Subscribes every simulator instrument in `full` mode and waits until ticks flow. */
export async function subscribeAll(engine: Engine, keys: readonly string[]): Promise<void> {
  await waitFor(() => engine.feed.status().state === 'connected', 30_000, 'the feed socket to connect');
  const result = engine.feed.subscribe(keys, 'full');
  if (result.rejected.length > 0)
    throw new Error(`subscription rejected ${result.rejected.length} keys: ${result.rejected[0]!.reason}`);
  await waitFor(() => engine.feed.counters().ticksReceived > keys.length, 30_000, 'ticks to flow');
}

export interface LatencySamples {
  /** Emit time minus the tick's receipt time (set when its frame reached the engine), per instrument per event. */
  receipt: number[];
  /** Emit time minus the tick's last trade time, which the simulator stamps when it steps the market and sends. */
  sent: number[];
  /** Time between consecutive `market_ticks` events. */
  gaps: number[];
  events: number;
}

/** Records latencies from every `market_ticks` event while `recording` is true. */
export function collectLatency(engine: Engine): {
  samples: LatencySamples;
  setRecording(on: boolean): void;
  stop(): void;
} {
  const samples: LatencySamples = { receipt: [], sent: [], gaps: [], events: 0 };
  let recording = false;
  let lastEmit = -1;
  const stop = engine.events.subscribe((envelope) => {
    if (envelope.event !== 'market_ticks') return;
    const now = Date.now();
    if (recording) {
      samples.events++;
      if (lastEmit >= 0) samples.gaps.push(now - lastEmit);
      const ticks = (envelope.payload as { ticks: Record<string, LatestTick> }).ticks;
      for (const key in ticks) {
        const tick = ticks[key]!;
        samples.receipt.push(now - Date.parse(tick.receivedAt));
        if (tick.ltt !== null) samples.sent.push(now - Date.parse(tick.ltt));
      }
    }
    lastEmit = now;
  });
  return { samples, setRecording: (on) => void (recording = on), stop };
}
