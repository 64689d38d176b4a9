import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { WorkstationError } from '../../shared/errors';
import { DEFAULT_API_PORT, defaultDataDir, loadConfig } from './config';

function configError(env: NodeJS.ProcessEnv): WorkstationError {
  let thrown: unknown;
  try {
    loadConfig(env);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(WorkstationError);
  return thrown as WorkstationError;
}

describe('loadConfig', () => {
  it('has working defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(DEFAULT_API_PORT).toBe(7420);
    expect(config).toMatchObject({
      apiPort: 7420,
      upstoxApiUrl: 'https://api.upstox.com',
      upstoxOrderUrl: 'https://api-hft.upstox.com',
      upstoxAccessToken: undefined,
      apiToken: undefined,
      logLevel: 'info',
      logToConsole: false,
      validateEvents: false,
    });
    expect(path.isAbsolute(config.dataDir)).toBe(true);
    expect(config.dataDir).toBe(path.resolve(defaultDataDir()));
  });

  it('uses TICKDESK_DATA_DIR, resolved to an absolute path', () => {
    expect(loadConfig({ TICKDESK_DATA_DIR: '/srv/tickdesk' }).dataDir).toBe(path.resolve('/srv/tickdesk'));
    expect(loadConfig({ TICKDESK_DATA_DIR: 'relative/data' }).dataDir).toBe(
      path.resolve(process.cwd(), 'relative/data'),
    );
  });

  it('treats empty or blank variables as unset', () => {
    const config = loadConfig({ TICKDESK_DATA_DIR: '  ', UPSTOX_ACCESS_TOKEN: '', TICKDESK_API_TOKEN: ' ' });
    expect(config.dataDir).toBe(path.resolve(defaultDataDir()));
    expect(config.upstoxAccessToken).toBeUndefined();
    expect(config.apiToken).toBeUndefined();
  });

  it('an empty TICKDESK_API_PORT means the default port, like every other empty variable', () => {
    expect(loadConfig({ TICKDESK_API_PORT: '' }).apiPort).toBe(7420);
  });

  it('reads the port (0 = any free port), token, URLs without trailing slashes and log level', () => {
    const config = loadConfig({
      TICKDESK_API_PORT: '0',
      UPSTOX_ACCESS_TOKEN: ' live-token-value ',
      TICKDESK_API_TOKEN: 'a-long-enough-api-token',
      UPSTOX_API_URL: 'http://127.0.0.1:9999/',
      UPSTOX_ORDER_URL: 'http://127.0.0.1:9998//',
      TICKDESK_LOG_LEVEL: 'debug',
    });
    expect(config).toMatchObject({
      apiPort: 0,
      upstoxAccessToken: 'live-token-value',
      apiToken: 'a-long-enough-api-token',
      upstoxApiUrl: 'http://127.0.0.1:9999',
      upstoxOrderUrl: 'http://127.0.0.1:9998',
      logLevel: 'debug',
    });
    expect(loadConfig({ TICKDESK_API_PORT: '8123' }).apiPort).toBe(8123);
  });

  it.each(['abc', '70000', '-1', '80.5'])(
    'refuses TICKDESK_API_PORT=%s with VALIDATION_FAILED naming the variable',
    (port) => {
      const error = configError({ TICKDESK_API_PORT: port });
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.message).toContain('TICKDESK_API_PORT');
      expect(error.details?.[0]?.path).toEqual(['TICKDESK_API_PORT']);
    },
  );

  it('refuses a short TICKDESK_API_TOKEN, a bad URL and an unknown log level, naming each', () => {
    expect(configError({ TICKDESK_API_TOKEN: 'short' }).message).toContain('TICKDESK_API_TOKEN');
    expect(configError({ UPSTOX_API_URL: 'not a url' }).message).toContain('UPSTOX_API_URL');
    expect(configError({ TICKDESK_LOG_LEVEL: 'verbose' }).message).toContain('TICKDESK_LOG_LEVEL');
  });

  it('lets overrides win', () => {
    expect(loadConfig({ TICKDESK_DATA_DIR: '/a' }, { validateEvents: true, logToConsole: true })).toMatchObject({
      validateEvents: true,
      logToConsole: true,
    });
  });
});

describe('defaultDataDir', () => {
  it('uses %APPDATA% on Windows, falling back to the roaming profile', () => {
    expect(defaultDataDir('win32', { APPDATA: 'C:\\Users\\asha\\AppData\\Roaming' }, 'C:\\Users\\asha')).toBe(
      path.join('C:\\Users\\asha\\AppData\\Roaming', 'Tickdesk'),
    );
    expect(defaultDataDir('win32', {}, '/home/asha')).toBe(path.join('/home/asha', 'AppData', 'Roaming', 'Tickdesk'));
  });

  it('uses Application Support on macOS', () => {
    expect(defaultDataDir('darwin', {}, '/Users/asha')).toBe(
      path.join('/Users/asha', 'Library', 'Application Support', 'Tickdesk'),
    );
  });

  it('uses $XDG_CONFIG_HOME on Linux, else ~/.config', () => {
    expect(defaultDataDir('linux', { XDG_CONFIG_HOME: '/xdg' }, '/home/asha')).toBe(path.join('/xdg', 'Tickdesk'));
    expect(defaultDataDir('linux', {}, '/home/asha')).toBe(path.join('/home/asha', '.config', 'Tickdesk'));
  });

  it('ignores an empty $XDG_CONFIG_HOME or %APPDATA% instead of using the current folder', () => {
    expect(defaultDataDir('linux', { XDG_CONFIG_HOME: '' }, '/home/asha')).toBe(
      path.join('/home/asha', '.config', 'Tickdesk'),
    );
    expect(defaultDataDir('win32', { APPDATA: '' }, '/home/asha')).toBe(
      path.join('/home/asha', 'AppData', 'Roaming', 'Tickdesk'),
    );
  });
});
