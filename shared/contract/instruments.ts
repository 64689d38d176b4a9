import { z } from 'zod';
import { JobStartedSchema } from '../domain/jobs';
import {
  InstrumentImportInputSchema,
  InstrumentLookupSchema,
  InstrumentSchema,
  InstrumentSearchQuerySchema,
} from '../domain/instruments';
import { command } from './define';

export const instrumentsCommands = {
  'instruments.search': command(InstrumentSearchQuerySchema, z.array(InstrumentSchema), {
    method: 'GET',
    path: '/instruments/search',
  }),
  'instruments.get': command(InstrumentLookupSchema, z.array(InstrumentSchema), {
    method: 'GET',
    path: '/instruments',
  }),
  'instruments.import': command(InstrumentImportInputSchema, JobStartedSchema, {
    method: 'POST',
    path: '/instruments/import',
    status: 202,
  }),
} as const;

export const instrumentsEvents = {} as const;
