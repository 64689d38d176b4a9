import { z } from 'zod';
import {
  ImportCompletedEventSchema,
  ImportListQuerySchema,
  ImportPlanSchema,
  ImportRequestSchema,
  ImportRetriedSchema,
  ImportRetrySchema,
  ImportRunIdSchema,
  ImportRunSchema,
  ImportRunSummarySchema,
  ImportStartedEventSchema,
  ImportStartedSchema,
  ImportSymbolSchema,
  ImportSymbolsQuerySchema,
  SymbolCompleteEventSchema,
} from '../domain/imports';
import {
  UniverseCreateSchema,
  UniverseIdInputSchema,
  UniverseSchema,
  UniverseSummarySchema,
} from '../domain/universes';
import { command, NoInput, stream } from './define';

/** OHLCV imports of universes, and the universes themselves (LOCAL-API.md "OHLCV import"). */
export const importsCommands = {
  'imports.start': command(ImportRequestSchema, ImportStartedSchema, { method: 'POST', path: '/imports', status: 202 }),
  /** What an import would fetch and the least time the rate limits allow, before it starts. */
  'imports.plan': command(ImportRequestSchema, ImportPlanSchema, { method: 'POST', path: '/imports/plan' }),
  'imports.list': command(ImportListQuerySchema, z.array(ImportRunSummarySchema), { method: 'GET', path: '/imports' }),
  'imports.get': command(ImportRunIdSchema, ImportRunSchema, { method: 'GET', path: '/imports/:runId' }),
  'imports.symbols': command(ImportSymbolsQuerySchema, z.array(ImportSymbolSchema), {
    method: 'GET',
    path: '/imports/:runId/symbols',
  }),
  'imports.retry': command(ImportRetrySchema, ImportRetriedSchema, {
    method: 'POST',
    path: '/imports/:runId/retry',
    status: 202,
  }),
  'universes.list': command(NoInput, z.array(UniverseSummarySchema), { method: 'GET', path: '/universes' }),
  'universes.get': command(UniverseIdInputSchema, UniverseSchema, { method: 'GET', path: '/universes/:id' }),
  'universes.create': command(UniverseCreateSchema, UniverseSchema, {
    method: 'POST',
    path: '/universes',
    status: 201,
  }),
  'universes.delete': command(UniverseIdInputSchema, UniverseSchema, { method: 'DELETE', path: '/universes/:id' }),
} as const;

export const importsEvents = {
  data_import_started: stream(ImportStartedEventSchema),
  symbol_processing_complete: stream(SymbolCompleteEventSchema),
  data_import_completed: stream(ImportCompletedEventSchema),
} as const;
