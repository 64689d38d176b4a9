import { describe, expect, it } from 'vitest';
import { feedObject, FrameEncoder, garbageFrame } from './frames';
import { MarketModel } from './market';
import { blackScholes } from './pricing';
import { createRng } from './rng';
import { schema } from '../../../tests/helpers/sim-client';
import { dateToDay, monthlyExpiries, nextWeeklyExpiry, weekdayOf } from './time';

const NOW = Date.parse('2026-01-05T05:00:00.000Z'); // Monday 10:30 IST

function ltpsAfter(model: MarketModel, steps: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < steps; i++) {
    model.step(NOW + i * 250);
    out.push(model.universe.map((_, j) => model.state(j).ltp));
  }
  return out;
}

describe('demo market model', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = ltpsAfter(new MarketModel({ seed: 42, now: NOW }), 50);
    expect(ltpsAfter(new MarketModel({ seed: 42, now: NOW }), 50)).toEqual(a);
    expect(ltpsAfter(new MarketModel({ seed: 43, now: NOW }), 50)).not.toEqual(a);
  });

  it('lists 50 equities, 3 indices, 4 index futures and a 21-strike NIFTY weekly chain with unique keys', () => {
    const model = new MarketModel({ seed: 1, now: NOW });
    const count = (t: string) => model.universe.filter((e) => e.instrument.instrumentType === t).length;
    expect([count('EQ'), count('INDEX'), count('FUT'), count('CE'), count('PE')]).toEqual([50, 3, 4, 21, 21]);
    expect(new Set(model.universe.map((e) => e.instrument.instrumentKey)).size).toBe(model.size);
    const options = model.universe.filter((e) => e.kind === 'option');
    expect(new Set(options.map((e) => e.instrument.expiry))).toEqual(new Set(['2026-01-06']));
    const strikes = [...new Set(options.map((e) => e.instrument.strike!))].sort((x, y) => x - y);
    expect(strikes[1]! - strikes[0]!).toBe(50);
    const nifty = model.state(model.indexOf('NSE_INDEX|Nifty 50')!).ltp;
    expect(Math.abs(strikes[10]! - nifty)).toBeLessThanOrEqual(50);
    expect(model.universe.filter((e) => e.kind === 'future').map((e) => e.instrument.tradingSymbol)).toEqual([
      'NIFTY FUT 27 JAN 26',
      'BANKNIFTY FUT 27 JAN 26',
      'NIFTY FUT 24 FEB 26',
      'BANKNIFTY FUT 24 FEB 26',
    ]);
  });

  it('keeps the market sane: volume only grows, trades have size, quotes straddle the price on the tick grid', () => {
    const model = new MarketModel({ seed: 3, now: NOW, ticksPerInterval: 'all' });
    const before = model.universe.map((_, i) => model.state(i).vtt);
    for (let step = 0; step < 200; step++) {
      const changed = model.step(NOW + step * 250);
      expect(changed).toHaveLength(model.size);
      for (const i of changed) {
        const s = model.state(i);
        const { instrumentType, tickSize } = model.instrument(i);
        expect(s.vtt).toBeGreaterThanOrEqual(before[i]!);
        before[i] = s.vtt;
        expect(Math.abs(s.ltp / tickSize - Math.round(s.ltp / tickSize))).toBeLessThan(1e-6);
        if (instrumentType === 'INDEX') continue;
        expect(s.ltq).toBeGreaterThan(0);
        const [top] = model.depth(i, 5);
        expect(top!.bidP).toBeLessThan(s.ltp);
        expect(top!.askP).toBeGreaterThan(s.ltp);
        if (instrumentType === 'CE') expect(s.greeks!.delta).toBeGreaterThan(0);
        if (instrumentType === 'PE') expect(s.greeks!.delta).toBeLessThan(0);
      }
    }
  });

  it('moves only the requested number of instruments per step', () => {
    const model = new MarketModel({ seed: 5, now: NOW, ticksPerInterval: 7 });
    for (let i = 0; i < 20; i++) expect(new Set(model.step(NOW + i)).size).toBe(7);
  });

  it('tracks futures at spot plus carry and puts/calls through parity', () => {
    const model = new MarketModel({ seed: 9, now: NOW, ticksPerInterval: 'all' });
    model.step(NOW);
    const nifty = model.state(model.indexOf('NSE_INDEX|Nifty 50')!).ltp;
    const future = model.universe.findIndex((e) => e.instrument.tradingSymbol === 'NIFTY FUT 27 JAN 26');
    expect(model.state(future).ltp / nifty - 1).toBeGreaterThan(0);
    expect(model.state(future).ltp / nifty - 1).toBeLessThan(0.01);
    const bs = blackScholes('CE', 100, 100, 0.1, 0.2);
    const put = blackScholes('PE', 100, 100, 0.1, 0.2);
    expect(bs.price - put.price).toBeCloseTo(100 - 100 * Math.exp(-0.065 * 0.1), 6);
  });

  it('generates past daily candles that are deterministic and consistent with their minutes', () => {
    const a = new MarketModel({ seed: 11, now: NOW });
    const b = new MarketModel({ seed: 11, now: NOW + 3_600_000 });
    const day = dateToDay('2025-11-14');
    for (let i = 0; i < a.size; i++) {
      const bar = a.history.dailyBar(i, day);
      // An hour later the Nifty may sit nearer another strike, so compare by key, for contracts both list.
      const j = b.indexOf(a.instrument(i).instrumentKey);
      if (j !== undefined) expect(b.history.dailyBar(j, day)).toEqual(bar);
      if (!bar) continue;
      expect(bar.high).toBeGreaterThanOrEqual(Math.max(bar.open, bar.close));
      expect(bar.low).toBeLessThanOrEqual(Math.min(bar.open, bar.close));
    }
    const reliance = a.indexOf('NSE_EQ|INE002A01018')!;
    const minutes = a.history.minuteBars(reliance, day);
    const daily = a.history.dailyBar(reliance, day)!;
    expect([
      minutes[0]!.open,
      Math.max(...minutes.map((m) => m.high)),
      Math.min(...minutes.map((m) => m.low)),
      minutes.at(-1)!.close,
    ]).toEqual([daily.open, daily.high, daily.low, daily.close]);
    // Yesterday's close is today's previous close.
    expect(a.state(reliance).cp).toBe(a.history.dailyBar(reliance, dateToDay('2026-01-02'))!.close);
  });

  it('replays the same morning when started later the same day', () => {
    const early = new MarketModel({ seed: 2, now: NOW });
    const later = new MarketModel({ seed: 2, now: NOW + 45 * 60_000 });
    const i = early.indexOf('NSE_EQ|INE467B01029')!;
    const first = early.minuteBars(i).slice(0, -1);
    expect(later.minuteBars(i).slice(0, first.length)).toEqual(first);
  });
});

