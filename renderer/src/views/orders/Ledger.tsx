import type { LedgerAccount } from '../../../../shared/domain/trading';
import { formatDateTime } from '../../lib/format';
import { useOrdersStore } from '../../stores/orders';
import { formatRupees } from './format';

const ACCOUNT_LABEL: Readonly<Record<LedgerAccount, string>> = {
  cash: 'Cash',
  positions: 'Positions',
  charges: 'Charges',
  realised_pnl: 'Realised P&L',
  capital: 'Capital',
};

/** The wallet's books, newest first: every entry with its lines (debits positive, credits negative). */
export function Ledger() {
  const entries = useOrdersStore((s) => s.ledger);
  const loaded = useOrdersStore((s) => s.ledgerLoaded);
  return (
    <section className="orders-panel ledger" aria-labelledby="ledger-title">
      <h2 id="ledger-title">Ledger</h2>
      {!loaded ? (
        <p className="muted">Loading the ledger…</p>
      ) : entries.length === 0 ? (
        <div className="empty-state" data-testid="ledger-empty">
          <p className="empty-title">No entries yet</p>
          <p>The paper wallet books its starting cash when it opens, then every fill and its charges.</p>
        </div>
      ) : (
        <div className="table-scroll">
          <table className="table ledger-table" aria-label="Ledger">
            <thead>
              <tr>
                <th>Time</th>
                <th>Entry</th>
                <th>Lines</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr key={entry.id} data-testid="ledger-entry" data-kind={entry.kind}>
                  <td className="muted">{formatDateTime(entry.at)}</td>
                  <td>
                    <div>{entry.description}</div>
                    <div className="muted small">
                      {entry.kind}
                      {entry.orderId !== null ? ` · order #${entry.orderId}` : ''}
                    </div>
                  </td>
                  <td>
                    <ul className="ledger-lines">
                      {entry.lines.map((line, i) => (
                        <li key={`${line.account}-${i}`}>
                          <span>{ACCOUNT_LABEL[line.account]}</span>
                          <span className={`num ${line.amount < 0 ? 'credit' : 'debit'}`}>
                            {formatRupees(line.amount)}
                          </span>
                        </li>
                      ))}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
