import { z } from 'zod';

export const HealthSchema = z.object({
  status: z.literal('ok'),
  version: z.string(),
  uptimeS: z.number(),
  db: z.enum(['ok', 'error']),
});
export type Health = z.infer<typeof HealthSchema>;

/** The market a session is in: the built-in simulator, or Upstox. Each keeps its own data and jobs. */
export const WorldNameSchema = z.enum(['demo', 'live']);
export type WorldName = z.infer<typeof WorldNameSchema>;

/** Announced each time the engine has switched worlds: everything shown from the previous one is stale. */
export const WorldChangedSchema = z.object({ world: WorldNameSchema });
export type WorldChanged = z.infer<typeof WorldChangedSchema>;

export const SystemStatusSchema = z.object({
  version: z.string(),
  uptimeS: z.number(),
  mode: WorldNameSchema,
  dataDir: z.string(),
  transport: z.enum(['ipc', 'local-api']).optional(),
});
export type SystemStatus = z.infer<typeof SystemStatusSchema>;

export const CriticalErrorSchema = z.object({
  severity: z.enum(['warning', 'error', 'critical']),
  component: z.string(),
  errorCode: z.string(),
  message: z.string(),
  recoveryAction: z.string(),
});
export type CriticalError = z.infer<typeof CriticalErrorSchema>;
