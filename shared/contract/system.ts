import { CriticalErrorSchema, HealthSchema, SystemStatusSchema } from '../domain/system';
import { command, NoInput, stream } from './define';

export const systemCommands = {
  'system.health': command(NoInput, HealthSchema, { method: 'GET', path: '/health' }),
  'system.status': command(NoInput, SystemStatusSchema, { method: 'GET', path: '/system/status' }),
} as const;

export const systemEvents = {
  critical_error: stream(CriticalErrorSchema),
} as const;
