import { randomUUID } from 'node:crypto';
import type { Settings } from '../../../shared/domain/settings';
import {
  isFinalOrderStatus,
  OrderTicketSchema,
  type BrokerId,
  type Order,
  type OrderListQuery,
  type OrderModify,
  type OrderPlaced,
  type OrderPreview,
  type OrderTicket,
} from '../../../shared/domain/trading';
import { WorkstationError } from '../../../shared/errors';
import { LOCAL_API_PREFIX } from '../../../shared/constants';
import type { Clock } from '../common/clock';
import { parseOrThrow } from '../common/parse';
import type { Logger } from '../common/logger';
import type { JobService } from '../jobs/service';
import type { InstrumentStore } from '../store/instruments';
import type { OrderRecord, OrderStore } from '../store/orders';
import type { Db } from '../store/types';
import { rupees } from './book';
import type { Broker } from './brokers/broker';
import { chargesFor, segmentOf } from './charges';
import { ORDER_KIND } from './order.job';
import { orderView, type OrderLog } from './order-log';
import { checkTicket, tagFor } from './ticket';
import type { OrderTracker } from './tracker';

export interface TradingServiceDeps {
  db: Db;
  orders: OrderStore;
  instruments: Pick<InstrumentStore, 'get'>;
  jobs: JobService;
  log: OrderLog;
  tracker: OrderTracker;
  broker(id: BrokerId): Broker;
  clock: Clock;
  logger: Logger;
  settings: () => Settings;
  /** Whether an Upstox token is set: live trading needs one. */
  hasUpstoxToken: () => boolean;
  ltp(instrumentKey: string): number | null;
  /** Paper orders fill from live ticks: the instrument of a paper order is subscribed. */
  watch(instrumentKey: string): void;
}

const money = (paise: number | null) => (paise === null ? '—' : `₹${rupees(paise)}`);

function describeChange(
  before: OrderRecord,
  after: Pick<OrderRecord, 'quantity' | 'orderType' | 'pricePaise' | 'triggerPricePaise'>,
): string {
  const parts: string[] = [];
  if (before.quantity !== after.quantity) parts.push(`quantity ${before.quantity} → ${after.quantity}`);
  if (before.orderType !== after.orderType) parts.push(`${before.orderType} → ${after.orderType}`);
  if (before.pricePaise !== after.pricePaise)
    parts.push(`price ${money(before.pricePaise)} → ${money(after.pricePaise)}`);
  if (before.triggerPricePaise !== after.triggerPricePaise)
    parts.push(`trigger ${money(before.triggerPricePaise)} → ${money(after.triggerPricePaise)}`);
  return parts.length > 0 ? `modified: ${parts.join(', ')}` : 'modified with the same terms';
}

/** What a ticket must repeat to be the same order as the one a clientOrderId already names. */
const sameTicket = (order: OrderRecord, ticket: OrderTicket, pricePaise: number | null, triggerPaise: number | null) =>
  order.instrumentKey === ticket.instrumentKey &&
  order.side === ticket.side &&
  order.quantity === ticket.quantity &&
  order.orderType === ticket.orderType &&
  order.product === ticket.product &&
  order.pricePaise === pricePaise &&
  order.triggerPricePaise === triggerPaise;

/** The charges model's estimate for an order of this instrument, or null for one it does not cover. */
export function estimateCharges(
  instruments: Pick<InstrumentStore, 'get'>,
  order: Pick<OrderRecord, 'instrumentKey' | 'product' | 'side'>,
  valuePaise: number,
) {
  const segment = segmentOf(instruments.get([order.instrumentKey])[0]?.instrumentType ?? '');
  return segment ? chargesFor({ segment, product: order.product, side: order.side, valuePaise }) : null;
}

export interface PlaceOptions {
  /** The fat-finger limits; off for the engine's own orders (the 15:20 square-off). */
  guards?: boolean;
  broker?: BrokerId;
}

