import {
  type PredefinedUniverseFile,
  type Universe,
  type UniverseCreate,
  type UniverseMember,
  type UniverseSummary,
} from '../../../../shared/domain/universes';
import { WorkstationError } from '../../../../shared/errors';
import type { Clock } from '../../common/clock';
import type { InstrumentStore } from '../../store/instruments';
import type { StoredMember, UniverseStore } from '../../store/universes';
import { parseUniverseCsv } from './csv';

const USER_ID = /^u-(\d{1,12})$/;
const userId = (id: number) => `u-${id}`;

/** Resolves members against the instrument master as it is now: by instrument key, then ISIN, then NSE symbol. */
function createResolver(instruments: InstrumentStore) {
  const bySymbol = new Map<string, { instrumentKey: string; isin: string | null; name: string }>();
  const byIsin = new Map<string, { instrumentKey: string; symbol: string; name: string }>();
  for (const e of instruments.equities()) {
    // The first listing wins: NSE before BSE, the EQ series before others.
    const symbol = e.tradingSymbol.toUpperCase();
    if (!bySymbol.has(symbol)) bySymbol.set(symbol, { instrumentKey: e.instrumentKey, isin: e.isin, name: e.name });
    if (e.isin && !byIsin.has(e.isin))
      byIsin.set(e.isin, { instrumentKey: e.instrumentKey, symbol: e.tradingSymbol, name: e.name });
  }
  return (members: readonly StoredMember[], names?: readonly (string | null)[]): UniverseMember[] => {
    const keyed = instruments.get(members.flatMap((m) => (m.instrumentKey ? [m.instrumentKey] : [])));
    const known = new Map(keyed.map((i) => [i.instrumentKey, i]));
    return members.map((m, i): UniverseMember => {
      const name = names?.[i] ?? null;
      if (m.instrumentKey) {
        // A key is used as it is, known to the master or not: the provider is the judge of a key.
        const found = known.get(m.instrumentKey);
        const symbol = found?.tradingSymbol ?? m.symbol ?? m.instrumentKey.slice(m.instrumentKey.indexOf('|') + 1);
        return { instrumentKey: m.instrumentKey, symbol, isin: m.isin, name: found?.name ?? name };
      }
      const byCode = m.isin ? byIsin.get(m.isin) : undefined;
      if (byCode)
        return { instrumentKey: byCode.instrumentKey, symbol: byCode.symbol, isin: m.isin, name: name ?? byCode.name };
      const bySym = m.symbol ? bySymbol.get(m.symbol.toUpperCase()) : undefined;
      if (bySym)
        return {
          instrumentKey: bySym.instrumentKey,
          symbol: m.symbol!,
          isin: m.isin ?? bySym.isin,
          name: name ?? bySym.name,
        };
      return { instrumentKey: null, symbol: m.symbol ?? m.isin ?? '?', isin: m.isin, name };
    });
  };
}

export interface UniverseServiceDeps {
  store: UniverseStore;
  instruments: InstrumentStore;
  predefined: readonly PredefinedUniverseFile[];
  clock: Clock;
}

