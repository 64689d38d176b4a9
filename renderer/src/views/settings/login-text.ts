/** How the Upstox login reads on screen: expiries in IST, durations, the status line. */
import type { AnalyticsTokenStatus, DailyTokenStatus, LoginStatus } from '../../../../shared/domain/login';

const IST = 'Asia/Kolkata';

/** "5 h 12 min", "42 min"; "less than 1 min" at the very end. */
export function formatHoursMinutes(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return 'less than 1 min';
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** "03:30", the clock in India. */
export function formatIstTime(iso: string): string {
  return new Date(iso).toLocaleTimeString('en-IN', {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone: IST,
  });
}

/** "4 Dec", the day in India. */
export function formatIstDay(iso: string): string {
  return new Date(iso).toLocaleDateString('en-IN', { day: 'numeric', month: 'short', timeZone: IST });
}

/** "4 Dec 2026". */
export function formatIstDate(iso: string): string {
  return new Date(iso).toLocaleDateString('en-IN', { day: 'numeric', month: 'short', year: 'numeric', timeZone: IST });
}

/** "2026-12-04": the trading day in India, which is not the local day everywhere. */
export function istDateKey(ms: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: IST }).format(ms);
}

/** The engine says whether a token has expired when it last looked; the clock here keeps counting in between. */
export function hasExpired(token: { expired: boolean; expiresAt: string | null }, now: number): boolean {
  return token.expired || (token.expiresAt !== null && Date.parse(token.expiresAt) <= now);
}

/** A daily token that orders can use now. */
export function dailyUsable(daily: DailyTokenStatus, now: number): boolean {
  return daily.present && !hasExpired(daily, now);
}

/** "expires in 5 h 12 min (03:30 IST)" or "expired at 03:30 IST, 4 Dec"; null when the expiry is unknown. */
export function describeDailyExpiry(daily: DailyTokenStatus, now: number): string | null {
  if (!daily.expiresAt) return null;
  if (hasExpired(daily, now))
    return `expired at ${formatIstTime(daily.expiresAt)} IST, ${formatIstDay(daily.expiresAt)}`;
  return `expires in ${formatHoursMinutes(Date.parse(daily.expiresAt) - now)} (${formatIstTime(daily.expiresAt)} IST)`;
}

/** Who is logged in: "Demo Trader (SIM001)", or null when the token does not say (a pasted one). */
export function userLabel(daily: DailyTokenStatus): string | null {
  if (daily.userName) return daily.userId ? `${daily.userName} (${daily.userId})` : daily.userName;
  return daily.userId;
}

/** The Settings status line: logged in as whom, or why not, with the expiry. */
export function loginStatusLine(status: LoginStatus, now: number): string {
  const { daily } = status;
  if (!daily.present) return 'Not logged in to Upstox';
  const expiry = describeDailyExpiry(daily, now);
  const suffix = expiry ? `: ${expiry}` : '';
  if (hasExpired(daily, now)) return `Login expired${suffix}`;
  const user = userLabel(daily);
  if (user) return `Logged in as ${user}${suffix}`;
  const origin = daily.source === 'environment' ? 'from UPSTOX_ACCESS_TOKEN' : 'pasted';
  return `Using the access token ${daily.hint ?? ''} (${origin})${suffix}`;
}

/** "set …ab12, expires on 4 Dec 2026", "expired on …", or "none". */
export function describeAnalyticsToken(analytics: AnalyticsTokenStatus, now: number): string {
  if (!analytics.present) return 'none';
  const hint = analytics.hint ? `set ${analytics.hint}` : 'set';
  if (!analytics.expiresAt) return hint;
  const verb = hasExpired(analytics, now) ? 'expired on' : 'expires on';
  return `${hint}, ${verb} ${formatIstDate(analytics.expiresAt)}`;
}

/** An Analytics token that market data can use now. */
export function analyticsUsable(analytics: AnalyticsTokenStatus, now: number): boolean {
  return analytics.present && !hasExpired(analytics, now);
}

export const MARKET_DATA_LABEL: Record<LoginStatus['marketData'], string> = {
  analytics: 'the Analytics token',
  daily: 'the daily login',
  none: 'no Upstox token',
};

/** Why a login cannot start yet. */
export const APP_NOT_READY = 'Set the API key and secret first';
