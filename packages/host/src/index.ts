/**
 * @coffer/host: the storage daemon independent hosters run. Stores encrypted chunks in
 * append-only segments, serves them over HTTP to holders of hub-signed capability tokens,
 * signs receipts and forwards uploads down the replication chain.
 */
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { toBase64Url } from '@coffer/crypto';
import { ConflictError, ValidationError } from '@coffer/errors';
import { HubLink } from './hub-link.ts';
import { loadOrCreateIdentity, loadPinnedHub, savePinnedHub } from './identity.ts';
import { createHostServer } from './server.ts';
import { ChunkStore } from './store.ts';

export { parseSize } from './size.ts';
export type { RebuildReport } from './store.ts';
export { MAX_CHUNK_BYTES, rebuildIndex } from './store.ts';

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
  /** The URL others reach this host at; default http://<bind>:<port>. */
  publicUrl?: string;
  /** Default: what the hub asks for in its hello response. */
  heartbeatMs?: number;
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
  const publicUrl = o.publicUrl === undefined ? undefined : httpUrl('publicUrl', o.publicUrl);
  return { hubUrl, port, publicUrl, bind: o.bind ?? '127.0.0.1' };
}

/**
 * Opens the store, loads (or creates) the host key, starts serving, and resolves once the
 * hub has answered a first hello, so that the host knows the hub key. While the hub is
 * unreachable it keeps trying (logging), however long that takes.
 */
export async function startHost(o: HostOptions): Promise<RunningHost> {
  const { hubUrl, port, publicUrl, bind } = checkOptions(o);
  const log = o.log ?? defaultLog;
  await mkdir(o.dataDir, { recursive: true, mode: 0o700 });
  const store = await ChunkStore.open({ dir: o.dataDir, capacity: o.capacity, log });
  let link: HubLink | null = null;
  let http: ReturnType<typeof createHostServer> | null = null;
  try {
    const identity = await loadOrCreateIdentity(o.dataDir, log);
    const pinned = await loadPinnedHub(o.dataDir);
    if (pinned && pinned.hubUrl !== hubUrl) {
      log(`host: the hub key was pinned for ${pinned.hubUrl}; now talking to ${hubUrl}`);
    }
    let current = pinned?.hubPublicKey ?? null;
    http = createHostServer({ store, identity, hubKey: () => current, log });
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
    const url = publicUrl ?? `http://${bind.includes(':') ? `[${bind}]` : bind}:${actualPort}`;
    if (!publicUrl && (bind === '0.0.0.0' || bind === '::')) {
      log(`host: listening on all interfaces; set publicUrl so others can reach ${url}`);
    }
    log(`host: ${identity.hostId} serving on ${bind}:${actualPort} as ${url}`);

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
        };
      },
      ...(o.heartbeatMs !== undefined ? { heartbeatMs: o.heartbeatMs } : {}),
      log,
    });
    link = hubLink;
    await hubLink.register();

    let closing: Promise<void> | null = null;
    return {
      url,
      hostId: identity.hostId,
      publicKey: toBase64Url(identity.publicKey),
      close: () => {
        closing ??= (async () => {
          hubLink.stop();
          await stopServer(listening);
          await store.close();
          log(`host: ${identity.hostId} stopped`);
        })();
        return closing;
      },
    };
  } catch (e) {
    link?.stop();
    if (http) await stopServer(http);
    await store.close();
    throw e;
  }
}

async function stopServer(server: ReturnType<typeof createHostServer>): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}

export type { ExitProgress } from './exit.ts';
export { requestExit } from './exit.ts';
