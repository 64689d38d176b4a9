import { useMarketStore } from '../../stores/market';
import { liveUnrealised, markWallet, useOrdersStore } from '../../stores/orders';
import { BROKER_SHORT, formatPnl, formatRupees, pnlTone } from './format';

/**
 * The unrealised P&L of the wallet's positions at the live prices. A number, so the panel re-renders only when a
 * tick actually moves it.
 */
function useLiveUnrealised(): number | null {
  const wallet = useOrdersStore((s) => s.wallet);
  const positions = useOrdersStore((s) => s.positions);
  return useMarketStore((s) => (wallet ? liveUnrealised(wallet.broker, positions, s.ticks) : null));
}

function Stat({ label, value, testId, tone = '' }: { label: string; value: string; testId: string; tone?: string }) {
  return (
    <div className="stat" data-testid={testId}>
      <span className={`stat-value ${tone}`}>{value}</span>
      <span className="stat-label">{label}</span>
    </div>
  );
}

/** Cash, what the positions cost, the P&L both ways, charges paid, and equity marked live. */
export function WalletPanel() {
  const wallet = useOrdersStore((s) => s.wallet);
  const unrealised = useLiveUnrealised();
  if (!wallet || unrealised === null) {
    return (
      <section className="orders-panel wallet" aria-labelledby="wallet-title">
        <h2 id="wallet-title">Wallet</h2>
        <p className="muted">Loading the wallet…</p>
      </section>
    );
  }
  const live = markWallet(wallet, unrealised);
  return (
    <section className="orders-panel wallet" aria-labelledby="wallet-title" data-broker={wallet.broker}>
      <h2 id="wallet-title">
        Wallet <span className="muted small">{BROKER_SHORT[wallet.broker]}</span>
      </h2>
      <div className="stats wallet-stats">
        <Stat label="Cash" value={formatRupees(wallet.cash)} testId="wallet-cash" />
        <Stat label="Positions at cost" value={formatRupees(wallet.positionsAtCost)} testId="wallet-at-cost" />
        <Stat
          label="Realised P&L"
          value={formatPnl(wallet.realisedPnl)}
          tone={pnlTone(wallet.realisedPnl)}
          testId="wallet-realised"
        />
        <Stat
          label="Unrealised P&L (live)"
          value={formatPnl(live.unrealisedPnl)}
          tone={pnlTone(live.unrealisedPnl)}
          testId="wallet-unrealised"
        />
        <Stat label="Charges" value={formatRupees(wallet.charges)} testId="wallet-charges" />
        <Stat label="Equity" value={formatRupees(live.equity)} testId="wallet-equity" />
      </div>
      <p className="muted small">Started with {formatRupees(wallet.startingCash)}.</p>
    </section>
  );
}
