import { WorkstationError, type ErrorCode, type ErrorDetail } from '../../../shared/errors';

/** What went wrong, in the terms a caller acts on: log in again, wait, retry, or give up. */
export type UpstoxErrorKind = 'auth' | 'rate_limited' | 'transient' | 'invalid_request' | 'not_found' | 'bad_response';

/** "Too Many Request Sent"; Upstox is said to send it under a 2xx status too. */
export const UPSTOX_RATE_LIMIT_CODE = 'UDAPI10005';
/** Invalid or expired access token (tokens die at 03:30 IST and cannot be refreshed). */
export const UPSTOX_INVALID_TOKEN_CODE = 'UDAPI100050';

const CODE_BY_KIND: Readonly<Record<UpstoxErrorKind, ErrorCode>> = {
  auth: 'UNAUTHORIZED',
  rate_limited: 'RATE_LIMITED',
  transient: 'UNAVAILABLE',
  invalid_request: 'VALIDATION_FAILED',
  not_found: 'NOT_FOUND',
  bad_response: 'UNAVAILABLE',
};

const RETRYABLE_KINDS: ReadonlySet<UpstoxErrorKind> = new Set(['rate_limited', 'transient']);

export interface UpstoxApiErrorInit {
  kind: UpstoxErrorKind;
  message: string;
  /** HTTP status, or 0 when no response arrived (network error, timeout) or the request never left. */
  status?: number;
  upstoxCode?: string | undefined;
  details?: ErrorDetail[] | undefined;
  cause?: unknown;
}

/** A failed Upstox call. `code` is the workstation-wide code; `kind` and `retryable` say what to do about it. */
export class UpstoxApiError extends WorkstationError {
  readonly status: number;
  readonly upstoxCode: string | undefined;
  readonly kind: UpstoxErrorKind;
  readonly retryable: boolean;

  constructor(init: UpstoxApiErrorInit) {
    super(CODE_BY_KIND[init.kind], init.message, init.details);
    this.name = 'UpstoxApiError';
    this.kind = init.kind;
    this.status = init.status ?? 0;
    this.upstoxCode = init.upstoxCode;
    this.retryable = RETRYABLE_KINDS.has(init.kind);
    if (init.cause !== undefined) this.cause = init.cause;
  }

  /** How a job that hit this error reports it (the runner retries it when `retryable`). */
  get jobCode(): string {
    return `UPSTOX_${this.kind.toUpperCase()}`;
  }
}

/** True when the token is missing, expired or lacks permission: retrying cannot help, the user must log in again. */
export function isAuthError(error: unknown): boolean {
  return error instanceof UpstoxApiError && error.kind === 'auth';
}

/** One entry of Upstox's error envelope, with the deprecated camelCase twins folded in. */
export interface UpstoxErrorItem {
  code: string | undefined;
  message: string | undefined;
  propertyPath: string | undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Reads `{status:'error', errors:[{error_code|errorCode, message, property_path|propertyPath}]}`; anything else gives []. */
export function parseErrorItems(body: unknown): UpstoxErrorItem[] {
  if (typeof body !== 'object' || body === null) return [];
  const errors = (body as { errors?: unknown }).errors;
  if (!Array.isArray(errors)) return [];
  return errors
    .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null)
    .map((e) => ({
      code: text(e.error_code) ?? text(e.errorCode),
      message: text(e.message),
      propertyPath: text(e.property_path) ?? text(e.propertyPath),
    }));
}

/**
 * The error for a response that did not deliver data: decided by the Upstox code first (it is more specific and
 * may come under any status), then by the HTTP status. `null` means the response is not an error by either.
 */
export function errorFromResponse(status: number, body: unknown, what: string): UpstoxApiError | null {
  const items = parseErrorItems(body);
  const first = items[0];
  const upstoxCode = first?.code;
  const reason = first ? `${first.code ?? 'error'}: ${first.message ?? 'no message'}` : `HTTP ${status}`;
  const message = `Upstox ${what} failed (${reason})`;
  const details = items.length > 0 ? items.map(toDetail) : undefined;
  const make = (kind: UpstoxErrorKind): UpstoxApiError =>
    new UpstoxApiError({ kind, message, status, upstoxCode, details });

  if (status === 401 || status === 403 || items.some((e) => e.code === UPSTOX_INVALID_TOKEN_CODE)) return make('auth');
  if (status === 429 || items.some((e) => e.code === UPSTOX_RATE_LIMIT_CODE)) return make('rate_limited');
  if (status >= 500) return make('transient');
  if (status === 404) return make('not_found');
  if (status >= 400) return make('invalid_request');
  const envelopeStatus = typeof body === 'object' && body !== null ? (body as { status?: unknown }).status : undefined;
  if (envelopeStatus === 'error') return make('invalid_request');
  return null;
}

function toDetail(item: UpstoxErrorItem): ErrorDetail {
  const detail: ErrorDetail = {
    path: item.propertyPath ? item.propertyPath.split('.') : [],
    message: item.message ?? 'error',
  };
  if (item.code) detail.code = item.code;
  return detail;
}

/** undici reports "fetch failed" and hides the useful part (ECONNREFUSED, ECONNRESET...) in `cause`. */
export function networkReason(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  const code = typeof cause === 'object' && cause !== null ? (cause as { code?: unknown }).code : undefined;
  if (typeof code === 'string') return `network error ${code}`;
  return error instanceof Error ? `network error (${error.message})` : 'network error';
}

/** Upstox may echo request parts back in a message; a token or secret must never ride along into logs or the UI. */
export function withoutSecret(error: UpstoxApiError, ...secrets: string[]): UpstoxApiError {
  const scrub = (text: string): string =>
    secrets.filter((s) => s.length > 0).reduce((out, secret) => out.split(secret).join('[redacted]'), text);
  error.message = scrub(error.message);
  for (const detail of error.details ?? []) detail.message = scrub(detail.message);
  return error;
}
