import { afterEach, describe, expect, it } from 'vitest';
import { closeTestDbs, openAtVersion } from '../../../../tests/helpers/schema';
import { removeTempDirs } from '../../../../tests/helpers/temp-dir';
import { migrate } from '../open';
import type { Db } from '../types';

afterEach(() => {
  closeTestDbs();
  removeTempDirs();
});

const marked = (db: Db) => db.prepare('SELECT COUNT(*) AS n FROM legacy_market_data').get();

describe('migration 0008-legacy-market-data', () => {
  it('notes nothing in a database without market data', () => {
    const db = openAtVersion(7);
    migrate(db, undefined, 8);
    expect(marked(db)).toEqual({ n: 0 });
  });

  it.each([
    ['a subscription', "INSERT INTO feed_subscriptions VALUES ('NSE_EQ|INE002A01018', 'full', 1)"],
    ['a tick', "INSERT INTO market_keys VALUES (1, 'NSE_EQ|INE002A01018'); INSERT INTO ticks (instrument_id, received_at, exchange_ts, ltt, ltp, ltq, cp) VALUES (1, 1, 1, 1, 100, 1, 99)"],
    ['a candle', "INSERT INTO market_keys VALUES (1, 'NSE_EQ|INE002A01018'); INSERT INTO candles_1m VALUES (1, 60000, 1, 2, 0.5, 1.5, 10, NULL, 3)"],
    ['an instrument master', "UPDATE instruments_master SET live = 'instruments'"],
  ])('notes a database holding %s, once', (_what, sql) => {
    const db = openAtVersion(7);
    db.exec(sql);
    migrate(db, undefined, 8);
    expect(marked(db)).toEqual({ n: 1 });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });
});
