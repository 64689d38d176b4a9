import { IST_OFFSET_MINUTES } from '../../../shared/constants';

/** IST calendar arithmetic on "day indexes" (days since 1970-01-01 in IST), so no time-zone library is needed. */
export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;
export const IST_OFFSET_MS = IST_OFFSET_MINUTES * MINUTE_MS;
export const SESSION_OPEN_MINUTE = 9 * 60 + 15;
export const SESSION_CLOSE_MINUTE = 15 * 60 + 30;
export const SESSION_MINUTES = SESSION_CLOSE_MINUTE - SESSION_OPEN_MINUTE;
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

export function istDayIndex(ms: number): number {
  return Math.floor((ms + IST_OFFSET_MS) / DAY_MS);
}

/** The instant of IST midnight starting that day. */
export function dayStartMs(day: number): number {
  return day * DAY_MS - IST_OFFSET_MS;
}

export function istMinuteMs(day: number, minuteOfDay: number): number {
  return dayStartMs(day) + minuteOfDay * MINUTE_MS;
}

/** 0 Sunday ... 6 Saturday. */
export function weekdayOf(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** Weekends only: the demo has no holiday list, and its own "today" trades whatever the weekday. */
export function isTradingDay(day: number): boolean {
  const w = weekdayOf(day);
  return w !== 0 && w !== 6;
}

export function previousTradingDay(day: number): number {
  let d = day - 1;
  while (!isTradingDay(d)) d--;
  return d;
}

export function dayToDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function dateToDay(date: string): number {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

/** Upstox candle timestamps: local IST time with an explicit offset, e.g. `2025-01-12T15:15:00+05:30`. */
export function istIso(ms: number): string {
  return `${new Date(ms + IST_OFFSET_MS).toISOString().slice(0, 19)}+05:30`;
}

/** `27 JAN 26`, as in Upstox derivative trading symbols. */
export function symbolDate(day: number): string {
  const d = new Date(day * DAY_MS);
  return `${String(d.getUTCDate()).padStart(2, '0')} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCFullYear() % 100).padStart(2, '0')}`;
}

/** NSE index derivatives expire on Tuesdays; the monthly contract on the last Tuesday of the month. */
const EXPIRY_WEEKDAY = 2;

export function lastExpiryDayOfMonth(year: number, month: number): number {
  let day = Math.floor(Date.UTC(year, month + 1, 0) / DAY_MS);
  while (weekdayOf(day) !== EXPIRY_WEEKDAY) day--;
  return day;
}

/** Contracts trade until 15:30 IST on expiry day. */
export function expiryCloseMs(day: number): number {
  return istMinuteMs(day, SESSION_CLOSE_MINUTE);
}

/** The master file's `expiry`: 23:59:59 IST of the expiry date, in epoch ms. */
export function masterExpiryMs(day: number): number {
  return dayStartMs(day + 1) - 1000;
}

export function nextWeeklyExpiry(now: number): number {
  let day = istDayIndex(now);
  while (weekdayOf(day) !== EXPIRY_WEEKDAY || expiryCloseMs(day) <= now) day++;
  return day;
}

/** The first `count` monthly expiries still trading at `now`. */
export function monthlyExpiries(now: number, count: number): number[] {
  const out: number[] = [];
  const d = new Date(istDayIndex(now) * DAY_MS);
  let year = d.getUTCFullYear();
  let month = d.getUTCMonth();
  while (out.length < count) {
    const day = lastExpiryDayOfMonth(year, month);
    if (expiryCloseMs(day) > now) out.push(day);
    month++;
    if (month === 12) {
      month = 0;
      year++;
    }
  }
  return out;
}
