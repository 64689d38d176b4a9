import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { APP_NAME } from '../../shared/constants';
import { parseOrThrow } from './common/parse';

export const DEFAULT_API_PORT = 7420;

/** `resources/` of the repository; the desktop build passes its own (inside the packaged app). */
const DEFAULT_RESOURCES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'resources');

export interface EngineConfig {
  dataDir: string;
  /** The product's data files (holiday calendar, universes); read-only. */
  resourcesDir: string;
  upstoxAccessToken: string | undefined;
  upstoxApiUrl: string;
  upstoxOrderUrl: string;
  /** Host of the instrument master files (`/market-quote/instruments/exchange/complete.json.gz`). */
  upstoxAssetsUrl: string;
  apiPort: number;
  apiToken: string | undefined;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  logToConsole: boolean;
  /** Check every emitted event against the contract (tests). */
  validateEvents: boolean;
}

/** Where the OS keeps per-user application data; Electron's `userData` resolves to the same folder. */
export function defaultDataDir(
  platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home = os.homedir(),
): string {
  // An empty variable means unset: never fall back to the current folder.
  if (platform === 'win32') return path.join(env.APPDATA || path.join(home, 'AppData', 'Roaming'), APP_NAME);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_NAME);
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), APP_NAME);
}

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const EnvSchema = z.object({
  TICKDESK_DATA_DIR: optionalText,
  UPSTOX_ACCESS_TOKEN: optionalText,
  UPSTOX_API_URL: z.url().default('https://api.upstox.com'),
  UPSTOX_ORDER_URL: z.url().default('https://api-hft.upstox.com'),
  UPSTOX_ASSETS_URL: z.url().default('https://assets.upstox.com'),
  TICKDESK_API_PORT: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z.coerce.number().int().min(0).max(65535).default(DEFAULT_API_PORT),
  ),
  TICKDESK_API_TOKEN: optionalText.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  TICKDESK_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

/** Reads the configuration from the environment (DESIGN.md "Configuration"); a bad value names its variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<EngineConfig> = {}): EngineConfig {
  const e = parseOrThrow(EnvSchema, env, 'bad configuration');
  return {
    dataDir: path.resolve(e.TICKDESK_DATA_DIR ?? defaultDataDir()),
    resourcesDir: DEFAULT_RESOURCES_DIR,
    upstoxAccessToken: e.UPSTOX_ACCESS_TOKEN,
    upstoxApiUrl: e.UPSTOX_API_URL.replace(/\/+$/, ''),
    upstoxOrderUrl: e.UPSTOX_ORDER_URL.replace(/\/+$/, ''),
    upstoxAssetsUrl: e.UPSTOX_ASSETS_URL.replace(/\/+$/, ''),
    apiPort: e.TICKDESK_API_PORT,
    apiToken: e.TICKDESK_API_TOKEN,
    logLevel: e.TICKDESK_LOG_LEVEL,
    logToConsole: false,
    validateEvents: false,
    ...overrides,
  };
}
