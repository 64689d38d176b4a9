import type { ViewId } from '../../../shared/constants';

export interface ViewInfo {
  id: ViewId;
  label: string;
  /** What the view will show, for views whose capability has not landed yet. */
  upcoming?: string;
}

export const VIEW_INFO: Record<ViewId, ViewInfo> = {
  market: { id: 'market', label: 'Market' },
  imports: { id: 'imports', label: 'Imports' },
  scanner: {
    id: 'scanner',
    label: 'Scanner',
    upcoming: 'A Level-1 scan that ranks a universe by composite score, with PASS/FAIL verdicts and direction.',
  },
  'deep-dive': {
    id: 'deep-dive',
    label: 'Deep-dive',
    upcoming:
      'A Level-2 multi-factor analysis of one symbol, with a conviction score and risk grade, saved with its data.',
  },
  reports: {
    id: 'reports',
    label: 'Reports',
    upcoming: 'The offline library of saved deep-dive reports: search, open, export to HTML or JSON.',
  },
  orders: {
    id: 'orders',
    label: 'Orders',
    upcoming:
      'The order ticket, blotter, positions with MTM and the wallet; paper broker by default, Upstox when enabled.',
  },
  jobs: { id: 'jobs', label: 'Jobs' },
  settings: { id: 'settings', label: 'Settings' },
};
