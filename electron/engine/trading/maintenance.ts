import { z } from 'zod';
import { JOB_KINDS } from '../../../shared/job-kinds';
import { DAY_MS, istDate } from '../../../shared/time';
import type { Emit } from '../common/events';
import { PermanentJobError } from '../jobs/errors';
import { defineJobKind } from '../jobs/registry';
import type { ScheduleDefinition } from '../jobs/scheduler';
import type { InstrumentStore } from '../store/instruments';
import type { OrderStore } from '../store/orders';
import type { PortfolioStore } from '../store/portfolio';
import type { Db } from '../store/types';
import { toPaise, type Book } from './book';
import type { TradingService } from './service';
import { tagFor } from './ticket';

const NoPayload = z.object({}).strict();

export interface TradingMaintenanceDeps {
  db: Db;
  orders: OrderStore;
  portfolio: PortfolioStore;
  instruments: Pick<InstrumentStore, 'get'>;
  book: Book;
  service: () => TradingService;
  ltp(instrumentKey: string): number | null;
  emit: Emit;
  retentionDays: () => number;
  portfolioChanged(): void;
}

/**
 * The trading day's housekeeping, on the scheduler in IST: intraday paper positions squared off at 15:20 as brokers
 * do, expired F&O paper positions settled after the close, the paper ledger reconciled every night, and finished
 * orders that never filled archived out of the blotter.
 */
export function tradingMaintenance(deps: TradingMaintenanceDeps) {
  const { orders, portfolio, book } = deps;

  const squareOff = defineJobKind({
    kind: JOB_KINDS.tradingSquareOff,
    description: 'Square off open intraday paper positions (15:20 IST)',
    payload: NoPayload,
    maxAttempts: 3,
    concurrency: 1,
    async handler(ctx) {
      const service = deps.service();
      const today = istDate(ctx.clock.now());
      const ownPrefix = `squareoff-${today}-`;
      let cancelled = 0;
      for (const order of orders.inStatus(['QUEUED', 'OPEN', 'PARTIALLY_FILLED'])) {
        // Today's own square-off orders stay: a run again (a retry, a "run now") must not undo them.
        if (order.broker !== 'paper' || order.product !== 'I' || order.clientOrderId.startsWith(ownPrefix)) continue;
        await service.cancel(order.id).then(
          () => cancelled++,
          () => undefined,
        );
      }
      const placed: number[] = [];
      const failed: { instrumentKey: string; error: string }[] = [];
      for (const position of portfolio.positions('paper')) {
        if (position.product !== 'I' || position.netQuantity === 0) continue;
        try {
          const order = service.place(
            {
              instrumentKey: position.instrumentKey,
              side: position.netQuantity > 0 ? 'SELL' : 'BUY',
              quantity: Math.abs(position.netQuantity),
              orderType: 'MARKET',
              product: 'I',
              // One square-off per position and day, however often the job runs.
              clientOrderId: `${ownPrefix}${tagFor(`${position.instrumentKey}:${position.netQuantity}`)}`,
            },
            { guards: false, broker: 'paper' },
          );
          placed.push(order.orderId);
        } catch (error) {
          // One position that cannot be ordered (gone from the master) leaves the others to be squared off.
          failed.push({
            instrumentKey: position.instrumentKey,
            error: error instanceof Error ? error.message : String(error),
          });
        }
      }
      if (failed.length > 0 && placed.length === 0)
        throw new PermanentJobError(
          'SQUARE_OFF_FAILED',
          failed.map((f) => `${f.instrumentKey}: ${f.error}`).join('; '),
        );
      return { cancelled, squareOffOrders: placed, failed };
    },
  });

  const settleExpiries = defineJobKind({
    kind: JOB_KINDS.tradingSettleExpiries,
    description: 'Settle expired F&O paper positions at the expiry close',
    payload: NoPayload,
    maxAttempts: 3,
    concurrency: 1,
    async handler(ctx) {
      const today = istDate(ctx.clock.now());
      const settled: string[] = [];
      const unpriced: string[] = [];
      for (const position of portfolio.positions('paper')) {
        if (position.netQuantity === 0) continue;
        const instrument = deps.instruments.get([position.instrumentKey])[0];
        if (!instrument?.expiry || instrument.expiry > today) continue;
        // The contract's last price: at the close of expiry an option trades at about its intrinsic value.
        const price = deps.ltp(position.instrumentKey);
        if (price === null) {
          unpriced.push(instrument.tradingSymbol);
          continue;
        }
        const quantity = Math.abs(position.netQuantity);
        deps.db.transaction(() =>
          book.book({
            source: 'settlement',
            orderId: null,
            broker: 'paper',
            instrumentKey: position.instrumentKey,
            product: position.product,
            side: position.netQuantity > 0 ? 'SELL' : 'BUY',
            quantity,
            valuePaise: toPaise(price) * quantity,
            chargesPaise: 0,
            description: `${instrument.tradingSymbol} expired: ${quantity} settled at ₹${price}`,
          }),
        )();
        settled.push(instrument.tradingSymbol);
      }
      if (settled.length > 0) deps.portfolioChanged();
      return { settled, unpriced };
    },
  });

  const reconcileLedger = defineJobKind({
    kind: JOB_KINDS.tradingReconcileLedger,
    description: 'Check the paper wallet against its ledger',
    payload: NoPayload,
    maxAttempts: 1,
    concurrency: 1,
    async handler() {
      const { figures, mismatches } = book.reconcile('paper');
      if (mismatches.length > 0) {
        deps.emit('critical_error', {
          severity: 'critical',
          component: 'trading',
          errorCode: 'LEDGER_MISMATCH',
          message: `The paper wallet does not match its ledger: ${mismatches.join('; ')}`,
          recoveryAction: 'Stop paper trading and report this with the data folder; nothing has been changed.',
        });
        throw new PermanentJobError('LEDGER_MISMATCH', mismatches.join('; '));
      }
      return figures;
    },
  });

  const archiveOrders = defineJobKind({
    kind: JOB_KINDS.tradingArchiveOrders,
    description: 'Archive finished orders that never filled, older than the job retention',
    payload: NoPayload,
    maxAttempts: 3,
    concurrency: 1,
    async handler(ctx) {
      const now = ctx.clock.now();
      return { archived: orders.archiveUnfilledBefore(now - deps.retentionDays() * DAY_MS, now) };
    },
  });

  const schedules: ScheduleDefinition[] = [
    {
      name: 'intraday-square-off',
      description: 'Square off open intraday paper positions at 15:20 IST',
      jobKind: JOB_KINDS.tradingSquareOff,
      cron: '20 15 * * *',
      enabled: true,
      tradingDaysOnly: true,
      payload: {},
    },
    {
      name: 'settle-expiries',
      description: 'Settle expired F&O paper positions after the close',
      jobKind: JOB_KINDS.tradingSettleExpiries,
      cron: '35 15 * * *',
      enabled: true,
      tradingDaysOnly: true,
      payload: {},
    },
    {
      name: 'ledger-reconciliation',
      description: 'Nightly check of the paper wallet against its ledger',
      jobKind: JOB_KINDS.tradingReconcileLedger,
      cron: '0 23 * * *',
      enabled: true,
      tradingDaysOnly: false,
      payload: {},
    },
    {
      name: 'archive-orders',
      description: 'Daily archive of old finished orders that never filled',
      jobKind: JOB_KINDS.tradingArchiveOrders,
      cron: '45 2 * * *',
      enabled: true,
      tradingDaysOnly: false,
      payload: {},
    },
  ];

  return { jobKinds: [squareOff, settleExpiries, reconcileLedger, archiveOrders], schedules };
}
