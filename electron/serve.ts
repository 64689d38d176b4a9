/**
 * Headless entry (`npm run serve`): the engine with the Local API and the built renderer on 127.0.0.1.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocalApi } from './engine/api/server';
import { apiTokenSource, loadOrCreateApiToken } from './engine/api/token';
import { loadConfig } from './engine/config';
import { createEngine } from './engine';

const here = path.dirname(fileURLToPath(import.meta.url));
const rendererDir = path.resolve(here, '..', 'out', 'renderer');

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const engine = createEngine(config);
  engine.start();
  const token = loadOrCreateApiToken(config.dataDir, config.apiToken);
  const api = await startLocalApi({
    router: engine.router,
    events: engine.events,
    logger: engine.logger.child('api'),
    token,
    port: config.apiPort,
    staticDir: rendererDir,
  });
  engine.localApiListening(api.origin);
  const mode = (await engine.router.call('system.status', {})).mode;

  // The URL carries the token in its fragment: browsers never send a fragment to a server, so it stays out of
  // request logs; the page moves it to session storage and removes it from the address bar.
  process.stdout.write(
    [
      `Tickdesk ${mode === 'demo' ? '(demo mode: no Upstox token set) ' : ''}is running.`,
      `  Open:  ${api.origin}/#token=${token}`,
      `  API:   ${api.origin}/api/v1  (bearer token ${apiTokenSource(config.dataDir, config.apiToken)})`,
      `  Data:  ${config.dataDir}`,
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    engine.logger.info('stopping', { signal });
    await api.close();
    await engine.shutdown();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`Tickdesk could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
