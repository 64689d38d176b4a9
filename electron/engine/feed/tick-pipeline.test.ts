import { createStores } from '../store';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../../shared/contract';
import type { Tick } from '../../../shared/domain/feed';
import { makeTempDir, removeTempDirs } from '../../../tests/helpers/temp-dir';
import { FakeClock } from '../../../tests/helpers/fake-clock';
import { createEventHub } from '../common/events';
import { createMemoryLogger } from '../common/logger';
import { openDatabase } from '../store/open';
import { createTickPipeline, type TickPipelineOptions } from './tick-pipeline';
import { toLatestTick } from './tick-view';

const START = Date.parse('2026-01-05T09:15:00+05:30');
const KEYS = ['NSE_EQ|INE002A01018', 'NSE_EQ|INE467B01029', 'NSE_FO|43919'] as const;

let seq = 0;
/** A full-mode tick received now; every call trades a little more. */
function tick(clock: FakeClock, key: string = KEYS[0], fields: Partial<Tick> = {}): Tick {
  seq++;
  const now = clock.now();
  return {
    instrumentKey: key,
    mode: 'full',
    ltp: 100 + (seq % 17) / 4,
    ltt: now - 2,
    ltq: 5,
    cp: 100,
    volume: 1_000 + seq * 5,
    oi: key.startsWith('NSE_FO') ? 10_000 + seq : null,
    iv: key.startsWith('NSE_FO') ? 0.21 : null,
    atp: 100.1,
    bid: 99.95,
    ask: 100.05,
    bidQty: 40,
    askQty: 60,
    tbq: 1_000,
    tsq: 1_200,
    greeks: key.startsWith('NSE_FO') ? { delta: 0.5, theta: -1.5, gamma: 0.01, vega: 2.5, rho: 0.1 } : null,
    depth: [{ bidQty: 40, bid: 99.95, askQty: 60, ask: 100.05 }],
    exchangeTs: now - 1,
    receivedAt: now,
    ...fields,
  };
}

const dbs: Database.Database[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) if (db.open) db.close();
  removeTempDirs();
});

function setup(options: Partial<TickPipelineOptions> = {}) {
  const file = path.join(makeTempDir('tickdesk-pipeline-'), 'tickdesk.db');
  const db = openDatabase(file);
  dbs.push(db);
  const clock = new FakeClock(START);
  const logger = createMemoryLogger();
  // The hub checks every payload against the contract.
  const hub = createEventHub({ clock, logger, validate: true });
  const events: EventEnvelope[] = [];
  hub.subscribe((e) => events.push(e));
  // Counts the runs of every transaction body the pipeline creates; `beforeTransaction` may fail one.
  let transactions = 0;
  let beforeTransaction = (_n: number): void => undefined;
  const transaction = db.transaction.bind(db);
  db.transaction = ((fn: (...args: never[]) => unknown) =>
    transaction((...args: never[]) => {
      transactions++;
      beforeTransaction(transactions);
      return fn(...args);
    })) as typeof db.transaction;
  const pipeline = createTickPipeline({ db, stores: createStores(db), clock, logger, emit: hub.emit, ...options });
  const count = (table: 'ticks' | 'candles_1m') =>
    db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).get()!.n;
  const candleTicks = () =>
    db.prepare<[], { n: number | null }>('SELECT SUM(tick_count) AS n FROM candles_1m').get()!.n ?? 0;
  const onTransaction = (hook: (n: number) => void) => void (beforeTransaction = hook);
  return {
    db,
    file,
    clock,
    logger,
    events,
    pipeline,
    count,
    candleTicks,
    transactions: () => transactions,
    onTransaction,
  };
}

const ticksEvents = (events: EventEnvelope[]) => events.filter((e) => e.event === 'market_ticks');

