/**
 * Seedable randomness. Everything the simulator invents (paths, candles, depth) comes from here, so one seed
 * reproduces the whole demo market, and hashed streams keyed by (instrument, date) make a candle for a given
 * day the same whatever range it was requested in.
 */
export type Rng = () => number;

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit hash of integers (non-integers are truncated). */
export function mix(...values: number[]): number {
  let h = 0x811c9dc5;
  for (const v of values) h = fmix32(Math.imul(h ^ fmix32(v | 0), 0x01000193) + 0x9e3779b9);
  return h;
}

export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return fmix32(h);
}

/** mulberry32: tiny and fast, and statistically good enough for a market that only has to look plausible. */
export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function rngFor(...values: number[]): Rng {
  return createRng(mix(...values));
}

/** A uniform in [0, 1) fixed by the inputs. */
export function unitHash(...values: number[]): number {
  return mix(...values) / 4294967296;
}

/** Standard normal (Box-Muller). */
export function gaussian(rng: Rng): number {
  const u = 1 - rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** A standard-normal-like value fixed by the inputs (sum of uniforms: cheap, bounded, close enough). */
export function normalHash(...values: number[]): number {
  const r = rngFor(...values);
  return r() + r() + r() + r() + r() + r() - 3;
}

/**
 * Smooth 1-D value noise in [-1, 1] at `x`, lattice values hashed from (stream, floor(x)). Summed over
 * several scales it gives a price history that trends like a random walk but can be evaluated at any
 * single date without generating the days before it.
 */
export function valueNoise(stream: number, x: number): number {
  const i = Math.floor(x);
  const f = x - i;
  const a = unitHash(stream, i) * 2 - 1;
  const b = unitHash(stream, i + 1) * 2 - 1;
  const s = f * f * (3 - 2 * f);
  return a + (b - a) * s;
}
