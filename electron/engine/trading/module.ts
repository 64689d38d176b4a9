import type { tradingCommands } from '../../../shared/contract/trading';
import type { BrokerId } from '../../../shared/domain/trading';
import type { Clock, TimerHandle } from '../common/clock';
import type { DomainHandlers } from '../common/commands';
import type { Emit } from '../common/events';
import type { Logger } from '../common/logger';
import type { FeedModule } from '../feed/module';
import type { JobService } from '../jobs/service';
import type { SettingsService } from '../settings/service';
import type { Stores } from '../store';
import { createBook } from './book';
import { createInstrumentCache } from './instrument-cache';
import type { Broker } from './brokers/broker';
import { createPaperBroker } from './brokers/paper';
import { createUpstoxBroker } from './brokers/upstox';
import { tradingMaintenance } from './maintenance';
import { orderJobKind } from './order.job';
import { createOrderLog } from './order-log';
import { createTradingService, estimateCharges } from './service';
import { createOrderTracker } from './tracker';

/** How old the latest tick may be for a new paper order to fill against it at once. */
const FRESH_TICK_MS = 60_000;
/** At most one `portfolio_changed` per broker this often. */
const PORTFOLIO_EVENT_MS = 200;

export interface TradingModuleDeps {
  stores: Pick<Stores, 'db' | 'orders' | 'portfolio' | 'paperOrders' | 'instruments'>;
  clock: Clock;
  logger: Logger;
  emit: Emit;
  jobs: JobService;
  settings: Pick<SettingsService, 'values' | 'upstoxToken'>;
  /** Paper fills come from the live ticks; live orders go through the open source's REST client. */
  market: Pick<FeedModule, 'pipeline' | 'source' | 'service' | 'isSubscribed'>;
  /** How often working live orders are asked for their state. */
  pollMs?: number;
}

/**
 * Trade initiation: order tickets become durable order jobs that reconcile by tag before any resend; the paper broker
 * fills from live ticks, Upstox takes live orders; fills become positions, and for paper a wallet with its ledger.
 */
