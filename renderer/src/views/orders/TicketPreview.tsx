import type { Charges, OrderPreview } from '../../../../shared/domain/trading';
import { formatRupees, formatUnits } from './format';

const CHARGE_PARTS: { key: keyof Omit<Charges, 'total'>; label: string }[] = [
  { key: 'brokerage', label: 'Brokerage' },
  { key: 'stt', label: 'STT' },
  { key: 'exchange', label: 'Exchange' },
  { key: 'sebi', label: 'SEBI fee' },
  { key: 'gst', label: 'GST' },
  { key: 'stampDuty', label: 'Stamp duty' },
];

/** The charges total, with its parts in a small table that opens under it. */
export function ChargesBreakdown({ charges }: { charges: Charges }) {
  const title = CHARGE_PARTS.map((part) => `${part.label} ${formatRupees(charges[part.key])}`).join(' · ');
  return (
    <details className="ticket-charges">
      <summary title={title}>
        <span>Charges (estimate)</span>
        <span className="num" data-testid="ticket-charges">
          {formatRupees(charges.total)}
        </span>
      </summary>
      <table className="charges-table" aria-label="Charges">
        <tbody>
          {CHARGE_PARTS.map((part) => (
            <tr key={part.key}>
              <td>{part.label}</td>
              <td className="num">{formatRupees(charges[part.key])}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

/** What the engine says of the ticket: its value, charges and slicing. */
export function TicketPreview({
  preview,
  fresh,
  loading,
}: {
  preview: OrderPreview | null;
  fresh: boolean;
  loading: boolean;
}) {
  if (!preview) {
    return (
      <div className="ticket-preview muted" data-testid="ticket-preview" data-fresh="false">
        {loading ? 'Checking the order…' : 'The value and charges show once the ticket is complete.'}
      </div>
    );
  }
  return (
    <div
      className={fresh ? 'ticket-preview' : 'ticket-preview stale'}
      data-testid="ticket-preview"
      data-fresh={fresh ? 'true' : 'false'}
      aria-busy={loading}
    >
      <div className="ticket-preview-row">
        <span>Order value</span>
        <span className="num ticket-value" data-testid="ticket-value">
          {formatRupees(preview.orderValue)}
        </span>
      </div>
      {preview.referencePrice !== null ? (
        <div className="ticket-preview-row muted small">
          <span>at</span>
          <span className="num">{formatRupees(preview.referencePrice)}</span>
        </div>
      ) : (
        <div className="muted small">No live price yet: the value shows once one arrives.</div>
      )}
      {preview.charges ? <ChargesBreakdown charges={preview.charges} /> : null}
      {preview.slices > 1 ? (
        <p className="ticket-slices" data-testid="ticket-slices">
          Above the freeze quantity of {formatUnits(preview.freezeQuantity ?? 0)}: sent as {preview.slices} orders.
        </p>
      ) : null}
    </div>
  );
}
