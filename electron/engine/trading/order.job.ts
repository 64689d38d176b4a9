import { z } from 'zod';
import { JOB_KINDS } from '../../../shared/job-kinds';
import type { BrokerId } from '../../../shared/domain/trading';
import { PermanentJobError, TransientJobError } from '../jobs/errors';
import { defineJobKind } from '../jobs/registry';
import type { OrderRecord, OrderStore } from '../store/orders';
import { isAuthError } from '../upstox/errors';
import type { Broker, BrokerOrderState } from './brokers/broker';
import type { OrderLog } from './order-log';
import type { OrderTracker } from './tracker';

export const ORDER_KIND = JOB_KINDS.tradingOrder;
/** Sends of one order at most; each one after the first follows a reconcile that found nothing. */
export const MAX_SENDS = 3;

export const OrderJobPayloadSchema = z.object({ orderId: z.number().int().positive() }).strict();

export interface OrderJobDeps {
  orders: OrderStore;
  log: OrderLog;
  tracker: OrderTracker;
  broker(id: BrokerId): Broker;
  /** Wait before a resend (the setting `orderRetryDelaySeconds`). */
  retryDelayMs(): number;
  /** Resolves once the orders a crash left in SUBMITTING have been reconciled: nothing is sent before. */
  ready(): Promise<void>;
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Sends one order to its broker, durably: the order is SUBMITTING, with its attempt counted, before any byte leaves;
 * an unclear answer (timeout, network, 5xx, 429) is followed by a reconcile, which asks the broker for orders with
 * the order's tag, and a resend only ever happens after a reconcile found none. A run that finds the order already
 * SUBMITTING (a crash, a lost answer) reconciles before anything else.
 */
export function orderJobKind(deps: OrderJobDeps) {
  const { orders, log, tracker } = deps;

  function adopt(order: OrderRecord, found: readonly BrokerOrderState[], how: string) {
    tracker.accepted(
      order.id,
      found.map((s) => s.brokerOrderId),
      `${how}: the broker has it as ${found.map((s) => s.brokerOrderId).join(', ')}`,
      'reconciled',
    );
    tracker.apply(order.id, found);
    return { status: orders.get(order.id)!.status, brokerOrderIds: found.map((s) => s.brokerOrderId) };
  }

  /** Asks the broker by tag; a failure to ask is retried later, and the next run asks again first. */
  async function reconcile(order: OrderRecord, broker: Broker, signal: AbortSignal): Promise<BrokerOrderState[]> {
    try {
      return await broker.ordersByTag(order.tag, signal);
    } catch (error) {
      if (signal.aborted) throw error;
      log.transition(order.id, {}, 'unclear', `could not ask the broker about tag ${order.tag}: ${describe(error)}`);
      throw new TransientJobError(
        'ORDER_RECONCILE_FAILED',
        `could not reconcile order ${order.id}: ${describe(error)}`,
      );
    }
  }

  function giveUp(order: OrderRecord, message: string): never {
    log.transition(order.id, { status: 'FAILED', error: message }, 'failed', message);
    throw new PermanentJobError('ORDER_FAILED', message);
  }

  return defineJobKind({
    kind: ORDER_KIND,
    description: 'Send an order to its broker, reconciling by tag before any resend',
    payload: OrderJobPayloadSchema,
    // Runs, not sends: a run that cannot reach the broker to reconcile is tried again; sends stop at MAX_SENDS.
    maxAttempts: 12,
    concurrency: 4,
    retryUnknownErrors: false,
    backoff: { baseMs: 2_000, maxMs: 30_000 },
    async handler(ctx) {
      await deps.ready();
      let order = orders.get(ctx.payload.orderId);
      if (!order) throw new PermanentJobError('ORDER_NOT_FOUND', `order ${ctx.payload.orderId} does not exist`);
      if (order.status !== 'QUEUED' && order.status !== 'SUBMITTING') return { status: order.status };
      const broker = deps.broker(order.broker);
      ctx.progress({ phase: 'reconcile', message: `order ${order.id} (${order.tag})` });

      if (order.status === 'SUBMITTING') {
        const found = await reconcile(order, broker, ctx.signal);
        if (found.length > 0) return adopt(order, found, 'reconciled after an unclear send');
        order = log.transition(order.id, {}, 'reconciled', `the broker has no order tagged ${order.tag}`);
      }
      if (order.attempts >= MAX_SENDS)
        giveUp(order, `not received by the broker after ${order.attempts} sends (tag ${order.tag})`);

      const resend = order.attempts > 0;
      order = log.transition(
        order.id,
        { status: 'SUBMITTING', attempts: order.attempts + 1 },
        resend ? 'resent' : 'sent',
        `${resend ? 'sent again' : 'sent'} to ${broker.id} (attempt ${order.attempts + 1} of ${MAX_SENDS}, tag ${order.tag})`,
      );
      ctx.progress({ phase: 'send', message: `order ${order.id} to ${broker.id}` });
      let outcome;
      try {
        outcome = await broker.place(
          {
            tag: order.tag,
            instrumentKey: order.instrumentKey,
            side: order.side,
            quantity: order.quantity,
            orderType: order.orderType,
            pricePaise: order.pricePaise,
            triggerPricePaise: order.triggerPricePaise,
            product: order.product,
          },
          ctx.signal,
        );
      } catch (error) {
        // Stopped mid-send: the order stays SUBMITTING and the next run reconciles it.
        if (ctx.signal.aborted) throw error;
        // No token: Upstox refused before taking the order. Clear, and nothing a retry mends.
        if (isAuthError(error)) giveUp(order, `${describe(error)}: log in again, then place the order again`);
        log.transition(order.id, {}, 'unclear', `no clear answer from ${broker.id}: ${describe(error)}`);
        const found = await reconcile(order, broker, ctx.signal);
        if (found.length > 0) return adopt(order, found, 'reconciled after an unclear answer');
        order = log.transition(order.id, {}, 'reconciled', `the broker has no order tagged ${order.tag}`);
        if (order.attempts >= MAX_SENDS)
          giveUp(order, `not received by the broker after ${order.attempts} sends: ${describe(error)}`);
        throw new TransientJobError('ORDER_NOT_RECEIVED', `order ${order.id} not received: sending again later`, {
          retryInMs: deps.retryDelayMs(),
        });
      }
      if (outcome.kind === 'rejected') {
        log.transition(order.id, { status: 'REJECTED', error: outcome.message }, 'rejected', outcome.message);
        throw new PermanentJobError('ORDER_REJECTED', outcome.message);
      }
      tracker.accepted(
        order.id,
        outcome.brokerOrderIds,
        `accepted by ${broker.id} as ${outcome.brokerOrderIds.join(', ')}`,
        'accepted',
      );
      await tracker.refresh(order.id);
      return { status: orders.get(order.id)!.status, brokerOrderIds: outcome.brokerOrderIds };
    },
  });
}
