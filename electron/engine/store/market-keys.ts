import type { Db } from './types';

interface MarketKeyRow {
  id: number;
  instrument_key: string;
}

/** Instrument keys interned to the small integer ids that `ticks` and `candles_1m` store. */
export interface MarketKeys {
  /** The id of a key, inserting it when new; call it inside the transaction that writes the rows using it. */
  idOf(key: string): number;
  /** The id of a key already stored, without writing. */
  find(key: string): number | undefined;
  /**
   * Re-reads the cache from the table. Needed after a transaction that called `idOf` rolled back: the ids it
   * handed out for new keys no longer exist.
   */
  reload(): void;
}

export function createMarketKeys(db: Db): MarketKeys {
  const selectAll = db.prepare<[], MarketKeyRow>('SELECT id, instrument_key FROM market_keys');
  const selectOne = db.prepare<[string], { id: number }>('SELECT id FROM market_keys WHERE instrument_key = ?');
  const insert = db.prepare<[string]>(
    'INSERT INTO market_keys (instrument_key) VALUES (?) ON CONFLICT (instrument_key) DO NOTHING',
  );
  const ids = new Map<string, number>();

  function reload(): void {
    ids.clear();
    for (const row of selectAll.iterate()) ids.set(row.instrument_key, row.id);
  }

  function find(key: string): number | undefined {
    const cached = ids.get(key);
    if (cached !== undefined) return cached;
    // Another store object on the same database may have added it since this cache was filled.
    const row = selectOne.get(key);
    if (row) ids.set(key, row.id);
    return row?.id;
  }

  reload();
  return {
    idOf(key) {
      const known = find(key);
      if (known !== undefined) return known;
      insert.run(key);
      return find(key)!;
    },
    find,
    reload,
  };
}
