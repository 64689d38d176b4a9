import { useEffect, type KeyboardEvent } from 'react';
import { dismissToast, TOAST_MS, useToastsStore, type Toast } from '../stores/toasts';

function ToastItem({ toast }: { toast: Toast }) {
  useEffect(() => {
    if (toast.sticky) return;
    const timer = setTimeout(() => dismissToast(toast.id), TOAST_MS);
    return () => clearTimeout(timer);
  }, [toast.id, toast.sticky]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape' || event.key === 'Delete') {
      event.preventDefault();
      dismissToast(toast.id);
    }
  };

  return (
    <div
      className={`toast toast-${toast.tone}`}
      role="status"
      tabIndex={0}
      data-testid="toast"
      data-tone={toast.tone}
      title={toast.sticky ? 'Stays until dismissed (Escape)' : 'Escape dismisses'}
      onKeyDown={onKeyDown}
    >
      <span className="toast-text">{toast.text}</span>
      {toast.action ? (
        <button
          type="button"
          className="small-button"
          onClick={() => {
            // Runs within the click, before anything else: a login tab opened here is not taken for a pop-up.
            toast.action?.run();
            dismissToast(toast.id);
          }}
        >
          {toast.action.label}
        </button>
      ) : null}
      <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => dismissToast(toast.id)}>
        ×
      </button>
    </div>
  );
}

/**
 * Order and login news in the bottom-right corner: each toast leaves after a few seconds, a rejection only when
 * dismissed.
 */
export function Toasts() {
  const toasts = useToastsStore((s) => s.toasts);
  if (toasts.length === 0) return null;
  return (
    <div className="toasts" aria-label="Notifications">
      {toasts.map((toast) => (
        <ToastItem key={toast.id} toast={toast} />
      ))}
    </div>
  );
}
