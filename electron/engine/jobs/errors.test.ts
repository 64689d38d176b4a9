import { describe, expect, it } from 'vitest';
import { InstrumentImportError } from '../instruments/master-import';
import { UpstoxApiError } from '../upstox/errors';
import { classifyError, PermanentJobError, TransientJobError } from './errors';

describe('classifyError', () => {
  it('retries what the job kind marks transient and fails what it marks permanent', () => {
    expect(classifyError(new TransientJobError('NET', 'down'), false)).toEqual({
      code: 'NET',
      message: 'down',
      transient: true,
    });
    expect(classifyError(new PermanentJobError('BAD', 'no'), true)).toEqual({
      code: 'BAD',
      message: 'no',
      transient: false,
    });
  });

  it('takes Upstox and instrument-import errors at their word about retrying', () => {
    expect(
      classifyError(new UpstoxApiError({ kind: 'rate_limited', message: 'slow down', status: 429 }), false),
    ).toMatchObject({
      code: 'UPSTOX_RATE_LIMITED',
      transient: true,
    });
    expect(
      classifyError(new UpstoxApiError({ kind: 'auth', message: 'token expired', status: 401 }), true),
    ).toMatchObject({
      code: 'UPSTOX_AUTH',
      transient: false,
    });
    expect(classifyError(new InstrumentImportError('NOT_GZIP', 'not a gzip file'), true)).toMatchObject({
      code: 'INSTRUMENTS_NOT_GZIP',
      transient: false,
    });
    expect(classifyError(new InstrumentImportError('DOWNLOAD_FAILED', 'HTTP 502', true), false)).toMatchObject({
      code: 'INSTRUMENTS_DOWNLOAD_FAILED',
      transient: true,
    });
  });

  it('leaves other errors to the kind’s policy for unknown errors', () => {
    expect(classifyError(new Error('boom'), true)).toEqual({ code: 'UNEXPECTED', message: 'boom', transient: true });
    expect(classifyError(new Error('boom'), false).transient).toBe(false);
  });
});
