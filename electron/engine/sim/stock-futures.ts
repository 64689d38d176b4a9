import type { PredefinedMember } from '../../../shared/domain/universes';
import type { UniverseEntry } from './universe';

/** NSE sizes a stock's lot to a contract value of roughly this many rupees. */
const CONTRACT_VALUE = 750_000;
const LOT_MULTIPLE = 25;

/**
 * The lot of a stock future: the multiple of 25 nearest ₹7.5 lakh of the stock, or the nearest whole number of shares
 * for a stock too dear for 25 of them to fit. Taken from the table's price level, so it never moves with the market.
 */
export function stockLotSize(price: number): number {
  const shares = CONTRACT_VALUE / price;
  if (shares >= LOT_MULTIPLE) return Math.round(shares / LOT_MULTIPLE) * LOT_MULTIPLE;
  return Math.max(1, Math.round(shares));
}

/**
 * The listed equities that have futures: the members of the F&O universe file, found by symbol (the built-in
 * equities keep demo ISINs for some) or else by ISIN key. In symbol order whatever the file's order, so that a
 * stock's contract tokens do not depend on where it sits in the file.
 */
export function stockFutureUnderlyings(
  spots: readonly UniverseEntry[],
  fnoMembers: readonly PredefinedMember[],
): Array<{ underlying: number; lotSize: number }> {
  const bySymbol = new Map<string, number>();
  const byKey = new Map<string, number>();
  spots.forEach((e, i) => {
    if (e.instrument.instrumentType !== 'EQ') return;
    if (!bySymbol.has(e.instrument.tradingSymbol)) bySymbol.set(e.instrument.tradingSymbol, i);
    byKey.set(e.instrument.instrumentKey, i);
  });
  const chosen = new Set<number>();
  for (const m of [...fnoMembers].sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0))) {
    const index = bySymbol.get(m.symbol) ?? (m.isin !== undefined ? byKey.get(`NSE_EQ|${m.isin}`) : undefined);
    if (index !== undefined) chosen.add(index);
  }
  return [...chosen].map((underlying) => ({ underlying, lotSize: stockLotSize(spots[underlying]!.params.base) }));
}
