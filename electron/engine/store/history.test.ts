import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { OhlcvBar } from '../../../shared/domain/feed';
import { queryPlan } from '../../../tests/helpers/schema';
import { makeTempDir, removeTempDirs } from '../../../tests/helpers/temp-dir';
import { createHistoryStore, type HistoryStore } from './history';
import { createMarketKeys } from './market-keys';
import { openDatabase } from './open';
import type { Db } from './types';

const RELIANCE = 'NSE_EQ|INE002A01018';
const INFY = 'NSE_EQ|INE009A01021';
const DAY = 86_400_000;
/** Monday 5 January 2026, 00:00 IST: daily bars start at midnight IST, as Upstox stamps them. */
const D0 = Date.parse('2026-01-05T00:00:00+05:30');

const bar = (ts: number, close: number): OhlcvBar => ({
  ts,
  open: close - 1,
  high: close + 2,
  low: close - 2,
  close,
  volume: 1000,
  oi: 0,
});
const days = (n: number, from = D0, base = 100) => Array.from({ length: n }, (_, i) => bar(from + i * DAY, base + i));

let db: Db;
let history: HistoryStore;

beforeEach(() => {
  db = openDatabase(path.join(makeTempDir('tickdesk-history-'), 'tickdesk.db'));
  history = createHistoryStore(db, createMarketKeys(db));
});

afterEach(() => {
  db.close();
  removeTempDirs();
});

describe('imported history store', () => {
  it('stores bars per instrument and timeframe and reads a range oldest first, with the provider of each bar', () => {
    db.transaction(() => {
      history.write(RELIANCE, '1d', days(10).reverse(), 'upstox');
      history.write(RELIANCE, '1w', [bar(D0, 500)], 'upstox');
      history.write(INFY, '1d', days(3, D0, 1500), 'yahoo');
    })();
    const range = history.range(RELIANCE, '1d', D0 + 2 * DAY, D0 + 4 * DAY);
    expect(range.map((b) => [b.ts, b.close, b.provider])).toEqual([
      [D0 + 2 * DAY, 102, 'upstox'],
      [D0 + 3 * DAY, 103, 'upstox'],
      [D0 + 4 * DAY, 104, 'upstox'],
    ]);
    expect(history.range(RELIANCE, '1w', 0, Number.MAX_SAFE_INTEGER).map((b) => b.close)).toEqual([500]);
    expect(history.range(INFY, '1d', 0, Number.MAX_SAFE_INTEGER).map((b) => b.provider)).toEqual([
      'yahoo',
      'yahoo',
      'yahoo',
    ]);
    expect(history.range('NSE_EQ|INE000000000', '1d', 0, Number.MAX_SAFE_INTEGER)).toEqual([]);
  });

  it('writing the same bars again replaces them: no duplicate, the newer values and provider win', () => {
    db.transaction(() => history.write(RELIANCE, '1d', days(5), 'csv'))();
    db.transaction(() =>
      history.write(RELIANCE, '1d', [bar(D0 + DAY, 999), ...days(2, D0 + 5 * DAY, 105)], 'upstox'),
    )();
    expect(db.prepare('SELECT COUNT(*) AS n FROM candles').get()).toEqual({ n: 7 });
    const all = history.range(RELIANCE, '1d', 0, Number.MAX_SAFE_INTEGER);
    expect(all.map((b) => b.close)).toEqual([100, 999, 102, 103, 104, 105, 106]);
    expect(all.map((b) => b.provider)).toEqual(['csv', 'upstox', 'csv', 'csv', 'csv', 'upstox', 'upstox']);
  });

  it('stores long batches whole, across its multi-row statements, the last of two bars of a start winning', () => {
    const long = days(250);
    long.push(bar(D0 + 10 * DAY, 7777));
    db.transaction(() => history.write(RELIANCE, '1d', long, 'upstox'))();
    const all = history.range(RELIANCE, '1d', 0, Number.MAX_SAFE_INTEGER);
    expect(all).toHaveLength(250);
    expect(all.map((b) => b.ts)).toEqual(days(250).map((b) => b.ts));
    expect(all[10]!.close).toBe(7777);
    expect(all[249]!.close).toBe(349);
  });

  it('answers what is stored, so an import fetches only the rest', () => {
    expect(history.stored(RELIANCE, '1d')).toBeNull();
    db.transaction(() => history.write(RELIANCE, '1d', days(30), 'upstox'))();
    expect(history.stored(RELIANCE, '1d')).toEqual({ first: D0, last: D0 + 29 * DAY, count: 30 });
    expect(history.stored(RELIANCE, '1h')).toBeNull();
  });

  it('writes nothing when the transaction it is part of rolls back', () => {
    expect(() =>
      db.transaction(() => {
        history.write(RELIANCE, '1d', days(5), 'upstox');
        throw new Error('the item failed after its bars were written');
      })(),
    ).toThrow(/item failed/);
    expect(db.prepare('SELECT COUNT(*) AS n FROM candles').get()).toEqual({ n: 0 });
  });

  it('reads ranges and stored extents by seeks on the primary key, never a scan', () => {
    const prepare = vi.spyOn(db, 'prepare');
    createHistoryStore(db, createMarketKeys(db));
    const reads = prepare.mock.calls
      .map((c) => String(c[0]))
      .filter((sql) => /^\s*SELECT/.test(sql) && /FROM candles\b/.test(sql));
    prepare.mockRestore();
    expect(reads).toHaveLength(3);
    for (const sql of reads) {
      const args = sql.includes('BETWEEN') ? [1, '1d', 0, 1, 10] : [1, '1d'];
      const plan = queryPlan(db, sql, args).join('\n');
      expect(plan, plan).toMatch(/SEARCH candles USING PRIMARY KEY \(instrument_id=\? AND timeframe=\?/);
      expect(plan, plan).not.toMatch(/SCAN|TEMP B-TREE/);
    }
  });
});
