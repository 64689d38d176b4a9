import { z } from 'zod';

/** Timeframes an OHLCV import stores, mapped to Upstox's v3 historical units and intervals by the Upstox provider. */
export const IMPORT_TIMEFRAMES = ['1m', '30m', '1h', '1d', '1w', '1M'] as const;
export const ImportTimeframeSchema = z.enum(IMPORT_TIMEFRAMES);
export type ImportTimeframe = z.infer<typeof ImportTimeframeSchema>;
