/** Pre-generated feed frames for the live-feed benchmark, built with the simulator's own market model and encoder. */
import path from 'node:path';
import { loadFeedSchema, type FeedSchema } from '../electron/engine/upstox/proto';
import { FrameEncoder } from '../electron/engine/sim/frames';
import { MarketModel } from '../electron/engine/sim/market';

export const RESOURCES_DIR = path.resolve(import.meta.dirname, '..', 'resources');

export interface FrameSet {
  schema: FeedSchema;
  frames: Uint8Array[];
  /** Instrument entries per frame, as encoded. */
  ticksPerFrame: number[];
  ticks: number;
  bytes: number;
  /** Epoch ms of the first frame's `currentTs`. */
  startMs: number;
  /** Virtual market time between two frames. */
  stepMs: number;
  instruments: number;
  /** Instrument entries by instrument type (EQ, INDEX, FUT, CE, PE) over all frames. */
  mix: Record<string, number>;
}

/** A weekday mid-session (2026-01-05 10:30 IST): the model's session, contracts and history depend on the date. */
const START_MS = Date.parse('2026-01-05T05:00:00.000Z');

/**
 * `count` live_feed frames of `perFrame` instruments each, in `full` mode (5-level depth, OHLC, and greeks, OI and
 * IV on options), as the simulator sends them: each step of the model moves `perFrame` instruments drawn from its
 * whole universe (indices, NIFTY 50 equities, index futures and a NIFTY option chain), and the frame carries them.
 */
export function generateFrames(count: number, perFrame: number, stepMs = 100, seed = 20_260_105): FrameSet {
  const schema = loadFeedSchema(RESOURCES_DIR);
  const model = new MarketModel({ seed, now: START_MS, tickIntervalMs: stepMs, ticksPerInterval: perFrame });
  const encoder = new FrameEncoder(schema, model);
  const frames: Uint8Array[] = [];
  const ticksPerFrame: number[] = [];
  const mix: Record<string, number> = {};
  let ticks = 0;
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const now = START_MS + (i + 1) * stepMs;
    const changed = model.step(now);
    const feeds = changed.map((index) => {
      const type = model.instrument(index).instrumentType;
      mix[type] = (mix[type] ?? 0) + 1;
      return [model.instrument(index).instrumentKey, encoder.feed(index, 'full')] as const;
    });
    const frame = encoder.response('live_feed', feeds, now);
    frames.push(frame);
    ticksPerFrame.push(feeds.length);
    ticks += feeds.length;
    bytes += frame.length;
  }
  return {
    schema,
    frames,
    ticksPerFrame,
    ticks,
    bytes,
    startMs: START_MS + stepMs,
    stepMs,
    instruments: model.size,
    mix,
  };
}
