// Transitional: the call shapes the CLI and the web app used before the client facade. Removed
// once they call `client.download`, `client.manifest` and `client.chunkCache`.
import type { VerifiedManifest } from '@coffer/crypto';
import type { CofferClient } from './client.ts';
import type { OpenNode } from './keys.ts';
import { accountLocator, ChunkSource, type DownloadOptions } from './transfers/download.ts';

export class LegacyChunkSource extends ChunkSource {
  constructor(client: CofferClient, cachePacks = false) {
    super(accountLocator(client.hub), cachePacks);
  }
}

export const openFileManifest = (client: CofferClient, file: OpenNode, revision?: number) =>
  client.manifest(file, revision);

export const downloadFile = (
  client: CofferClient,
  file: OpenNode,
  o: DownloadOptions = {},
  source?: ChunkSource,
  opened?: VerifiedManifest,
) =>
  client.download(file, {
    ...o,
    ...(source ? { chunks: source } : {}),
    ...(opened ? { manifest: opened } : {}),
  });
