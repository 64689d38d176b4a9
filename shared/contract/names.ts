/**
 * Every command and event name, without their schemas: what the preload needs to check a call, without bundling
 * zod and every schema into it. `index.ts` checks, by type and at load, that these lists are the contract's names.
 */
export const COMMAND_NAMES = [
  'system.health',
  'system.status',
  'settings.get',
  'settings.update',
  'settings.setUpstoxToken',
  'settings.clearUpstoxToken',
  'jobs.list',
  'jobs.stats',
  'jobs.get',
  'jobs.items',
  'jobs.cancel',
  'jobs.retry',
  'jobs.startDemo',
  'schedules.list',
  'schedules.update',
  'schedules.runNow',
  'calendar.holidays',
  'calendar.addHoliday',
  'calendar.removeHoliday',
  'feed.status',
  'feed.subscriptions',
  'feed.subscribe',
  'feed.unsubscribe',
  'feed.latestTicks',
  'feed.reconnect',
  'candles.list',
  'instruments.search',
  'instruments.get',
  'instruments.import',
  'imports.start',
  'imports.plan',
  'imports.list',
  'imports.get',
  'imports.symbols',
  'imports.retry',
  'universes.list',
  'universes.get',
  'universes.create',
  'universes.delete',
  'scans.start',
  'scans.list',
  'scans.get',
  'deepDive.start',
  'deepDive.status',
  'deepDive.list',
  'reports.list',
  'reports.get',
  'reports.compare',
  'reports.export',
  'reports.delete',
  'fundamentals.import',
  'fundamentals.get',
  'orders.place',
  'orders.preview',
  'orders.list',
  'orders.get',
  'orders.modify',
  'orders.cancel',
  'positions.list',
  'wallet.get',
  'ledger.list',
  'login.status',
  'login.setApp',
  'login.start',
  'login.complete',
  'login.logout',
  'login.setAnalyticsToken',
  'login.clearAnalyticsToken',
] as const;

export const EVENT_NAMES = [
  'critical_error',
  'world_changed',
  'settings_changed',
  'job_progress_update',
  'job_completed',
  'job_failed',
  'feed_status',
  'market_ticks',
  'data_import_started',
  'symbol_processing_complete',
  'data_import_completed',
  'analysis_progress',
  'analysis_completed',
  'order_update',
  'portfolio_changed',
  'login_changed',
] as const;

export type CommandName = (typeof COMMAND_NAMES)[number];
export type EventName = (typeof EVENT_NAMES)[number];

const commandNames: ReadonlySet<string> = new Set(COMMAND_NAMES);
const eventNames: ReadonlySet<string> = new Set(EVENT_NAMES);

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && commandNames.has(name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && eventNames.has(name);
}

/** Electron IPC channels: one for commands, one for pushed events, and the desktop shell's print of a report. */
export const IPC_CHANNELS = {
  invoke: 'workstation:invoke',
  event: 'workstation:event',
  printReport: 'workstation:print-report',
  openLogin: 'workstation:open-login',
} as const;
