import type { Health, SystemStatus } from '../../../shared/domain/system';
import type { Clock } from '../common/clock';
import type { CommandContext } from '../common/commands';
import { checkDatabase } from '../store/open';
import type { Db } from '../store/types';
import { APP_VERSION } from '../common/version';

export interface SystemServiceDeps {
  db: Db;
  clock: Clock;
  dataDir: string;
  mode: () => 'demo' | 'live';
}

export function createSystemService({ db, clock, dataDir, mode }: SystemServiceDeps) {
  const startedAt = clock.now();
  const uptimeS = () => Math.round((clock.now() - startedAt) / 100) / 10;
  return {
    health: (): Health => ({ status: 'ok', version: APP_VERSION, uptimeS: uptimeS(), db: checkDatabase(db) }),
    status: (context: CommandContext): SystemStatus => ({
      version: APP_VERSION,
      uptimeS: uptimeS(),
      mode: mode(),
      dataDir,
      ...(context.transport === 'internal' ? {} : { transport: context.transport }),
    }),
  };
}
export type SystemService = ReturnType<typeof createSystemService>;
