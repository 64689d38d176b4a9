/**
 * Heap soak of the live feed (`npm run bench:feed:soak`, `-- --minutes N` to shorten; default 10 minutes).
 *
 * The demo-style setup: the real engine in live mode, its feed socket connected to the Upstox simulator (in a
 * child process, so that the simulator's own growing state stays out of the measured heap), every demo instrument
 * subscribed in full mode at about 5,000 instrument-ticks/s. Every 10 s the heap is measured after a forced
 * full GC. Bar: the median of the last minute's samples at most 30 MB above the median of the first minute's, with
 * the achieved rate at least 90% of the configured one (instruments per interval / interval).
 *
 * Needs `--expose-gc`; without it the script starts itself again with the flag.
 * Knobs (environment): BENCH_SOAK_INTERVAL_MS, BENCH_SOAK_PER_INTERVAL (a number, or all), BENCH_FEED_SIM_IN_PROCESS=1.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DB_FILE_NAME } from '../electron/engine/store/open';
import { sleep, startLiveEngine, startSimulator, subscribeAll } from './feed-live';
import { createProblemLogger, int, intFromEnv, machineLine, mb, median, removeDir, tempDir } from './feed-util';

const BAR_GROWTH_MB = 30;
/** The verdict counts only if the feed carried at least this share of the configured tick rate. */
const LOAD_SHARE = 0.9;
const SAMPLE_EVERY_MS = 10_000;
const INTERVAL_MS = intFromEnv('BENCH_SOAK_INTERVAL_MS', 10);
const PER_INTERVAL: number | 'all' =
  (process.env.BENCH_SOAK_PER_INTERVAL ?? '50') === 'all' ? 'all' : intFromEnv('BENCH_SOAK_PER_INTERVAL', 50);

function minutesArg(): number {
  const at = process.argv.indexOf('--minutes');
  if (at < 0) return 10;
  const value = Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`--minutes needs a positive number, got "${process.argv[at + 1]}"`);
  return value;
}

interface Sample {
  seconds: number;
  heapUsed: number;
  rss: number;
  ticks: number;
}

async function soak(gc: () => void): Promise<void> {
  const minutes = minutesArg();
  const logger = createProblemLogger();
  const dir = tempDir();
  const sim = await startSimulator(
    { tickIntervalMs: INTERVAL_MS, ticksPerInterval: PER_INTERVAL, seed: 20_260_105 },
    process.env.BENCH_FEED_SIM_IN_PROCESS === '1',
  );
  const engine = startLiveEngine(sim.apiUrl, dir, logger);
  let events = 0;
  const unsubscribe = engine.events.subscribe((envelope) => {
    if (envelope.event === 'market_ticks') events++;
  });
  try {
    console.log('Tickdesk live-feed heap soak');
    console.log(machineLine());
    console.log(
      `settings: ${minutes} min, real engine in live mode on a loopback WebSocket to the simulator ${sim.where}, ${sim.instrumentKeys.length} instruments ` +
        `in full mode, simulator tick every ${INTERVAL_MS} ms moving ${PER_INTERVAL} instruments; heapUsed after a forced GC every ${SAMPLE_EVERY_MS / 1000} s`,
    );
    await subscribeAll(engine, sim.instrumentKeys);
    const started = performance.now();
    const startTicks = engine.feed.counters().ticksReceived;
    const samples: Sample[] = [];
    const total = minutes * 60_000;
    for (let at = SAMPLE_EVERY_MS; at <= total + 1; at += SAMPLE_EVERY_MS) {
      await sleep(Math.max(0, started + at - performance.now()));
      gc();
      const { heapUsed, rss } = process.memoryUsage();
      const seconds = (performance.now() - started) / 1000;
      const ticks = engine.feed.counters().ticksReceived - startTicks;
      samples.push({ seconds, heapUsed, rss, ticks });
      const previous = samples.at(-2);
      const recent = previous ? (ticks - previous.ticks) / (seconds - previous.seconds) : ticks / seconds;
      console.log(
        `  t=${seconds.toFixed(0).padStart(4)} s  heapUsed ${mb(heapUsed).padStart(6)} MB  rss ${mb(rss).padStart(6)} MB  ticks ${int(ticks).padStart(10)}  (${int(recent)}/s)`,
      );
    }

    const seconds = (performance.now() - started) / 1000;
    const ticks = engine.feed.counters().ticksReceived - startTicks;
    const lastMinuteFrom = samples.at(-1)!.seconds - 60;
    const first = samples.filter((s) => s.seconds <= 60 + 1).map((s) => s.heapUsed);
    const last = samples.filter((s) => s.seconds > lastMinuteFrom + 1).map((s) => s.heapUsed);
    const growth = median(last) - median(first);
    const stats = engine.feed.status();
    const dbFile = path.join(dir, DB_FILE_NAME);
    const dbBytes = fs.statSync(dbFile).size + (fs.existsSync(`${dbFile}-wal`) ? fs.statSync(`${dbFile}-wal`).size : 0);
    console.log('');
    console.log(
      `achieved: ${int(ticks / seconds)} instrument-ticks/s over ${seconds.toFixed(0)} s (${int(ticks)} ticks, ${int(events)} market_ticks events, ${stats.reconnects} reconnects, ${stats.decodeErrors} decode errors); database with WAL ${mb(dbBytes)} MB`,
    );
    console.log(
      `heapUsed: first minute median ${mb(median(first))} MB (${first.length} samples), last minute median ${mb(median(last))} MB (${last.length} samples)`,
    );
    // The load the simulator was configured for: instruments moved per tick interval, ticks per second.
    const targetRate = ((PER_INTERVAL === 'all' ? sim.instrumentKeys.length : PER_INTERVAL) * 1000) / INTERVAL_MS;
    const achievedRate = ticks / seconds;
    const loadReached = achievedRate >= LOAD_SHARE * targetRate;
    const heapOk = growth <= BAR_GROWTH_MB * 1024 * 1024;
    console.log(
      `load: ${int(achievedRate)} of a target ${int(targetRate)} instrument-ticks/s (${((achievedRate / targetRate) * 100).toFixed(0)}%; needs at least ${LOAD_SHARE * 100}%)` +
        (loadReached ? '' : ' -> load NOT reached'),
    );
    console.log(
      `growth ${growth >= 0 ? '+' : ''}${mb(growth)} MB; bar (at most ${BAR_GROWTH_MB} MB over ${minutes} min at ~${int(targetRate)} ticks/s, load reached): ` +
        `${heapOk && loadReached ? 'PASS' : 'FAIL'}${loadReached ? '' : ' (load NOT reached)'}`,
    );
    if (minutes < 2) console.log('note: with less than 2 minutes the first and last minute overlap');
    if (logger.problems.length > 0)
      console.log(`engine warnings/errors: ${logger.problems.length}, first: ${logger.problems[0]}`);
  } finally {
    unsubscribe();
    await engine.shutdown();
    await sim.close();
    removeDir(dir);
  }
}

const gc = (globalThis as { gc?: () => void }).gc;
if (typeof gc === 'function') {
  soak(gc).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
} else {
  // Same node, same loader flags (tsx's), plus --expose-gc.
  const child = spawn(process.execPath, ['--expose-gc', ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
  });
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal ? 1 : 0);
  });
}
