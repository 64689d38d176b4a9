import { z } from 'zod';
import { WorkstationError } from '../../../../shared/errors';
import { UpstoxApiError } from '../../upstox/errors';
import type { UpstoxRest } from '../../upstox/rest';
import type { Broker, BrokerOrderState, BrokerOrderStatus, PlaceOutcome } from './broker';

const PlacedSchema = z.object({ order_ids: z.array(z.string()).min(1) });
const OrderSchema = z
  .object({
    order_id: z.string(),
    tag: z.string().nullish(),
    status: z.string(),
    filled_quantity: z.number().nullish(),
    average_price: z.number().nullish(),
    status_message: z.string().nullish(),
  })
  .loose();
type UpstoxOrder = z.infer<typeof OrderSchema>;

/** Upstox's status strings (the full list is not published): anything not final is working. */
function statusOf(order: UpstoxOrder): BrokerOrderStatus {
  const filled = order.filled_quantity ?? 0;
  switch (order.status.toLowerCase()) {
    case 'complete':
      return 'FILLED';
    case 'rejected':
      return 'REJECTED';
    case 'cancelled':
      return 'CANCELLED';
    default:
      return filled > 0 ? 'PARTIALLY_FILLED' : 'OPEN';
  }
}

function toState(order: UpstoxOrder): BrokerOrderState {
  const filled = order.filled_quantity ?? 0;
  return {
    brokerOrderId: order.order_id,
    tag: order.tag ?? null,
    status: statusOf(order),
    filledQuantity: filled,
    averagePricePaise: filled > 0 && order.average_price ? order.average_price * 100 : null,
    message: order.status_message || null,
  };
}

function parsed<T>(schema: z.ZodType<T>, data: unknown, what: string): T {
  const result = schema.safeParse(data);
  if (!result.success)
    throw new UpstoxApiError({ kind: 'bad_response', message: `Upstox ${what} returned an unusable answer` });
  return result.data;
}

/**
 * Live orders on Upstox: v3 place and cancel on the order host, v2 details and history for status. The REST client
 * never resends a placement; a 4xx is Upstox's clear refusal, anything else (timeout, network, 5xx, 429, an
 * unusable body) is unclear and thrown, for the order job to reconcile by tag.
 */
export function createUpstoxBroker(rest: () => UpstoxRest | null): Broker {
  const client = (): UpstoxRest => {
    const r = rest();
    if (!r) throw new UpstoxApiError({ kind: 'auth', message: 'Upstox is not connected: log in to trade live' });
    return r;
  };

  return {
    id: 'upstox',
    async place(order, signal): Promise<PlaceOutcome> {
      let data: unknown;
      try {
        data = await client().request({
          method: 'POST',
          path: '/v3/order/place',
          body: {
            quantity: order.quantity,
            product: order.product,
            validity: 'DAY',
            price: order.pricePaise === null ? 0 : order.pricePaise / 100,
            tag: order.tag,
            instrument_token: order.instrumentKey,
            order_type: order.orderType,
            transaction_type: order.side,
            disclosed_quantity: 0,
            trigger_price: order.triggerPricePaise === null ? 0 : order.triggerPricePaise / 100,
            is_amo: false,
            slice: true,
          },
          signal,
        });
      } catch (error) {
        if (error instanceof UpstoxApiError && (error.kind === 'invalid_request' || error.kind === 'not_found'))
          return { kind: 'rejected', message: error.message };
        throw error;
      }
      return { kind: 'accepted', brokerOrderIds: parsed(PlacedSchema, data, 'POST /v3/order/place').order_ids };
    },

    async ordersByTag(tag, signal) {
      const rows = parsed(
        z.array(OrderSchema),
        await client().request({ method: 'GET', path: '/v2/order/history', query: { tag }, signal }),
        'GET /v2/order/history',
      );
      // History has a row per status an order went through, oldest first: the last row of each order is its state.
      const latest = new Map<string, UpstoxOrder>();
      for (const row of rows)
        if (row.tag === tag || row.tag === undefined || row.tag === null) latest.set(row.order_id, row);
      return [...latest.values()].map(toState);
    },

    async order(brokerOrderId, signal) {
      let data: unknown;
      try {
        data = await client().request({
          method: 'GET',
          path: '/v2/order/details',
          query: { order_id: brokerOrderId },
          signal,
        });
      } catch (error) {
        if (error instanceof UpstoxApiError && error.kind === 'invalid_request')
          throw new WorkstationError('NOT_FOUND', `Upstox has no order ${brokerOrderId}: ${error.message}`);
        throw error;
      }
      return toState(parsed(OrderSchema, data, 'GET /v2/order/details'));
    },

    async modify(brokerOrderId, change, signal) {
      try {
        await client().request({
          method: 'PUT',
          path: '/v3/order/modify',
          body: {
            order_id: brokerOrderId,
            quantity: change.quantity,
            validity: 'DAY',
            price: change.pricePaise === null ? 0 : change.pricePaise / 100,
            order_type: change.orderType,
            disclosed_quantity: 0,
            trigger_price: change.triggerPricePaise === null ? 0 : change.triggerPricePaise / 100,
          },
          signal,
        });
      } catch (error) {
        if (error instanceof UpstoxApiError && (error.kind === 'invalid_request' || error.kind === 'not_found'))
          throw new WorkstationError('CONFLICT', `Upstox refused to modify order ${brokerOrderId}: ${error.message}`);
        throw error;
      }
    },

    async cancel(brokerOrderId, signal) {
      try {
        await client().request({
          method: 'DELETE',
          path: '/v3/order/cancel',
          query: { order_id: brokerOrderId },
          signal,
        });
      } catch (error) {
        if (error instanceof UpstoxApiError && error.kind === 'invalid_request')
          throw new WorkstationError('CONFLICT', `Upstox refused to cancel order ${brokerOrderId}: ${error.message}`);
        throw error;
      }
    },
  };
}
