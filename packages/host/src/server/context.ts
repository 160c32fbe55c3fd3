import type { SigningPublicKey } from '@coffer/crypto';
import type { HostIdentity } from '../identity.ts';
import type { ChunkStore } from '../store/index.ts';
import type { Traffic } from '../throttle.ts';
import type { PullGuard } from './pull-guard.ts';
import type { Puller } from './puller.ts';

// What the route handlers get: the server's options, defaults filled in.

export interface ServerOptions {
  store: ChunkStore;
  identity: HostIdentity;
  /** The pinned hub key; null until the first hello. */
  hubKey: () => SigningPublicKey | null;
  log: (line: string) => void;
  /** How long a host down the chain may stay silent before it counts as failed. */
  forwardTimeoutMs?: number;
  /** Chunk traffic counters and the bandwidth limit ([Note: Bandwidth limit]); default none. */
  traffic?: Traffic;
  /** Serve HTTPS with this certificate (PEM) instead of plain HTTP. */
  tls?: { cert: Buffer | string; key: Buffer | string };
  /** Carries out copy orders as their destination; absent: POST /copy-orders is a 404. */
  puller?: Puller;
}

/** ServerOptions once defaults are filled in. */
export type Ctx = ServerOptions & { traffic: Traffic; pulls: PullGuard };
