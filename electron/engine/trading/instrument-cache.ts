import type { Instrument } from '../../../shared/domain/instruments';
import type { Clock } from '../common/clock';
import type { InstrumentStore } from '../store/instruments';

/** Long enough to spare every order its repeated lookups, short enough that a new master is seen within a minute. */
const TTL_MS = 60_000;
const MAX_ENTRIES = 5_000;

/**
 * The instruments trading reads on every order, fill and position view (lot, tick, freeze quantity, type, symbol),
 * kept for a minute: an order otherwise looks its instrument up about ten times on the engine's loop.
 */
export function createInstrumentCache(store: Pick<InstrumentStore, 'get'>, clock: Clock): Pick<InstrumentStore, 'get'> {
  // Only instruments found are kept: one missing now may arrive with the next master import.
  const cached = new Map<string, { at: number; instrument: Instrument }>();
  return {
    get(keys: readonly string[]): Instrument[] {
      const now = clock.now();
      const missing = keys.filter((key) => {
        const entry = cached.get(key);
        return !entry || now - entry.at > TTL_MS;
      });
      if (missing.length > 0) {
        const found = store.get(missing);
        if (cached.size + found.length > MAX_ENTRIES) cached.clear();
        for (const instrument of found) cached.set(instrument.instrumentKey, { at: now, instrument });
      }
      return keys.flatMap((key) => {
        const entry = cached.get(key);
        return entry ? [entry.instrument] : [];
      });
    },
  };
}
