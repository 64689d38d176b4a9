import { z } from 'zod';
import { decimalInt, printableText } from './inputs';
import { InstrumentKeyListSchema } from './feed';

export const InstrumentSchema = z.object({
  instrumentKey: z.string(),
  tradingSymbol: z.string(),
  name: z.string(),
  segment: z.string(),
  exchange: z.string(),
  instrumentType: z.string(),
  lotSize: z.number(),
  tickSize: z.number(),
  /** Expiry date of a derivative in IST, `YYYY-MM-DD`. */
  expiry: z.string().nullable(),
  strike: z.number().nullable(),
  underlyingKey: z.string().nullable(),
  /** The largest quantity the exchange takes in one order; above it an order is sliced. */
  freezeQuantity: z.number().nullable(),
});
export type Instrument = z.infer<typeof InstrumentSchema>;

export const InstrumentSearchQuerySchema = z
  .object({
    q: printableText(64),
    segment: z
      .string()
      .regex(/^[A-Z_]+$/)
      .optional(),
    limit: decimalInt().pipe(z.number().min(1).max(100)).default(20),
  })
  .strict();

export const InstrumentImportInputSchema = z
  .object({
    /** An http(s) URL or a local path of a `complete.json.gz`-format file; absent means the configured master URL. */
    source: z
      .string()
      .min(1)
      .max(2048)
      // Only instrument-master files: a token holder should not be able to point the engine at arbitrary files.
      .regex(
        /^(https?:\/\/[^\s?#]+|\/[^\s?#]*|[A-Za-z]:\\[^\s?#]*)\.json\.gz$/i,
        "expected the assets host's instrument master URL or an absolute path of a .json.gz file",
      )
      .optional(),
  })
  .strict();

export const InstrumentLookupSchema = z.object({ keys: InstrumentKeyListSchema }).strict();
