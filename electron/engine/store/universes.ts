import type { Db } from './types';

/** A member as the user's file or list named it; at least one of the three is set. */
export interface StoredMember {
  instrumentKey: string | null;
  symbol: string | null;
  isin: string | null;
}

export interface StoredUniverse {
  id: number;
  name: string;
  source: 'csv' | 'list';
  memberCount: number;
  updatedAt: number;
}

interface DbUniverse {
  id: number;
  name: string;
  source: 'csv' | 'list';
  updated_at: number;
  member_count: number;
}

/** The user's own universes (migration 0010); the predefined ones are files, not rows. */
export function createUniverseStore(db: Db) {
  const s = {
    insert: db.prepare<[string, string, number, number]>(
      'INSERT INTO universes (name, source, created_at, updated_at) VALUES (?, ?, ?, ?)',
    ),
    insertMember: db.prepare<[number | bigint, number, string | null, string | null, string | null]>(
      'INSERT INTO universe_members (universe_id, seq, instrument_key, symbol, isin) VALUES (?, ?, ?, ?, ?)',
    ),
    list: db.prepare<[], DbUniverse>(
      `SELECT u.id, u.name, u.source, u.updated_at,
              (SELECT COUNT(*) FROM universe_members m WHERE m.universe_id = u.id) AS member_count
       FROM universes u ORDER BY u.name`,
    ),
    get: db.prepare<[number], DbUniverse>(
      `SELECT u.id, u.name, u.source, u.updated_at,
              (SELECT COUNT(*) FROM universe_members m WHERE m.universe_id = u.id) AS member_count
       FROM universes u WHERE u.id = ?`,
    ),
    byName: db.prepare<[string], { id: number }>('SELECT id FROM universes WHERE name = ?'),
    members: db.prepare<[number], { instrument_key: string | null; symbol: string | null; isin: string | null }>(
      'SELECT instrument_key, symbol, isin FROM universe_members WHERE universe_id = ? ORDER BY seq',
    ),
    delete: db.prepare<[number]>('DELETE FROM universes WHERE id = ?'),
  };
  const toUniverse = (row: DbUniverse): StoredUniverse => ({
    id: row.id,
    name: row.name,
    source: row.source,
    memberCount: row.member_count,
    updatedAt: row.updated_at,
  });

  return {
    /** Stores a universe with all its members in one transaction; a name already taken (in any case) is refused. */
    create: db.transaction(
      (name: string, source: 'csv' | 'list', members: readonly StoredMember[], now: number): StoredUniverse => {
        const id = s.insert.run(name, source, now, now).lastInsertRowid;
        members.forEach((m, seq) => s.insertMember.run(id, seq, m.instrumentKey, m.symbol, m.isin));
        return toUniverse(s.get.get(Number(id))!);
      },
    ),
    list: (): StoredUniverse[] => s.list.all().map(toUniverse),
    get(id: number): StoredUniverse | undefined {
      const row = s.get.get(id);
      return row ? toUniverse(row) : undefined;
    },
    nameTaken: (name: string): boolean => s.byName.get(name) !== undefined,
    members: (id: number): StoredMember[] =>
      s.members.all(id).map((m) => ({ instrumentKey: m.instrument_key, symbol: m.symbol, isin: m.isin })),
    delete: (id: number): boolean => s.delete.run(id).changes === 1,
  };
}
export type UniverseStore = ReturnType<typeof createUniverseStore>;
