import { create } from 'zustand';
import type { SettingsView } from '../../../shared/domain/settings';
import type { SystemStatus, WorldName } from '../../../shared/domain/system';
import type { ViewId } from '../../../shared/constants';
import type { Bridge, ConnectionState, Transport } from '../bridge';
import { followEngine } from './follow';

/** Engine-wide state shown by the shell: the view, the connection, the world and the settings. Fed by `wireApp`. */
export interface AppState {
  view: ViewId;
  connection: ConnectionState;
  transport: Transport | null;
  system: SystemStatus | null;
  settings: SettingsView | null;
  setView(view: ViewId): void;
}

export const useAppStore = create<AppState>()((set) => ({
  view: 'market',
  connection: 'connecting',
  transport: null,
  system: null,
  settings: null,
  setView: (view) => set({ view }),
}));

/** The world the engine is in, as last told; null until the engine has answered. */
export const selectWorld = (s: AppState): WorldName | null => s.system?.mode ?? s.settings?.mode ?? null;

export function wireApp(bridge: Bridge): () => void {
  const set = useAppStore.setState;
  const load = async () => {
    try {
      const [system, settings] = await Promise.all([
        bridge.invoke('system.status', {}),
        bridge.invoke('settings.get', {}),
      ]);
      set({ system, settings });
    } catch {
      // The connection state already tells the user; the next reconnect loads again.
    }
  };
  set({ transport: bridge.transport, connection: bridge.connectionState() });
  const offs = [
    bridge.onConnectionChange((connection) => set({ connection })),
    followEngine(bridge, () => void load()),
    // The event names the new world: the badge changes before anything of that world arrives.
    bridge.on('world_changed', ({ payload: { world } }) =>
      set((s) => ({
        system: s.system && { ...s.system, mode: world },
        settings: s.settings && { ...s.settings, mode: world },
      })),
    ),
    bridge.on('settings_changed', ({ payload }) => {
      const current = useAppStore.getState().settings;
      if (current) set({ settings: { ...current, values: payload } });
    }),
  ];
  return () => offs.forEach((off) => off());
}
