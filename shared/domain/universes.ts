import { z } from 'zod';
import { InstrumentKeySchema } from './feed';
import { printableText } from './inputs';

/** Most members a universe holds (LOCAL-API.md): more is refused with 400. */
export const MAX_UNIVERSE_MEMBERS = 5000;

export const UNIVERSE_SOURCES = ['predefined', 'csv', 'list'] as const;
export type UniverseSource = (typeof UNIVERSE_SOURCES)[number];

/** A universe id: the predefined ones (`nifty50`) and user ones (`u-<n>`) alike. */
export const UniverseIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be a universe id: lower-case letters, digits and dashes');

/**
 * A member of a predefined universe as `resources/universes/<id>.json` ships it: an NSE equity by symbol and ISIN,
 * or an index by its instrument key.
 */
export const PredefinedMemberSchema = z
  .object({
    symbol: z.string().min(1).max(30),
    name: z.string().min(1).max(100),
    isin: z
      .string()
      .regex(/^IN[A-Z0-9]{9}[0-9]$/)
      .optional(),
    instrumentKey: InstrumentKeySchema.optional(),
  })
  .strict()
  .refine((m) => m.isin !== undefined || m.instrumentKey !== undefined, 'a member needs an isin or an instrumentKey');
export type PredefinedMember = z.infer<typeof PredefinedMemberSchema>;

export const PredefinedUniverseFileSchema = z
  .object({
    id: UniverseIdSchema,
    name: z.string().min(1).max(60),
    description: z.string().max(300),
    /** The date the membership was taken from NSE's list. */
    asOf: z.iso.date(),
    members: z.array(PredefinedMemberSchema).min(1).max(MAX_UNIVERSE_MEMBERS),
  })
  .strict();
export type PredefinedUniverseFile = z.infer<typeof PredefinedUniverseFileSchema>;

/** A member as a universe holds it: resolved to an instrument key through the instrument master, or not (null). */
export const UniverseMemberSchema = z.object({
  instrumentKey: z.string().nullable(),
  symbol: z.string(),
  isin: z.string().nullable(),
  name: z.string().nullable(),
});
export type UniverseMember = z.infer<typeof UniverseMemberSchema>;

export const UniverseSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  source: z.enum(UNIVERSE_SOURCES),
  memberCount: z.number().int(),
  /** Members the instrument master does not know (listed in the universe, never dropped). */
  unresolvedCount: z.number().int(),
  description: z.string().nullable(),
  updatedAt: z.string().nullable(),
});
export type UniverseSummary = z.infer<typeof UniverseSummarySchema>;

export const UniverseSchema = UniverseSummarySchema.extend({ members: z.array(UniverseMemberSchema) });
export type Universe = z.infer<typeof UniverseSchema>;

export const UniverseIdInputSchema = z.object({ id: UniverseIdSchema }).strict();

/** A user universe, from a CSV file's text or from a list of instrument keys (one of the two). */
export const UniverseCreateSchema = z.union([
  z.object({ name: printableText(60), csv: z.string().min(1).max(2_000_000) }).strict(),
  z
    .object({
      name: printableText(60),
      instrumentKeys: z.array(InstrumentKeySchema).min(1).max(MAX_UNIVERSE_MEMBERS),
    })
    .strict(),
]);
export type UniverseCreate = z.infer<typeof UniverseCreateSchema>;
