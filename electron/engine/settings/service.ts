import {
  SETTINGS_DEFAULTS,
  SettingsSchema,
  type Settings,
  type SettingsPatch,
  type SettingsView,
  type UpstoxTokenStatus,
} from '../../../shared/domain/settings';
import type { Clock } from '../clock';
import type { Emit } from '../events';
import type { Logger } from '../logger';
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

export function createSettingsService({ store, vault, clock, logger, emit, dataDir, environmentToken }: SettingsServiceDeps) {
  let values: Settings = load();

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
      return { present: true, hint: hintOf(environmentToken), source: 'environment', storage: 'environment', updatedAt: null };
    }
    const stored = vault.read(UPSTOX_TOKEN);
    if (!stored) return { present: false, hint: null, source: 'none', storage: 'none', updatedAt: null };
    return { present: true, hint: hintOf(stored.value), source: 'settings', storage: vault.storage, updatedAt: new Date(stored.updatedAt).toISOString() };
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
    update(patch: SettingsPatch): SettingsView {
      const next = SettingsSchema.parse({ ...values, ...patch });
      store.writeMany(patch, clock.now());
      values = next;
      logger.info('settings changed', { keys: Object.keys(patch) });
      emit('settings_changed', values);
      return view();
    },
    setUpstoxToken(token: string): SettingsView {
      vault.write(UPSTOX_TOKEN, token, clock.now());
      logger.info('upstox token stored', { storage: vault.storage });
      return view();
    },
    clearUpstoxToken(): SettingsView {
      vault.remove(UPSTOX_TOKEN);
      logger.info('upstox token removed');
      return view();
    },
  };
}
export type SettingsService = ReturnType<typeof createSettingsService>;