/** Predefined and user universes, their members resolved to instrument keys through the instrument master. */
export function createUniverseService({ store, instruments, predefined, clock }: UniverseServiceDeps) {
  const predefinedById = new Map(predefined.map((u) => [u.id, u]));
  const predefinedMembers = (u: PredefinedUniverseFile): StoredMember[] =>
    u.members.map((m) => ({ instrumentKey: m.instrumentKey ?? null, symbol: m.symbol, isin: m.isin ?? null }));

  function membersOf(
    id: string,
    resolve = createResolver(instruments),
  ): { summary: UniverseSummary; members: UniverseMember[] } {
    const file = predefinedById.get(id);
    if (file) {
      const members = resolve(
        predefinedMembers(file),
        file.members.map((m) => m.name),
      );
      return { summary: summaryOf(id, file.name, 'predefined', members, file.description, null), members };
    }
    const n = USER_ID.exec(id)?.[1];
    const stored = n === undefined ? undefined : store.get(Number(n));
    if (!stored)
      throw new WorkstationError('NOT_FOUND', `no universe ${id}`, [{ path: ['id'], message: 'unknown universe' }]);
    const members = resolve(store.members(stored.id));
    return {
      summary: summaryOf(id, stored.name, stored.source, members, null, new Date(stored.updatedAt).toISOString()),
      members,
    };
  }

  return {
    list(): UniverseSummary[] {
      const resolve = createResolver(instruments);
      return [
        ...predefined.map((u) => membersOf(u.id, resolve).summary),
        ...store.list().map((u) => membersOf(userId(u.id), resolve).summary),
      ];
    },
    get(id: string): Universe {
      const { summary, members } = membersOf(id);
      return { ...summary, members };
    },
    /** Every member of the universes named, in order, each once (by instrument key, or by symbol while unresolved). */
    members(ids: readonly string[]): UniverseMember[] {
      const resolve = createResolver(instruments);
      const seen = new Set<string>();
      const out: UniverseMember[] = [];
      ids.forEach((id, index) => {
        let members: UniverseMember[];
        try {
          members = membersOf(id, resolve).members;
        } catch (error) {
          if (error instanceof WorkstationError && error.code === 'NOT_FOUND')
            throw new WorkstationError('VALIDATION_FAILED', `unknown universe: ${id}`, [
              { path: ['universes', index], message: `unknown universe ${id}` },
            ]);
          throw error;
        }
        for (const m of members) {
          const identity = m.instrumentKey ?? `?${m.symbol}`;
          if (seen.has(identity)) continue;
          seen.add(identity);
          out.push(m);
        }
      });
      return out;
    },
    /** Resolves members as a file names them, against the master as it is now. */
    resolveMembers: (members: readonly StoredMember[]): UniverseMember[] => createResolver(instruments)(members),
    /** Resolves instrument keys named directly (an import of a few symbols). */
    resolveKeys: (keys: readonly string[]): UniverseMember[] =>
      createResolver(instruments)(keys.map((instrumentKey) => ({ instrumentKey, symbol: null, isin: null }))),
    create(input: UniverseCreate): Universe {
      if (store.nameTaken(input.name) || predefined.some((u) => u.name.toLowerCase() === input.name.toLowerCase()))
        throw new WorkstationError('CONFLICT', `a universe named ${input.name} exists already`, [
          { path: ['name'], message: 'name taken' },
        ]);
      const members: StoredMember[] =
        'csv' in input
          ? parseUniverseCsv(input.csv).map((r) => ({ instrumentKey: r.instrumentKey, symbol: r.symbol, isin: r.isin }))
          : [...new Set(input.instrumentKeys)].map((instrumentKey) => ({ instrumentKey, symbol: null, isin: null }));
      const created = store.create(input.name, 'csv' in input ? 'csv' : 'list', members, clock.now());
      return this.get(userId(created.id));
    },
    /** Deletes a user universe and answers it as it was; the predefined ones stay. */
    delete(id: string): Universe {
      if (predefinedById.has(id))
        throw new WorkstationError('CONFLICT', `${id} is a predefined universe and cannot be deleted`, [
          { path: ['id'], message: 'predefined' },
        ]);
      const universe = this.get(id);
      store.delete(Number(USER_ID.exec(id)![1]));
      return universe;
    },
  };
}
export type UniverseService = ReturnType<typeof createUniverseService>;

function summaryOf(
  id: string,
  name: string,
  source: UniverseSummary['source'],
  members: readonly UniverseMember[],
  description: string | null,
  updatedAt: string | null,
): UniverseSummary {
  return {
    id,
    name,
    source,
    memberCount: members.length,
    unresolvedCount: members.filter((m) => m.instrumentKey === null).length,
    description,
    updatedAt,
  };
}
