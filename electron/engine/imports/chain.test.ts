import { describe, expect, it } from 'vitest';
import type { OhlcvBar } from '../../../shared/domain/feed';
import type { ImportTimeframe } from '../../../shared/domain/imports';
import { FakeClock } from '../../../tests/helpers/fake-clock';
import { createMemoryLogger } from '../common/logger';
import { createProviderChain, type RangeWanted } from './chain';
import { ProviderError, type CandleRequest, type OhlcvProvider } from './providers/provider';

const bar = (ts: number): OhlcvBar => ({ ts, open: 1, high: 2, low: 0.5, close: 1.5, volume: 10, oi: 0 });

/**
 * A provider whose answers the test scripts (the chain's logic is under test, not a source): each request takes the
 * next outcome, an error or a number of bars.
 */
function scripted(id: string, outcomes: (ProviderError | number)[], timeframes?: ImportTimeframe[]) {
  const asked: CandleRequest[] = [];
  const provider: OhlcvProvider = {
    id,
    supports: (tf) => !timeframes || timeframes.includes(tf),
    limits: () => ({ spanMonths: 12, earliest: '2000-01-01' }),
    async fetchCandles(request) {
      asked.push(request);
      const next = outcomes.length > 0 ? outcomes.shift()! : 1;
      if (next instanceof ProviderError) throw next;
      return Array.from({ length: next }, (_, i) => bar(asked.length * 1000 + i));
    },
  };
  return { provider, asked };
}

const want = (timeframe: ImportTimeframe = '1d'): RangeWanted => ({
  instrumentKey: 'NSE_EQ|INE002A01018',
  tradingSymbol: 'RELIANCE',
  timeframe,
  wantedFrom: '2024-01-01',
  today: '2025-12-31',
  stored: null,
});
const timeout = () => new ProviderError('NETWORK_TIMEOUT', 'timed out', true);
const signal = () => new AbortController().signal;

function chainOf(...providers: OhlcvProvider[]) {
  const clock = new FakeClock();
  return { clock, chain: createProviderChain({ providers: () => providers, clock, logger: createMemoryLogger() }) };
}

