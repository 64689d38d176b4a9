import { describe, expect, it } from 'vitest';
import { dailyTokenExpiry, dailyTokenExpiryOf, readJwtClaims } from './token-expiry';

/** IST is UTC+5:30, so 03:30 IST on Wednesday 2026-01-07 is 22:00 UTC on Tuesday 2026-01-06. */
const WED_0330_IST = Date.parse('2026-01-06T22:00:00Z');
const THU_0330_IST = Date.parse('2026-01-07T22:00:00Z');

const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** Shaped like an Upstox access token: a JWT whose signature nobody but Upstox can check. */
const jwt = (claims: unknown) =>
  `${segment({ alg: 'HS256', typ: 'JWT' })}.${segment(claims)}.c2lnbmF0dXJlLW9mLXVwc3RveA`;
const seconds = (iso: string) => Date.parse(iso) / 1000;

describe('dailyTokenExpiry', () => {
  it('ends a token issued Tuesday 20:00 IST at 03:30 IST on Wednesday', () => {
    expect(dailyTokenExpiry(Date.parse('2026-01-06T14:30:00Z'))).toBe(WED_0330_IST);
  });

  it('ends a token issued after midnight but before 03:30 IST the same morning', () => {
    expect(dailyTokenExpiry(Date.parse('2026-01-06T21:00:00Z'))).toBe(WED_0330_IST); // 02:30 IST Wed
    expect(dailyTokenExpiry(Date.parse('2026-01-06T18:30:00Z'))).toBe(WED_0330_IST); // 00:00 IST Wed
  });

  it('gives a token issued at 03:30 IST exactly, or later, until 03:30 IST the next day', () => {
    expect(dailyTokenExpiry(WED_0330_IST)).toBe(THU_0330_IST);
    expect(dailyTokenExpiry(Date.parse('2026-01-06T22:01:00Z'))).toBe(THU_0330_IST); // 03:31 IST Wed
    expect(dailyTokenExpiry(WED_0330_IST - 1)).toBe(WED_0330_IST);
  });

  it('gives a token issued during Wednesday market hours until Thursday 03:30 IST', () => {
    expect(dailyTokenExpiry(Date.parse('2026-01-07T04:00:00Z'))).toBe(THU_0330_IST); // 09:30 IST Wed
  });
});

describe('readJwtClaims', () => {
  it('reads the claims of an Upstox-shaped token', () => {
    const claims = {
      sub: '7ABCDE',
      jti: '6779f7a4c1e6a2',
      isMultiClient: false,
      iat: seconds('2026-01-06T14:30:00Z'),
      iss: 'udapi-gateway-service',
      exp: seconds('2026-01-06T22:00:00Z'),
    };
    expect(readJwtClaims(jwt(claims))).toEqual(claims);
  });

  it('gives null for anything that is not a JWT with a JSON object payload', () => {
    for (const token of [
      '',
      'not-a-token',
      'only.two',
      'a.b.c.d',
      `${segment({ alg: 'HS256' })}..sig`,
      `${segment({ alg: 'HS256' })}.@@not-base64-json@@.sig`,
      `${segment({ alg: 'HS256' })}.${Buffer.from('plain text').toString('base64url')}.sig`,
      jwt([1, 2, 3]),
      jwt(null),
      jwt(42),
    ])
      expect(readJwtClaims(token), token).toBeNull();
  });

  it('gives null when iat or exp is not a number of seconds', () => {
    expect(readJwtClaims(jwt({ sub: '7ABCDE', exp: '1767736800' }))).toBeNull();
    expect(readJwtClaims(jwt({ sub: '7ABCDE', iat: true }))).toBeNull();
  });
});

describe('dailyTokenExpiryOf', () => {
  const issuedTuesdayEvening = Date.parse('2026-01-06T14:30:00Z');

  it("takes the token's own exp over any rule", () => {
    const exp = seconds('2026-01-06T20:00:00Z');
    expect(
      dailyTokenExpiryOf(jwt({ iat: seconds('2026-01-06T14:30:00Z'), exp }), Date.parse('2026-01-01T00:00:00Z')),
    ).toBe(exp * 1000);
  });

  it('puts a token with only iat at the first 03:30 IST after it, ignoring the fallback', () => {
    expect(dailyTokenExpiryOf(jwt({ iat: seconds('2026-01-06T14:30:00Z') }), Date.parse('2026-01-07T04:00:00Z'))).toBe(
      WED_0330_IST,
    );
  });

  it('falls back to the given issue time when the token says neither', () => {
    expect(dailyTokenExpiryOf('pasted-opaque-token-0123456789', issuedTuesdayEvening)).toBe(WED_0330_IST);
    expect(dailyTokenExpiryOf(jwt({ sub: '7ABCDE' }), issuedTuesdayEvening)).toBe(WED_0330_IST);
  });

  it('gives null when neither the token nor the caller knows when it was issued', () => {
    expect(dailyTokenExpiryOf('pasted-opaque-token-0123456789', null)).toBeNull();
    expect(dailyTokenExpiryOf(jwt({ sub: '7ABCDE' }), null)).toBeNull();
  });
});
