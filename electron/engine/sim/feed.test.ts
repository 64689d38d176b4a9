import { afterEach, describe, expect, it } from 'vitest';
import { closeSockets, connectSocket } from '../../../tests/helpers/net';
import { waitFor } from '../../../tests/helpers/wait';
import { MARKET_SEGMENTS } from './frames';
import { authorize, FeedClient, ltpcOf, startSim, stopSims, type DecodedTick } from '../../../tests/helpers/sim-client';

afterEach(async () => {
  closeSockets();
  await stopSims();
});

const RELIANCE = 'NSE_EQ|INE002A01018';
const NIFTY = 'NSE_INDEX|Nifty 50';

type Market = Record<string, unknown> & {
  ltpc: { ltp: number; ltq?: number };
  vtt: number;
  marketLevel: { bidAskQuote: Array<{ bidP: number; askP: number; bidQ: number; askQ: number }> };
};

describe('simulator feed', () => {
  it('speaks the V3 protocol: market_info first, initial_feed after sub, then live_feed with moving prices', async () => {
    const seen = new Map<string, number>();
    const sim = await startSim({
      ticksPerInterval: 'all',
      onTicksSent: (keys) => keys.forEach((k) => seen.set(k, (seen.get(k) ?? 0) + 1)),
    });
    const option = sim.instruments().find((i) => i.instrumentType === 'CE')!.instrumentKey;
    const keys = [RELIANCE, NIFTY, option];
    const client = await FeedClient.connect(sim);
    const info = await client.waitForFrame('market_info', () => true);
    expect(info.type).toBe('market_info');
    for (const segment of MARKET_SEGMENTS) expect(info.marketInfo!.segmentStatus[segment]).toBe('NORMAL_OPEN');

    client.send('sub', keys, 'full');
    const initial = await client.waitForFrame('initial_feed', (f) => f.type === 'initial_feed');
    expect(Object.keys(initial.feeds).sort()).toEqual([...keys].sort());
    expect(client.frames.indexOf(initial)).toBeGreaterThan(0);
    for (const key of keys) expect(initial.feeds[key]!.requestMode).toBe('full_d5');

    const index = initial.feeds[NIFTY]!.fullFeed!.indexFF!;
    expect((index.marketOHLC as { ohlc: Array<{ interval: string }> }).ohlc.map((o) => o.interval)).toEqual([
      '1d',
      'I1',
      'I1',
    ]);
    const stock = initial.feeds[RELIANCE]!.fullFeed!.marketFF as Market;
    expect(stock.marketLevel.bidAskQuote).toHaveLength(5);
    expect(stock.marketLevel.bidAskQuote[0]!.bidP).toBeLessThan(stock.ltpc.ltp);
    expect(stock.marketLevel.bidAskQuote[0]!.askP).toBeGreaterThan(stock.ltpc.ltp);
    expect(stock).toMatchObject({ atp: expect.any(Number), tbq: expect.any(Number), tsq: expect.any(Number) });
    expect(stock.optionGreeks).toBeUndefined();
    const opt = initial.feeds[option]!.fullFeed!.marketFF as Market & {
      optionGreeks: { delta: number };
      iv: number;
      oi: number;
    };
    expect(opt.optionGreeks.delta).toBeGreaterThan(0);
    expect(opt.iv).toBeGreaterThan(0);
    expect(opt.oi).toBeGreaterThan(0);

    // Live frames: the ltp moves and the volume only grows.
    const live = () => client.ofType('live_feed').filter((f) => f.feeds[RELIANCE]);
    await waitFor(() => new Set(live().map((f) => ltpcOf(f.feeds[RELIANCE]!).ltp)).size >= 3, 'RELIANCE ltp to change');
    const vtts = [stock.vtt, ...live().map((f) => (f.feeds[RELIANCE]!.fullFeed!.marketFF as Market).vtt)];
    for (let i = 1; i < vtts.length; i++) expect(vtts[i]!).toBeGreaterThan(vtts[i - 1]!);
    for (const f of live()) expect(ltpcOf(f.feeds[RELIANCE]!).ltq).toBeGreaterThan(0);
    expect(live().every((f) => f.currentTs > 0)).toBe(true);
    expect(sim.stats()).toMatchObject({
      authorizeCalls: 1,
      upgrades: 1,
      openSockets: 1,
      subscriptions: { full: 3, ltpc: 0 },
    });
    expect(seen.get(RELIANCE)).toBeGreaterThan(1);
    expect(sim.stats().ticksSent).toBe([...seen.values()].reduce((a, b) => a + b, 0));
  });

  it('fills each mode as Upstox does and honours change_mode and unsub', async () => {
    const sim = await startSim({ ticksPerInterval: 'all' });
    const option = sim.instruments().find((i) => i.instrumentType === 'PE')!.instrumentKey;
    const client = await FeedClient.connect(sim);
    client.send('sub', [RELIANCE, option], 'option_greeks');
    const greeks = await client.waitForFrame('option_greeks initial feed', (f) => f.type === 'initial_feed');
    const pe = greeks.feeds[option]!;
    expect(pe.requestMode).toBe('option_greeks');
    const flg = pe.firstLevelWithGreeks as {
      firstDepth: { bidP: number; askP: number };
      optionGreeks: { delta: number };
      iv: number;
      ltpc: { ltp: number };
    };
    expect(flg.optionGreeks.delta).toBeLessThan(0);
    expect(flg.firstDepth.bidP).toBeLessThan(flg.ltpc.ltp);
    expect(flg.firstDepth.askP).toBeGreaterThan(flg.ltpc.ltp);

    client.send('change_mode', [RELIANCE], 'ltpc');
    // requestMode ltpc is the enum's zero: proto3 leaves it off the wire, as Upstox does.
    const changed = await client.waitForFrame(
      'ltpc after change_mode',
      (f) => f.type === 'initial_feed' && f.feeds[RELIANCE]?.ltpc !== undefined,
    );
    expect(changed.feeds[RELIANCE]).toEqual({
      ltpc: expect.objectContaining({ ltp: expect.any(Number), cp: expect.any(Number) }),
    } satisfies DecodedTick);
    await waitFor(
      () => sim.stats().subscriptions.ltpc === 1 && sim.stats().subscriptions.option_greeks === 1,
      'counts after change_mode',
    );

    client.send('unsub', [RELIANCE]);
    // Requests are handled in order, so frames after the answer to this later sub all follow the unsub.
    client.send('sub', [NIFTY], 'ltpc');
    const barrier = await client.waitForFrame(
      'the NIFTY initial feed',
      (f) => f.type === 'initial_feed' && f.feeds[NIFTY] !== undefined,
    );
    expect(sim.stats().subscriptions).toMatchObject({ ltpc: 1, option_greeks: 1 });
    const mark = client.frames.indexOf(barrier) + 1;
    await waitFor(
      () => client.frames.slice(mark).filter((f) => f.type === 'live_feed').length >= 5,
      'more live frames',
    );
    expect(client.frames.slice(mark).filter((f) => f.feeds[RELIANCE])).toEqual([]);

    // Requests only count in binary frames; text frames are ignored.
    client.ws.send(JSON.stringify({ guid: 'x', method: 'sub', data: { mode: 'full', instrumentKeys: [RELIANCE] } }));
    await waitFor(() => sim.stats().textFramesIgnored === 1, 'text frame counted');
    expect(sim.stats().subscriptions.full).toBe(0);
  });

  it('silently ignores unknown keys and keys over the per-mode limits', async () => {
    const sim = await startSim({
      subscriptionLimits: { full: { individual: 5, combined: 3 }, ltpc: { individual: 8, combined: 4 } },
    });
    const all = sim.instruments().map((i) => i.instrumentKey);
    const client = await FeedClient.connect(sim);
    client.send('sub', ['NSE_EQ|INE000UNKNOWN', ...all.slice(0, 10)], 'full');
    const first = await client.waitForFrame('initial feed', (f) => f.type === 'initial_feed');
    expect(Object.keys(first.feeds)).toHaveLength(5);
    expect(sim.stats().subscriptions.full).toBe(5);
    // A second mode in use: its keys now fall under the combined limit.
    client.send('sub', all.slice(20, 30), 'ltpc');
    const second = await client.waitForFrame('second initial feed', (f) => f.type === 'initial_feed' && f !== first);
    expect(Object.keys(second.feeds)).toHaveLength(4);
    expect(sim.stats().subscriptions).toEqual({ ltpc: 4, full: 5, option_greeks: 0, full_d30: 0 });
    expect(client.closeCode).toBeNull();
    expect(client.undecodable).toHaveLength(0);
  });

  it('refuses a reused or unknown feed code with HTTP 401 on the upgrade', async () => {
    const sim = await startSim();
    const url = await authorize(sim);
    expect((await connectSocket(url)).kind).toBe('open');
    expect(await connectSocket(url)).toEqual({ kind: 'refused', statusCode: 401 });
    expect(await connectSocket(url.replace(/code=[^&]+/, 'code=not-a-code'))).toEqual({
      kind: 'refused',
      statusCode: 401,
    });
    expect(sim.stats()).toMatchObject({ upgrades: 3, upgradesRefused: 2, connections: 1 });
  });

  it('redirects a Bearer upgrade on the direct feed path (path A) to a fresh feeder URL', async () => {
    const sim = await startSim();
    const direct = `${sim.apiUrl.replace('http', 'ws')}/v3/feed/market-data-feed`;
    expect(await connectSocket(direct)).toEqual({ kind: 'refused', statusCode: 401 });
    const outcome = await connectSocket(direct, { headers: { authorization: 'Bearer demo' }, followRedirects: true });
    expect(outcome.kind).toBe('open');
  });

  it('starts the same market for the same seed and clock', async () => {
    const snapshot = async (seed: number) => {
      const sim = await startSim({ seed, tickIntervalMs: 60_000 });
      // The option strikes sit around the seed's Nifty level, so the key set is per seed too.
      const keys = sim.instruments().map((i) => i.instrumentKey);
      const client = await FeedClient.connect(sim);
      client.send('sub', keys, 'ltpc');
      const frame = await client.waitForFrame('initial feed', (f) => f.type === 'initial_feed');
      return keys.map((k) => ltpcOf(frame.feeds[k]!).ltp);
    };
    const a = await snapshot(7);
    expect(await snapshot(7)).toEqual(a);
    expect(await snapshot(8)).not.toEqual(a);
  });
});
