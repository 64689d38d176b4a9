import { z } from 'zod';
import { JOB_KINDS } from '../../../shared/job-kinds';
import type { InstrumentStore } from '../store/instruments';
import { importInstruments, InstrumentImportError, type ImportPhase, type ImportProgress } from './master-import';
import { parseMasterSource } from './master-source';
import { PermanentJobError } from '../jobs/errors';
import { defineJobKind } from '../jobs/registry';

export const INSTRUMENTS_IMPORT_KIND = JOB_KINDS.instrumentsImport;

/** The payload of an import: a source `parseMasterSource` accepts for these assets hosts, or none (the current one's). */
export function instrumentsImportPayloadSchema(allowedOrigins: () => readonly string[]) {
  return z
    .object({
      source: z
        .string()
        .min(1)
        .max(2048)
        .superRefine((source, ctx) => {
          const parsed = parseMasterSource(source, allowedOrigins());
          if ('refused' in parsed)
            ctx.addIssue({ code: 'custom', message: `not a valid instrument master source: ${parsed.refused}` });
        })
        .optional(),
    })
    .strict();
}

export interface InstrumentsImportDeps {
  store: InstrumentStore;
  fetch: typeof fetch;
  /** Resolved when the job runs (not when it is scheduled): the master of the market source open now. */
  defaultSource: () => string;
  /** Origins of the assets hosts the user configured (Upstox's, or the simulator's in the demo world). */
  allowedOrigins: () => readonly string[];
}

/** Where each phase sits in the job's overall percentage: the download dominates on a slow line, the store otherwise. */
const PHASE_SPAN: Readonly<Record<ImportPhase, [from: number, to: number]>> = {
  download: [0, 40],
  parse: [40, 60],
  store: [60, 100],
};
const UNIT: Readonly<Record<ImportPhase, string>> = { download: 'bytes', parse: 'rows checked', store: 'rows stored' };

function progressOf({ phase, done, total }: ImportProgress) {
  const [from, to] = PHASE_SPAN[phase];
  const share = total ? Math.min(1, done / total) : 0;
  return {
    phase,
    percentage: Math.round((from + (to - from) * share) * 10) / 10,
    message: total === null ? `${phase}: ${done} ${UNIT[phase]}` : `${phase}: ${done} of ${total} ${UNIT[phase]}`,
  };
}

/** Downloads (or reads) the Upstox instrument master and replaces the stored one with it. */
export function instrumentsImportKind(deps: InstrumentsImportDeps) {
  return defineJobKind({
    kind: INSTRUMENTS_IMPORT_KIND,
    description: 'Import the Upstox instrument master',
    payload: instrumentsImportPayloadSchema(deps.allowedOrigins),
    concurrency: 1,
    maxAttempts: 3,
    backoff: { baseMs: 30_000, maxMs: 10 * 60_000 },
    async handler(ctx) {
      let phase: ImportPhase | undefined;
      try {
        const requested = ctx.payload.source ?? deps.defaultSource();
        const source = parseMasterSource(requested, deps.allowedOrigins());
        if ('refused' in source)
          throw new PermanentJobError(
            'INSTRUMENTS_SOURCE_REFUSED',
            `not a valid instrument master source: ${source.refused}`,
          );
        const result = await importInstruments({
          source: source.kind === 'url' ? source.url : source.path,
          fetch: deps.fetch,
          store: deps.store,
          signal: ctx.signal,
          progress: (p) => {
            // A new phase, and every store batch, is a safe point: stopping there keeps the old master.
            if (p.phase !== phase || p.phase === 'store') ctx.checkpoint();
            phase = p.phase;
            ctx.progress(progressOf(p));
          },
        });
        if (result.skipped > 0)
          ctx.logger.warn('instrument rows skipped', { skipped: result.skipped, samples: result.skippedSamples });
        ctx.logger.info('instrument master imported', {
          imported: result.imported,
          skipped: result.skipped,
          source: result.source,
        });
        return result;
      } catch (error) {
        // Stopped inside the import (its own abort checks): report it as the stop it is, not as a failure.
        ctx.checkpoint();
        if (error instanceof InstrumentImportError && error.detail)
          ctx.logger.warn('instrument file refused', { reason: error.detail });
        throw error;
      }
    },
  });
}
