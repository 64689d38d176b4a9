import { afterEach, describe, expect, it } from 'vitest';
import { RESOURCES_DIR, testClock } from '../../../tests/helpers/sim-client';
import { createMemoryLogger } from '../common/logger';
import { FUNDAMENTALS_COLUMNS } from '../sim';
import { createRateLimiter } from '../upstox/rate-limit';
import { openDemoSource, openUpstoxSource, type OpenedSource } from './sources';

const opened: OpenedSource[] = [];
afterEach(async () => {
  for (const source of opened.splice(0)) await source.close();
});

function deps() {
  const clock = testClock();
  return { clock, logger: createMemoryLogger(), fetch: globalThis.fetch, limiter: createRateLimiter({ clock }) };
}

describe('market sources', () => {
  it("reads the demo market's screener export through the given fetch; the real Upstox offers none", async () => {
    const asked: string[] = [];
    const demo = await openDemoSource({
      ...deps(),
      fetch: (input, init) => {
        asked.push(String(input));
        return globalThis.fetch(input, init);
      },
      resourcesDir: RESOURCES_DIR,
    });
    opened.push(demo);
    const csv = await demo.fundamentalsCsv!();
    const [header, ...rows] = csv.trimEnd().split('\n');
    expect(header).toBe(FUNDAMENTALS_COLUMNS.join(','));
    expect(rows.some((r) => r.startsWith('RELIANCE INDUSTRIES LTD,RELIANCE,'))).toBe(true);
    expect(asked).toEqual([`${demo.assetsUrl}/tickdesk-sim/fundamentals.csv`]);
    const aborted = new AbortController();
    aborted.abort(new Error('the user left'));
    await expect(demo.fundamentalsCsv!(aborted.signal)).rejects.toThrow('the user left');

    const upstox = openUpstoxSource({
      ...deps(),
      apiUrl: 'https://api.upstox.com',
      orderUrl: 'https://api-hft.upstox.com',
      assetsUrl: 'https://assets.upstox.com',
      auth: { token: () => undefined, noTokenReason: () => 'not logged in', onAnalyticsRefused: () => false },
    });
    expect(upstox.fundamentalsCsv).toBeUndefined();
  });
});