describe('tick pipeline: persistence', () => {
  it('buffers ticks and writes them when the 100 ms timer fires, in one transaction', () => {
    const { clock, pipeline, count, candleTicks, transactions } = setup();
    pipeline.ingest(Array.from({ length: 250 }, (_, i) => tick(clock, KEYS[i % 3])));
    clock.advance(40);
    pipeline.ingest([tick(clock)]);
    expect(count('ticks')).toBe(0);
    expect(pipeline.stats()).toMatchObject({ ticksTotal: 251, ticksStored: 0, buffered: 251, flushes: 0 });

    clock.advance(59);
    expect(count('ticks')).toBe(0);
    clock.advance(1);
    expect(count('ticks')).toBe(251);
    expect(candleTicks()).toBe(251);
    expect(count('candles_1m')).toBe(4); // 3 instruments at 09:14, and the last tick's 09:15
    expect(transactions()).toBe(1);
    expect(pipeline.stats()).toMatchObject({ ticksTotal: 251, ticksStored: 251, buffered: 0, flushes: 1 });

    // Idle: nothing buffered, no timer left behind.
    clock.advance(10_000);
    expect(transactions()).toBe(1);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('flushes early, inside ingest, when the buffer reaches maxBufferedTicks', () => {
    const { clock, pipeline, count } = setup({ maxBufferedTicks: 50 });
    pipeline.ingest(Array.from({ length: 120 }, () => tick(clock)));
    expect(count('ticks')).toBe(100);
    expect(pipeline.stats()).toMatchObject({ ticksStored: 100, buffered: 20, flushes: 2 });
    clock.advance(100);
    expect(count('ticks')).toBe(120);
  });

  it('keeps the ticks of a failed flush and stores every one once writing works again', () => {
    const { db, file, clock, logger, events, pipeline, count, candleTicks } = setup({
      maxBufferedTicks: 40,
      criticalAfterMs: 1_000,
    });
    db.pragma('busy_timeout = 0');
    // Another connection holds the write lock, as a second app instance or a long maintenance write would.
    const other = new Database(file);
    dbs.push(other);
    other.exec('BEGIN IMMEDIATE');

    let received = 0;
    for (let i = 0; i < 30; i++) {
      const batch = Array.from({ length: 10 }, (_, j) => tick(clock, KEYS[j % 3]));
      received += batch.length;
      pipeline.ingest(batch); // 300 ticks: far past maxBufferedTicks, yet ingest neither throws nor retries per frame
      clock.advance(50);
    }
    expect(count('ticks')).toBe(0);
    expect(pipeline.stats()).toMatchObject({ ticksTotal: received, ticksStored: 0, buffered: received });
    // One log line for the whole streak.
    expect(logger.entries.filter((e) => e.level === 'error').map((e) => e.message)).toEqual([
      'tick flush failed; ticks stay buffered and are retried',
    ]);
    expect(logger.entries.find((e) => e.level === 'error')!.fields).toMatchObject({
      errorCode: 'SQLITE_BUSY',
      buffered: 20,
    });
    const critical = events.filter((e) => e.event === 'critical_error');
    expect(critical).toHaveLength(1);
    expect(critical[0]!.payload).toMatchObject({
      severity: 'critical',
      component: 'feed.persistence',
      errorCode: 'SQLITE_BUSY',
    });

    other.exec('ROLLBACK');
    clock.advance(100);
    expect(count('ticks')).toBe(received);
    expect(candleTicks()).toBe(received);
    expect(pipeline.stats()).toMatchObject({ ticksTotal: received, ticksStored: received, buffered: 0 });
    expect(logger.entries.filter((e) => e.message === 'tick persistence recovered')).toHaveLength(1);

    // The retried batch counted each instrument's day volume once: the candles add up to the last minus the first.
    const volumes = db.prepare<[], { key: string; volume: number }>(
      'SELECT k.instrument_key AS key, SUM(c.volume) AS volume FROM candles_1m c JOIN market_keys k ON k.id = c.instrument_id GROUP BY k.id',
    );
    const stored = db.prepare<[number], { first: number; last: number }>(
      'SELECT MIN(volume) AS first, MAX(volume) AS last FROM ticks WHERE instrument_id = ?',
    );
    const ids = db.prepare<[string], { id: number }>('SELECT id FROM market_keys WHERE instrument_key = ?');
    for (const { key, volume } of volumes.all()) {
      const { first, last } = stored.get(ids.get(key)!.id)!;
      expect(volume, key).toBe(last - first);
    }
  });

  it('stop() writes what is buffered and leaves no timer', () => {
    const { clock, pipeline, count, events } = setup();
    pipeline.ingest([tick(clock), tick(clock, KEYS[1])]);
    pipeline.stop();
    expect(count('ticks')).toBe(2);
    expect(clock.pendingTimers()).toBe(0);
    clock.advance(1_000);
    expect(ticksEvents(events)).toEqual([]);
  });
});

describe('tick pipeline: ticks the database rejects', () => {
  const candles = (db: Database.Database) =>
    db
      .prepare(
        `SELECT k.instrument_key AS key, c.ts, c.open, c.high, c.low, c.close, c.volume, c.oi, c.tick_count
         FROM candles_1m c JOIN market_keys k ON k.id = c.instrument_id ORDER BY key, c.ts`,
      )
      .all();
  const rejectedLogs = (logger: ReturnType<typeof setup>['logger']) =>
    logger.entries.filter((e) => e.message.startsWith('ticks rejected'));
  const warnings = (events: EventEnvelope[]) =>
    events.filter((e) => e.event === 'critical_error' && (e.payload as { severity: string }).severity === 'warning');

  /** 1,000 good ticks of 3 instruments over ~2 minutes, with a NaN price and an infinite volume among them. */
  function feed(clock: FakeClock) {
    const good: Tick[] = [];
    const all: Tick[] = [];
    for (let i = 0; i < 1_000; i++) {
      clock.advance(100);
      const t = tick(clock, KEYS[i % 3]);
      good.push(t);
      all.push(t);
      if (i === 300) all.push(tick(clock, KEYS[0], { ltp: NaN }));
      if (i === 700) all.push(tick(clock, KEYS[2], { volume: Infinity }));
    }
    return { good, all };
  }

  it('stores every good tick, sets aside the refused ones, builds candles from the good ones only and carries on', () => {
    const { db, clock, logger, events, pipeline, count, candleTicks, transactions } = setup();
    const { good, all } = feed(clock);
    pipeline.ingest(all);
    clock.advance(100);
    expect(count('ticks')).toBe(1_000);
    expect(candleTicks()).toBe(1_000);
    expect(pipeline.stats()).toMatchObject({
      ticksTotal: 1_002,
      ticksStored: 1_000,
      ticksRejected: 2,
      buffered: 0,
      flushes: 1,
    });

    // The same candles as a pipeline that never saw the bad ticks: neither their prices nor their volumes count.
    const reference = setup();
    feed(reference.clock);
    reference.pipeline.ingest(good);
    reference.clock.advance(100);
    expect(candles(db)).toEqual(candles(reference.db));

    const [log] = rejectedLogs(logger);
    expect(rejectedLogs(logger)).toHaveLength(1);
    expect(log!.fields).toMatchObject({
      rejected: 2,
      samples: [
        { code: 'SQLITE_CONSTRAINT_NOTNULL', values: { instrumentKey: KEYS[0], ltp: 'NaN' } },
        { code: 'SQLITE_CONSTRAINT_DATATYPE', values: { instrumentKey: KEYS[2], volume: 'Infinity' } },
      ],
    });
    expect(warnings(events).map((e) => e.payload)).toEqual([
      expect.objectContaining({
        severity: 'warning',
        component: 'feed',
        errorCode: 'TICKS_REJECTED',
        message: expect.stringMatching(/^2 ticks .*\(NSE_EQ\|INE002A01018: NOT NULL constraint failed: ticks\.ltp\)/),
        recoveryAction: expect.stringMatching(/./),
      }),
    ]);

    // Later flushes take the one-transaction path again, and a bad tick soon after is counted without more noise.
    const before = transactions();
    pipeline.ingest([tick(clock), tick(clock, KEYS[1])]);
    clock.advance(100);
    expect(transactions()).toBe(before + 1);
    pipeline.ingest([tick(clock), tick(clock, KEYS[1], { ltq: 2.5 })]);
    clock.advance(100);
    expect(pipeline.stats()).toMatchObject({ ticksTotal: 1_006, ticksStored: 1_003, ticksRejected: 3, buffered: 0 });
    expect(rejectedLogs(logger)).toHaveLength(1);
    expect(warnings(events)).toHaveLength(1);

    // A minute on, a new streak: logged again, and warned about again.
    clock.advance(60_000);
    pipeline.ingest([tick(clock, KEYS[2], { ltt: 0.5 })]);
    clock.advance(100);
    expect(rejectedLogs(logger)).toHaveLength(2);
    expect(warnings(events)).toHaveLength(2);
    const stats = pipeline.stats();
    expect(stats.ticksTotal).toBe(stats.ticksStored + stats.ticksRejected);
    expect(count('ticks')).toBe(stats.ticksStored);
  });

  it('keeps the whole batch through a transient failure, then stores the good ticks and sets aside the bad', () => {
    const { db, file, clock, events, pipeline, count, candleTicks } = setup({ criticalAfterMs: 1_000 });
    db.pragma('busy_timeout = 0');
    const other = new Database(file);
    dbs.push(other);
    other.exec('BEGIN IMMEDIATE');
    const { all } = feed(clock);
    pipeline.ingest(all);
    clock.advance(2_000);
    expect(pipeline.stats()).toMatchObject({ ticksStored: 0, ticksRejected: 0, buffered: 1_002 });
    expect(
      events.filter((e) => e.event === 'critical_error').map((e) => (e.payload as { errorCode: string }).errorCode),
    ).toEqual(['SQLITE_BUSY']);

    other.exec('ROLLBACK');
    clock.advance(100);
    expect(count('ticks')).toBe(1_000);
    expect(candleTicks()).toBe(1_000);
    expect(pipeline.stats()).toMatchObject({ ticksTotal: 1_002, ticksStored: 1_000, ticksRejected: 2, buffered: 0 });
    expect(warnings(events)).toHaveLength(1);
  });

  it('sets aside a tick whose candle the database refuses, though its row alone would fit', () => {
    const { db, clock, pipeline, count } = setup();
    // Without day volume, a minute's volume is the sum of trade quantities: two of 9e18 overflow 64 bits.
    const huge = (ltt: number) => tick(clock, KEYS[1], { mode: 'ltpc', volume: null, ltq: 9e18, ltt });
    const batch = [tick(clock), huge(START - 3_000), tick(clock, KEYS[2]), huge(START - 2_000), tick(clock)];
    pipeline.ingest(batch);
    clock.advance(100);
    expect(pipeline.stats()).toMatchObject({ ticksTotal: 5, ticksStored: 4, ticksRejected: 1, buffered: 0 });
    expect(count('ticks')).toBe(4);
    const volumes = db.prepare<[string], { volume: number }>(
      'SELECT c.volume FROM candles_1m c JOIN market_keys k ON k.id = c.instrument_id WHERE k.instrument_key = ?',
    );
    expect(volumes.all(KEYS[1])).toEqual([{ volume: 9e18 }]);
  });

  it('keeps the ticks not yet settled buffered when another failure interrupts setting aside', () => {
    const { clock, logger, pipeline, count, candleTicks, transactions, onTransaction } = setup();
    const huge = (ltt: number) => tick(clock, KEYS[1], { mode: 'ltpc', volume: null, ltq: 9e18, ltt });
    pipeline.ingest([huge(START - 3_000), huge(START - 2_000), tick(clock), tick(clock, KEYS[2])]);
    // The batch, the batch tick by tick, then one transaction per tick: the first stored, the second rejected, and
    // the third meets a locked database.
    const first = transactions() + 1;
    onTransaction((n) => {
      if (n === first + 4) throw new Database.SqliteError('database is locked', 'SQLITE_BUSY');
    });
    clock.advance(100);
    expect(pipeline.stats()).toMatchObject({ ticksTotal: 4, ticksStored: 1, ticksRejected: 1, buffered: 2 });
    expect(
      logger.entries.find((e) => e.level === 'error' && e.message.startsWith('tick flush failed'))!.fields,
    ).toMatchObject({ errorCode: 'SQLITE_BUSY' });

    clock.advance(100);
    expect(pipeline.stats()).toMatchObject({ ticksTotal: 4, ticksStored: 3, ticksRejected: 1, buffered: 0 });
    expect(count('ticks')).toBe(3);
    expect(candleTicks()).toBe(3);
  });
});

describe('tick pipeline: latest cache and coalesced events', () => {
  it('turns 1,000 ticks of 3 instruments within 200 ms into one event carrying the latest of each', () => {
    const { clock, pipeline, events } = setup();
    const last = new Map<string, Tick>();
    for (let frame = 0; frame < 100; frame++) {
      const batch = Array.from({ length: 10 }, (_, i) => tick(clock, KEYS[(frame + i) % 3]));
      for (const t of batch) last.set(t.instrumentKey, t);
      pipeline.ingest(batch);
      clock.advance(1);
    }
    expect(ticksEvents(events)).toEqual([]);
    clock.advance(100);
    const emitted = ticksEvents(events);
    expect(emitted).toHaveLength(1);
    expect(emitted[0]!.payload).toEqual({
      ticks: Object.fromEntries(KEYS.map((k) => [k, toLatestTick(last.get(k)!)])),
    });

    // Idle: nothing more.
    clock.advance(5_000);
    expect(ticksEvents(events)).toHaveLength(1);

    // Next burst: only what changed since the last event.
    const one = tick(clock, KEYS[2], { ltp: 123.45 });
    pipeline.ingest([one]);
    clock.advance(199);
    expect(ticksEvents(events)).toHaveLength(1);
    clock.advance(1);
    expect(ticksEvents(events).map((e) => e.payload)).toEqual([
      emitted[0]!.payload,
      { ticks: { [KEYS[2]]: toLatestTick(one) } },
    ]);
  });

  it('emits at most once per coalesceMs under a steady stream', () => {
    const { clock, pipeline, events } = setup({ coalesceMs: 250 });
    for (let ms = 0; ms < 2_000; ms += 10) {
      pipeline.ingest([tick(clock, KEYS[ms % 3])]);
      clock.advance(10);
    }
    const times = ticksEvents(events).map((e) => Date.parse(e.timestamp));
    expect(times.length).toBe(8);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(250);
  });

  it('emits nothing while idle', () => {
    const { clock, events, pipeline } = setup();
    clock.advance(60_000);
    expect(events).toEqual([]);
    expect(pipeline.stats()).toMatchObject({ ticksTotal: 0, ticksPerSecond: 0, lastTickAt: null });
  });

  it('answers latest() for the keys asked, all when none are given', () => {
    const { clock, pipeline } = setup();
    const a = tick(clock, KEYS[0]);
    const b = tick(clock, KEYS[1]);
    const b2 = tick(clock, KEYS[1], { ltp: 101.5 });
    pipeline.ingest([a, b, b2]);
    expect([...pipeline.latest([KEYS[1], 'NSE_EQ|UNKNOWN'])]).toEqual([[KEYS[1], b2]]);
    const all = pipeline.latest();
    expect([...all.keys()].sort()).toEqual([KEYS[0], KEYS[1]]);
    all.clear();
    expect(pipeline.latest().size).toBe(2);
  });

  it('reports ticks per second over the last seconds and the last tick time', () => {
    const { clock, pipeline } = setup();
    for (let i = 0; i < 100; i++) {
      pipeline.ingest(Array.from({ length: 20 }, () => tick(clock)));
      clock.advance(50); // 400 ticks/s for 5 s
    }
    const stats = pipeline.stats();
    expect(stats.ticksPerSecond).toBeGreaterThan(360);
    expect(stats.ticksPerSecond).toBeLessThan(440);
    expect(stats.lastTickAt).toBe(clock.now() - 50);
    clock.advance(10_000);
    expect(pipeline.stats().ticksPerSecond).toBe(0);
  });
});

describe('tick pipeline: onTicks handlers', () => {
  it('hands every batch to the handlers; one that throws is logged and ingestion goes on', () => {
    const { clock, logger, pipeline, count } = setup();
    const seen: number[] = [];
    pipeline.onTicks(() => {
      throw new Error('paper broker bug');
    });
    const off = pipeline.onTicks((ticks) => seen.push(ticks.length));
    for (let i = 0; i < 5; i++) pipeline.ingest([tick(clock), tick(clock, KEYS[1])]);
    off();
    pipeline.ingest([tick(clock)]);
    expect(seen).toEqual([2, 2, 2, 2, 2]);
    expect(pipeline.latest().size).toBe(2);
    clock.advance(100);
    expect(count('ticks')).toBe(11);
    expect(logger.entries.filter((e) => e.message === 'tick handler failed')).toHaveLength(1);
  });
});

describe('toLatestTick', () => {
  it('gives ISO times and the change against the previous close', () => {
    const clock = new FakeClock(START);
    const t = tick(clock, KEYS[2], { ltp: 102.35, cp: 100.1, ltt: START - 1_000 });
    expect(toLatestTick(t)).toMatchObject({
      mode: 'full',
      ltp: 102.35,
      ltt: '2026-01-05T03:44:59.000Z',
      receivedAt: '2026-01-05T03:45:00.000Z',
      change: 2.25,
      changePct: 2.2478,
      oi: t.oi,
      greeks: t.greeks,
      depth: t.depth,
    });
    expect(toLatestTick({ ...t, cp: 0, ltt: 0 })).toMatchObject({ ltt: null, change: 0, changePct: 0 });
  });
});
