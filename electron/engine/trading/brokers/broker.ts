/** An order as a broker receives it; money in integer paise, as everywhere inside the engine. */
export interface BrokerOrderRequest {
  /** At most 20 alphanumeric characters, derived from the clientOrderId and stored before the first send. */
  tag: string;
  instrumentKey: string;
  side: 'BUY' | 'SELL';
  quantity: number;
  orderType: 'MARKET' | 'LIMIT' | 'SL' | 'SL-M';
  pricePaise: number | null;
  triggerPricePaise: number | null;
  product: 'I' | 'D';
}

export type BrokerOrderStatus = 'OPEN' | 'PARTIALLY_FILLED' | 'FILLED' | 'REJECTED' | 'CANCELLED';

/** What the broker says of one of its orders. */
export interface BrokerOrderState {
  brokerOrderId: string;
  tag: string | null;
  status: BrokerOrderStatus;
  filledQuantity: number;
  averagePricePaise: number | null;
  message: string | null;
}

/** What a modification of a working order sets; the rest of the order stays as it is. */
export interface BrokerOrderChange {
  quantity: number;
  orderType: BrokerOrderRequest['orderType'];
  pricePaise: number | null;
  triggerPricePaise: number | null;
}

/** A clear answer to a placement. An unclear one (timeout, network error, 5xx, 429) is thrown instead. */
export type PlaceOutcome = { kind: 'accepted'; brokerOrderIds: string[] } | { kind: 'rejected'; message: string };

/**
 * Where orders go: the paper broker by default, Upstox when live trading is on. The transport never resends a
 * placement by itself: after an unclear outcome the order job asks `ordersByTag` before deciding to send again.
 */
export interface Broker {
  readonly id: 'paper' | 'upstox';
  place(order: BrokerOrderRequest, signal: AbortSignal): Promise<PlaceOutcome>;
  /** Every order of today carrying `tag`: how an order job finds out whether an unclear placement went through. */
  ordersByTag(tag: string, signal: AbortSignal): Promise<BrokerOrderState[]>;
  order(brokerOrderId: string, signal: AbortSignal): Promise<BrokerOrderState>;
  /** Changes a working order; a refusal is thrown (CONFLICT with the broker's reason), like an unclear answer. */
  modify(brokerOrderId: string, change: BrokerOrderChange, signal: AbortSignal): Promise<void>;
  cancel(brokerOrderId: string, signal: AbortSignal): Promise<void>;
}
