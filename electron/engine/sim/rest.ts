import type { IncomingMessage, ServerResponse } from 'node:http';
import { ISO_DATE } from '../../../shared/time';
import type { Logger } from '../common/logger';
import type { FaultState } from './faults';
import { aggregate, minuteBucket, type Bar } from './history';
import type { MarketModel } from './market';
import { dateToDay, dayStartMs, isTradingDay, istDayIndex, istIso, weekdayOf } from './time';

export const FEED_PATH = '/market-data-feeder/v3/upstox-developer-api/feeds';
export const AUTHORIZE_PATH = '/v3/feed/market-data-feed/authorize';
/** The master files are public on assets.upstox.com: no bearer, as there. */
const INSTRUMENT_FILES = new Set([
  '/market-quote/instruments/exchange/complete.json.gz',
  '/market-quote/instruments/exchange/NSE.json.gz',
]);

export interface RestContext {
  model: MarketModel;
  faults: FaultState;
  counters: { authorizeCalls: number; restCalls: number };
  acceptToken(token: string): boolean;
  /** A fresh single-use feed URL. */
  issueFeedUrl(): string;
  instrumentsFile(): Buffer;
  logger: Logger;
}

export function errorBody(errorCode: string, message: string) {
  return { status: 'error', errors: [{ error_code: errorCode, message, property_path: null, invalid_value: null }] };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const fail = (res: ServerResponse, status: number, code: string, message: string) =>
  send(res, status, errorBody(code, message));
const invalid = (res: ServerResponse, message: string) => fail(res, 400, 'UDAPI100036', message);

export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match ? match[1]! : null;
}

export function handleRest(ctx: RestContext, req: IncomingMessage, res: ServerResponse): void {
  ctx.counters.restCalls++;
  const path = (req.url ?? '/').split('?')[0]!;
  if (ctx.faults.takeRateLimit()) return fail(res, 429, 'UDAPI10005', 'Too Many Request Sent');
  if (req.method !== 'GET') return fail(res, 404, 'UDAPI10000', 'This request is not supported by Upstox API');
  if (INSTRUMENT_FILES.has(path)) {
    const file = ctx.instrumentsFile();
    res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': file.length });
    res.end(file);
    return;
  }
  const token = bearerToken(req.headers.authorization);
  if (token === null || !ctx.acceptToken(token))
    return fail(res, 401, 'UDAPI100050', 'Invalid token used to access API');

  if (path === AUTHORIZE_PATH) {
    ctx.counters.authorizeCalls++;
    const failure = ctx.faults.takeAuthorizeFailure();
    if (failure === 401 || failure === 403)
      return fail(res, failure, 'UDAPI100050', 'Invalid token used to access API');
    if (failure !== null)
      return fail(res, failure, 'UDAPI100500', 'Something went wrong... please contact Upstox support');
    // Upstox answers the URL under both names; the official SDKs read the camelCase one.
    const url = ctx.issueFeedUrl();
    return send(res, 200, { status: 'success', data: { authorized_redirect_uri: url, authorizedRedirectUri: url } });
  }
  let parts: string[];
  try {
    parts = path.split('/').slice(1).map(decodeURIComponent);
  } catch {
    return invalid(res, 'Invalid input');
  }
  if (parts[0] === 'v3' && parts[1] === 'historical-candle') {
    if (parts[2] === 'intraday' && parts.length === 6)
      return candles(ctx, res, parts[3]!, parts[4]!, parts[5]!, null, null);
    if (parts.length === 6 || parts.length === 7)
      return candles(ctx, res, parts[2]!, parts[3]!, parts[4]!, parts[5]!, parts[6] ?? null);
  }
  return fail(res, 404, 'UDAPI10000', 'This request is not supported by Upstox API');
}

type Unit = 'minutes' | 'hours' | 'days' | 'weeks' | 'months';
const INTERVAL_MAX: Record<Unit, number> = { minutes: 300, hours: 5, days: 1, weeks: 1, months: 1 };
const INTRADAY_UNITS = new Set<Unit>(['minutes', 'hours', 'days']);
/** Earliest data and longest span per request (days), per the V3 historical-candle docs. */
const EARLIEST: Record<Unit, string> = {
  minutes: '2022-01-01',
  hours: '2022-01-01',
  days: '2000-01-01',
  weeks: '2000-01-01',
  months: '2000-01-01',
};
const maxSpanDays = (unit: Unit, interval: number) =>
  unit === 'minutes' ? (interval <= 15 ? 31 : 92) : unit === 'hours' ? 92 : unit === 'days' ? 3660 : Infinity;

function candles(
  ctx: RestContext,
  res: ServerResponse,
  key: string,
  unitText: string,
  intervalText: string,
  to: string | null,
  from: string | null,
): void {
  const index = ctx.model.indexOf(key);
  if (index === undefined) return fail(res, 400, 'UDAPI1087', 'Invalid Instrument key');
  const unit = unitText as Unit;
  const interval = Number(intervalText);
  if (
    !Object.hasOwn(INTERVAL_MAX, unit) ||
    !Number.isInteger(interval) ||
    interval < 1 ||
    interval > INTERVAL_MAX[unit]
  )
    return invalid(res, 'Invalid unit or interval');
  const intraday = to === null;
  if (intraday && !INTRADAY_UNITS.has(unit)) return invalid(res, 'Invalid unit or interval');
  let bars: Bar[];
  if (intraday) bars = unit === 'days' ? [ctx.model.dayBar(index)] : ctx.model.minuteBars(index);
  else {
    if (!ISO_DATE.test(to) || (from !== null && !ISO_DATE.test(from))) return invalid(res, 'Invalid date');
    const toDay = dateToDay(to);
    const fromDay = Math.max(
      from === null ? toDay - (unit === 'minutes' || unit === 'hours' ? 0 : 365) : dateToDay(from),
      dateToDay(EARLIEST[unit]),
    );
    if (from !== null && dateToDay(from) > toDay) return invalid(res, 'to_date must be on or after from_date');
    if (toDay - fromDay + 1 > maxSpanDays(unit, interval)) return invalid(res, 'Invalid date range');
    bars = rangeBars(ctx.model, index, unit, fromDay, toDay);
  }
  const grouped = groupBars(bars, unit, interval);
  const rows = grouped.reverse().map((b) => [istIso(b.ts), b.open, b.high, b.low, b.close, b.volume, b.oi]);
  send(res, 200, { status: 'success', data: { candles: rows } });
}

/** Past days from the deterministic history, today from the live model; nothing after today. */
function rangeBars(model: MarketModel, index: number, unit: Unit, fromDay: number, toDay: number): Bar[] {
  const out: Bar[] = [];
  const intradayUnit = unit === 'minutes' || unit === 'hours';
  for (let day = fromDay; day <= Math.min(toDay, model.day); day++) {
    if (day === model.day) {
      if (intradayUnit) out.push(...model.minuteBars(index));
      else out.push(model.dayBar(index));
    } else if (isTradingDay(day)) {
      if (intradayUnit) out.push(...model.history.minuteBars(index, day));
      else {
        const bar = model.history.dailyBar(index, day);
        if (bar) out.push(bar);
      }
    }
  }
  return out;
}

function groupBars(bars: Bar[], unit: Unit, interval: number): Bar[] {
  switch (unit) {
    case 'minutes':
      return interval === 1 ? bars : aggregate(bars, minuteBucket(interval));
    case 'hours':
      return aggregate(bars, minuteBucket(60 * interval));
    case 'days':
      return bars;
    case 'weeks':
      return aggregate(bars, (ts) => {
        const day = istDayIndex(ts);
        return dayStartMs(day - ((weekdayOf(day) + 6) % 7));
      });
    case 'months':
      return aggregate(bars, (ts) => dayStartMs(dateToDay(`${istIso(ts).slice(0, 7)}-01`)));
  }
}
