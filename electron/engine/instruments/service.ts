import type { z } from 'zod';
import { InstrumentImportInputSchema, InstrumentSearchQuerySchema, type Instrument } from '../../../shared/domain/instruments';
import { WorkstationError } from '../../../shared/errors';
import { instrumentsImportKind } from '../jobs/kinds/instruments-import';
import { UPSTOX_COMPLETE_MASTER_URL } from '../upstox/instruments-import';
import type { Logger } from '../logger';
import { zodDetails } from '../router';
import { createInstrumentStore } from '../store/instruments';
import type { Db } from '../store/types';

export interface InstrumentServiceDeps {
  db: Db;
  fetch: typeof fetch;
  logger: Logger;
  /**
   * The master imported when a request names no source: Upstox's complete.json.gz by default, or a local fake's;
   * a function when it depends on the market source chosen at run time.
   */
  defaultSource?: string | (() => string);
}

/** Slower searches are logged: the picker searches on every keystroke. */
const SLOW_SEARCH_MS = 40;

/** Parses `input` against `schema`, failing as a validation error (not an internal one) when it does not fit. */
function parse<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const details = zodDetails(parsed.error);
  throw new WorkstationError('VALIDATION_FAILED', `invalid ${what}: ${details[0]?.path.join('.') || '(input)'}: ${details[0]?.message}`, details);
}

/** The instrument master: search and lookup for the watchlist picker, and the job kind that imports it. */
export function createInstrumentService({ db, fetch, logger, defaultSource = UPSTOX_COMPLETE_MASTER_URL }: InstrumentServiceDeps) {
  const store = createInstrumentStore(db);

  return {
    /** Validates `query` (InstrumentSearchQuerySchema) and returns the best matches, best first. */
    search(query: unknown): Instrument[] {
      const { q, segment, limit } = parse(InstrumentSearchQuerySchema, query, 'instrument search');
      const started = performance.now();
      const found = store.search({ q, segment, limit });
      const ms = performance.now() - started;
      if (ms > SLOW_SEARCH_MS) logger.warn('slow instrument search', { q, segment, ms: Math.round(ms) });
      return found;
    },
    /** The instruments of `keys` the master knows, in the order asked; unknown keys are left out. */
    get: (keys: readonly string[]): Instrument[] => store.get(keys),
    count: (): number => store.count(),
    /** The job payload for an import request (InstrumentImportInputSchema): its source, or the default master. */
    importPayload(input: unknown = {}): { source: string } {
      const { source } = parse(InstrumentImportInputSchema, input, 'instrument import');
      return { source: source ?? (typeof defaultSource === 'function' ? defaultSource() : defaultSource) };
    },
    importKind: instrumentsImportKind({ store, fetch, defaultSource: () => (typeof defaultSource === 'function' ? defaultSource() : defaultSource) }),
  };
}

export type InstrumentService = ReturnType<typeof createInstrumentService>;
