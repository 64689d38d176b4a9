/** India Standard Time: every schedule, trading day and market hour of the product is in this zone. */
export const IST_TIMEZONE = 'Asia/Kolkata';
export const IST_OFFSET_MINUTES = 330;

/** NSE cash and F&O regular session, IST. */
export const NSE_SESSION = { open: '09:15', close: '15:30' } as const;

export const LOCAL_API_PREFIX = '/api/v1';
export const EVENT_ENVELOPE_VERSION = '1.0';
export const APP_NAME = 'Tickdesk';

/** Navigation of the app shell, in order; the index is the keyboard shortcut (Alt+1 ... Alt+8). */
export const VIEWS = ['market', 'imports', 'scanner', 'deep-dive', 'reports', 'orders', 'jobs', 'settings'] as const;
export type ViewId = (typeof VIEWS)[number];

/** Where Upstox's login redirect lands on the Local API: its only unauthenticated route besides the static app. */
export const UPSTOX_CALLBACK_PATH = '/oauth/upstox/callback';
