import type { ViewId } from '../../../shared/constants';

export interface ViewInfo {
  id: ViewId;
  label: string;
}

export const VIEW_INFO: Record<ViewId, ViewInfo> = {
  market: { id: 'market', label: 'Market' },
  imports: { id: 'imports', label: 'Imports' },
  scanner: { id: 'scanner', label: 'Scanner' },
  'deep-dive': { id: 'deep-dive', label: 'Deep-dive' },
  reports: { id: 'reports', label: 'Reports' },
  orders: { id: 'orders', label: 'Orders' },
  jobs: { id: 'jobs', label: 'Jobs' },
  settings: { id: 'settings', label: 'Settings' },
};
