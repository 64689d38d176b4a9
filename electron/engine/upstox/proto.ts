import path from 'node:path';
import protobuf from 'protobufjs';

export const FEED_PROTO_FILE = path.join('proto', 'MarketDataFeedV3.proto');
const PACKAGE = 'com.upstox.marketdatafeederv3udapi.rpc.proto';

export interface FeedSchema {
  readonly root: protobuf.Root;
  readonly FeedResponse: protobuf.Type;
}

/** Loads the Upstox V3 feed schema shipped in `resources/proto` (the current version: see the file's header). */
export function loadFeedSchema(resourcesDir: string): FeedSchema {
  const root = protobuf.loadSync(path.join(resourcesDir, FEED_PROTO_FILE));
  return { root, FeedResponse: root.lookupType(`${PACKAGE}.FeedResponse`) };
}