export function createTradingModule(deps: TradingModuleDeps) {
  const { stores, clock, emit } = deps;
  const logger = deps.logger.child('trading');
  const instruments = createInstrumentCache(stores.instruments, clock);
  const ltp = (key: string): number | null => deps.market.pipeline.latest([key]).get(key)?.ltp ?? null;
  const book = createBook({
    db: stores.db,
    portfolio: stores.portfolio,
    instruments,
    clock,
    ltp,
    startingCash: () => deps.settings.values().paperStartingCash,
  });
  const log = createOrderLog({ db: stores.db, orders: stores.orders, clock, emit });

  // A snapshot event: the fills of one burst are announced once, a moment after the first.
  const pendingPortfolio = new Map<BrokerId, TimerHandle>();
  function portfolioChanged(broker: BrokerId): void {
    if (pendingPortfolio.has(broker)) return;
    pendingPortfolio.set(
      broker,
      clock.setTimeout(() => {
        pendingPortfolio.delete(broker);
        emit('portfolio_changed', { broker, positions: book.positions(broker, true), wallet: book.wallet(broker) });
      }, PORTFOLIO_EVENT_MS),
    );
  }

  const paper = createPaperBroker({
    book: stores.paperOrders,
    db: stores.db,
    clock,
    market: {
      // A tick from before a pause (the close, a dropped feed) is no price to fill at: the order waits for a fresh one.
      latest(key) {
        const tick = deps.market.pipeline.latest([key]).get(key);
        return tick && clock.now() - tick.receivedAt <= FRESH_TICK_MS ? tick : null;
      },
      onTicks: (handler) => deps.market.pipeline.onTicks(handler),
    },
    instrument(key) {
      const instrument = instruments.get([key])[0];
      return instrument ? { tickSize: instrument.tickSize, freezeQuantity: instrument.freezeQuantity } : null;
    },
    slippageBps: () => deps.settings.values().paperSlippageBps,
    onChange(brokerOrderId) {
      const tag = stores.paperOrders.get(brokerOrderId)?.tag;
      const order = tag ? stores.orders.byTag(tag) : null;
      if (order) void tracker.refresh(order.id);
    },
  });
  const upstox = createUpstoxBroker(() => deps.market.source()?.rest ?? null);
  const broker = (id: BrokerId): Broker => (id === 'paper' ? paper : upstox);

  const tracker = createOrderTracker({
    db: stores.db,
    orders: stores.orders,
    log,
    book,
    broker,
    clock,
    logger,
    chargesOf: (order, value) => estimateCharges(instruments, order, value)?.total ?? 0,
    portfolioChanged,
    pollMs: deps.pollMs,
  });
  const service = createTradingService({
    db: stores.db,
    orders: stores.orders,
    instruments,
    jobs: deps.jobs,
    log,
    tracker,
    broker,
    clock,
    logger,
    settings: () => deps.settings.values(),
    hasUpstoxToken: () => deps.settings.upstoxToken() !== null,
    ltp,
    watch(key) {
      if (!deps.market.isSubscribed(key)) deps.market.service.subscribe([key], 'full');
    },
  });

  let ready: Promise<void> = Promise.resolve();
  /** Orders a crash left SUBMITTING are asked about by tag before any order is sent; working ones are refreshed. */
  async function reconcileAtStart(): Promise<void> {
    for (const order of stores.orders.inStatus(['SUBMITTING'])) {
      try {
        const found = await broker(order.broker).ordersByTag(order.tag, AbortSignal.timeout(15_000));
        if (found.length === 0) {
          log.transition(order.id, {}, 'reconciled', `at start: the broker has no order tagged ${order.tag}`);
          continue;
        }
        tracker.accepted(
          order.id,
          found.map((s) => s.brokerOrderId),
          `at start: the broker has it as ${found.map((s) => s.brokerOrderId).join(', ')}`,
          'reconciled',
        );
        tracker.apply(order.id, found);
      } catch (error) {
        // Its job reconciles again before it sends anything.
        logger.warn('order reconcile at start failed', { orderId: order.id, error });
      }
    }
    await tracker.refreshWorking();
  }

  const maintenance = tradingMaintenance({
    db: stores.db,
    orders: stores.orders,
    portfolio: stores.portfolio,
    instruments,
    book,
    service: () => service,
    ltp,
    emit,
    retentionDays: () => deps.settings.values().jobRetentionDays,
    portfolioChanged: () => portfolioChanged('paper'),
  });

  const handlers: DomainHandlers<typeof tradingCommands> = {
    'orders.place': (ticket) => service.place(ticket),
    'orders.preview': (ticket) => service.preview(ticket),
    'orders.list': (query) => service.list(query),
    'orders.get': ({ id }) => service.get(id),
    'orders.modify': (input) => service.modify(input),
    'orders.cancel': ({ id }) => service.cancel(id),
    'positions.list': ({ broker: which, includeClosed }) => book.positions(which ?? 'paper', includeClosed),
    'wallet.get': () => book.wallet('paper'),
    'ledger.list': ({ limit }) => book.ledger(limit),
  };

  return {
    name: 'trading',
    handlers,
    service,
    book,
    jobKinds: [
      orderJobKind({
        orders: stores.orders,
        log,
        tracker,
        broker,
        retryDelayMs: () => deps.settings.values().orderRetryDelaySeconds * 1000,
        ready: () => ready,
      }),
      ...maintenance.jobKinds,
    ],
    schedules: maintenance.schedules,
    start(): void {
      paper.start();
      tracker.start();
      ready = reconcileAtStart().catch((error: unknown) => logger.error('order reconcile at start failed', { error }));
    },
    async stop(): Promise<void> {
      paper.stop();
      for (const timer of pendingPortfolio.values()) clock.clearTimeout(timer);
      pendingPortfolio.clear();
      await tracker.stop();
    },
  };
}
export type TradingModule = ReturnType<typeof createTradingModule>;
