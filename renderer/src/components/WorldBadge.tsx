import { selectWorld, useAppStore } from '../stores/app';

const TEXT = {
  demo: {
    large: 'DEMO · simulated prices, not the market',
    small: 'DEMO',
    title:
      'Demo mode: every price here comes from the built-in simulator. Set an Upstox token in Settings for real prices.',
  },
  live: { large: 'LIVE · Upstox', small: 'LIVE', title: 'Live mode: prices and history from Upstox.' },
} as const;

/** Which world the prices on screen come from; wherever a price appears, so a simulated one is never taken for real. */
export function WorldBadge({ size = 'large' }: { size?: 'large' | 'small' }) {
  const world = useAppStore(selectWorld);
  if (!world) return null;
  const text = TEXT[world];
  return (
    <span
      className={`world-badge world-${world} world-${size}`}
      data-testid={`world-badge-${size}`}
      data-world={world}
      title={text.title}
    >
      {text[size]}
    </span>
  );
}
