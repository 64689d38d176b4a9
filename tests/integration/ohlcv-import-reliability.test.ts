import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { istDate } from '../../shared/time';
import { lookbackStart, planRequests } from '../../electron/engine/imports/plan';
import { UPSTOX_HISTORY_LIMITS } from '../../electron/engine/imports/providers/upstox';
import type { Simulator } from '../../electron/engine/sim';
import type { RestFaultKind, RestFaultReport } from '../../electron/engine/sim/faults';
import { DB_FILE_NAME } from '../../electron/engine/store/open';
import { killAllWorkers, spawnJobWorker } from '../fixtures/job-worker';
import { OHLCV_IMPORT_WORKER } from '../fixtures/ohlcv-import-worker';
import { LIVE_TOKEN, liveEnv, liveApp, RESOURCES, startUpstox, type Cleanups, type LiveApp } from '../helpers/live-app';
import { makeTempDir, removeTempDirs } from '../helpers/temp-dir';
import { waitFor } from '../helpers/wait';

const cleanups: Cleanups = [];

afterEach(async () => {
  await killAllWorkers();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  removeTempDirs();
});

// Answers are compared whole below; read loosely here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

const finished = (app: LiveApp, runId: number, ms: number) =>
  waitFor(
    async () => {
      const run = await app.get(`/api/v1/imports/${runId}`);
      return ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(run.status) ? run : undefined;
    },
    `import run ${runId} to finish`,
    ms,
    50,
  );

/** The code a symbol fails with when this was the last answer it got from Upstox. */
const CODE_OF_FAULT: Record<RestFaultKind, string> = {
  '429': 'API_RATE_LIMIT',
  '500': 'NETWORK_TIMEOUT',
  timeout: 'NETWORK_TIMEOUT',
  malformed: 'BAD_RESPONSE',
};

/** Bar start times served per `instrumentKey timeframe`, over several reports (a bar served twice counted once). */
function servedBars(...reports: RestFaultReport[]): Map<string, number[]> {
  const bars = new Map<string, Set<number>>();
  for (const report of reports)
    for (const [key, byTimeframe] of Object.entries(report.candles))
      for (const [timeframe, served] of Object.entries(byTimeframe)) {
        const set = bars.get(`${key} ${timeframe}`) ?? new Set<number>();
        for (const ts of served.bars) set.add(ts);
        bars.set(`${key} ${timeframe}`, set);
      }
  return new Map([...bars].map(([k, set]) => [k, [...set].sort((a, b) => a - b)]));
}

/** Every stored bar start per `instrumentKey timeframe`, read from the world's file, with the file's health. */
function storedBars(file: string) {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db
      .prepare<[], { key: string; timeframe: string; ts: number; provider: string }>(
        `SELECT k.instrument_key AS key, c.timeframe, c.ts, c.provider
         FROM candles c JOIN market_keys k ON k.id = c.instrument_id ORDER BY k.instrument_key, c.timeframe, c.ts`,
      )
      .all();
    const bars = new Map<string, number[]>();
    for (const row of rows) {
      const list = bars.get(`${row.key} ${row.timeframe}`) ?? [];
      list.push(row.ts);
      bars.set(`${row.key} ${row.timeframe}`, list);
    }
    const counts = db
      .prepare<[], { key: string; timeframe: string; n: number }>(
        `SELECT k.instrument_key AS key, c.timeframe, COUNT(*) AS n
         FROM candles c JOIN market_keys k ON k.id = c.instrument_id GROUP BY k.instrument_key, c.timeframe`,
      )
      .all();
    return {
      bars,
      counts: new Map(counts.map((c) => [`${c.key} ${c.timeframe}`, c.n])),
      providers: [...new Set(rows.map((r) => r.provider))],
      integrity: db.pragma('integrity_check', { simple: true }),
    };
  } finally {
    db.close();
  }
}

const FNO_MEMBERS = (
  JSON.parse(fs.readFileSync(path.join(RESOURCES, 'universes', 'fno.json'), 'utf8')) as { members: unknown[] }
).members.length;
const KILLS = 3;

