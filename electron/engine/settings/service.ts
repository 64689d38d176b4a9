import {
  SETTINGS_DEFAULTS,
  SettingsSchema,
  type Settings,
  type SettingsPatch,
  type SettingsView,
  type UpstoxTokenStatus,
} from '../../../shared/domain/settings';
import { WorkstationError } from '../../../shared/errors';
import type { Clock } from '../common/clock';
import type { Emit } from '../common/events';
import type { Logger } from '../common/logger';
import type { SettingsStore } from '../store/settings';
import { hintOf } from '../common/hint';
import type { UpstoxCredentials } from './credentials';

export interface SettingsServiceDeps {
  store: SettingsStore;
  credentials: UpstoxCredentials;
  clock: Clock;
  logger: Logger;
  emit: Emit;
  dataDir: string;
}

export type TokenChangeListener = () => void | Promise<void>;

export function createSettingsService({ store, credentials, clock, logger, emit, dataDir }: SettingsServiceDeps) {
  let values: Settings = load();
  const changeListeners = new Set<(values: Settings) => void>();
  const tokenListeners = new Set<TokenChangeListener>();

  /** Everyone who depends on the token has acted on the new one (the feed has switched source) before this returns. */
  async function tokenChanged(): Promise<void> {
    for (const listener of tokenListeners) await listener();
  }

  function load(): Settings {
    const stored = store.readAll();
    const merged: Record<string, unknown> = { ...SETTINGS_DEFAULTS };
    // Each stored key is checked alone, so one stale value never resets the others.
    for (const [key, value] of Object.entries(stored)) {
      const field = SettingsSchema.shape[key as keyof Settings];
      if (field?.safeParse(value).success) merged[key] = value;
      else logger.warn('ignoring stored setting that no longer validates', { key });
    }
    return SettingsSchema.parse(merged);
  }

  /** The daily token while it is alive: null once it has lapsed at 03:30 IST. */
  const upstoxToken = (): string | null => credentials.usableDaily();

  function tokenStatus(): UpstoxTokenStatus {
    const token = credentials.daily();
    if (!token) return { present: false, hint: null, source: 'none', storage: 'none', updatedAt: null };
    return {
      present: true,
      hint: hintOf(token.value),
      source: token.source === 'environment' ? 'environment' : 'settings',
      storage: token.storage,
      updatedAt: token.issuedAt === null ? null : new Date(token.issuedAt).toISOString(),
    };
  }

  const mode = (): 'demo' | 'live' => (credentials.hasAny() ? 'live' : 'demo');

  function view(): SettingsView {
    return { values, upstoxToken: tokenStatus(), mode: mode(), dataDir };
  }

  return {
    get: view,
    values: () => values,
    upstoxToken,
    mode,
    /** Called after every saved change, with the new values; returns the unsubscribe function. */
    onChange(listener: (values: Settings) => void): () => void {
      changeListeners.add(listener);
      return () => changeListeners.delete(listener);
    },
    /** Called, and awaited in order, after the Upstox token is set or removed. */
    onUpstoxTokenChange(listener: TokenChangeListener): () => void {
      tokenListeners.add(listener);
      return () => tokenListeners.delete(listener);
    },
    /** For the login, which stores tokens itself: the world and the feed act on them before this returns. */
    tokenChanged,
    update(patch: SettingsPatch): SettingsView {
      if (patch.tradingMode === 'live' && !upstoxToken())
        throw new WorkstationError(
          'LIVE_TRADING_UNAVAILABLE',
          'live trading needs an Upstox login: log in to Upstox first, then switch tradingMode to live',
          [{ path: ['tradingMode'], message: 'needs a live Upstox login' }],
        );
      const next = SettingsSchema.parse({ ...values, ...patch });
      store.writeMany(patch, clock.now());
      values = next;
      logger.info('settings changed', { keys: Object.keys(patch) });
      for (const listener of changeListeners) listener(values);
      emit('settings_changed', values);
      return view();
    },
    async setUpstoxToken(token: string): Promise<SettingsView> {
      credentials.setDaily(token, { source: 'settings' });
      logger.info('upstox token stored', { storage: credentials.storage });
      await tokenChanged();
      return view();
    },
    async clearUpstoxToken(): Promise<SettingsView> {
      credentials.clearDaily();
      logger.info('upstox token removed');
      await tokenChanged();
      return view();
    },
  };
}
export type SettingsService = ReturnType<typeof createSettingsService>;
