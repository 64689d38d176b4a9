import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import type { MarketStatus } from '../../shared/domain/feed';
import { loadFeedSchema } from '../../electron/engine/upstox/proto';
import { startEngine, stopAll } from '../helpers/engine';
import { removeTempDirs } from '../helpers/temp-dir';
import { waitFor } from '../helpers/wait';

const RESOURCES = path.resolve(import.meta.dirname, '..', '..', 'resources');
const schema = loadFeedSchema(RESOURCES);

/**
 * A bare Upstox-shaped peer that sends `market_info` and then nothing: exactly the overnight feed, where only
 * WebSocket pings and pongs keep the link alive. `ws` answers the client's pings by itself.
 */
async function silentPeer(segmentStatus: Record<string, MarketStatus>, frames: Uint8Array[] = []) {
  const sockets = new Set<WebSocket>();
  let connections = 0;
  const wss = new WebSocketServer({ noServer: true });
  const server = http.createServer((req, res) => {
    const port = (server.address() as AddressInfo).port;
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        status: 'success',
        data: { authorized_redirect_uri: `ws://127.0.0.1:${port}/feed?code=${connections}` },
      }),
    );
  });
  server.on('upgrade', (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, (ws) => {
      connections++;
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      const statuses = Object.fromEntries(
        Object.entries(segmentStatus).map(([k, v]) => [k, schema.root.lookupEnum('MarketStatus').values[v]]),
      );
      const frame = schema.FeedResponse.encode(
        schema.FeedResponse.fromObject({ type: 2, currentTs: Date.now(), marketInfo: { segmentStatus: statuses } }),
      ).finish();
      ws.send(frame, { binary: true });
      for (const extra of frames) ws.send(extra, { binary: true });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    connections: () => connections,
    close: async () => {
      for (const ws of sockets) ws.terminate();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const peers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await stopAll();
  for (const peer of peers.splice(0)) await peer.close();
  removeTempDirs();
});

async function engineAgainst(status: MarketStatus) {
  const peer = await silentPeer({ NSE_EQ: status, NSE_FO: status });
  peers.push(peer);
  const { engine } = startEngine({
    feed: true,
    feedSocket: { backoffBaseMs: 10, backoffMaxMs: 50, pingIntervalMs: 100, pongTimeoutMs: 200, silenceTimeoutMs: 300 },
    env: {
      UPSTOX_ACCESS_TOKEN: 'simulated-access-token-0123456789',
      UPSTOX_API_URL: peer.url,
      UPSTOX_ASSETS_URL: peer.url,
    },
  });
  engine.feed.subscribe(['NSE_EQ|INE002A01018'], 'ltpc');
  engine.start();
  await waitFor(
    () => engine.feed.status().state === 'connected' && engine.feed.status().marketStatus.NSE_EQ === status,
    'connected with market_info',
  );
  return { engine, peer };
}

describe('feed frames with impossible values', () => {
  it('drops ticks whose price is not a number, counts them as decode errors and keeps the rest', async () => {
    const frame = schema.FeedResponse.encode(
      schema.FeedResponse.fromObject({
        type: 1,
        currentTs: Date.now(),
        feeds: {
          'NSE_EQ|GOOD1': { ltpc: { ltp: 101.5, ltt: Date.now(), ltq: 5, cp: 100 } },
          'NSE_EQ|BAD': { ltpc: { ltp: Number.NaN, ltt: Date.now(), ltq: 5, cp: 100 } },
          'NSE_EQ|GOOD2': { ltpc: { ltp: 99.5, ltt: Date.now(), ltq: 5, cp: Number.POSITIVE_INFINITY } },
          'NSE_EQ|GOOD3': { ltpc: { ltp: 98, ltt: Date.now(), ltq: 1, cp: 97 } },
        },
      }),
    ).finish();
    const peer = await silentPeer({ NSE_EQ: 'NORMAL_CLOSE' }, [frame]);
    peers.push(peer);
    const { engine } = startEngine({
      feed: true,
      env: {
        UPSTOX_ACCESS_TOKEN: 'simulated-access-token-0123456789',
        UPSTOX_API_URL: peer.url,
        UPSTOX_ASSETS_URL: peer.url,
      },
    });
    engine.feed.subscribe(['NSE_EQ|GOOD1', 'NSE_EQ|BAD', 'NSE_EQ|GOOD3'], 'ltpc');
    engine.start();
    await waitFor(() => engine.feed.status().ticksTotal === 2, 'the two usable ticks');
    expect(engine.feed.status().decodeErrors).toBe(2);
    expect(Object.keys(engine.feed.latestTicks()).sort()).toEqual(['NSE_EQ|GOOD1', 'NSE_EQ|GOOD3']);
  });
});

describe('feed watchdogs', () => {
  it('keeps a silent socket while the market is closed: pongs prove the link is alive', async () => {
    const { engine, peer } = await engineAgainst('NORMAL_CLOSE');
    // Five silence timeouts pass with no data; a watchdog blind to market hours would have reconnected each time.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(engine.feed.status()).toMatchObject({ state: 'connected', reconnects: 0 });
    expect(peer.connections()).toBe(1);
  });

  it('reconnects a silent socket while a subscribed segment is NORMAL_OPEN', async () => {
    const { engine, peer } = await engineAgainst('NORMAL_OPEN');
    await waitFor(() => engine.feed.status().reconnects >= 1 && peer.connections() >= 2, 'a stall reconnect');
  });
});
