import type { z } from 'zod';
import { WorkstationError, type ErrorDetail } from '../../../shared/errors';

/** Zod's issues as error details: each with the path of the field it is about. */
export function zodDetails(error: z.ZodError, prefix: readonly (string | number)[] = []): ErrorDetail[] {
  return error.issues.map((issue) => ({
    path: [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
    message: issue.message,
    code: issue.code,
  }));
}

/** `what: field.path: message (and N more)`: the first problem named by its field, so a user knows what to fix. */
export function describeDetails(what: string, details: readonly ErrorDetail[]): string {
  const first = details[0];
  if (!first) return what;
  const where = first.path.length ? first.path.join('.') : '(input)';
  const more = details.length > 1 ? ` (and ${details.length - 1} more)` : '';
  return `${what}: ${where}: ${first.message}${more}`;
}

export interface ParseOptions {
  /** Where the value sits in the request, prepended to every detail's path (e.g. `['payload']`). */
  at?: readonly (string | number)[];
}

/**
 * The one way a value from outside is checked: the parsed value, or VALIDATION_FAILED naming each bad field
 * (`what` says what was being read: "invalid input for settings.update", "bad configuration").
 */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: string,
  options: ParseOptions = {},
): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const details = zodDetails(parsed.error, options.at);
  throw new WorkstationError('VALIDATION_FAILED', describeDetails(what, details), details);
}

/**
 * VALIDATION_FAILED when `value` nests arrays and objects deeper than `max`; walked without recursion, so a
 * hostile input of any depth is measured safely (and no deeper than `max + 1`).
 */
export function assertJsonDepth(value: unknown, max: number): void {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > max)
      throw new WorkstationError('VALIDATION_FAILED', `input nested deeper than ${max} levels`, [
        { path: [], message: `nested deeper than ${max} levels` },
      ]);
    for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push([child, depth + 1]);
  }
}
