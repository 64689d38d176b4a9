import {
  InstrumentImportInputSchema,
  InstrumentSearchQuerySchema,
  type Instrument,
} from '../../../shared/domain/instruments';
import { instrumentsImportKind, instrumentsImportPayloadSchema } from './import.job';
import { UPSTOX_COMPLETE_MASTER_URL } from './master-import';
import type { Logger } from '../common/logger';
import { parseOrThrow } from '../common/parse';
import type { InstrumentStore } from '../store/instruments';

export interface InstrumentServiceDeps {
  store: InstrumentStore;
  fetch: typeof fetch;
  logger: Logger;
  /**
   * The master imported when a request names no source: Upstox's complete.json.gz by default, or a local fake's;
   * a function when it depends on the market source chosen at run time.
   */
  defaultSource?: string | (() => string);
  /** Origins of the assets hosts the user configured; an import fetches from no other. */
  allowedOrigins?: () => readonly string[];
}

/** Slower searches are logged: the picker searches on every keystroke. */
const SLOW_SEARCH_MS = 40;

/** The instrument master: search and lookup for the watchlist picker, and the job kind that imports it. */
export function createInstrumentService({
  store,
  fetch,
  logger,
  defaultSource = UPSTOX_COMPLETE_MASTER_URL,
  allowedOrigins,
}: InstrumentServiceDeps) {
  const resolveDefault = () => (typeof defaultSource === 'function' ? defaultSource() : defaultSource);
  const origins = allowedOrigins ?? (() => [new URL(resolveDefault()).origin]);
  const payloadSchema = instrumentsImportPayloadSchema(origins);
  return {
    /** Validates `query` (InstrumentSearchQuerySchema) and returns the best matches, best first. */
    search(query: unknown): Instrument[] {
      const { q, segment, limit } = parseOrThrow(InstrumentSearchQuerySchema, query, 'invalid instrument search');
      const started = performance.now();
      const found = store.search({ q, segment, limit });
      const ms = performance.now() - started;
      if (ms > SLOW_SEARCH_MS) logger.warn('slow instrument search', { q, segment, ms: Math.round(ms) });
      return found;
    },
    /** The instruments of `keys` the master knows, in the order asked; unknown keys are left out. */
    get: (keys: readonly string[]): Instrument[] => store.get(keys),
    count: (): number => store.count(),
    /** The job payload for an import request (InstrumentImportInputSchema): its source, or none for the current master. */
    importPayload(input: unknown = {}): { source?: string } {
      const { source } = parseOrThrow(InstrumentImportInputSchema, input, 'invalid instrument import');
      return parseOrThrow(payloadSchema, source === undefined ? {} : { source }, 'invalid instrument import');
    },
    importKind: instrumentsImportKind({ store, fetch, defaultSource: resolveDefault, allowedOrigins: origins }),
  };
}

export type InstrumentService = ReturnType<typeof createInstrumentService>;