/**
 * Every daily bar the simulator holds for the requests a `lookbackDays` import plans, by `instrumentKey 1d`: what a
 * run that was never killed stores. Asked with plain HTTP, off the engine's client and its limiter.
 */
async function dailyBarsOfRange(sim: Simulator, keys: readonly string[], lookbackDays: number) {
  const today = istDate(Date.now());
  const ranges = planRequests(UPSTOX_HISTORY_LIMITS['1d'], lookbackStart(today, lookbackDays), today, null);
  const bars = new Map<string, number[]>();
  const pending = [...keys];
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let key = pending.shift(); key; key = pending.shift()) {
        const ts = new Set<number>();
        for (const { from, to } of ranges) {
          const response = await fetch(
            `${sim.apiUrl}/v3/historical-candle/${encodeURIComponent(key)}/days/1/${to}/${from}`,
            { headers: { authorization: `Bearer ${LIVE_TOKEN}` } },
          );
          expect(response.status).toBe(200);
          const body = (await response.json()) as { data: { candles: [string, ...number[]][] } };
          for (const [time] of body.data.candles) ts.add(Date.parse(time));
        }
        bars.set(
          `${key} 1d`,
          [...ts].sort((a, b) => a - b),
        );
      }
    }),
  );
  return bars;
}

/** The `instrumentKey timeframe` entries whose bars differ between the two (a deep compare of half a million numbers is slow). */
function differing(actual: Map<string, number[]>, wanted: Map<string, number[]>): string[] {
  const keys = new Set([...actual.keys(), ...wanted.keys()]);
  return [...keys].filter((key) => actual.get(key)?.join() !== wanted.get(key)?.join()).sort();
}

const countsOf = (bars: Map<string, number[]>) => new Map([...bars].map(([k, list]) => [k, list.length]));

interface FaultedRun {
  runId: number;
  run: Loose;
  symbols: Loose[];
  failed: Loose[];
  /** What the simulator answered during the run. */
  report: RestFaultReport;
}

/**
 * Runs an import under the faults set on `sim` and checks each symbol against what it was answered: succeeded with
 * the candles of its last answer per timeframe, or failed with the code of the last fault it got.
 */
async function importUnderFaults(app: LiveApp, sim: Simulator, keys: readonly string[]): Promise<FaultedRun> {
  const request = { symbols: keys, timeframes: ['1d', '1w'], lookbackDays: { '1d': 1100, '1w': 1100 } };
  const started = await app.send('POST', '/api/v1/imports', request);
  expect(started.status).toBe(202);
  const runId = started.body.runId as number;
  const run = await finished(app, runId, 60_000);
  const report = sim.faults.restReport();
  const symbols: Loose[] = await app.get(`/api/v1/imports/${runId}/symbols?limit=100`);
  expect(symbols.map((s) => s.instrumentKey).sort()).toEqual([...keys].sort());
  for (const symbol of symbols) {
    const mine = report.requests.filter((r) => r.instrumentKey === symbol.instrumentKey);
    const why = `${JSON.stringify(symbol)}\n${JSON.stringify(mine)}`;
    expect(['succeeded', 'failed'], why).toContain(symbol.status);
    if (symbol.status === 'failed') {
      const last = mine.at(-1)!;
      expect(last.outcome, why).not.toBe('served');
      expect(symbol.errorCode, why).toBe(CODE_OF_FAULT[last.outcome as RestFaultKind]);
      // A symbol failed by an open breaker would carry another symbol's fault.
      expect(symbol.errorMessage, why).not.toMatch(/paused/);
    } else {
      const lastOf = (timeframe: string) => mine.filter((r) => r.timeframe === timeframe).at(-1)!;
      expect([lastOf('1d').outcome, lastOf('1w').outcome], why).toEqual(['served', 'served']);
      expect(symbol.records, why).toBe(lastOf('1d').candles + lastOf('1w').candles);
      expect(symbol.providers, why).toEqual({ '1d': 'upstox', '1w': 'upstox' });
    }
  }
  const failed = symbols.filter((s) => s.status === 'failed');
  expect(run).toMatchObject({
    status: (keys.length - failed.length) / keys.length >= 0.8 ? 'SUCCEEDED' : 'FAILED',
    progress: { completed: keys.length - failed.length, failed: failed.length, total: keys.length, remaining: 0 },
    retryCount: 0,
  });
  return { runId, run, symbols, failed, report };
}

