import { WorldBadge } from '../components/WorldBadge';
import { useAppStore } from '../stores/app';
import { openTicket, useOrdersStore, type OrdersArea } from '../stores/orders';
import { Blotter } from './orders/Blotter';
import { Ledger } from './orders/Ledger';
import { OrderDetail } from './orders/OrderDetail';
import { Positions } from './orders/Positions';
import { WalletPanel } from './orders/WalletPanel';

const AREA_LABEL: Readonly<Record<OrdersArea, string>> = {
  orders: 'orders',
  portfolio: 'positions and the wallet',
  ledger: 'the ledger',
};

/** Where trading mode stands: paper by default; live says that orders cost real money. */
function ModeNote() {
  const mode = useAppStore((s) => s.settings?.values.tradingMode);
  if (!mode) return null;
  return mode === 'live' ? (
    <span className="trading-mode trading-live" data-testid="trading-mode" data-mode="live">
      LIVE trading · Upstox, real money
    </span>
  ) : (
    <span className="trading-mode trading-paper" data-testid="trading-mode" data-mode="paper">
      Paper trading
    </span>
  );
}

/** Orders: the blotter and the selected order's timeline, positions with live P&L, the wallet and its ledger. */
export function OrdersView() {
  const errors = useOrdersStore((s) => s.errors);
  const failed = (Object.keys(errors) as OrdersArea[]).filter((area) => errors[area]);
  return (
    <section className="view orders-view" aria-labelledby="view-title">
      <div className="view-header">
        <div className="orders-title">
          <h1 id="view-title">Orders</h1>
          <WorldBadge />
          <ModeNote />
        </div>
        <button type="button" onClick={() => openTicket({ instrumentKey: null, side: 'BUY' })}>
          New order
        </button>
      </div>
      {failed.map((area) => (
        <p key={area} className="banner banner-bad" role="alert">
          Could not load {AREA_LABEL[area]}: {errors[area]}
        </p>
      ))}
      {/* What is at risk now first: positions and money, then the orders, then the books. */}
      <div className="orders-top orders-portfolio">
        <Positions />
        <WalletPanel />
      </div>
      <div className="orders-top orders-orders">
        <Blotter />
        <OrderDetail />
      </div>
      <Ledger />
    </section>
  );
}
