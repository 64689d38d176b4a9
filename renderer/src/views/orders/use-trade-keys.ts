import { useEffect } from 'react';
import type { OrderSide } from '../../../../shared/domain/trading';
import { useMarketStore } from '../../stores/market';
import { openTicket, useOrdersStore } from '../../stores/orders';

const typingIn = (target: EventTarget | null) =>
  !!(target as HTMLElement | null)?.closest?.('input, textarea, select, [contenteditable="true"]');

const SIDE_BY_KEY: Readonly<Record<string, OrderSide>> = { b: 'BUY', s: 'SELL' };

/** `b` buys and `s` sells the selected watchlist row: each opens a ticket on it. Never while typing or trading. */
export function useTradeKeys(): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
      const side = SIDE_BY_KEY[event.key.toLowerCase()];
      if (!side || typingIn(event.target) || useOrdersStore.getState().ticket) return;
      const instrumentKey = useMarketStore.getState().selectedKey;
      if (!instrumentKey) return;
      event.preventDefault();
      openTicket({ instrumentKey, side });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