describe('provider chain', () => {
  it('serves a range from the first provider, request by request in the spans it allows', async () => {
    const upstox = scripted('upstox', [3, 4]);
    const { chain } = chainOf(upstox.provider, scripted('yahoo', []).provider);
    const fetched = await chain.fetch(want(), signal());
    expect(fetched).toMatchObject({ provider: 'upstox', requests: 2 });
    expect(fetched.bars).toHaveLength(7);
    expect(upstox.asked.map((r) => [r.from, r.to])).toEqual([
      ['2024-01-01', '2024-12-31'],
      ['2025-01-01', '2025-12-31'],
    ]);
  });

  it('falls back to the next provider for the whole range when one fails half-way, never mixing their bars', async () => {
    const upstox = scripted('upstox', [3, timeout()]);
    const yahoo = scripted('yahoo', [5, 6]);
    const { chain } = chainOf(upstox.provider, yahoo.provider);
    const fetched = await chain.fetch(want(), signal());
    expect(fetched.provider).toBe('yahoo');
    expect(fetched.bars).toHaveLength(11);
    expect(yahoo.asked[0]!.from).toBe('2024-01-01');
  });

  it('skips providers that do not serve the timeframe, and throws the first error when none can', async () => {
    const upstox = scripted('upstox', [new ProviderError('SYMBOL_NOT_FOUND', 'unknown instrument', false)]);
    const yahoo = scripted('yahoo', [], ['1d', '1w']);
    const { chain } = chainOf(upstox.provider, yahoo.provider);
    await expect(chain.fetch(want('1h'), signal())).rejects.toMatchObject({ code: 'SYMBOL_NOT_FOUND' });
    expect(yahoo.asked).toHaveLength(0);
  });

  it('opens a breaker after five failures in a row, keeps the provider out for the cooldown, then tries it once', async () => {
    const upstox = scripted('upstox', Array.from({ length: 6 }, timeout));
    const yahoo = scripted('yahoo', []);
    const { chain, clock } = chainOf(upstox.provider, yahoo.provider);
    for (let i = 0; i < 5; i++) await chain.fetch(want(), signal());
    expect(upstox.asked).toHaveLength(5);
    expect(chain.breakers()).toEqual({ upstox: 'open', yahoo: 'closed' });
    await chain.fetch(want(), signal());
    expect(upstox.asked).toHaveLength(5);

    clock.advance(60_000);
    expect(chain.breakers().upstox).toBe('half-open');
    // The trial fails: open again at once, for another cooldown.
    await chain.fetch(want(), signal());
    expect(upstox.asked).toHaveLength(6);
    expect(chain.breakers().upstox).toBe('open');

    clock.advance(60_000);
    const fetched = await chain.fetch(want(), signal());
    expect(fetched.provider).toBe('upstox');
    expect(chain.breakers().upstox).toBe('closed');
  });

  it("opens at once on a refused key; an unknown symbol or one symbol's unusable answer never counts against the provider", async () => {
    let n = 0;
    const notFound = () =>
      n++ % 2 === 0
        ? new ProviderError('SYMBOL_NOT_FOUND', 'unknown', false)
        : new ProviderError('BAD_RESPONSE', 'one garbled answer', false);
    const upstox = scripted('upstox', [
      ...Array.from({ length: 6 }, notFound),
      new ProviderError('API_KEY_INVALID', 'expired', false),
    ]);
    const { chain } = chainOf(upstox.provider);
    for (let i = 0; i < 6; i++)
      await expect(chain.fetch(want(), signal())).rejects.toMatchObject({
        code: i % 2 === 0 ? 'SYMBOL_NOT_FOUND' : 'BAD_RESPONSE',
      });
    expect(chain.breakers().upstox).toBe('closed');
    await expect(chain.fetch(want(), signal())).rejects.toMatchObject({ code: 'API_KEY_INVALID' });
    expect(chain.breakers().upstox).toBe('open');
    await expect(chain.fetch(want(), signal())).rejects.toThrow(/upstox paused after failures: expired/);
    expect(upstox.asked).toHaveLength(7);
  });

  it('plans with the first provider that serves the timeframe, and counts each answered request', async () => {
    const { chain } = chainOf(scripted('yahoo', [], ['1d']).provider, scripted('upstox', []).provider);
    expect(chain.plannedRequests({ ...want('1h') })).toBe(2);
    const answered: number[] = [];
    await chain.fetch(want('1d'), signal(), (ms) => answered.push(ms));
    expect(answered).toHaveLength(2);
  });

  it("with no other source, a symbol waits for a paused provider's trial instead of failing unasked", async () => {
    const upstox = scripted('upstox', Array.from({ length: 5 }, timeout));
    const { chain, clock } = chainOf(upstox.provider);
    for (let i = 0; i < 5; i++)
      await expect(chain.fetch(want(), signal())).rejects.toMatchObject({ code: 'NETWORK_TIMEOUT' });
    expect(chain.breakers().upstox).toBe('open');

    let settled = false;
    const waiting = chain.fetch(want(), signal()).finally(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(upstox.asked).toHaveLength(5);
    clock.advance(59_000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    clock.advance(1_000);
    await expect(waiting).resolves.toMatchObject({ provider: 'upstox' });
    expect(upstox.asked).toHaveLength(7);
    expect(chain.breakers().upstox).toBe('closed');
  });

  it("a symbol that waited fails with the answer its own trial request got, not another symbol's", async () => {
    const upstox = scripted(
      'upstox',
      Array.from({ length: 20 }, (_, n) => new ProviderError('NETWORK_TIMEOUT', `no answer ${n + 1}`, true)),
    );
    const { chain, clock } = chainOf(upstox.provider);
    for (let i = 0; i < 5; i++)
      await expect(chain.fetch(want(), signal())).rejects.toMatchObject({ code: 'NETWORK_TIMEOUT' });
    let done = false;
    const outcome = chain.fetch(want(), signal()).catch((error: unknown) => ((done = true), error));
    for (let cooldowns = 0; !done && cooldowns < 10; cooldowns++) {
      for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
      clock.advance(60_000);
    }
    expect(await outcome).toMatchObject({ code: 'NETWORK_TIMEOUT', message: 'no answer 6' });
    // One trial request after the cooldown, not a storm.
    expect(upstox.asked).toHaveLength(6);
  });

  it("does not wait for a paused fallback when the first provider answered: its error is the symbol's", async () => {
    const upstox = scripted(
      'upstox',
      Array.from({ length: 7 }, () => new ProviderError('SYMBOL_NOT_FOUND', 'unknown', false)),
    );
    const yahoo = scripted('yahoo', Array.from({ length: 5 }, timeout));
    const { chain } = chainOf(upstox.provider, yahoo.provider);
    for (let i = 0; i < 5; i++)
      await expect(chain.fetch(want(), signal())).rejects.toMatchObject({ code: 'SYMBOL_NOT_FOUND' });
    expect(chain.breakers()).toEqual({ upstox: 'closed', yahoo: 'open' });
    await expect(chain.fetch(want(), signal())).rejects.toMatchObject({ code: 'SYMBOL_NOT_FOUND' });
    expect(yahoo.asked).toHaveLength(5);
  });
});