/** Placing, previewing, listing and cancelling orders. */
export function createTradingService(deps: TradingServiceDeps) {
  const { db, orders, log, clock } = deps;

  function brokerFor(requested: BrokerId | undefined): BrokerId {
    if (requested) return requested;
    if (deps.settings().tradingMode !== 'live') return 'paper';
    if (!deps.hasUpstoxToken())
      throw new WorkstationError(
        'LIVE_TRADING_UNAVAILABLE',
        'live trading is on but no Upstox token is set: log in to Upstox, or switch tradingMode to paper',
      );
    return 'upstox';
  }

  const instrumentOf = (key: string) => deps.instruments.get([key])[0];

  function placed(order: OrderRecord, duplicate: boolean): OrderPlaced {
    return {
      orderId: order.id,
      clientOrderId: order.clientOrderId,
      status: order.status,
      statusUrl: `${LOCAL_API_PREFIX}/orders/${order.id}`,
      duplicate,
    };
  }

  function existing(
    clientOrderId: string,
    ticket: OrderTicket,
    pricePaise: number | null,
    triggerPaise: number | null,
  ) {
    const order = orders.byClientOrderId(clientOrderId);
    if (!order) return null;
    if (!sameTicket(order, ticket, pricePaise, triggerPaise))
      throw new WorkstationError('CONFLICT', `clientOrderId ${clientOrderId} already names a different order`, [
        { path: ['clientOrderId'], message: `is order ${order.id}, with a different ticket` },
      ]);
    return placed(order, true);
  }

  return {
    place(ticket: OrderTicket, options: PlaceOptions = {}): OrderPlaced {
      const broker = brokerFor(options.broker);
      const instrument = instrumentOf(ticket.instrumentKey);
      const limits = options.guards === false ? null : deps.settings();
      const checked = checkTicket(ticket, instrument, limits, deps.ltp(ticket.instrumentKey));
      const clientOrderId = ticket.clientOrderId ?? randomUUID().replaceAll('-', '');
      const at = clock.now();
      const result = db.transaction((): OrderPlaced => {
        // The same clientOrderId again, however many arrive at once: the first order, never a second one.
        const first = existing(clientOrderId, ticket, checked.pricePaise, checked.triggerPricePaise);
        if (first) return first;
        const id = orders.insert({
          clientOrderId,
          tag: tagFor(clientOrderId),
          broker,
          instrumentKey: ticket.instrumentKey,
          tradingSymbol: checked.instrument.tradingSymbol,
          side: ticket.side,
          quantity: ticket.quantity,
          orderType: ticket.orderType,
          pricePaise: checked.pricePaise,
          triggerPricePaise: checked.triggerPricePaise,
          product: ticket.product,
          status: 'QUEUED',
          createdAt: at,
          updatedAt: at,
        });
        const { job } = deps.jobs.enqueue(
          ORDER_KIND,
          { orderId: id },
          { priority: 'HIGH', idempotencyKey: `order:${id}` },
        );
        const order = log.transition(
          id,
          { jobId: job.id },
          'queued',
          `${ticket.side} ${ticket.quantity} ${checked.instrument.tradingSymbol} ${ticket.orderType} (${ticket.product}) queued for ${broker}`,
        );
        return placed(order, false);
      })();
      if (!result.duplicate && broker === 'paper') deps.watch(ticket.instrumentKey);
      return result;
    },

    preview(ticket: OrderTicket): OrderPreview {
      const broker = brokerFor(undefined);
      const instrument = instrumentOf(ticket.instrumentKey);
      const checked = checkTicket(ticket, instrument, deps.settings(), deps.ltp(ticket.instrumentKey));
      const charges =
        checked.valuePaise === null ? null : estimateCharges(deps.instruments, ticket, checked.valuePaise);
      return {
        instrumentKey: checked.instrument.instrumentKey,
        tradingSymbol: checked.instrument.tradingSymbol,
        lotSize: checked.instrument.lotSize,
        tickSize: checked.instrument.tickSize,
        freezeQuantity: checked.instrument.freezeQuantity,
        slices: checked.slices,
        referencePrice: checked.referencePaise === null ? null : rupees(checked.referencePaise),
        orderValue: checked.valuePaise === null ? null : rupees(checked.valuePaise),
        charges: charges && {
          brokerage: rupees(charges.brokerage),
          stt: rupees(charges.stt),
          exchange: rupees(charges.exchange),
          sebi: rupees(charges.sebi),
          gst: rupees(charges.gst),
          stampDuty: rupees(charges.stampDuty),
          total: rupees(charges.total),
        },
        broker,
      };
    },

    list(query: OrderListQuery): Order[] {
      return orders.list(query.status, query.limit).map((o) => orderView(o, orders.events(o.id)));
    },

    get(id: number): Order {
      const order = log.view(id);
      if (!order) throw new WorkstationError('NOT_FOUND', `order ${id} does not exist`);
      return order;
    },

    /**
     * A working order changed at its broker: the new terms are checked as a new ticket would be, sent once (the
     * transport never resends), and recorded only when the broker took them; what the broker then says of the
     * order comes through the tracker as always.
     */
    async modify(input: OrderModify): Promise<Order> {
      const order = orders.get(input.id);
      if (!order) throw new WorkstationError('NOT_FOUND', `order ${input.id} does not exist`);
      if (order.status !== 'OPEN' && order.status !== 'PARTIALLY_FILLED')
        throw new WorkstationError(
          'CONFLICT',
          `order ${input.id} is ${order.status}: only a working order can be modified`,
        );
      if (order.brokerOrderIds.length !== 1)
        throw new WorkstationError(
          'CONFLICT',
          `order ${input.id} was sliced into ${order.brokerOrderIds.length} broker orders: cancel it and place a new one`,
        );
      const orderType = input.orderType ?? order.orderType;
      const keep = (given: number | null | undefined, stored: number | null) =>
        given === undefined ? (stored === null ? undefined : rupees(stored)) : (given ?? undefined);
      const wantsPrice = orderType === 'LIMIT' || orderType === 'SL';
      const wantsTrigger = orderType === 'SL' || orderType === 'SL-M';
      const price = keep(input.price, order.pricePaise);
      const triggerPrice = keep(input.triggerPrice, order.triggerPricePaise);
      const ticket = parseOrThrow(
        OrderTicketSchema,
        {
          instrumentKey: order.instrumentKey,
          side: order.side,
          quantity: input.quantity ?? order.quantity,
          orderType,
          product: order.product,
          ...(wantsPrice && price !== undefined ? { price } : {}),
          ...(wantsTrigger && triggerPrice !== undefined ? { triggerPrice } : {}),
        },
        `invalid modification of order ${input.id}`,
      );
      const checked = checkTicket(
        ticket,
        instrumentOf(order.instrumentKey),
        deps.settings(),
        deps.ltp(order.instrumentKey),
      );
      if (ticket.quantity <= order.filledQuantity)
        throw new WorkstationError('VALIDATION_FAILED', `order ${input.id} has ${order.filledQuantity} filled`, [
          { path: ['quantity'], message: `must stay above the ${order.filledQuantity} already filled` },
        ]);
      if (checked.slices > 1)
        throw new WorkstationError('VALIDATION_FAILED', `a modification cannot slice order ${input.id}`, [
          { path: ['quantity'], message: `must stay within the freeze quantity ${checked.instrument.freezeQuantity}` },
        ]);
      const change = {
        quantity: ticket.quantity,
        orderType: ticket.orderType,
        pricePaise: checked.pricePaise,
        triggerPricePaise: checked.triggerPricePaise,
      };
      const broker = deps.broker(order.broker);
      try {
        await broker.modify(order.brokerOrderIds[0]!, change, AbortSignal.timeout(15_000));
      } catch (error) {
        if (!(error instanceof WorkstationError && error.code === 'CONFLICT'))
          log.transition(order.id, {}, 'unclear', `no clear answer to a modification: ${(error as Error).message}`);
        throw error;
      }
      log.transition(order.id, change, 'modified', describeChange(order, change));
      await deps.tracker.refresh(order.id);
      return this.get(order.id);
    },

    /**
     * A queued order is cancelled before it is sent; one the broker has is cancelled there, and its state then comes
     * from the broker. One being sent right now cannot be: its outcome is not known yet.
     */
    async cancel(id: number): Promise<Order> {
      const order = orders.get(id);
      if (!order) throw new WorkstationError('NOT_FOUND', `order ${id} does not exist`);
      if (isFinalOrderStatus(order.status))
        throw new WorkstationError('CONFLICT', `order ${id} is ${order.status}: it can no longer be cancelled`);
      if (order.status === 'SUBMITTING')
        throw new WorkstationError('CONFLICT', `order ${id} is being sent to the broker: cancel it once it is OPEN`);
      if (order.status === 'QUEUED') {
        const cancelled = db.transaction(() => {
          const current = orders.get(id)!;
          if (current.status !== 'QUEUED') return false;
          if (current.jobId !== null) deps.jobs.cancel(current.jobId);
          log.transition(id, { status: 'CANCELLED' }, 'cancelled', 'cancelled before it was sent');
          return true;
        })();
        if (!cancelled) return this.cancel(id);
        return this.get(id);
      }
      const broker = deps.broker(order.broker);
      log.transition(id, {}, 'cancel-requested', `cancel sent to ${broker.id}`);
      const signal = AbortSignal.timeout(15_000);
      for (const brokerOrderId of order.brokerOrderIds) {
        const state = await broker.order(brokerOrderId, signal);
        if (state.status === 'OPEN' || state.status === 'PARTIALLY_FILLED') await broker.cancel(brokerOrderId, signal);
      }
      await deps.tracker.refresh(id);
      return this.get(id);
    },
  };
}
export type TradingService = ReturnType<typeof createTradingService>;
