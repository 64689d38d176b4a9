import { PermanentJobError, TransientJobError } from '../jobs/errors';
import { UpstoxApiError } from './errors';

/** Turns an Upstox error into the job runner's terms: retry what a retry can fix, fail the rest at once. */
export function asJobError(error: unknown): unknown {
  if (!(error instanceof UpstoxApiError)) return error;
  const code = `UPSTOX_${error.kind.toUpperCase()}`;
  return error.retryable ? new TransientJobError(code, error.message) : new PermanentJobError(code, error.message);
}
