import type { Tick } from '../../../../shared/domain/feed';
import type { PaperOrder } from '../../store/paper-orders';

/** What matching needs to know of an instrument and of the user's paper settings. */
export interface MatchRules {
  /** The instrument's tick size, in whole paise (at least 1). */
  tickPaise: number;
  /** How much worse than the book a market fill is, in basis points. */
  slippageBps: number;
}

/**
 * Depth already taken by paper orders from the book a tick showed, by side and price (`ask|250000`), so that two
 * orders matched against the same book cannot both take the same shares. Matching adds to it.
 */
export type TakenDepth = Map<string, number>;

export const toPaise = (rupees: number): number => Math.round(rupees * 100);

/** Basis points are kept to a hundredth, in integers: a price times this scale stays exact in a bigint. */
const SLIP_SCALE = 1_000_000n;

/**
 * A market fill's price: `slippageBps` worse than the book (higher for a buy, lower for a sell), then rounded to the
 * tick size away from the trader (up for a buy, down for a sell), never below one tick.
 */
export function slippedPrice(pricePaise: number, side: 'BUY' | 'SELL', rules: MatchRules): number {
  const slip = BigInt(Math.round(rules.slippageBps * 100));
  const tick = BigInt(rules.tickPaise);
  const denominator = SLIP_SCALE * tick;
  if (side === 'BUY') {
    const numerator = BigInt(pricePaise) * (SLIP_SCALE + slip);
    return Number(((numerator + denominator - 1n) / denominator) * tick);
  }
  const numerator = BigInt(pricePaise) * (SLIP_SCALE - slip);
  const ticks = numerator > 0n ? numerator / denominator : 0n;
  return Number((ticks > 0n ? ticks : 1n) * tick);
}

/** BUY triggers when the last price rises to the trigger, SELL when it falls to it. */
function triggers(order: PaperOrder, ltpPaise: number): boolean {
  const trigger = order.triggerPricePaise;
  if (trigger === null) return true;
  return order.side === 'BUY' ? ltpPaise >= trigger : ltpPaise <= trigger;
}

const isMarket = (order: PaperOrder) => order.orderType === 'MARKET' || order.orderType === 'SL-M';

/** Whether a limit order may trade at `pricePaise`. */
function withinLimit(order: PaperOrder, pricePaise: number): boolean {
  const limit = order.pricePaise;
  if (limit === null) return false;
  return order.side === 'BUY' ? pricePaise <= limit : pricePaise >= limit;
}

interface Fill {
  quantity: number;
  valuePaise: number;
}

/** Walks the opposite side of the book, best level first, taking what each level shows minus what is taken. */
function fillFromDepth(order: PaperOrder, tick: Tick, rules: MatchRules, taken: TakenDepth, wanted: number): Fill {
  const fill = { quantity: 0, valuePaise: 0 };
  const side = order.side === 'BUY' ? 'ask' : 'bid';
  for (const level of tick.depth ?? []) {
    if (fill.quantity >= wanted) break;
    const bookPrice = toPaise(order.side === 'BUY' ? level.ask : level.bid);
    const shown = order.side === 'BUY' ? level.askQty : level.bidQty;
    if (bookPrice <= 0 || shown <= 0) continue;
    if (!isMarket(order) && !withinLimit(order, bookPrice)) continue;
    const key = `${side}|${bookPrice}`;
    const available = shown - (taken.get(key) ?? 0);
    const quantity = Math.min(available, wanted - fill.quantity);
    if (quantity <= 0) continue;
    taken.set(key, (taken.get(key) ?? 0) + quantity);
    const price = isMarket(order) ? slippedPrice(bookPrice, order.side, rules) : bookPrice;
    fill.quantity += quantity;
    fill.valuePaise += quantity * price;
  }
  return fill;
}

/** Without depth (ltpc ticks) the whole rest trades at the last price: slipped for a market order, once crossed for a limit. */
function fillAtLastPrice(order: PaperOrder, ltpPaise: number, rules: MatchRules, wanted: number): Fill {
  if (isMarket(order)) return { quantity: wanted, valuePaise: wanted * slippedPrice(ltpPaise, order.side, rules) };
  if (!withinLimit(order, ltpPaise) || order.pricePaise === null) return { quantity: 0, valuePaise: 0 };
  const price = order.side === 'BUY' ? Math.min(ltpPaise, order.pricePaise) : Math.max(ltpPaise, order.pricePaise);
  return { quantity: wanted, valuePaise: wanted * price };
}

/**
 * One tick against an instrument's working orders, oldest first: answers every order as it stands afterwards (the
 * same object when nothing happened to it) and records in `taken` the depth the fills used.
 */
export function matchTick(
  orders: readonly PaperOrder[],
  tick: Tick,
  rules: MatchRules,
  taken: TakenDepth,
): PaperOrder[] {
  const ltpPaise = toPaise(tick.ltp);
  if (ltpPaise <= 0) return [...orders];
  return orders.map((order) => {
    const wanted = order.quantity - order.filledQuantity;
    if (wanted <= 0 || (order.status !== 'OPEN' && order.status !== 'PARTIALLY_FILLED')) return order;
    const stop = order.orderType === 'SL' || order.orderType === 'SL-M';
    const triggered = order.triggered || (stop && triggers(order, ltpPaise));
    if (stop && !triggered) return order;
    const fill =
      tick.depth === null
        ? fillAtLastPrice(order, ltpPaise, rules, wanted)
        : fillFromDepth(order, tick, rules, taken, wanted);
    if (fill.quantity === 0 && triggered === order.triggered) return order;
    const filledQuantity = order.filledQuantity + fill.quantity;
    return {
      ...order,
      triggered,
      filledQuantity,
      filledValuePaise: order.filledValuePaise + fill.valuePaise,
      status: filledQuantity >= order.quantity ? 'FILLED' : filledQuantity > 0 ? 'PARTIALLY_FILLED' : 'OPEN',
    };
  });
}
