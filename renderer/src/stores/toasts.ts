import { create } from 'zustand';

export type ToastTone = 'ok' | 'info' | 'bad';

export interface ToastInput {
  tone: ToastTone;
  text: string;
  /** Stays until dismissed, for what must not be missed (a rejection and its reason). */
  sticky?: boolean;
  /** One button beside the text, e.g. "Log in"; pressing it also dismisses the toast. */
  action?: ToastAction;
}

export interface ToastAction {
  label: string;
  run(): void;
}

export interface Toast extends ToastInput {
  id: number;
  sticky: boolean;
}

export interface ToastsState {
  /** Oldest first: the newest shows at the bottom, nearest the corner. */
  toasts: Toast[];
  nextId: number;
}

/** Toasts shown at most; past that the oldest that would leave by itself goes first. */
export const MAX_TOASTS = 5;
/** How long a toast stays unless it is sticky. */
export const TOAST_MS = 6_000;

export const useToastsStore = create<ToastsState>()(() => ({ toasts: [], nextId: 1 }));

export function pushToast(input: ToastInput): number {
  const id = useToastsStore.getState().nextId;
  useToastsStore.setState((s) => {
    let toasts = [...s.toasts, { ...input, sticky: input.sticky ?? false, id }];
    while (toasts.length > MAX_TOASTS) {
      const drop = toasts.findIndex((t) => !t.sticky);
      toasts = toasts.filter((_, i) => i !== (drop < 0 ? 0 : drop));
    }
    return { toasts, nextId: s.nextId + 1 };
  });
  return id;
}

export function dismissToast(id: number): void {
  useToastsStore.setState((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }));
}
