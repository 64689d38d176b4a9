import path from 'node:path';

/** Where Upstox (and the simulator) publish the instrument master files, below the assets host. */
const MASTER_PATH = /^\/market-quote\/instruments\/exchange\/[A-Za-z0-9_]+\.json\.gz$/;
const LOCAL_MASTER = /\.json\.gz$/i;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

export type MasterSource = { kind: 'url'; url: string } | { kind: 'file'; path: string };

/**
 * Reads an import source: the master URL of an assets host the user configured (Upstox's, or the demo
 * simulator's), or an absolute path to a local `.json.gz` file. No `file:` URLs, queries, credentials or other
 * hosts: a caller holding the API token must not make the engine fetch or read anything else. Returns the reason
 * when the source is refused.
 */
export function parseMasterSource(
  source: string,
  allowedOrigins: readonly string[],
): MasterSource | { refused: string } {
  if (CONTROL.test(source) || source.includes('?') || source.includes('#'))
    return { refused: 'a source has no control characters, query or fragment' };
  if (path.posix.isAbsolute(source) || path.win32.isAbsolute(source)) {
    if (!LOCAL_MASTER.test(source)) return { refused: 'a local instrument master is a .json.gz file' };
    if (source.split(/[\\/]/).includes('..')) return { refused: 'a local path has no ".." segment' };
    return { kind: 'file', path: source };
  }
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    return { refused: 'expected an http(s) URL or an absolute path of a .json.gz file' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { refused: `${url.protocol} sources are not read; give an absolute path instead` };
  if (url.username || url.password) return { refused: 'a source URL carries no credentials' };
  if (!allowedOrigins.includes(url.origin))
    return {
      refused: `only the configured assets host is fetched (${allowedOrigins.join(', ') || 'none while the market is not running'})`,
    };
  if (!MASTER_PATH.test(url.pathname))
    return { refused: 'only instrument master files (/market-quote/instruments/exchange/<name>.json.gz) are fetched' };
  return { kind: 'url', url: url.href };
}

export function originOf(baseUrl: string): string | null {
  try {
    return new URL(baseUrl).origin;
  } catch {
    return null;
  }
}
