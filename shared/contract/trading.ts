import { z } from 'zod';
import {
  LedgerEntrySchema,
  LedgerQuerySchema,
  OrderIdSchema,
  OrderListQuerySchema,
  OrderModifySchema,
  OrderPlacedSchema,
  OrderPreviewSchema,
  OrderSchema,
  OrderTicketSchema,
  OrderUpdateEventSchema,
  PortfolioChangedEventSchema,
  PositionQuerySchema,
  PositionSchema,
  WalletSchema,
} from '../domain/trading';
import { command, NoInput, snapshot, stream } from './define';

/** Orders, positions, the paper wallet and its ledger (LOCAL-API.md "Orders"). */
export const tradingCommands = {
  'orders.place': command(OrderTicketSchema, OrderPlacedSchema, { method: 'POST', path: '/orders', status: 202 }),
  'orders.preview': command(OrderTicketSchema, OrderPreviewSchema, { method: 'POST', path: '/orders/preview' }),
  'orders.list': command(OrderListQuerySchema, z.array(OrderSchema), { method: 'GET', path: '/orders' }),
  'orders.get': command(OrderIdSchema, OrderSchema, { method: 'GET', path: '/orders/:id' }),
  'orders.modify': command(OrderModifySchema, OrderSchema, { method: 'POST', path: '/orders/:id/modify' }),
  'orders.cancel': command(OrderIdSchema, OrderSchema, { method: 'POST', path: '/orders/:id/cancel' }),
  'positions.list': command(PositionQuerySchema, z.array(PositionSchema), { method: 'GET', path: '/positions' }),
  'wallet.get': command(NoInput, WalletSchema, { method: 'GET', path: '/wallet' }),
  'ledger.list': command(LedgerQuerySchema, z.array(LedgerEntrySchema), { method: 'GET', path: '/ledger' }),
} as const;

export const tradingEvents = {
  order_update: stream(OrderUpdateEventSchema),
  portfolio_changed: snapshot(PortfolioChangedEventSchema),
} as const;
