import { z } from 'zod';

/**
 * Field shapes for input from outside (the Local API, IPC, files): strict about what a person could mean, so
 * that a value stored or shown later is exactly what it looks like.
 */

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** Text a person typed: no control characters (NUL, escape sequences, line breaks, bidi overrides), trimmed. */
export function printableText(max: number) {
  return z
    .string()
    .max(max * 4)
    .refine((text) => !CONTROL_CHARACTERS.test(text), 'must be printable text, without control characters')
    .transform((text) => text.trim())
    .pipe(z.string().min(1, 'must not be empty').max(max));
}

/** A whole number from JSON, or from a query string written in plain decimal digits (no `0x10`, `1e3` or spaces). */
export function decimalInt() {
  return z
    .union([
      z.number(),
      z
        .string()
        .regex(/^(0|[1-9]\d{0,15})$/, 'must be a whole number in decimal digits')
        .transform(Number),
    ])
    .pipe(z.number().int());
}

/** A real calendar date, `YYYY-MM-DD` (no 31 February). */
export const CalendarDateSchema = z.iso.date({ message: 'must be a real date, YYYY-MM-DD' });

/**
 * An Upstox instrument key, `SEGMENT|identifier`: the segment in capitals (`NSE_EQ`, `NSE_INDEX`, `BSE_FO`), the
 * identifier an ISIN, an exchange token or an index name (`Nifty 50`, `Nifty Fin Service`, `NIFTY M&M`).
 */
export const INSTRUMENT_KEY_PATTERN = /^[A-Z][A-Z0-9_]{1,23}\|[A-Za-z0-9](?:[A-Za-z0-9 &._()-]{0,62}[A-Za-z0-9)])?$/;
