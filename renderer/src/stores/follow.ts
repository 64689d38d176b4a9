import type { Bridge } from '../bridge';

/**
 * Keeps a store in step with the engine: `load` runs now (unless the token was refused), after every reconnect
 * (events were missed while away), and after the engine switches between the demo and the live world, with `reset`
 * first so that nothing of the world left behind is shown for a moment in the other. Returns the unsubscribe.
 */
export function followEngine(bridge: Bridge, load: () => void, reset?: () => void): () => void {
  if (bridge.connectionState() !== 'unauthorized') load();
  const offs = [
    bridge.onConnectionChange((connection) => {
      if (connection === 'connected') load();
    }),
    bridge.on('world_changed', () => {
      reset?.();
      load();
    }),
  ];
  return () => offs.forEach((off) => off());
}
