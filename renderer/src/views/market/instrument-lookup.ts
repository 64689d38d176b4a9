import { useEffect } from 'react';
import type { Instrument } from '../../../../shared/domain/instruments';
import type { Bridge } from '../../bridge';
import { useBridge } from '../../bridge-context';
import { rememberInstruments, useMarketStore } from '../../stores/market';

/** Keys asked for within this window go in one `instruments.get` call. */
const BATCH_MS = 30;

interface LookupQueue {
  asked: Set<string>;
  waiting: Set<string>;
  timer: ReturnType<typeof setTimeout> | undefined;
}

// One queue per bridge: a key is asked for once per session, found or not, so scrolling never repeats lookups.
// Keys the master did not know yet are looked up again when an instrument import completes (stores/wire.ts).
const queues = new WeakMap<Bridge, LookupQueue>();

function flush(bridge: Bridge, queue: LookupQueue): void {
  queue.timer = undefined;
  const keys = [...queue.waiting];
  queue.waiting.clear();
  if (keys.length === 0) return;
  bridge.invoke('instruments.get', { keys }).then(rememberInstruments, () => {
    // No master yet, or the engine is away: the rows keep showing the key's id.
  });
}

export function requestInstrument(bridge: Bridge, key: string): void {
  let queue = queues.get(bridge);
  if (!queue) queues.set(bridge, (queue = { asked: new Set(), waiting: new Set(), timer: undefined }));
  if (queue.asked.has(key) || useMarketStore.getState().instruments[key]) return;
  queue.asked.add(key);
  queue.waiting.add(key);
  const current = queue;
  current.timer ??= setTimeout(() => flush(bridge, current), BATCH_MS);
}

/** The instrument behind a key, looked up lazily: only rows that are actually rendered ask for theirs. */
export function useInstrument(key: string | null): Instrument | undefined {
  const bridge = useBridge();
  const instrument = useMarketStore((s) => (key ? s.instruments[key] : undefined));
  const known = instrument !== undefined;
  useEffect(() => {
    if (key && !known) requestInstrument(bridge, key);
  }, [bridge, key, known]);
  return instrument;
}
