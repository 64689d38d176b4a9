import { IST_OFFSET_MINUTES } from './constants';

const IST_OFFSET_MS = IST_OFFSET_MINUTES * 60_000;

/** The IST calendar date (YYYY-MM-DD) of an instant. */
export function istDate(ms: number): string {
  return new Date(ms + IST_OFFSET_MS).toISOString().slice(0, 10);
}

/** Day of the week in IST: 0 Sunday ... 6 Saturday. */
export function istWeekday(ms: number): number {
  return new Date(ms + IST_OFFSET_MS).getUTCDay();
}

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

/** Midnight IST of the day an instant falls on, epoch ms. */
export function istDayStart(ms: number): number {
  return Math.floor((ms + IST_OFFSET_MS) / DAY_MS) * DAY_MS - IST_OFFSET_MS;
}

export const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
