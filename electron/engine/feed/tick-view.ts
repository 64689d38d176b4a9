import type { LatestTick, Tick } from '../../../shared/domain/feed';

/** Rounds away the binary noise of a price difference (prices have at most 4 decimals). */
const round4 = (n: number): number => Math.round(n * 10_000) / 10_000;

/** The DTO of a tick: ISO times, and change against the previous close (0 while the close is unknown). */
export function toLatestTick(tick: Tick): LatestTick {
  const change = tick.cp === 0 ? 0 : round4(tick.ltp - tick.cp);
  return {
    mode: tick.mode,
    ltp: tick.ltp,
    ltt: tick.ltt > 0 ? new Date(tick.ltt).toISOString() : null,
    ltq: tick.ltq,
    cp: tick.cp,
    change,
    changePct: tick.cp === 0 ? 0 : round4(((tick.ltp - tick.cp) / tick.cp) * 100),
    volume: tick.volume,
    oi: tick.oi,
    iv: tick.iv,
    atp: tick.atp,
    bid: tick.bid,
    ask: tick.ask,
    bidQty: tick.bidQty,
    askQty: tick.askQty,
    greeks: tick.greeks,
    depth: tick.depth,
    receivedAt: new Date(tick.receivedAt).toISOString(),
  };
}
