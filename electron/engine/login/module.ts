import type { loginCommands } from '../../../shared/contract/login';
import type { DomainHandlers } from '../common/commands';
import type { LoginServiceDeps } from './service';
import { createLoginService } from './service';

/** The Upstox login: app credentials, the OAuth flow, logout, the Analytics token and each call's token. */
export function createLoginModule(deps: LoginServiceDeps) {
  const service = createLoginService({ ...deps, logger: deps.logger.child('login') });
  const handlers: DomainHandlers<typeof loginCommands> = {
    'login.status': () => service.status(),
    'login.setApp': (input) => service.setApp(input),
    'login.start': () => service.start(),
    'login.complete': (callback) => service.complete(callback),
    'login.logout': () => service.logout(),
    'login.setAnalyticsToken': ({ token }) => service.setAnalyticsToken(token),
    'login.clearAnalyticsToken': () => service.clearAnalyticsToken(),
  };
  return {
    name: 'login',
    handlers,
    service,
    start: () => service.watchExpiry(),
    stop: () => service.stop(),
  };
}
export type LoginModule = ReturnType<typeof createLoginModule>;
