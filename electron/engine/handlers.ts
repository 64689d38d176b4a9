import type { CommandHandlers } from './router';
import type { SettingsService } from './settings/service';
import type { SystemService } from './system';

export interface Services {
  system: SystemService;
  settings: SettingsService;
}

/** Binds every contract command to the service that answers it; nothing here decides anything. */
export function bindHandlers({ system, settings }: Services): CommandHandlers {
  return {
    'system.health': () => system.health(),
    'system.status': (_input, context) => system.status(context),
    'settings.get': () => settings.get(),
    'settings.update': (patch) => settings.update(patch),
    'settings.setUpstoxToken': ({ token }) => settings.setUpstoxToken(token),
    'settings.clearUpstoxToken': () => settings.clearUpstoxToken(),
  };
}
