import http from 'node:http';
import https from 'node:https';
import { fromErrorBody, HOST, hostRoutes } from '@coffer/protocol';
import type { Direction } from '../throttle.ts';

// Chain replication: an upload streamed on to the next host as it arrives.

const MAX_FORWARD_RESPONSE = 1024 * 1024;

interface ForwardResult {
  receipts: string[];
  failed: { host: string; message: string }[];
}

/**
 * The next host in the chain: the bytes are streamed to it as they arrive, with the tokens of
 * the hosts after it. It never makes the upload fail: if it refuses, times out or cannot be
 * reached, it (and every host after it) is reported in `failed`.
 */
export class Downstream {
  readonly result: Promise<ForwardResult>;
  private readonly req: http.ClientRequest;
  private done = false;
  private reason: string | null = null;

  constructor(
    private readonly chain: { host: string; url: string }[],
    tokens: string[],
    id: string,
    length: number,
    timeoutMs: number,
    private readonly out: Direction,
  ) {
    const next = chain[0] as { host: string; url: string };
    const target = new URL(`${next.url.replace(/\/+$/, '')}${HOST.chunkPath(id)}`);
    const headers: Record<string, string> = {
      authorization: `Bearer ${tokens[0]}`,
      'content-type': 'application/octet-stream',
      'content-length': String(length),
    };
    if (tokens.length > 1) headers[HOST.forwardHeader] = tokens.slice(1).join(',');
    const request = target.protocol === 'https:' ? https.request : http.request;
    // A fresh connection per forward: no stale keep-alive socket to fail on.
    this.req = request(target, { method: 'PUT', headers, timeout: timeoutMs, agent: false });
    this.req.on('error', () => undefined); // reported through `result`
    this.req.on('timeout', () =>
      this.req.destroy(new Error(`no answer for ${Math.round(timeoutMs / 1000)} s`)),
    );
    this.result = new Promise<ForwardResult>((resolve) => {
      const fail = (why: string) => {
        this.done = true;
        resolve(this.failure(why));
      };
      this.req.on('error', (e) => fail(this.reason ?? e.message));
      this.req.on('response', (res) => {
        this.done = true; // nothing more to send once it has answered
        const parts: Buffer[] = [];
        let size = 0;
        res.on('data', (b: Buffer) => {
          size += b.length;
          if (size > MAX_FORWARD_RESPONSE) res.destroy(new Error('answer too large'));
          else parts.push(b);
        });
        res.on('error', (e) => fail(e.message));
        res.on('close', () => {
          if (!res.complete) fail('the connection closed in the middle of its answer');
        });
        res.on('end', () => {
          let body: unknown;
          try {
            body = JSON.parse(Buffer.concat(parts).toString('utf8'));
          } catch {
            body = undefined;
          }
          const status = res.statusCode ?? 0;
          if (status === 201 || status === 200) {
            const parsed = hostRoutes.putResponse.safeParse(body);
            if (parsed.success) resolve(parsed.data);
            else fail('answered with something other than receipts');
          } else {
            fail(`answered ${status}: ${fromErrorBody(status, body, next.url).message}`);
          }
          this.req.destroy();
        });
      });
    });
  }

  private failure(why: string): ForwardResult {
    const first = this.chain[0]?.host ?? '';
    return {
      receipts: [],
      failed: this.chain.map((h, i) => ({
        host: h.host,
        message: i === 0 ? why : `not reached: ${first} failed`,
      })),
    };
  }

  /**
   * Sends `pieces` (`n` bytes) on once the bandwidth limit allows; resolves when the next host
   * can take more (or has failed).
   */
  write(pieces: Buffer | readonly Buffer[], n?: number): Promise<void> | undefined {
    if (this.done || this.req.destroyed) return undefined;
    const list = pieces instanceof Uint8Array ? [pieces] : pieces;
    const wait = this.out.take(n ?? list.reduce((sum, b) => sum + b.length, 0));
    return wait ? wait.then(() => this.send(list)) : this.send(list);
  }

  private send(pieces: readonly Buffer[]): Promise<void> | undefined {
    if (this.done || this.req.destroyed) return undefined;
    let more = true;
    for (const piece of pieces) more = this.req.write(piece);
    if (more) return undefined;
    return new Promise<void>((resolve) => {
      const go = () => {
        this.req.off('drain', go);
        this.req.off('close', go);
        resolve();
      };
      this.req.on('drain', go);
      this.req.on('close', go);
    });
  }

  end(): void {
    if (!this.done && !this.req.destroyed) this.req.end();
  }

  abort(why: string): void {
    if (this.req.destroyed) return;
    this.reason = why;
    this.req.destroy(new Error(why));
  }
}
