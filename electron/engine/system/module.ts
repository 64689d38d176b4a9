import type { systemCommands } from '../../../shared/contract/system';
import type { Clock } from '../common/clock';
import type { DomainHandlers } from '../common/commands';
import type { Stores } from '../store';
import { createSystemService } from './service';

export interface SystemModuleDeps {
  stores: Pick<Stores, 'db'>;
  clock: Clock;
  dataDir: string;
  mode: () => 'demo' | 'live';
}

/** Health and status of the engine. */
export function createSystemModule({ stores, clock, dataDir, mode }: SystemModuleDeps) {
  const service = createSystemService({ db: stores.db, clock, dataDir, mode });
  const handlers: DomainHandlers<typeof systemCommands> = {
    'system.health': () => service.health(),
    'system.status': (_input, context) => service.status(context),
  };
  return {
    name: 'system',
    handlers,
    service,
  };
}
