import { events, type EventEnvelope, type EventName, type EventPayload } from '../../../shared/contract';
import { EVENT_ENVELOPE_VERSION } from '../../../shared/constants';
import type { Clock } from './clock';
import type { Logger } from './logger';

export type EventListener = (envelope: EventEnvelope) => void;

/** Emits one typed event; what services receive as their `emit` dependency. */
export type Emit = <K extends EventName>(name: K, payload: EventPayload<K>, source?: string) => void;

export interface EventHub {
  emit: Emit;
  /** Every event, in emit order; returns the unsubscribe function. */
  subscribe(listener: EventListener): () => void;
  listenerCount(): number;
}

export interface EventHubOptions {
  clock: Clock;
  logger: Logger;
  /** Check each payload against its schema before it leaves (tests turn this on; the hot path keeps it off). */
  validate?: boolean;
}

export function createEventHub({ clock, logger, validate = false }: EventHubOptions): EventHub {
  const listeners = new Set<EventListener>();
  const emit: Emit = (name, payload, source = 'engine') => {
    if (validate) {
      const parsed = events[name].payload.safeParse(payload);
      if (!parsed.success)
        throw new Error(`event ${name} payload does not match the contract: ${parsed.error.message}`);
    }
    const envelope = {
      event: name,
      timestamp: new Date(clock.now()).toISOString(),
      source,
      version: EVENT_ENVELOPE_VERSION,
      payload,
    } as EventEnvelope;
    for (const listener of listeners) {
      try {
        listener(envelope);
      } catch (error) {
        logger.error('event listener failed', { event: name, error });
      }
    }
  };
  return {
    emit,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    listenerCount: () => listeners.size,
  };
}
