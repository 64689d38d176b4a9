import type { KeyLevel, SnapshotBar } from '../../../../shared/domain/analysis';

/** A swing high (low) is the highest high (lowest low) of this many bars either side of it. */
export const SWING_BARS = 5;
/** Swing points within this many ATRs of a cluster's lowest one are the same level. */
export const CLUSTER_ATRS = 1.5;
/** Sessions of the volume-by-price histogram, and its number of price bins. */
export const VOLUME_SESSIONS = 120;
export const VOLUME_BINS = 30;
/** A histogram peak is a level only with this multiple of the average bin's volume. */
const NODE_MIN_RATIO = 1.5;
const MAX_NODES = 5;
const MAX_LEVELS = 3;

export interface KeyLevels {
  support: KeyLevel[];
  resistance: KeyLevel[];
}

/**
 * Prices of the confirmed swing points: bar i's high when it is above the highs of the `n` bars before it and not
 * below those of the `n` after it (so a flat top counts once), and the same for lows. The last `n` bars cannot be
 * confirmed yet.
 */
export function swingPoints(bars: readonly SnapshotBar[], n = SWING_BARS): number[] {
  const points: number[] = [];
  for (let i = n; i + n < bars.length; i++) {
    const { high, low } = bars[i]!;
    let isHigh = true;
    let isLow = true;
    for (let j = i - n; j <= i + n && (isHigh || isLow); j++) {
      if (j === i) continue;
      const other = bars[j]!;
      if (j < i ? other.high >= high : other.high > high) isHigh = false;
      if (j < i ? other.low <= low : other.low < low) isLow = false;
    }
    if (isHigh) points.push(high);
    if (isLow) points.push(low);
  }
  return points;
}

/** Swing prices grouped from the lowest up, a group spanning at most `tolerance`; each group's mean, its touches. */
export function clusterSwings(prices: readonly number[], tolerance: number): KeyLevel[] {
  const sorted = [...prices].sort((a, b) => a - b);
  const levels: KeyLevel[] = [];
  let group: number[] = [];
  const close = () => {
    if (group.length > 0)
      levels.push({ price: group.reduce((a, b) => a + b, 0) / group.length, source: 'swing', strength: group.length });
  };
  for (const price of sorted) {
    if (group.length > 0 && price - group[0]! > tolerance) {
      close();
      group = [];
    }
    group.push(price);
  }
  close();
  return levels;
}

/**
 * The high-volume nodes of a volume-by-price histogram: each bar's volume spread evenly over its high-low range,
 * peaks of at least 1.5 times the average bin, the largest five; price the bin's middle. A peak within `separation`
 * of a larger one is the same shelf of volume and is left out; strength is the share of all volume traded within
 * half a separation of the node.
 */
export function volumeNodes(bars: readonly SnapshotBar[], separation: number, bins = VOLUME_BINS): KeyLevel[] {
  if (bars.length === 0) return [];
  const lo = Math.min(...bars.map((bar) => bar.low));
  const hi = Math.max(...bars.map((bar) => bar.high));
  if (!(hi > lo)) return [];
  const width = (hi - lo) / bins;
  const histogram = new Array<number>(bins).fill(0);
  const binOf = (price: number) => Math.min(bins - 1, Math.max(0, Math.floor((price - lo) / width)));
  let total = 0;
  for (const bar of bars) {
    if (bar.volume <= 0) continue;
    total += bar.volume;
    if (bar.high <= bar.low) {
      histogram[binOf(bar.close)]! += bar.volume;
      continue;
    }
    for (let b = binOf(bar.low); b <= binOf(bar.high); b++) {
      const overlap = Math.min(bar.high, lo + (b + 1) * width) - Math.max(bar.low, lo + b * width);
      if (overlap > 0) histogram[b]! += (bar.volume * overlap) / (bar.high - bar.low);
    }
  }
  if (total === 0) return [];
  const floor = (NODE_MIN_RATIO * total) / bins;
  const peaks: number[] = [];
  histogram.forEach((v, b) => {
    const left = b === 0 ? -Infinity : histogram[b - 1]!;
    const right = b === bins - 1 ? -Infinity : histogram[b + 1]!;
    if (v > left && v >= right && v >= floor) peaks.push(b);
  });
  const priceOf = (b: number) => lo + (b + 0.5) * width;
  const kept: number[] = [];
  for (const b of peaks.sort((x, y) => histogram[y]! - histogram[x]! || x - y)) {
    if (kept.length === MAX_NODES) break;
    if (kept.every((k) => Math.abs(priceOf(k) - priceOf(b)) > separation)) kept.push(b);
  }
  const shareNear = (price: number) =>
    histogram.reduce((sum, v, b) => sum + (Math.abs(priceOf(b) - price) <= separation / 2 ? v : 0), 0) / total;
  return kept.map((b) => ({ price: priceOf(b), source: 'volume' as const, strength: shareNear(priceOf(b)) }));
}

const meanRange = (bars: readonly SnapshotBar[]): number =>
  bars.reduce((sum, bar) => sum + (bar.high - bar.low), 0) / Math.max(1, bars.length);

/**
 * Up to three supports below the last close and three resistances above it, nearest first, from swing-point
 * clusters and high-volume nodes. A volume node within half a cluster's width of a swing level adds nothing new and
 * is left out. Without an ATR (too few candles) the mean high-low range stands in for it.
 */
export function keyLevels(daily: readonly SnapshotBar[], atr14: number | null): KeyLevels {
  if (daily.length === 0) return { support: [], resistance: [] };
  const lastClose = daily[daily.length - 1]!.close;
  const tolerance = CLUSTER_ATRS * (atr14 ?? meanRange(daily));
  const swings = clusterSwings(swingPoints(daily), tolerance);
  const nodes = volumeNodes(daily.slice(-VOLUME_SESSIONS), tolerance).filter(
    (node) => !swings.some((swing) => Math.abs(swing.price - node.price) <= tolerance / 2),
  );
  const all = [...swings, ...nodes];
  const byDistance = (a: KeyLevel, b: KeyLevel) =>
    Math.abs(a.price - lastClose) - Math.abs(b.price - lastClose) ||
    (a.source === b.source ? 0 : a.source === 'swing' ? -1 : 1);
  return {
    support: all
      .filter((l) => l.price < lastClose)
      .sort(byDistance)
      .slice(0, MAX_LEVELS),
    resistance: all
      .filter((l) => l.price > lastClose)
      .sort(byDistance)
      .slice(0, MAX_LEVELS),
  };
}