/** Clears the faults, retries the run's failed symbols, and checks that the run completes; returns what was served. */
async function retryWithoutFaults(app: LiveApp, sim: Simulator, { runId, symbols, failed }: FaultedRun) {
  sim.faults.reset();
  // No shares: it only records what the retry is served.
  sim.faults.restFaults({});
  const retried = await app.send('POST', `/api/v1/imports/${runId}/retry`, {});
  expect(retried).toMatchObject({ status: 202, body: { runId, retryCount: 1, retried: failed.length } });
  const done = await finished(app, runId, 30_000);
  expect(done).toMatchObject({
    status: 'SUCCEEDED',
    retryCount: 1,
    failedSymbols: [],
    progress: { completed: symbols.length, failed: 0, total: symbols.length, remaining: 0 },
  });
  const report = sim.faults.restReport();
  // Only the failed symbols were asked for again, and each got its candles.
  expect([...new Set(report.requests.map((r) => r.instrumentKey))].sort()).toEqual(
    failed.map((s) => s.instrumentKey).sort(),
  );
  expect(report.requests.filter((r) => r.outcome !== 'served')).toEqual([]);
  const after: Loose[] = await app.get(`/api/v1/imports/${runId}/symbols?limit=100`);
  expect(after.filter((s) => s.status !== 'succeeded')).toEqual([]);
  return report;
}

const outcomesOf = (report: RestFaultReport, key: string) =>
  report.requests.filter((r) => r.instrumentKey === key).map((r) => `${r.timeframe} ${r.outcome}`);

