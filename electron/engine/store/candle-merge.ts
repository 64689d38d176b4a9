import type { Candle, CandleQuery } from '../../../shared/domain/feed';
import { BUCKET_SPAN_MS, istIso, parseBound, type CandleStore } from './candles';
import type { HistoryBar, HistoryStore } from './history';

const MINUTE_MS = 60_000;

/**
 * Candles of one instrument from both sources: imported bars where they exist, bars built from the live 1-minute
 * candles for the rest (today, and whatever was never imported). The bar still forming when an import last ran is
 * completed by the live one: the import's open, the extremes of both, the live close, the larger volume.
 */
export function createMergedCandles(candles: CandleStore, history: HistoryStore) {
  return {
    query(q: CandleQuery, now: number): Candle[] {
      const live = candles.query(q).map((c): Candle => ({ ...c, source: 'live' }));
      const from = parseBound(q.from, false) ?? 0;
      const to = parseBound(q.to, true) ?? Number.MAX_SAFE_INTEGER;
      const imported = history.latest(q.instrumentKey, q.timeframe, from, to, q.limit);
      if (imported.length === 0) return live;
      const span = q.timeframe === '1m' ? MINUTE_MS : BUCKET_SPAN_MS[q.timeframe];
      const byTs = new Map<number, Candle>(imported.map((bar) => [bar.ts, toCandle(bar)]));
      for (const bar of live) {
        const ts = Date.parse(bar.ts);
        const stored = byTs.get(ts);
        if (!stored) byTs.set(ts, bar);
        else if (ts <= now && now < ts + span) byTs.set(ts, completed(stored, bar));
      }
      return [...byTs.entries()]
        .sort((a, b) => a[0] - b[0])
        .slice(-q.limit)
        .map(([, candle]) => candle);
    },
  };
}

const toCandle = (bar: HistoryBar): Candle => ({
  ts: istIso(bar.ts),
  open: bar.open,
  high: bar.high,
  low: bar.low,
  close: bar.close,
  volume: bar.volume,
  oi: bar.oi,
  source: bar.provider,
});

function completed(stored: Candle, live: Candle): Candle {
  return {
    ts: stored.ts,
    open: stored.open,
    high: Math.max(stored.high, live.high),
    low: Math.min(stored.low, live.low),
    close: live.close,
    volume: Math.max(stored.volume, live.volume),
    oi: live.oi || stored.oi,
    source: `${stored.source}+live`,
  };
}
