import { describe, expect, it } from 'vitest';
import { parseMasterSource } from './master-source';

const ASSETS = 'https://assets.upstox.com';
const MASTER = `${ASSETS}/market-quote/instruments/exchange/complete.json.gz`;

describe('parseMasterSource', () => {
  it('accepts the configured assets host master files and absolute local .json.gz paths', () => {
    expect(parseMasterSource(MASTER, [ASSETS])).toEqual({ kind: 'url', url: MASTER });
    expect(parseMasterSource(`${ASSETS}/market-quote/instruments/exchange/NSE.json.gz`, [ASSETS])).toMatchObject({
      kind: 'url',
    });
    expect(
      parseMasterSource('http://127.0.0.1:5555/market-quote/instruments/exchange/complete.json.gz', [
        'http://127.0.0.1:5555',
      ]),
    ).toMatchObject({
      kind: 'url',
    });
    expect(parseMasterSource('/home/trader/Downloads/complete.json.gz', [ASSETS])).toEqual({
      kind: 'file',
      path: '/home/trader/Downloads/complete.json.gz',
    });
    expect(parseMasterSource('C:\\Users\\trader\\complete.JSON.GZ', [ASSETS])).toMatchObject({ kind: 'file' });
  });

  it.each([
    ['a file: URL with a query trick', 'file:///etc/passwd?x=.json.gz', /control characters, query or fragment/],
    ['a file: URL', 'file:///home/trader/complete.json.gz', /file: sources are not read/],
    ['the Local API itself', 'http://127.0.0.1:7420/api/v1/settings?.json.gz', /query/],
    [
      'another host',
      'https://evil.example/market-quote/instruments/exchange/complete.json.gz',
      /only the configured assets host/,
    ],
    [
      'the assets host on another port',
      'https://assets.upstox.com:8443/market-quote/instruments/exchange/complete.json.gz',
      /only the configured assets host/,
    ],
    [
      'credentials in the URL',
      'https://user:pw@assets.upstox.com/market-quote/instruments/exchange/complete.json.gz',
      /no credentials/,
    ],
    ['another path on the assets host', `${ASSETS}/private/complete.json.gz`, /only instrument master files/],
    [
      'a dot-dot path on the host',
      `${ASSETS}/market-quote/instruments/exchange/../../x.json.gz`,
      /only instrument master files/,
    ],
    ['a fragment', `${MASTER}#x`, /fragment/],
    ['a local file of another kind', '/etc/passwd', /is a \.json\.gz file/],
    ['a dot-dot local path', '/tmp/../etc/shadow.json.gz', /no "\.\." segment/],
    ['a relative path', 'complete.json.gz', /expected an http\(s\) URL or an absolute path/],
    ['a NUL byte', '/tmp/a\u0000.json.gz', /control characters/],
    ['a javascript: URL', 'javascript:alert(1)//.json.gz', /javascript: sources are not read/],
  ])('refuses %s', (_what, source, reason) => {
    const parsed = parseMasterSource(source, [ASSETS]);
    expect(parsed).toHaveProperty('refused');
    expect((parsed as { refused: string }).refused).toMatch(reason);
  });

  it('fetches from no host while none is configured (the demo market not running yet)', () => {
    expect(parseMasterSource(MASTER, [])).toEqual({
      refused: expect.stringMatching(/none while the market is not running/),
    });
  });
});