describe('OHLCV import reliability (live world on a simulated Upstox, real processes and sockets)', () => {
  it('faults on a share of candle requests: each symbol ends succeeded, or failed with the code of the last fault it got; a retry with the faults gone completes the run with exactly the bars served', async () => {
    const sim = await startUpstox(41, cleanups);
    const app = await liveApp(sim, cleanups, 'tickdesk-import-faults-');
    const keys = sim
      .instruments()
      .filter((i) => i.instrumentType === 'EQ')
      .map((i) => i.instrumentKey);
    const only = (key: string, timeframe = '') => [`/v3/historical-candle/${key}/${timeframe}`];

    // Run 1, 25 symbols: 429s, 500s, malformed answers and timeouts on a share of the requests; one symbol whose
    // answers are always malformed, and one whose first request times out (the REST client gives up after 10 s, and
    // the engine does not let a test shorten that, so random timeouts stay rare).
    const first = keys.slice(0, 25);
    const [alwaysMalformed, timedOutOnce] = [first[1]!, first[6]!];
    sim.faults.restFaults({ shareMalformed: 1, paths: only(alwaysMalformed) });
    sim.faults.restFaults({ shareTimeout: 1, times: 1, paths: only(timedOutOnce, 'days/') });
    sim.faults.restFaults({ paths: only(timedOutOnce) });
    sim.faults.restFaults({ share429: 0.1, share500: 0.1, shareMalformed: 0.05, shareTimeout: 0.01, seed: 5 });
    const shares = await importUnderFaults(app, sim, first);
    const bySymbol = new Map(shares.symbols.map((s) => [s.instrumentKey as string, s]));
    // A malformed answer is not retried; a timed-out request is.
    expect(bySymbol.get(alwaysMalformed)).toMatchObject({ status: 'failed', errorCode: 'BAD_RESPONSE', attempts: 1 });
    expect(outcomesOf(shares.report, alwaysMalformed)).toEqual(['1d malformed']);
    expect(bySymbol.get(timedOutOnce)).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(outcomesOf(shares.report, timedOutOnce)).toEqual(['1d timeout', '1d served', '1w served']);
    // The shared faults hit the others, and the client's and the run's retries brought most of them through.
    const faultedButImported = shares.symbols.filter(
      (s) =>
        s.status === 'succeeded' &&
        shares.report.requests.some((r) => r.instrumentKey === s.instrumentKey && r.outcome !== 'served'),
    );
    expect(faultedButImported.length).toBeGreaterThan(0);
    expect(shares.failed.length).toBeLessThan(first.length / 2);
    const sharesRetry = await retryWithoutFaults(app, sim, shares);

    // Run 2: a symbol always answered 429, and one answered 500 nine times and then not at all. The client retries
    // each request four times, and the run tries the symbol once more: ten answers, all on the first timeframe. Two
    // such symbols fail four fetches in a row, one short of opening Upstox's circuit breaker, which is why they have
    // a run of their own (run 1's retry closed the streak with successes).
    const [always429, fiveHundredsThenTimeout] = [keys[25]!, keys[26]!];
    sim.faults.reset();
    sim.faults.restFaults({ share429: 1, paths: only(always429) });
    sim.faults.restFaults({ share500: 1, times: 9, paths: only(fiveHundredsThenTimeout) });
    sim.faults.restFaults({ shareTimeout: 1, paths: only(fiveHundredsThenTimeout) });
    const persistent = await importUnderFaults(app, sim, [always429, fiveHundredsThenTimeout]);
    const [rateLimited, timedOut] = [always429, fiveHundredsThenTimeout].map((key) =>
      persistent.symbols.find((s) => s.instrumentKey === key)!,
    );
    expect(rateLimited).toMatchObject({ status: 'failed', errorCode: 'API_RATE_LIMIT', attempts: 2 });
    expect(outcomesOf(persistent.report, always429)).toEqual(Array(10).fill('1d 429'));
    expect(timedOut).toMatchObject({
      status: 'failed',
      errorCode: 'NETWORK_TIMEOUT',
      attempts: 2,
      errorMessage: expect.stringMatching(/timed out after 10000 ms/),
    });
    expect(outcomesOf(persistent.report, fiveHundredsThenTimeout)).toEqual([...Array(9).fill('1d 500'), '1d timeout']);
    expect(persistent.run).toMatchObject({ status: 'FAILED', error: { code: 'IMPORT_BELOW_THRESHOLD' } });
    const persistentRetry = await retryWithoutFaults(app, sim, persistent);

    // The live world's fallbacks were tried for the failed symbols, and Yahoo never left the machine.
    expect(app.refused.length).toBeGreaterThan(0);
    for (const origin of app.refused) expect(new URL(origin).hostname).toMatch(/(^|\.)yahoo\.com$/);

    // On disk: per instrument and timeframe, exactly the bars the simulator served whole, each once.
    const served = servedBars(shares.report, sharesRetry, persistent.report, persistentRetry);
    expect(served.size).toBe(27 * 2);
    const stored = storedBars(path.join(app.dataDir, DB_FILE_NAME));
    expect(stored.counts).toEqual(countsOf(served));
    expect(differing(stored.bars, served)).toEqual([]);
    expect(stored.providers).toEqual(['upstox']);
    expect(stored.integrity).toBe('ok');
  }, 90_000);

  it('kill -9 three times mid-import: each restart resumes the same run, which completes with every bar Upstox serves for the range, each once', async () => {
    const sim = await startUpstox(7, cleanups);
    sim.faults.restFaults({});
    const dataDir = makeTempDir('tickdesk-import-crash-');
    const file = path.join(dataDir, DB_FILE_NAME);
    const request = { universes: ['fno'], timeframes: ['1d'], lookbackDays: { '1d': 3650 } };
    const env = { ...liveEnv(sim), TICKDESK_IMPORT_REQUEST: JSON.stringify(request) };
    const total = FNO_MEMBERS;
    let watcher: Database.Database | undefined;
    cleanups.push(() => void watcher?.close());
    let runId = 0;
    const symbolsDone = () =>
      watcher!
        .prepare<[number], { n: number }>(
          "SELECT COUNT(*) AS n FROM job_items WHERE job_id = ? AND status = 'SUCCEEDED'",
        )
        .get(runId)!.n;

    // Random kill points, one in each of three slices of 10%..70% of the symbols, so they differ and stay mid-run.
    const slice = (total * 0.6) / KILLS;
    const targets = Array.from({ length: KILLS }, (_, i) => Math.floor(total * 0.1 + slice * (i + Math.random())));
    const kills: { target: number; done: number }[] = [];
    for (const planned of targets) {
      const worker = spawnJobWorker({ dataDir, script: OHLCV_IMPORT_WORKER, env });
      const [, id, how] = (await worker.waitForLine(/^READY \d+ (started|resumed)$/, 30_000)).split(' ');
      if (runId === 0) {
        expect(how).toBe('started');
        runId = Number(id);
        watcher = new Database(file, { readonly: true });
        watcher.pragma('busy_timeout = 5000');
      } else {
        expect({ runId: Number(id), how }, 'a restart must find the run, not start a second one').toEqual({
          runId,
          how: 'resumed',
        });
      }
      const target = Math.max(planned, (kills.at(-1)?.done ?? 0) + 5);
      await waitFor(() => symbolsDone() >= target, `${target} symbols done\n${worker.output()}`, 30_000, 3);
      expect((await worker.kill()).signal).toBe('SIGKILL');
      kills.push({ target, done: symbolsDone() });
    }
    const last = spawnJobWorker({ dataDir, script: OHLCV_IMPORT_WORKER, env });
    expect(await last.waitForLine(/^READY \d+ (started|resumed)$/, 30_000)).toBe(`READY ${runId} resumed`);
    await last.waitForLine(new RegExp(`^DONE ${runId}$`), 60_000);
    expect((await last.exited).code).toBe(0);
    watcher!.close();
    watcher = undefined;

    for (const k of kills) {
      expect(k.done, JSON.stringify(kills)).toBeGreaterThan(0);
      expect(k.done, JSON.stringify(kills)).toBeLessThan(total);
    }
    expect(new Set(kills.map((k) => k.done)).size, JSON.stringify(kills)).toBe(KILLS);

    const served = sim.faults.restReport();
    sim.faults.reset();
    const db = new Database(file, { readonly: true });
    let keys: string[];
    try {
      const runs = db
        .prepare<[], { id: number; payload: string; status: string; attempts: number; recoveries: number }>(
          "SELECT id, payload, status, attempts, recoveries FROM jobs WHERE kind = 'ohlcv.import'",
        )
        .all()
        .filter((job) => JSON.parse(job.payload).universes.includes('fno'));
      // One run; a kill is not a failure, so no attempt was used up, and each kill was a recovery.
      expect(runs.map(({ payload: _payload, ...job }) => job)).toEqual([
        { id: runId, status: 'SUCCEEDED', attempts: 1, recoveries: KILLS },
      ]);
      expect(
        db.prepare('SELECT status, COUNT(*) AS n FROM job_items WHERE job_id = ? GROUP BY status').all(runId),
      ).toEqual([{ status: 'SUCCEEDED', n: total }]);
      keys = db
        .prepare<[number], { item_key: string }>('SELECT item_key FROM job_items WHERE job_id = ? ORDER BY item_key')
        .all(runId)
        .map((r) => r.item_key);
    } finally {
      db.close();
    }

    // What a run that was never killed stores: every bar of the planned requests, asked of the simulator directly.
    const expected = await dailyBarsOfRange(sim, keys, 3650);
    const stored = storedBars(file);
    expect(stored.integrity).toBe('ok');
    expect(stored.providers).toEqual(['upstox']);
    expect(stored.counts).toEqual(countsOf(expected));
    expect(differing(stored.bars, expected)).toEqual([]);
    // And exactly the bars the workers were served, each stored once however often it was fetched (a symbol in
    // flight at a kill is fetched again).
    expect(differing(stored.bars, servedBars(served))).toEqual([]);
    expect(served.requests.length).toBeGreaterThanOrEqual(keys.length);
  }, 90_000);
});
