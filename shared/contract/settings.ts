import { SettingsPatchSchema, SettingsSchema, SettingsViewSchema, UpstoxTokenInputSchema } from '../domain/settings';
import { command, NoInput, snapshot } from './define';

export const settingsCommands = {
  'settings.get': command(NoInput, SettingsViewSchema, { method: 'GET', path: '/settings' }),
  'settings.update': command(SettingsPatchSchema, SettingsViewSchema, { method: 'PUT', path: '/settings' }),
  'settings.setUpstoxToken': command(UpstoxTokenInputSchema.strict(), SettingsViewSchema, {
    method: 'PUT',
    path: '/settings/upstox-token',
  }),
  'settings.clearUpstoxToken': command(NoInput, SettingsViewSchema, {
    method: 'DELETE',
    path: '/settings/upstox-token',
  }),
} as const;

export const settingsEvents = {
  settings_changed: snapshot(SettingsSchema),
} as const;
