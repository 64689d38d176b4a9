import {
  AnalyticsTokenInputSchema,
  LoginCallbackSchema,
  LoginStartSchema,
  LoginStatusSchema,
  UpstoxAppInputSchema,
} from '../domain/login';
import { command, NoInput, snapshot } from './define';

export const loginCommands = {
  'login.status': command(NoInput, LoginStatusSchema, { method: 'GET', path: '/login' }),
  'login.setApp': command(UpstoxAppInputSchema, LoginStatusSchema, { method: 'PUT', path: '/login/app' }),
  'login.start': command(NoInput, LoginStartSchema, { method: 'POST', path: '/login/start' }),
  /** The desktop login window hands over Upstox's redirect here; headless, the callback route does. */
  'login.complete': command(LoginCallbackSchema, LoginStatusSchema, { method: 'POST', path: '/login/complete' }),
  'login.logout': command(NoInput, LoginStatusSchema, { method: 'DELETE', path: '/login' }),
  'login.setAnalyticsToken': command(AnalyticsTokenInputSchema, LoginStatusSchema, {
    method: 'PUT',
    path: '/login/analytics-token',
  }),
  'login.clearAnalyticsToken': command(NoInput, LoginStatusSchema, {
    method: 'DELETE',
    path: '/login/analytics-token',
  }),
} as const;

export const loginEvents = {
  login_changed: snapshot(LoginStatusSchema),
} as const;
