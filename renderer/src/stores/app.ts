import { create } from 'zustand';
import type { FeedStatus } from '../../../shared/domain/feed';
import type { SettingsView } from '../../../shared/domain/settings';
import type { SystemStatus } from '../../../shared/domain/system';
import type { ViewId } from '../../../shared/constants';
import type { ConnectionState, Transport } from '../bridge';

/** Engine-wide state shown by the shell: connection, mode, feed state. Fed only by stores/wire.ts. */
export interface AppState {
  view: ViewId;
  connection: ConnectionState;
  transport: Transport | null;
  system: SystemStatus | null;
  settings: SettingsView | null;
  feed: FeedStatus | null;
  setView(view: ViewId): void;
}

export const useAppStore = create<AppState>()((set) => ({
  view: 'market',
  connection: 'connecting',
  transport: null,
  system: null,
  settings: null,
  feed: null,
  setView: (view) => set({ view }),
}));
