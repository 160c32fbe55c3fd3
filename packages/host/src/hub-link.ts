import { fromBase64Url, type SigningPublicKey, toBase64Url } from '@coffer/crypto';
import { AuthError, CofferError, ConnectionError, IntegrityError } from '@coffer/errors';
import {
  fromErrorBody,
  HOST_HELLO_LABEL,
  type HostDisk,
  routes,
  signMessage,
} from '@coffer/protocol';
import type { HostIdentity } from './identity.ts';
import { sleep } from './sleep.ts';
import type { SweepSettings } from './sweep.ts';

// [Note: Hello and heartbeat]
// Registration and heartbeats are the same signed message, POST /api/hosts/hello. The first
// hello teaches the host the hub's public key, which it pins in DATA/hub.json; every token is
// then checked offline against that key. A hello answered with another key is refused
// (logged loudly, the pinned key stays in force): whoever answers at the hub's URL does not
// get to choose whose tokens this host honours.

export interface HostState {
  url: string;
  country: string;
  capacity: number;
  usedBytes: number;
  chunks: number;
  /** The hoster's tags (`--tag k=v`). */
  tags: Record<string, string>;
  /** Chunk bytes received and sent since the process started ([Note: Bandwidth limit]). */
  bytesIn: number;
  bytesOut: number;
  /** The `--bandwidth` limit, bytes per second; null: none. */
  bandwidth: number | null;
  /** `--personal`: its owner's data only. */
  personal: boolean;
}

export interface HubLinkOptions {
  hubUrl: string;
  identity: HostIdentity;
  state: () => HostState;
  /** The filesystem under the store, read afresh for each hello; null: unknown. */
  disk?: () => Promise<HostDisk | null>;
  /** The key from DATA/hub.json, if any. */
  pinned: SigningPublicKey | null;
  /** Called once, when the first hello teaches the hub key. */
  pin: (key: SigningPublicKey) => Promise<void>;
  /** Overrides the interval the hub asks for. */
  heartbeatMs?: number;
  log: (line: string) => void;
}

const HELLO_TIMEOUT_MS = 10_000;
const FIRST_RETRY_MS = 100;
const MAX_REGISTER_RETRY_MS = 2_000;

/** The message, with the cause fetch hides behind "fetch failed" (a refused connection, a
 * certificate not trusted: see NODE_EXTRA_CA_CERTS in docs/deployment.md). */
const message = (e: unknown): string => {
  if (!(e instanceof Error)) return String(e);
  const cause = e.cause as NodeJS.ErrnoException | undefined;
  if (!(cause instanceof Error)) return e.message;
  const code = cause.code && !cause.message.includes(cause.code) ? ` (${cause.code})` : '';
  return `${e.message}: ${cause.message}${code}`;
};

/** Errors no retry will fix: the hub refused the hello, or answered with another key. */
const isFatal = (e: unknown) =>
  e instanceof CofferError &&
  (e.code === 'validation' || e.code === 'auth' || e.code === 'integrity');

export class HubLink {
  hubKey: SigningPublicKey | null;
  private readonly stopper = new AbortController();
  private timer: NodeJS.Timeout | null = null;
  private interval = 30_000;
  /** How often the hub wants the store reconciled ([Note: Reconciliation]); null until told. */
  reconcileMs: number | null = null;
  /** The hub's orphan sweep settings ([Note: Orphan sweep]); null until told. */
  sweep: SweepSettings | null = null;
  private failures = 0;
  private lastLogged = 0;

  constructor(private readonly o: HubLinkOptions) {
    this.hubKey = o.pinned;
  }

  private get helloUrl() {
    return `${this.o.hubUrl.replace(/\/+$/, '')}${routes.hostHello.path}`;
  }

  /** One hello; returns the heartbeat interval the hub asks for. */
  async hello(): Promise<number> {
    const { identity } = this.o;
    const s = this.o.state();
    const disk = (await this.o.disk?.()) ?? null;
    const hello = signMessage(
      HOST_HELLO_LABEL,
      {
        v: 1,
        host: identity.hostId,
        publicKey: toBase64Url(identity.publicKey),
        url: s.url,
        country: s.country,
        capacity: s.capacity,
        usedBytes: s.usedBytes,
        chunks: s.chunks,
        at: Date.now(),
        tags: s.tags,
        bytesIn: s.bytesIn,
        bytesOut: s.bytesOut,
        ...(s.bandwidth ? { bandwidth: s.bandwidth } : {}),
        ...(s.personal ? { personal: true } : {}),
        ...(disk ? { disk } : {}),
      },
      identity.secretKey,
    );
    let res: Response;
    let body: unknown;
    try {
      res = await fetch(this.helloUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ hello }),
        signal: AbortSignal.any([this.stopper.signal, AbortSignal.timeout(HELLO_TIMEOUT_MS)]),
      });
      body = await res.json().catch(() => undefined);
    } catch (e) {
      throw new ConnectionError(`hub ${this.o.hubUrl} unreachable: ${message(e)}`);
    }
    if (!res.ok) {
      const err = fromErrorBody(res.status, body, 'hub hello');
      // A hub that is up but not ready (or a proxy in front of it) is worth retrying.
      if (res.status >= 500 || res.status === 408 || res.status === 429) {
        throw new ConnectionError(`hub hello: ${res.status}: ${err.message}`);
      }
      throw err;
    }
    const parsed = routes.hostHello.response.safeParse(body);
    if (!parsed.success) {
      throw new ConnectionError(`hub hello: the answer is not a hello response (${res.status})`);
    }
    const r = parsed.data;
    if (r.hostId !== identity.hostId) {
      throw new IntegrityError(
        `hub hello: the hub calls this host ${r.hostId}, but its key makes it ${identity.hostId}`,
      );
    }
    const key = fromBase64Url(r.hubPublicKey, 'hubPublicKey', 32) as SigningPublicKey;
    if (this.hubKey && toBase64Url(this.hubKey) !== toBase64Url(key)) {
      this.o.log(
        `!!! HUB KEY MISMATCH: ${this.o.hubUrl} answered with key ${r.hubPublicKey}, but this host pinned ${toBase64Url(this.hubKey)}. Refusing the new key; tokens are still checked against the pinned one. If the hub's key really changed, stop the host and delete hub.json in the data directory.`,
      );
      throw new AuthError('hub hello: the hub key differs from the pinned key');
    }
    if (!this.hubKey) {
      await this.o.pin(key);
      this.hubKey = key;
      this.o.log(`host: pinned hub key ${r.hubPublicKey}`);
    }
    if (r.reconcileMs !== undefined) this.reconcileMs = r.reconcileMs;
    if (r.sweep) this.sweep = r.sweep;
    return r.heartbeatMs;
  }

  /**
   * Says hello until the hub answers (100 ms doubling to 2 s between tries, for as long as it
   * takes, since the hub may start later than the host), then heartbeats in the background.
   * Throws only when the hub refuses this host or its key does not match the pinned one.
   */
  async register(): Promise<void> {
    let delay = FIRST_RETRY_MS;
    let lastLogged = 0;
    for (let attempt = 1; ; attempt++) {
      if (this.stopper.signal.aborted) throw new ConnectionError('host: stopped');
      try {
        this.schedule(this.intervalFrom(await this.hello()));
        this.o.log(`host: registered with hub ${this.o.hubUrl}`);
        return;
      } catch (e) {
        if (isFatal(e)) throw e;
        if (attempt === 1 || Date.now() - lastLogged > 10_000) {
          lastLogged = Date.now();
          this.o.log(`host: waiting for the hub (attempt ${attempt}): ${message(e)}`);
        }
      }
      await sleep(delay, this.stopper.signal);
      delay = Math.min(delay * 2, MAX_REGISTER_RETRY_MS);
    }
  }

  stop(): void {
    this.stopper.abort();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private intervalFrom(hubMs: number): number {
    if (this.o.heartbeatMs !== undefined) return Math.max(10, this.o.heartbeatMs);
    return Math.min(Math.max(hubMs, 1_000), 3_600_000);
  }

  private schedule(interval: number): void {
    this.interval = interval;
    this.arm(interval);
  }

  private arm(ms: number): void {
    if (this.stopper.signal.aborted) return;
    this.timer = setTimeout(() => void this.beat(), ms);
    this.timer.unref();
  }

  private async beat(): Promise<void> {
    try {
      this.interval = this.intervalFrom(await this.hello());
      if (this.failures > 0) this.o.log(`host: heartbeat ok again after ${this.failures} failures`);
      this.failures = 0;
      this.arm(this.interval);
    } catch (e) {
      if (this.stopper.signal.aborted) return;
      this.failures++;
      const retry = Math.min(1_000 * 2 ** (this.failures - 1), this.interval);
      // The first failure, then one line a minute while the hub stays away.
      if (this.failures === 1 || Date.now() - this.lastLogged > 60_000) {
        this.lastLogged = Date.now();
        this.o.log(
          `host: heartbeat failed (${this.failures} in a row): ${message(e)}; retrying in ${retry} ms`,
        );
      }
      this.arm(retry);
    }
  }
}
