import type { ErrorDetail } from '../../../../shared/errors';
import { messageOf } from '../../lib/use-command';

export type FieldErrors<F extends string> = Partial<Record<F | 'form', string>>;

interface ErrorLike {
  code: string;
  message: string;
  details?: ErrorDetail[] | undefined;
}

const isErrorLike = (error: unknown): error is ErrorLike =>
  !!error && typeof error === 'object' && 'code' in error && 'message' in error;

/**
 * Puts each of an engine error's details next to the field its path names (VALIDATION_FAILED and
 * ORDER_LIMIT_EXCEEDED carry them); a detail about anything else, or an error without details, goes to `form`.
 */
export function fieldErrorsOf<F extends string>(error: unknown, fields: readonly F[]): FieldErrors<F> {
  const out: FieldErrors<F> = {};
  if (!isErrorLike(error)) {
    out.form = messageOf(error);
    return out;
  }
  for (const detail of error.details ?? []) {
    const head = detail.path[0];
    const field = typeof head === 'string' && (fields as readonly string[]).includes(head) ? (head as F) : 'form';
    out[field] ??= detail.message;
  }
  if (Object.keys(out).length === 0) out.form = error.message;
  return out;
}

export function hasErrors(errors: FieldErrors<string>): boolean {
  return Object.values(errors).some(Boolean);
}

/** "a LIMIT order needs a price" shown on its own reads as a sentence. */
export function sentence(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}

/**
 * A field's error as a sentence about that field. Checks word their messages to follow the field's name ("must be
 * above zero", "makes an order value above maxOrderValue"), so those take it; one that is a sentence already ("a
 * LIMIT order needs a price", "Too big: ...") is only capitalised.
 */
export function fieldSentence(field: string, message: string): string {
  if (/^[a-z]/.test(message) && !/^(a|an|the)\s/.test(message)) return `${field} ${message}`;
  return sentence(message);
}
