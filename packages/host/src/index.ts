/**
 * @coffer/host: the storage daemon independent hosters run. Stores encrypted chunks in
 * append-only segments, serves them over HTTP to holders of hub-signed capability tokens,
 * signs receipts and forwards uploads down the replication chain.
 */
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { toBase64Url } from '@coffer/crypto';
import { ConflictError, ValidationError } from '@coffer/errors';
import { schemas } from '@coffer/protocol';
import { formatBandwidth, MIN_BANDWIDTH } from './bandwidth.ts';
import { diskSpace, overcommitWarning } from './disk.ts';
import { HubLink } from './hub-link.ts';
import { loadOrCreateIdentity, loadPinnedHub, savePinnedHub } from './identity.ts';
import { startReconciler } from './reconcile.ts';
import { createHostServer, type HostServer, Puller } from './server/index.ts';
import { ChunkStore, startCompactor } from './store/index.ts';
import { startSweeper } from './sweep.ts';
import { Traffic } from './throttle.ts';
import { loadTls, type TlsFiles } from './tls.ts';

export { formatBandwidth, MIN_BANDWIDTH, parseBandwidth } from './bandwidth.ts';
export {
  type CompactionReport,
  type CompactOptions,
  type CompactorOptions,
  compactStore,
  MAX_CHUNK_BYTES,
  type RebuildReport,
  rebuildIndex,
  startCompactor,
} from './store/index.ts';
export { MAX_TAGS, parseTags } from './tags.ts';
export type { TlsFiles } from './tls.ts';
export { loadTls } from './tls.ts';

export interface HostOptions {
  /** The hub, e.g. http://127.0.0.1:4000. */
  hubUrl: string;
  /** Where the host is: ISO 3166-1 alpha-2, upper case. */
  country: string;
  /** Bytes of chunks this host offers to store. */
  capacity: number;
  dataDir: string;
  /** 0 or absent: a random free port. */
  port?: number;
  /** Default 127.0.0.1. */
  bind?: string;
  /** The URL others reach this host at; default http(s)://<bind>:<port>. */
  publicUrl?: string;
  /**
   * Chunk bytes per second, in each direction, shared by all transfers (parseBandwidth reads
   * "10MB/s"); absent: no limit. See [Note: Bandwidth limit].
   */
  bandwidth?: number;
  /** The hoster's tags, sent in every hello: at most 16, keys and values [a-z0-9_.-]{1,32}. */
  tags?: Record<string, string>;
  /**
   * A personal server: it takes only its owner's data (claim it with `coffer host claim`),
   * never data from the public pool. See [Note: Personal servers] in the hub.
   */
  personal?: boolean;
  /** Serve HTTPS with this certificate and key (PEM file paths). */
  tls?: TlsFiles;
  /** The flags or keys that named the TLS files, for errors; default --tls-cert, --tls-key. */
  tlsFields?: { cert: string; key: string };
  /** Default: what the hub asks for in its hello response. */
  heartbeatMs?: number;
  /** How often to report new chunks to the hub ([Note: Orphan sweep]); default: the hub's. */
  sweepMs?: number;
  log?: (line: string) => void;
}

export interface RunningHost {
  url: string;
  hostId: string;
  /** The host's Ed25519 public key, base64url. */
  publicKey: string;
  close(): Promise<void>;
}

const defaultLog = (line: string) => console.log(`${new Date().toISOString()} ${line}`);

function httpUrl(field: string, value: unknown): string {
  let u: URL;
  try {
    u = new URL(String(value));
  } catch {
    throw new ValidationError(field, 'expected an http(s) URL');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new ValidationError(field, 'expected an http(s) URL');
  }
  return String(value).replace(/\/+$/, '');
}

function checkOptions(o: HostOptions) {
  const hubUrl = httpUrl('hubUrl', o.hubUrl);
  if (typeof o.country !== 'string' || !/^[A-Z]{2}$/.test(o.country)) {
    throw new ValidationError('country', 'expected an ISO 3166-1 alpha-2 code such as FR');
  }
  if (!Number.isSafeInteger(o.capacity) || o.capacity < 0) {
    throw new ValidationError('capacity', 'expected a non-negative whole number of bytes');
  }
  if (typeof o.dataDir !== 'string' || o.dataDir === '') {
    throw new ValidationError('dataDir', 'expected a directory');
  }
  const port = o.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ValidationError('port', 'expected a port number from 0 to 65535');
  }
  if (o.heartbeatMs !== undefined && !(Number.isFinite(o.heartbeatMs) && o.heartbeatMs > 0)) {
    throw new ValidationError('heartbeatMs', 'expected a positive number of milliseconds');
  }
  if (o.sweepMs !== undefined && !(Number.isFinite(o.sweepMs) && o.sweepMs > 0)) {
    throw new ValidationError('sweepMs', 'expected a positive number of milliseconds');
  }
  const publicUrl = o.publicUrl === undefined ? undefined : httpUrl('publicUrl', o.publicUrl);
  if (
    o.bandwidth !== undefined &&
    !(Number.isSafeInteger(o.bandwidth) && o.bandwidth >= MIN_BANDWIDTH)
  ) {
    throw new ValidationError(
      'bandwidth',
      `expected a whole number of bytes per second, at least ${MIN_BANDWIDTH}`,
    );
  }
  const tags = schemas.hostTags.safeParse(o.tags ?? {});
  if (!tags.success) {
    const issue = tags.error.issues[0];
    throw new ValidationError(
      ['tags', ...(issue?.path ?? [])].join('.'),
      issue?.message ?? 'invalid',
    );
  }
  const tls = o.tls ? loadTls(o.tls, o.tlsFields) : undefined;
  return { hubUrl, port, publicUrl, bind: o.bind ?? '127.0.0.1', tags: tags.data, tls };
}

