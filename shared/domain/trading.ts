import { z } from 'zod';
import { InstrumentKeySchema } from './feed';

/**
 * Trade initiation (LOCAL-API.md "Orders"). Money is in rupees here, at the edge; the engine keeps integer paise and
 * converts once on the way out.
 */

export const ORDER_SIDES = ['BUY', 'SELL'] as const;
export const ORDER_TYPES = ['MARKET', 'LIMIT', 'SL', 'SL-M'] as const;
export const ORDER_PRODUCTS = ['I', 'D'] as const;
export const BROKER_IDS = ['paper', 'upstox'] as const;
export const ORDER_STATUSES = [
  'QUEUED',
  'SUBMITTING',
  'OPEN',
  'FILLED',
  'PARTIALLY_FILLED',
  'REJECTED',
  'CANCELLED',
  'FAILED',
] as const;
/** An order in one of these never changes again. */
export const FINAL_ORDER_STATUSES = ['FILLED', 'REJECTED', 'CANCELLED', 'FAILED'] as const;

export const OrderSideSchema = z.enum(ORDER_SIDES);
export const OrderTypeSchema = z.enum(ORDER_TYPES);
export const OrderProductSchema = z.enum(ORDER_PRODUCTS);
export const BrokerIdSchema = z.enum(BROKER_IDS);
export const OrderStatusSchema = z.enum(ORDER_STATUSES);
export type OrderSide = z.infer<typeof OrderSideSchema>;
export type OrderType = z.infer<typeof OrderTypeSchema>;
export type OrderProduct = z.infer<typeof OrderProductSchema>;
export type BrokerId = z.infer<typeof BrokerIdSchema>;
export type OrderStatus = z.infer<typeof OrderStatusSchema>;

export function isFinalOrderStatus(status: OrderStatus): boolean {
  return (FINAL_ORDER_STATUSES as readonly string[]).includes(status);
}

/** A caller's own id for an order: what makes a repeated request the same order. */
export const ClientOrderIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, "-" or "_"');

/** Rupees with at most two decimals (whole paise), positive. */
const RupeesSchema = z
  .number()
  .positive('must be above zero')
  .max(1e9)
  .refine((value) => Math.abs(Math.round(value * 100) - value * 100) < 1e-6, 'must be whole paise (two decimals)');

/**
 * An order ticket. The shape is checked here; what depends on the instrument (lot size, tick size, freeze quantity)
 * and on the user's limits is checked by the engine, which names the same field paths.
 */
export const OrderTicketSchema = z
  .object({
    instrumentKey: InstrumentKeySchema,
    side: OrderSideSchema,
    quantity: z.number().int('must be a whole number').positive('must be above zero').max(10_000_000),
    orderType: OrderTypeSchema,
    price: RupeesSchema.optional(),
    triggerPrice: RupeesSchema.optional(),
    product: OrderProductSchema,
    clientOrderId: ClientOrderIdSchema.optional(),
  })
  .strict()
  .superRefine((ticket, ctx) => {
    const needsPrice = ticket.orderType === 'LIMIT' || ticket.orderType === 'SL';
    const needsTrigger = ticket.orderType === 'SL' || ticket.orderType === 'SL-M';
    if (needsPrice && ticket.price === undefined)
      ctx.addIssue({ code: 'custom', path: ['price'], message: `a ${ticket.orderType} order needs a price` });
    if (!needsPrice && ticket.price !== undefined)
      ctx.addIssue({ code: 'custom', path: ['price'], message: `a ${ticket.orderType} order takes no price` });
    if (needsTrigger && ticket.triggerPrice === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['triggerPrice'],
        message: `a ${ticket.orderType} order needs a trigger price`,
      });
    if (!needsTrigger && ticket.triggerPrice !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['triggerPrice'],
        message: `a ${ticket.orderType} order takes no trigger price`,
      });
  });
export type OrderTicket = z.infer<typeof OrderTicketSchema>;

export const OrderPlacedSchema = z.object({
  orderId: z.number().int().positive(),
  clientOrderId: z.string(),
  status: OrderStatusSchema,
  statusUrl: z.string(),
  /** True when the clientOrderId named an order placed before: this is that order, not a new one. */
  duplicate: z.boolean(),
});
export type OrderPlaced = z.infer<typeof OrderPlacedSchema>;

/** What happened to an order, in order: its timeline. */
export const ORDER_EVENT_KINDS = [
  'queued',
  'sent',
  'accepted',
  'unclear',
  'reconciled',
  'resent',
  'fill',
  'status',
  'rejected',
  'modified',
  'cancel-requested',
  'cancelled',
  'failed',
] as const;
export const OrderEventKindSchema = z.enum(ORDER_EVENT_KINDS);
export type OrderEventKind = z.infer<typeof OrderEventKindSchema>;

export const OrderEventSchema = z.object({
  at: z.string(),
  kind: OrderEventKindSchema,
  status: OrderStatusSchema,
  message: z.string(),
});
export type OrderEvent = z.infer<typeof OrderEventSchema>;

