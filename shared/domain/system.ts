import { z } from 'zod';

export const HealthSchema = z.object({
  status: z.literal('ok'),
  version: z.string(),
  uptimeS: z.number(),
  db: z.enum(['ok', 'error']),
});
export type Health = z.infer<typeof HealthSchema>;

export const SystemStatusSchema = z.object({
  version: z.string(),
  uptimeS: z.number(),
  mode: z.enum(['demo', 'live']),
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
