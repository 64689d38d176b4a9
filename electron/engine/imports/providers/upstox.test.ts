import { afterEach, describe, expect, it } from 'vitest';
import { IMPORT_TIMEFRAMES } from '../../../../shared/domain/imports';
import { istDate } from '../../../../shared/time';
import { startSim, stopSims, testClock, TOKEN } from '../../../../tests/helpers/sim-client';
import { createMemoryLogger } from '../../common/logger';
import { createUpstoxRest } from '../../upstox/rest';
import { lookbackStart, planRequests } from '../plan';
import { ProviderError } from './provider';
import { createUpstoxProvider } from './upstox';

afterEach(stopSims);

const RELIANCE = 'NSE_EQ|INE002A01018';
const LOOKBACK_DAYS = { '1m': 60, '30m': 365, '1h': 365, '1d': 3650, '1w': 3650, '1M': 7300 } as const;

async function providerOn(token = TOKEN) {
  const clock = testClock();
  const sim = await startSim({ acceptToken: (t) => t === TOKEN });
  const rest = createUpstoxRest({
    apiUrl: sim.apiUrl,
    orderUrl: sim.apiUrl,
    token: () => token,
    fetch,
    clock,
    logger: createMemoryLogger(),
    maxRetries: 0,
  });
  return { provider: createUpstoxProvider(rest), today: istDate(clock.now()) };
}

describe('Upstox historical candle provider (against the simulator, which enforces the v3 spans)', () => {
  it.each(IMPORT_TIMEFRAMES)(
    'fetches a planned %s import: every request within the allowed span, bars oldest first, no duplicates',
    async (timeframe) => {
      const { provider, today } = await providerOn();
      const requests = planRequests(
        provider.limits(timeframe),
        lookbackStart(today, LOOKBACK_DAYS[timeframe]),
        today,
        null,
      );
      expect(requests.length).toBeGreaterThan(0);
      const seen = new Set<number>();
      for (const { from, to } of requests) {
        const bars = await provider.fetchCandles(
          { instrumentKey: RELIANCE, tradingSymbol: 'RELIANCE', timeframe, from, to },
          AbortSignal.timeout(10_000),
        );
        for (let i = 1; i < bars.length; i++) expect(bars[i]!.ts).toBeGreaterThan(bars[i - 1]!.ts);
        for (const bar of bars) {
          expect(seen.has(bar.ts), `${timeframe} bar ${new Date(bar.ts).toISOString()} served twice`).toBe(false);
          seen.add(bar.ts);
          // A weekly or monthly bar starts on its period's first day, which may come before the range's first date.
          const earliest =
            timeframe === '1M'
              ? `${from.slice(0, 7)}-01`
              : timeframe === '1w'
                ? istDate(Date.parse(from) - 6 * 86_400_000)
                : from;
          expect(
            istDate(bar.ts) >= earliest && istDate(bar.ts) <= to,
            `${timeframe} bar of ${istDate(bar.ts)} in ${from}..${to}`,
          ).toBe(true);
        }
      }
      expect(seen.size).toBeGreaterThan(0);
    },
  );

  it('says SYMBOL_NOT_FOUND for a key Upstox does not know and API_KEY_INVALID for a refused token, neither worth a retry', async () => {
    const { provider, today } = await providerOn();
    const unknown = provider.fetchCandles(
      { instrumentKey: 'NSE_EQ|INE000000000', tradingSymbol: 'NONE', timeframe: '1d', from: today, to: today },
      AbortSignal.timeout(10_000),
    );
    await expect(unknown).rejects.toEqual(expect.objectContaining({ code: 'SYMBOL_NOT_FOUND', retryable: false }));
    await expect(unknown).rejects.toBeInstanceOf(ProviderError);

    const refused = await providerOn('expired-token');
    await expect(
      refused.provider.fetchCandles(
        { instrumentKey: RELIANCE, tradingSymbol: 'RELIANCE', timeframe: '1d', from: today, to: today },
        AbortSignal.timeout(10_000),
      ),
    ).rejects.toEqual(expect.objectContaining({ code: 'API_KEY_INVALID', retryable: false }));
  });
});