describe('expiries', () => {
  it('are Tuesdays: the next weekly one and the last Tuesday of each month', () => {
    expect(nextWeeklyExpiry(NOW)).toBe(dateToDay('2026-01-06'));
    // After 15:30 IST on expiry day the next week's contract is the nearest.
    expect(nextWeeklyExpiry(Date.parse('2026-01-06T10:01:00.000Z'))).toBe(dateToDay('2026-01-13'));
    const monthly = monthlyExpiries(NOW, 3);
    expect(monthly.map((d) => weekdayOf(d))).toEqual([2, 2, 2]);
    expect(monthly[0]).toBe(dateToDay('2026-01-27'));
  });
});

describe('frames', () => {
  it('round-trips feeds through the schema, leaving initial_feed (0) off the wire', () => {
    const model = new MarketModel({ seed: 1, now: NOW });
    const encoder = new FrameEncoder(schema, model);
    const i = model.indexOf('NSE_EQ|INE002A01018')!;
    const frame = encoder.response('initial_feed', [['NSE_EQ|INE002A01018', encoder.feed(i, 'full_d30')]], NOW);
    const decoded = schema.FeedResponse.toObject(schema.FeedResponse.decode(frame), { longs: Number, enums: String });
    expect(decoded.type).toBeUndefined();
    expect(decoded.currentTs).toBe(NOW);
    const ff = decoded.feeds['NSE_EQ|INE002A01018'].fullFeed.marketFF;
    expect(ff.marketLevel.bidAskQuote).toHaveLength(30);
    expect(ff.ltpc.ltt).toBe(model.state(i).ltt);
    expect(feedObject(model, i, 'ltpc')).toEqual({
      ltpc: { ltp: model.state(i).ltp, ltt: NOW, ltq: 1, cp: model.state(i).cp },
      requestMode: 'ltpc',
    });
  });

  it('makes garbage that the decoder rejects', () => {
    const rng = createRng(1);
    for (let n = 0; n < 200; n++) expect(() => schema.FeedResponse.decode(garbageFrame(rng))).toThrow();
  });
});
