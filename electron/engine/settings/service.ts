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
import type { SecretVault } from './vault';

const UPSTOX_TOKEN = 'upstox-access-token';

export interface SettingsServiceDeps {
  store: SettingsStore;
  vault: SecretVault;
  clock: Clock;
  logger: Logger;
  emit: Emit;
  dataDir: string;
  /** `UPSTOX_ACCESS_TOKEN` from the environment wins over a stored token. */
  environmentToken?: string | undefined;
}

function hintOf(token: string): string {
  return `…${token.slice(-4)}`;
}

export type TokenChangeListener = () => void | Promise<void>;

export function createSettingsService({
  store,
  vault,
  clock,
  logger,
  emit,
  dataDir,
  environmentToken,
}: SettingsServiceDeps) {
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

  function upstoxToken(): string | null {
    if (environmentToken) return environmentToken;
    return vault.read(UPSTOX_TOKEN)?.value ?? null;
  }

  function tokenStatus(): UpstoxTokenStatus {
    if (environmentToken) {
      return {
        present: true,
        hint: hintOf(environmentToken),
        source: 'environment',
        storage: 'environment',
        updatedAt: null,
      };
    }
    const stored = vault.read(UPSTOX_TOKEN);
    if (!stored) return { present: false, hint: null, source: 'none', storage: 'none', updatedAt: null };
    return {
      present: true,
      hint: hintOf(stored.value),
      source: 'settings',
      storage: vault.storage,
      updatedAt: new Date(stored.updatedAt).toISOString(),
    };
  }

  const mode = (): 'demo' | 'live' => (upstoxToken() ? 'live' : 'demo');

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
    update(patch: SettingsPatch): SettingsView {
      if (patch.tradingMode === 'live' && !upstoxToken())
        throw new WorkstationError(
          'LIVE_TRADING_UNAVAILABLE',
          'live trading needs an Upstox login: set the Upstox token first, then switch tradingMode to live',
          [{ path: ['tradingMode'], message: 'needs an Upstox token' }],
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
      vault.write(UPSTOX_TOKEN, token, clock.now());
      logger.info('upstox token stored', { storage: vault.storage });
      await tokenChanged();
      return view();
    },
    async clearUpstoxToken(): Promise<SettingsView> {
      vault.remove(UPSTOX_TOKEN);
      logger.info('upstox token removed');
      await tokenChanged();
      return view();
    },
  };
}
export type SettingsService = ReturnType<typeof createSettingsService>;