/**
 * Opens the store, loads (or creates) the host key, starts serving, and resolves once the
 * hub has answered a first hello, so that the host knows the hub key. While the hub is
 * unreachable it keeps trying (logging), however long that takes.
 */
export async function startHost(o: HostOptions): Promise<RunningHost> {
  const { hubUrl, port, publicUrl, bind, tags, tls } = checkOptions(o);
  const log = o.log ?? defaultLog;
  const traffic = new Traffic(o.bandwidth ?? null);
  await mkdir(o.dataDir, { recursive: true, mode: 0o700 });
  const store = await ChunkStore.open({ dir: o.dataDir, capacity: o.capacity, log });
  // Reclaims the space of deleted chunks in the background ([Note: Compaction] in
  // store/compaction.ts).
  const compactor = startCompactor(store);
  let link: HubLink | null = null;
  let http: HostServer | null = null;
  let pulls: Puller | null = null;
  try {
    const identity = await loadOrCreateIdentity(o.dataDir, log);
    const pinned = await loadPinnedHub(o.dataDir);
    if (pinned && pinned.hubUrl !== hubUrl) {
      log(`host: the hub key was pinned for ${pinned.hubUrl}; now talking to ${hubUrl}`);
    }
    let current = pinned?.hubPublicKey ?? null;
    const puller = new Puller({ store, identity, hubUrl, traffic, log });
    pulls = puller;
    http = createHostServer({
      store,
      identity,
      hubKey: () => current,
      log,
      traffic,
      puller,
      ...(tls ? { tls } : {}),
    });
    const listening = http;
    await new Promise<void>((resolve, reject) => {
      const failed = (e: NodeJS.ErrnoException) =>
        reject(
          e.code === 'EADDRINUSE' || e.code === 'EACCES'
            ? new ConflictError(`port: cannot listen on ${bind}:${port} (${e.code})`)
            : e,
        );
      listening.once('error', failed);
      listening.listen(port, bind, () => {
        listening.off('error', failed);
        resolve();
      });
    });
    const actualPort = (listening.address() as AddressInfo).port;
    const scheme = tls ? 'https' : 'http';
    const url = publicUrl ?? `${scheme}://${bind.includes(':') ? `[${bind}]` : bind}:${actualPort}`;
    if (!publicUrl && (bind === '0.0.0.0' || bind === '::')) {
      log(`host: listening on all interfaces; set publicUrl so others can reach ${url}`);
    }
    log(
      `host: ${identity.hostId} serving ${scheme.toUpperCase()} on ${bind}:${actualPort} as ${url}`,
    );
    log(
      `host: bandwidth for chunk data: ${o.bandwidth ? `at most ${formatBandwidth(o.bandwidth)} in each direction` : 'no limit'}`,
    );
    if (o.personal) {
      log(
        "host: a personal server: it takes only its owner's data; claim it with coffer host claim",
      );
    }
    const disk = () => diskSpace(o.dataDir);
    const overcommit = overcommitWarning(
      o.capacity,
      store.stats().usedBytes,
      await disk(),
      o.dataDir,
    );
    if (overcommit) log(overcommit);

    const hubLink = new HubLink({
      hubUrl,
      identity,
      pinned: current,
      pin: async (key) => {
        await savePinnedHub(o.dataDir, { hubUrl, hubPublicKey: key });
        current = key;
      },
      state: () => {
        const s = store.stats();
        return {
          url,
          country: o.country,
          capacity: o.capacity,
          usedBytes: s.usedBytes,
          chunks: s.chunks,
          tags,
          bytesIn: traffic.in.bytes,
          bytesOut: traffic.out.bytes,
          bandwidth: o.bandwidth ?? null,
          personal: o.personal ?? false,
        };
      },
      disk,
      ...(o.heartbeatMs !== undefined ? { heartbeatMs: o.heartbeatMs } : {}),
      log,
    });
    link = hubLink;
    await hubLink.register();
    const reconciler = startReconciler({
      store,
      hubUrl,
      identity,
      hubKey: () => current,
      intervalMs: () => hubLink.reconcileMs,
      log,
    });
    const sweeper = startSweeper({
      store,
      dataDir: o.dataDir,
      hubUrl,
      identity,
      hubKey: () => current,
      settings: () => hubLink.sweep,
      ...(o.sweepMs !== undefined ? { intervalMs: o.sweepMs } : {}),
      log,
    });

    let closing: Promise<void> | null = null;
    return {
      url,
      hostId: identity.hostId,
      publicKey: toBase64Url(identity.publicKey),
      close: () => {
        closing ??= (async () => {
          hubLink.stop();
          await reconciler.stop();
          await sweeper.stop();
          await puller.stop();
          await stopServer(listening);
          await compactor.stop();
          await store.close();
          log(`host: ${identity.hostId} stopped`);
        })();
        return closing;
      },
    };
  } catch (e) {
    link?.stop();
    await pulls?.stop();
    if (http) await stopServer(http);
    await compactor.stop();
    await store.close();
    throw e;
  }
}

async function stopServer(server: HostServer): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}

export { signHostClaim } from './claim.ts';
export type { ExitProgress } from './exit.ts';
export { requestExit } from './exit.ts';
