import { newAccountId } from '@coffer/crypto';
import { CofferError, ConnectionError } from '@coffer/errors';
import {
  COPY_PULL_LABEL,
  COPY_REPORT_LABEL,
  type CopyOrder,
  fromErrorBody,
  HOST,
  routes,
  signMessage,
  signReceipt,
} from '@coffer/protocol';
import type { HostIdentity } from '../identity.ts';
import { sleep } from '../sleep.ts';
import type { ChunkStore } from '../store/index.ts';
import type { Traffic } from '../throttle.ts';

// The destination's side of a direct copy ([Note: Direct copies] in protocol/src/copy-orders.ts):
// it pulls each chunk of an order it lacks from the source, stores it (checked against its id
// as a put is), signs a receipt, and reports receipts to the hub as they come. A chunk whose
// transfer breaks is asked for again under the same order, a few times; one the source refuses
// is reported as failed, and the hub orders it again later. A chunk another order is pulling
// already is waited for, not pulled twice.

/** Chunks pulled side by side within one order. */
const PARALLEL = 3;
/** Received bytes are handed to the store this many at a time. */
const WRITE_BATCH = 1024 * 1024;
const TRIES = 3;
const FIRST_RETRY_MS = 500;
/** A transfer that brings no byte for this long is given up (and retried). */
const IDLE_MS = 60_000;
const REPORT_TIMEOUT_MS = 15_000;

export interface PullerOptions {
  store: ChunkStore;
  identity: HostIdentity;
  hubUrl: string;
  traffic: Traffic;
  log: (line: string) => void;
}

export type OrderState = 'started' | 'running' | 'finished';

/** The source refused: trying again under this order will not help. */
class Refused extends Error {}

export class Puller {
  /** Orders taken, until they expire: a delivery of one again is a no-op. */
  private readonly orders = new Map<string, { state: 'running' | 'finished'; exp: number }>();
  /** Chunks being pulled, by id: the receipt, or null if that pull failed. */
  private readonly inflight = new Map<string, Promise<string | null>>();
  private readonly running = new Set<Promise<void>>();
  private readonly stopper = new AbortController();

  constructor(private readonly o: PullerOptions) {}

  /** Takes an order (already checked: the hub signed it, it names this host, it is fresh). */
  accept(order: CopyOrder, text: string): OrderState {
    const now = Date.now();
    for (const [id, o] of this.orders) if (o.exp < now) this.orders.delete(id);
    const known = this.orders.get(order.id);
    if (known) return known.state;
    this.orders.set(order.id, { state: 'running', exp: order.exp });
    const run = this.run(order, text)
      .catch((e) => this.o.log(`host: copy order ${order.id} failed: ${(e as Error).message}`))
      .finally(() => {
        this.running.delete(run);
        const o = this.orders.get(order.id);
        if (o) o.state = 'finished';
      });
    this.running.add(run);
    return 'started';
  }

  /** Stops every pull (the host is closing); what was stored stays. */
  async stop(): Promise<void> {
    this.stopper.abort();
    await Promise.all([...this.running]);
  }

  private async run(order: CopyOrder, text: string): Promise<void> {
    const reporter = new Reporter(this.o, order.id, this.stopper.signal);
    const queue = [...order.chunks];
    let refused: string | null = null;
    await Promise.all(
      Array.from({ length: Math.min(PARALLEL, queue.length) }, async () => {
        for (let c = queue.shift(); c; c = queue.shift()) {
          if (this.stopper.signal.aborted) return;
          if (refused) {
            reporter.fail(c.id, refused);
            continue;
          }
          try {
            reporter.add(await this.copy(order, text, c));
          } catch (e) {
            const message = (e as Error).message.slice(0, 300);
            if (e instanceof Refused && /^order|^request/.test(message)) refused = message;
            reporter.fail(c.id, message);
          }
        }
      }),
    );
    if (this.stopper.signal.aborted) return;
    await this.close(order, text).catch((e) =>
      this.o.log(`host: closing copy order ${order.id} at its source failed: ${String(e)}`),
    );
    await reporter.finish();
  }

  /** One chunk: at once when it is here already, else pulled (or waited for). */
  private async copy(order: CopyOrder, text: string, c: { id: string; size: number }) {
    for (;;) {
      const loc = this.o.store.locate(c.id);
      if (loc) return this.receipt(c.id, loc.length);
      const other = this.inflight.get(c.id);
      if (!other) break;
      const receipt = await other;
      if (receipt) return receipt;
    }
    const pull = this.pullWithRetries(order, text, c);
    const shared = pull.catch(() => null);
    this.inflight.set(c.id, shared);
    try {
      return await pull;
    } finally {
      if (this.inflight.get(c.id) === shared) this.inflight.delete(c.id);
    }
  }

  private receipt(chunk: string, size: number): string {
    const { identity } = this.o;
    return signReceipt(
      { v: 1, host: identity.hostId, chunk, size, at: Date.now() },
      identity.secretKey,
    );
  }

  private async pullWithRetries(order: CopyOrder, text: string, c: { id: string; size: number }) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.pullOnce(order, text, c);
      } catch (e) {
        const last = attempt >= TRIES || Date.now() > order.exp;
        if (e instanceof Refused || last || this.stopper.signal.aborted) throw e;
        await sleep(FIRST_RETRY_MS * 2 ** (attempt - 1), this.stopper.signal);
      }
    }
  }

  private async pullOnce(order: CopyOrder, text: string, c: { id: string; size: number }) {
    const idle = new AbortController();
    const timer = setTimeout(() => idle.abort(), IDLE_MS);
    const signal = AbortSignal.any([this.stopper.signal, idle.signal]);
    try {
      const res = await fetch(order.sourceUrl + HOST.pullPath(c.id), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ order: text, request: this.request(order, c.id) }),
        signal,
      });
      if (!res.ok) {
        const err = fromErrorBody(res.status, await res.json().catch(() => undefined), 'source');
        throw res.status < 500 ? new Refused(err.message) : err;
      }
      if (!res.body) throw new ConnectionError('source: answered with no bytes');
      const put = this.o.store.beginPut(c.id, c.size);
      try {
        // The pieces (64 KiB from the socket) go to the store WRITE_BATCH bytes at a time, in
        // one pwritev each, with one write in flight while the next batch arrives. A write per
        // piece (16,384 per GiB) cost the destination about 40% more CPU (bench:groups).
        let batch: Uint8Array[] = [];
        let batched = 0;
        let writing: Promise<void> = Promise.resolve();
        const flush = async () => {
          await writing;
          writing = put.write(batch);
          writing.catch(() => undefined); // awaited before the next write, or below
          batch = [];
          batched = 0;
        };
        for await (const piece of res.body) {
          timer.refresh();
          // The stream is not read on while the bandwidth limit holds this piece back.
          await this.o.traffic.in.take(piece.length);
          batch.push(piece);
          batched += piece.length;
          if (batched >= WRITE_BATCH) await flush();
        }
        if (batched > 0) await flush();
        await writing;
        const stored = await put.finish();
        return this.receipt(c.id, stored.size);
      } catch (e) {
        await put.abort();
        throw e;
      }
    } catch (e) {
      if (e instanceof Refused || e instanceof CofferError) throw e;
      throw new ConnectionError(
        `source: ${idle.signal.aborted ? 'stalled' : (e as Error).message}`,
      );
    } finally {
      clearTimeout(timer);
    }
  }

  /** A pull request for `chunk` (null: closing the order), signed with this host's key. */
  private request(order: CopyOrder, chunk: string | null): string {
    return signMessage(
      COPY_PULL_LABEL,
      { v: 1, order: order.id, chunk, at: Date.now(), nonce: newAccountId() },
      this.o.identity.secretKey,
    );
  }

  private async close(order: CopyOrder, text: string): Promise<void> {
    const res = await fetch(order.sourceUrl + HOST.pullClosePath, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ order: text, request: this.request(order, null) }),
      signal: AbortSignal.any([this.stopper.signal, AbortSignal.timeout(REPORT_TIMEOUT_MS)]),
    });
    // 409: closed already (a delivery again after a restart); 401: expired, closed by that.
    if (!res.ok && res.status !== 409 && res.status !== 401) {
      throw fromErrorBody(res.status, await res.json().catch(() => undefined), 'source');
    }
  }
}

/**
 * Sends an order's receipts to the hub as they come, one report at a time (the ones that
 * arrive meanwhile go in the next), and the last with `finished`. A report the hub does not
 * take is tried again a few times; its receipts are otherwise lost to the hub, which orders
 * those chunks again, and this host answers for them at once since it holds them.
 */
class Reporter {
  private receipts: string[] = [];
  private failed: { chunk: string; message: string }[] = [];
  private sending: Promise<void> | null = null;

  constructor(
    private readonly o: PullerOptions,
    private readonly order: string,
    private readonly signal: AbortSignal,
  ) {}

  add(receipt: string): void {
    this.receipts.push(receipt);
    this.sending ??= this.flush(false).finally(() => {
      this.sending = null;
    });
  }

  fail(chunk: string, message: string): void {
    this.failed.push({ chunk, message });
  }

  async finish(): Promise<void> {
    while (this.sending) await this.sending;
    await this.flush(true);
  }

  private async flush(finished: boolean): Promise<void> {
    while (this.receipts.length || finished) {
      const receipts = this.receipts.splice(0);
      const failed = finished ? this.failed.splice(0) : [];
      await this.send(receipts, failed, finished);
      if (finished) return;
    }
  }

  private async send(
    receipts: string[],
    failed: { chunk: string; message: string }[],
    finished: boolean,
  ) {
    const { identity, hubUrl } = this.o;
    for (let attempt = 1; attempt <= TRIES && !this.signal.aborted; attempt++) {
      const report = signMessage(
        COPY_REPORT_LABEL,
        {
          v: 1,
          host: identity.hostId,
          at: Date.now(),
          order: this.order,
          receipts,
          failed,
          finished,
        },
        identity.secretKey,
      );
      try {
        const res = await fetch(hubUrl + routes.hostCopied.path, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ report }),
          signal: AbortSignal.any([this.signal, AbortSignal.timeout(REPORT_TIMEOUT_MS)]),
        });
        if (res.ok) return;
        const err = fromErrorBody(res.status, await res.json().catch(() => undefined), 'hub');
        if (res.status < 500) {
          this.o.log(`host: the hub refused a copy report for order ${this.order}: ${err.message}`);
          return;
        }
      } catch {
        // tried again below
      }
      await sleep(FIRST_RETRY_MS * 2 ** (attempt - 1), this.signal);
    }
    this.o.log(`host: could not report ${receipts.length} copied chunks of order ${this.order}`);
  }
}