export const OrderSchema = z.object({
  orderId: z.number().int().positive(),
  clientOrderId: z.string(),
  /** What the broker knows the order by: at most 20 alphanumeric characters, derived from the clientOrderId. */
  tag: z.string(),
  instrumentKey: z.string(),
  tradingSymbol: z.string(),
  side: OrderSideSchema,
  quantity: z.number().int(),
  orderType: OrderTypeSchema,
  price: z.number().nullable(),
  triggerPrice: z.number().nullable(),
  product: OrderProductSchema,
  status: OrderStatusSchema,
  broker: BrokerIdSchema,
  /** The first of the broker's ids; an order above the freeze quantity is sliced into several (`brokerOrderIds`). */
  brokerOrderId: z.string().nullable(),
  brokerOrderIds: z.array(z.string()),
  filledQuantity: z.number().int(),
  averagePrice: z.number().nullable(),
  /** Sends to the broker so far; a resend only ever follows a reconcile that found nothing. */
  attempts: z.number().int(),
  error: z.string().nullable(),
  /** Estimated charges of the fills so far. */
  charges: z.number(),
  jobId: z.number().int().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  events: z.array(OrderEventSchema),
});
export type Order = z.infer<typeof OrderSchema>;

export const OrderIdSchema = z.object({ id: z.coerce.number().int().positive() }).strict();

/**
 * A change to a working order at its broker: what is left out stays as it is. The result is checked like a new
 * ticket (lot, tick, trigger side, the fat-finger limits), and the quantity must stay above what has filled.
 */
export const OrderModifySchema = z
  .object({
    id: z.coerce.number().int().positive(),
    quantity: z.number().int('must be a whole number').positive('must be above zero').max(10_000_000).optional(),
    orderType: OrderTypeSchema.optional(),
    price: RupeesSchema.nullable().optional(),
    triggerPrice: RupeesSchema.nullable().optional(),
  })
  .strict()
  .refine((m) => Object.keys(m).some((key) => key !== 'id'), {
    message: 'name what to change: quantity, orderType, price or triggerPrice',
    path: ['quantity'],
  });
export type OrderModify = z.infer<typeof OrderModifySchema>;
export const OrderListQuerySchema = z
  .object({
    status: OrderStatusSchema.optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();
export type OrderListQuery = z.infer<typeof OrderListQuerySchema>;

/** Charges of an order, by the explicit model the paper broker books (and estimates for live orders). */
export const ChargesSchema = z.object({
  brokerage: z.number(),
  stt: z.number(),
  exchange: z.number(),
  sebi: z.number(),
  gst: z.number(),
  stampDuty: z.number(),
  total: z.number(),
});
export type Charges = z.infer<typeof ChargesSchema>;

/** The ticket checked as `orders.place` would check it, with its value and charges; nothing is stored. */
export const OrderPreviewSchema = z.object({
  instrumentKey: z.string(),
  tradingSymbol: z.string(),
  lotSize: z.number().int(),
  tickSize: z.number(),
  freezeQuantity: z.number().int().nullable(),
  /** How many orders the broker will receive: above the freeze quantity an order is sliced. */
  slices: z.number().int(),
  /** The price the value is computed at: the ticket's price, else the live price (null without one). */
  referencePrice: z.number().nullable(),
  orderValue: z.number().nullable(),
  charges: ChargesSchema.nullable(),
  broker: BrokerIdSchema,
});
export type OrderPreview = z.infer<typeof OrderPreviewSchema>;

export const PositionSchema = z.object({
  broker: BrokerIdSchema,
  instrumentKey: z.string(),
  tradingSymbol: z.string(),
  product: OrderProductSchema,
  /** Positive long, negative short, 0 once closed (kept for the day's realised P&L). */
  netQuantity: z.number().int(),
  averagePrice: z.number().nullable(),
  ltp: z.number().nullable(),
  realisedPnl: z.number(),
  unrealisedPnl: z.number(),
  updatedAt: z.string(),
});
export type Position = z.infer<typeof PositionSchema>;

export const PositionQuerySchema = z
  .object({
    broker: BrokerIdSchema.optional(),
    /** Closed positions (net quantity 0) are left out unless asked for. */
    includeClosed: z
      .union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')])
      .default(false),
  })
  .strict();

export const WalletSchema = z.object({
  broker: BrokerIdSchema,
  startingCash: z.number(),
  cash: z.number(),
  /** Open positions at their cost. */
  positionsAtCost: z.number(),
  charges: z.number(),
  realisedPnl: z.number(),
  unrealisedPnl: z.number(),
  /** Cash plus open positions marked to market. */
  equity: z.number(),
});
export type Wallet = z.infer<typeof WalletSchema>;

export const LEDGER_ACCOUNTS = ['cash', 'positions', 'charges', 'realised_pnl', 'capital'] as const;
export const LedgerAccountSchema = z.enum(LEDGER_ACCOUNTS);
export type LedgerAccount = z.infer<typeof LedgerAccountSchema>;

/** One balanced entry: its lines sum to zero (debits positive, credits negative). */
export const LedgerEntrySchema = z.object({
  id: z.number().int(),
  at: z.string(),
  kind: z.enum(['deposit', 'fill', 'settlement']),
  description: z.string(),
  orderId: z.number().int().nullable(),
  lines: z.array(z.object({ account: LedgerAccountSchema, amount: z.number() })),
});
export type LedgerEntry = z.infer<typeof LedgerEntrySchema>;
export const LedgerQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }).strict();

export const OrderUpdateEventSchema = OrderSchema.omit({ events: true }).extend({
  /** The newest event of the timeline: what changed. */
  event: OrderEventSchema,
});
export type OrderUpdateEvent = z.infer<typeof OrderUpdateEventSchema>;

/** After a fill or a settlement: the positions and wallet as they are now. */
export const PortfolioChangedEventSchema = z.object({
  broker: BrokerIdSchema,
  positions: z.array(PositionSchema),
  wallet: WalletSchema,
});
export type PortfolioChangedEvent = z.infer<typeof PortfolioChangedEventSchema>;
