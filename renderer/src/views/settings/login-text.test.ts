import { describe, expect, it } from 'vitest';
import type { AnalyticsTokenStatus, DailyTokenStatus, LoginStatus } from '../../../../shared/domain/login';
import {
  describeAnalyticsToken,
  describeDailyExpiry,
  formatHoursMinutes,
  istDateKey,
  loginStatusLine,
} from './login-text';

const EXPIRES = '2026-12-04T03:30:00.000+05:30';
const at = (iso: string) => Date.parse(iso);

const daily = (patch: Partial<DailyTokenStatus> = {}): DailyTokenStatus => ({
  present: true,
  hint: '…wxyz',
  source: 'login',
  storage: 'os-encrypted',
  issuedAt: '2026-12-03T09:00:00.000+05:30',
  expiresAt: EXPIRES,
  expired: false,
  userId: 'SIM001',
  userName: 'Demo Trader',
  ...patch,
});

const status = (d: DailyTokenStatus) => ({ daily: d }) as LoginStatus;

describe('login text', () => {
  it('says durations in hours and minutes, minutes alone under an hour', () => {
    expect(formatHoursMinutes((5 * 60 + 12) * 60_000 + 59_000)).toBe('5 h 12 min');
    expect(formatHoursMinutes(42 * 60_000)).toBe('42 min');
    expect(formatHoursMinutes(20_000)).toBe('less than 1 min');
  });

  it('counts down to 03:30 IST, then says when the login expired', () => {
    expect(describeDailyExpiry(daily(), at('2026-12-03T22:18:00.000+05:30'))).toBe('expires in 5 h 12 min (03:30 IST)');
    expect(describeDailyExpiry(daily(), at('2026-12-04T09:00:00.000+05:30'))).toBe('expired at 03:30 IST, 4 Dec');
    expect(describeDailyExpiry(daily({ expiresAt: null }), Date.now())).toBeNull();
  });

  it('names who is logged in, or that the login expired, on the status line', () => {
    const evening = at('2026-12-03T22:18:00.000+05:30');
    expect(loginStatusLine(status(daily()), evening)).toBe(
      'Logged in as Demo Trader (SIM001): expires in 5 h 12 min (03:30 IST)',
    );
    expect(loginStatusLine(status(daily()), at('2026-12-04T03:31:00.000+05:30'))).toBe(
      'Login expired: expired at 03:30 IST, 4 Dec',
    );
    expect(loginStatusLine(status(daily({ present: false })), evening)).toBe('Not logged in to Upstox');
    expect(loginStatusLine(status(daily({ userId: null, userName: null, source: 'settings' })), evening)).toMatch(
      /^Using the access token …wxyz \(pasted\)/,
    );
  });

  it('shows only the hint of an Analytics token, with its expiry date', () => {
    const analytics: Omit<AnalyticsTokenStatus, 'expiresAt'> = {
      present: true,
      hint: '…an01',
      storage: 'file-0600',
      expired: false,
      refusedBy: [],
    };
    expect(describeAnalyticsToken({ ...analytics, expiresAt: '2027-03-12T10:00:00.000+05:30' }, Date.now())).toBe(
      'set …an01, expires on 12 Mar 2027',
    );
    expect(describeAnalyticsToken({ ...analytics, present: false, hint: null, expiresAt: null }, Date.now())).toBe(
      'none',
    );
  });

  it('keys the trading day by the date in India', () => {
    expect(istDateKey(at('2026-12-03T18:29:00.000Z'))).toBe('2026-12-03');
    expect(istDateKey(at('2026-12-03T18:30:00.000Z'))).toBe('2026-12-04');
  });
});
