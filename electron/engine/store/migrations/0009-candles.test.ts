import { afterEach, describe, expect, it } from 'vitest';
import { closeTestDbs, openAtVersion, tableColumns } from '../../../../tests/helpers/schema';
import { removeTempDirs } from '../../../../tests/helpers/temp-dir';
import { migrate } from '../open';

afterEach(() => {
  closeTestDbs();
  removeTempDirs();
});

describe('migration 0009-candles', () => {
  it('adds the imported history table keyed (instrument, timeframe, ts) without rowid, leaving live candles alone', () => {
    const db = openAtVersion(8);
    db.exec("INSERT INTO market_keys VALUES (1, 'NSE_EQ|INE002A01018'); INSERT INTO candles_1m VALUES (1, 60000, 1, 2, 0.5, 1.5, 10, NULL, 3)");
    migrate(db, undefined, 9);
    expect(tableColumns(db, 'candles').map((c) => [c.name, c.type, c.pk])).toEqual([
      ['instrument_id', 'INTEGER', 1],
      ['timeframe', 'TEXT', 2],
      ['ts', 'INTEGER', 3],
      ['open', 'REAL', 0],
      ['high', 'REAL', 0],
      ['low', 'REAL', 0],
      ['close', 'REAL', 0],
      ['volume', 'INTEGER', 0],
      ['oi', 'REAL', 0],
      ['provider', 'TEXT', 0],
    ]);
    expect(db.prepare("SELECT sql FROM sqlite_master WHERE name = 'candles'").get()).toEqual({ sql: expect.stringMatching(/WITHOUT ROWID/) });
    expect(db.prepare('SELECT COUNT(*) AS n FROM candles_1m').get()).toEqual({ n: 1 });
  });

  it('refuses a timeframe it does not store and a bar of an unknown instrument', () => {
    const db = openAtVersion(9);
    db.exec("INSERT INTO market_keys VALUES (1, 'NSE_EQ|INE002A01018')");
    const insert = (id: number, timeframe: string) =>
      db.prepare("INSERT INTO candles VALUES (?, ?, 0, 1, 1, 1, 1, 1, NULL, 'upstox')").run(id, timeframe);
    expect(() => insert(1, '5m')).toThrow(/CHECK constraint/);
    expect(() => insert(2, '1d')).toThrow(/FOREIGN KEY/);
    insert(1, '1d');
    expect(() => insert(1, '1d')).toThrow(/UNIQUE|PRIMARY KEY/);
  });
});
