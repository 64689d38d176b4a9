import type { settingsCommands } from '../../../shared/contract/settings';
import type { Clock } from '../common/clock';
import type { DomainHandlers } from '../common/commands';
import type { Emit } from '../common/events';
import type { Logger } from '../common/logger';
import type { Stores } from '../store';
import { createUpstoxCredentials } from './credentials';
import { createSettingsService } from './service';
import type { SecretVault } from './vault';

export interface SettingsModuleDeps {
  stores: Pick<Stores, 'settings'>;
  vault: SecretVault;
  clock: Clock;
  logger: Logger;
  emit: Emit;
  dataDir: string;
  /** `UPSTOX_ACCESS_TOKEN`: used unless a token from the Login flow is stored. */
  environmentToken: string | undefined;
}

/** The user's settings and the Upstox token; a new token (or none) is announced to whoever depends on it. */
export function createSettingsModule(deps: SettingsModuleDeps) {
  const credentials = createUpstoxCredentials(deps);
  const service = createSettingsService({
    ...deps,
    credentials,
    store: deps.stores.settings,
    logger: deps.logger.child('settings'),
  });
  const handlers: DomainHandlers<typeof settingsCommands> = {
    'settings.get': () => service.get(),
    'settings.update': (patch) => service.update(patch),
    'settings.setUpstoxToken': ({ token }) => service.setUpstoxToken(token),
    'settings.clearUpstoxToken': () => service.clearUpstoxToken(),
  };
  return { name: 'settings', handlers, service, credentials };
}
