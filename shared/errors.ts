/**
 * Error codes every transport understands. The engine throws them, IPC carries them as data,
 * the Local API maps them to HTTP statuses, and the renderer shows their messages.
 */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'LIVE_TRADING_UNAVAILABLE',
  'ORDER_LIMIT_EXCEEDED',
  'PAYLOAD_TOO_LARGE',
  'HEADERS_TOO_LARGE',
  'RATE_LIMITED',
  'UNAVAILABLE',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** One problem with a request, located by its path inside the payload (zod's issue path). */
export interface ErrorDetail {
  path: (string | number)[];
  message: string;
  code?: string;
  /** For a refused file: the 1-based line (the header is line 1), the offending value and why it was refused. */
  line?: number;
  value?: string;
  reason?: string;
}

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details?: ErrorDetail[];
}

export const HTTP_STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = {
  VALIDATION_FAILED: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  LIVE_TRADING_UNAVAILABLE: 409,
  ORDER_LIMIT_EXCEEDED: 422,
  PAYLOAD_TOO_LARGE: 413,
  HEADERS_TOO_LARGE: 431,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

/** An error that crosses the engine boundary with a typed code. */
export class WorkstationError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetail[] | undefined;

  constructor(code: ErrorCode, message: string, details?: ErrorDetail[]) {
    super(message);
    this.name = 'WorkstationError';
    this.code = code;
    this.details = details;
  }

  toBody(): ErrorBody {
    return this.details
      ? { code: this.code, message: this.message, details: this.details }
      : { code: this.code, message: this.message };
  }

  static fromBody(body: ErrorBody): WorkstationError {
    return new WorkstationError(body.code, body.message, body.details);
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** Result shape used where exceptions cannot cross (Electron IPC drops custom error fields). */
export type Outcome<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };
