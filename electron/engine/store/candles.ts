import type { Candle, CandleQuery, OhlcvBar, Tick, Timeframe } from '../../../shared/domain/feed';
import { IST_OFFSET_MINUTES } from '../../../shared/constants';
import { createMarketKeys, type MarketKeys } from './market-keys';
import type { Db } from './types';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const IST_MS = IST_OFFSET_MINUTES * MINUTE_MS;
/**
 * A tick that arrives this long after the previous one of its instrument follows a feed outage (or a restart)
 * rather than a quiet market: full-mode instruments tick on every depth change. The day-volume increase across
 * such a gap belongs to the minutes of the outage, which the REST backfill fills, not to the minute of this tick.
 */
const VOLUME_GAP_MS = 60_000;

/** The `candles_1m` columns that queries read. */
type DbCandle = Omit<OhlcvBar, 'oi'> & { oi: number | null };

/** A 1-minute bar from elsewhere (the intraday candle API); `ts` is the minute's start, epoch ms. */
export type MinuteBar = Omit<OhlcvBar, 'oi'> & { oi?: number | null };

/** One candle row's share of a batch of ticks. */
interface MinuteAggregate {
  key: string;
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  oi: number | null;
  ticks: number;
  /** The next aggregate of the same instrument in this batch (a batch rarely spans more than two minutes). */
  next: MinuteAggregate | null;
}

/** What volume attribution remembers of an instrument's previous tick. */
interface VolumeState {
  /** Cumulative day volume of the previous tick; -1 when its mode carries none. */
  vtt: number;
  ltt: number;
  receivedAt: number;
}

export interface CandleStore {
  /**
   * Folds a batch of ticks into `candles_1m`, one upsert per instrument and minute: open kept, high max, low min,
   * close last, OI last known, volume the increase of the day volume across the minute (or, for modes without
   * day volume, the quantities of new trades). Call inside the writer's transaction; if that transaction then
   * fails, call `revert()` so the same ticks can be applied again.
   */
  applyTicks(ticks: readonly Tick[]): void;
  /**
   * Undoes the volume bookkeeping of the last `applyTicks` and re-reads the instrument ids (its rows, and any key
   * it interned, are gone with the rolled-back transaction).
   */
  revert(): void;
  /** Inserts only the minutes that have no row yet: minutes built from live ticks win. Returns rows inserted. */
  fillMissing(instrumentKey: string, rows: readonly MinuteBar[]): number;
  /** Candles oldest first: the most recent `limit` within `from`..`to` (both inclusive). */
  query(query: CandleQuery): Candle[];
  /** Whether any candle is stored at all. */
  hasAny(): boolean;
}

/** Start of a timeframe's bucket as SQL over `ts`: hours anchored at 09:15 IST, days, Monday weeks and months in IST. */
const BUCKET_SQL: Readonly<Record<Exclude<Timeframe, '1m'>, string>> = {
  // 09:15 IST is 03:45 UTC, so hourly NSE bars start at xx:45 UTC.
  '1h': `((ts - ${3 * HOUR_MS + 45 * MINUTE_MS}) / ${HOUR_MS}) * ${HOUR_MS} + ${3 * HOUR_MS + 45 * MINUTE_MS}`,
  '1d': `((ts + ${IST_MS}) / ${DAY_MS}) * ${DAY_MS} - ${IST_MS}`,
  // Day 0 of the epoch was a Thursday: (day + 3) % 7 counts days since Monday.
  '1w': `((ts + ${IST_MS}) / ${DAY_MS} - ((ts + ${IST_MS}) / ${DAY_MS} + 3) % 7) * ${DAY_MS} - ${IST_MS}`,
  '1M': `CAST(strftime('%s', (ts + ${IST_MS}) / 1000, 'unixepoch', 'start of month') AS INTEGER) * 1000 - ${IST_MS}`,
};

/** Longest bucket of each timeframe, to bound the rows read for the last bucket of a range. */
export const BUCKET_SPAN_MS: Readonly<Record<Exclude<Timeframe, '1m'>, number>> = {
  '1h': HOUR_MS,
  '1d': DAY_MS,
  '1w': 7 * DAY_MS,
  '1M': 31 * DAY_MS,
};

/** `2026-01-05T09:15:00+05:30` */
export function istIso(ms: number): string {
  return new Date(ms + IST_MS).toISOString().slice(0, 19) + '+05:30';
}

/** A bound of a candle query as epoch ms; a bare date is the whole IST day. */
export function parseBound(value: string | undefined, end: boolean): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return Date.parse(`${value}T00:00:00+05:30`) + (end ? DAY_MS - 1 : 0);
  return Date.parse(value);
}

const toCandle = (row: DbCandle): Candle => ({
  ts: istIso(row.ts),
  open: row.open,
  high: row.high,
  low: row.low,
  close: row.close,
  volume: row.volume,
  oi: row.oi ?? 0,
});

export function createCandleStore(db: Db, keys: MarketKeys = createMarketKeys(db)): CandleStore {
  const upsert = db.prepare(
    `INSERT INTO candles_1m (instrument_id, ts, open, high, low, close, volume, oi, tick_count)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (instrument_id, ts) DO UPDATE SET
       high = max(high, excluded.high),
       low = min(low, excluded.low),
       close = excluded.close,
       volume = volume + excluded.volume,
       oi = coalesce(excluded.oi, oi),
       tick_count = tick_count + excluded.tick_count`,
  );
  const insertIfMissing = db.prepare(
    `INSERT INTO candles_1m (instrument_id, ts, open, high, low, close, volume, oi, tick_count)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)
     ON CONFLICT (instrument_id, ts) DO NOTHING`,
  );
  const minuteRange = db.prepare<[number, number, number, number], DbCandle>(
    `SELECT ts, open, high, low, close, volume, oi FROM candles_1m
     WHERE instrument_id = ? AND ts >= ? AND ts <= ? ORDER BY ts DESC LIMIT ?`,
  );
  const anyRow = db.prepare('SELECT 1 FROM candles_1m LIMIT 1').pluck();
  const bucketRange = new Map<Exclude<Timeframe, '1m'>, ReturnType<typeof prepareBuckets>>();

  // The first and last minute of each bucket are found by aggregate, then read back by primary key: SQLite
  // gives no order inside a GROUP BY, so first/last values cannot come from the aggregate itself.
  function prepareBuckets(timeframe: Exclude<Timeframe, '1m'>) {
    return db.prepare<{ id: number; lo: number; hi: number; from: number; to: number; limit: number }, DbCandle>(
      `WITH g AS (
         SELECT ${BUCKET_SQL[timeframe]} AS b, min(ts) AS t0, max(ts) AS t1,
                max(CASE WHEN oi IS NOT NULL THEN ts END) AS toi,
                max(high) AS high, min(low) AS low, sum(volume) AS volume
         FROM candles_1m
         WHERE instrument_id = @id AND ts >= @lo AND ts <= @hi
         GROUP BY b
         HAVING b >= @from AND b <= @to
         ORDER BY b DESC
         LIMIT @limit
       )
       SELECT g.b AS ts, o.open, g.high, g.low, c.close, g.volume, x.oi
       FROM g
       JOIN candles_1m o ON o.instrument_id = @id AND o.ts = g.t0
       JOIN candles_1m c ON c.instrument_id = @id AND c.ts = g.t1
       LEFT JOIN candles_1m x ON x.instrument_id = @id AND x.ts = g.toi
       ORDER BY g.b`,
    );
  }

  const volume = new Map<string, VolumeState>();
  /** Previous volume state of each instrument the last `applyTicks` touched (undefined: it had none). */
  const undo = new Map<string, VolumeState | undefined>();

  /** Volume a tick adds to its minute, updating the instrument's state. */
  function volumeOf(t: Tick): number {
    let state = volume.get(t.instrumentKey);
    if (!undo.has(t.instrumentKey)) undo.set(t.instrumentKey, state && { ...state });
    if (state === undefined) {
      state = { vtt: t.volume ?? -1, ltt: t.ltt, receivedAt: t.receivedAt };
      volume.set(t.instrumentKey, state);
      // With day volume, the first tick seen only sets the baseline: that volume was traded before this process
      // was watching. Without it, the tick's trade counts like any other.
      return t.volume === null ? t.ltq : 0;
    }
    const newTrade = t.ltt !== state.ltt;
    const gap = t.receivedAt - state.receivedAt > VOLUME_GAP_MS;
    let added: number;
    if (t.volume === null) {
      // Without day volume, sum the quantity of each new trade; a tick repeating the last trade adds nothing.
      added = newTrade ? t.ltq : 0;
      // Forget the day volume, so a later switch back to a mode that carries it starts a fresh baseline.
      state.vtt = -1;
    } else if (state.vtt < 0 || istDay(t.receivedAt) !== istDay(state.receivedAt)) {
      added = state.vtt < 0 ? 0 : t.volume;
      state.vtt = t.volume;
    } else if (t.volume >= state.vtt) {
      added = t.volume - state.vtt;
      if (gap) added = newTrade ? Math.min(added, t.ltq) : 0;
      state.vtt = t.volume;
    } else {
      // An out-of-order tick carrying an older day volume: nothing new was traded.
      added = 0;
    }
    state.ltt = t.ltt;
    state.receivedAt = t.receivedAt;
    return added;
  }

  function aggregate(ticks: readonly Tick[]): MinuteAggregate[] {
    const heads = new Map<string, MinuteAggregate>();
    const out: MinuteAggregate[] = [];
    for (let i = 0; i < ticks.length; i++) {
      const t = ticks[i]!;
      const ts = Math.floor((t.ltt > 0 ? t.ltt : t.receivedAt) / MINUTE_MS) * MINUTE_MS;
      const added = volumeOf(t);
      let agg = heads.get(t.instrumentKey) ?? null;
      while (agg !== null && agg.ts !== ts) agg = agg.next;
      if (agg === null) {
        agg = {
          key: t.instrumentKey,
          ts,
          open: t.ltp,
          high: t.ltp,
          low: t.ltp,
          close: t.ltp,
          volume: added,
          oi: t.oi,
          ticks: 1,
          next: heads.get(t.instrumentKey) ?? null,
        };
        heads.set(t.instrumentKey, agg);
        out.push(agg);
        continue;
      }
      if (t.ltp > agg.high) agg.high = t.ltp;
      if (t.ltp < agg.low) agg.low = t.ltp;
      agg.close = t.ltp;
      agg.volume += added;
      if (t.oi !== null) agg.oi = t.oi;
      agg.ticks++;
    }
    return out;
  }

  return {
    applyTicks(ticks) {
      undo.clear();
      const aggregates = aggregate(ticks);
      let lastKey = '';
      let lastId = 0;
      for (const a of aggregates) {
        if (a.key !== lastKey) {
          lastKey = a.key;
          lastId = keys.idOf(a.key);
        }
        upsert.run(lastId, a.ts, a.open, a.high, a.low, a.close, a.volume, a.oi, a.ticks);
      }
    },
    revert() {
      for (const [key, state] of undo) {
        if (state === undefined) volume.delete(key);
        else volume.set(key, state);
      }
      undo.clear();
      keys.reload();
    },
    fillMissing(instrumentKey, rows) {
      if (rows.length === 0) return 0;
      try {
        return db.transaction(() => {
          const id = keys.idOf(instrumentKey);
          let inserted = 0;
          for (const r of rows) {
            const ts = Math.floor(r.ts / MINUTE_MS) * MINUTE_MS;
            inserted += insertIfMissing.run(
              id,
              ts,
              r.open,
              r.high,
              r.low,
              r.close,
              Math.round(r.volume),
              r.oi ?? null,
            ).changes;
          }
          return inserted;
        })();
      } catch (error) {
        keys.reload();
        throw error;
      }
    },
    query(q) {
      const id = keys.find(q.instrumentKey);
      if (id === undefined) return [];
      const from = parseBound(q.from, false) ?? 0;
      const to = parseBound(q.to, true) ?? Number.MAX_SAFE_INTEGER;
      if (q.timeframe === '1m') return minuteRange.all(id, from, to, q.limit).reverse().map(toCandle);
      let statement = bucketRange.get(q.timeframe);
      if (!statement) bucketRange.set(q.timeframe, (statement = prepareBuckets(q.timeframe)));
      const hi = to === Number.MAX_SAFE_INTEGER ? to : to + BUCKET_SPAN_MS[q.timeframe] - 1;
      return statement.all({ id, lo: from, hi, from, to, limit: q.limit }).map(toCandle);
    },
    hasAny: () => anyRow.get() !== undefined,
  };
}

function istDay(ms: number): number {
  return Math.floor((ms + IST_MS) / DAY_MS);
}
