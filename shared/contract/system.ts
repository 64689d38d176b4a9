import { CriticalErrorSchema, HealthSchema, SystemStatusSchema, WorldChangedSchema } from '../domain/system';
import { command, NoInput, snapshot, stream } from './define';

export const systemCommands = {
  'system.health': command(NoInput, HealthSchema, { method: 'GET', path: '/health' }),
  'system.status': command(NoInput, SystemStatusSchema, { method: 'GET', path: '/system/status' }),
} as const;

export const systemEvents = {
  critical_error: stream(CriticalErrorSchema),
  world_changed: snapshot(WorldChangedSchema),
} as const;
