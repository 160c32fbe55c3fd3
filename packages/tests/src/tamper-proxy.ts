import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

// [Note: Tampering proxy]
// A man in the middle for tests of what a malicious hub or host can do: it forwards every
// request to the real server and hands each answer to a hook that may change it before the
// client sees it. Point a client at `url` instead of the real server. With no hook installed
// it is a transparent proxy, which is how tests show that the operation they tamper with
// works when nobody lies.

export interface ProxiedRequest {
  method: string;
  /** The path without the query string. */
  path: string;
  /** The query string, with its "?", or "". */
  search: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** Changes a JSON answer; return the new value (or the same one, changed in place). */
export type JsonRewrite = (
  path: string,
  method: string,
  json: unknown,
  req: ProxiedRequest,
) => unknown;

/** Changes a non-JSON answer (chunk bytes); return the bytes to send instead. */
export type BytesRewrite = (
  path: string,
  method: string,
  bytes: Buffer,
  req: ProxiedRequest,
) => Buffer | Uint8Array;

export interface TamperProxy {
  url: string;
  /** Hook on JSON answers (content-type application/json); null passes them through. */
  rewrite: JsonRewrite | null;
  /** Hook on other answers; null passes them through. */
  rewriteBytes: BytesRewrite | null;
  /** Every request seen, in order. */
  readonly seen: { method: string; path: string; status: number }[];
  /** How many answers a hook was given since the last `reset()`. */
  hooked: number;
  /** Removes the hooks and clears `seen` and `hooked`. */
  reset(): void;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'host',
  'content-length',
]);

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

/** Starts a tampering proxy in front of `target` (an http URL) on a random loopback port. */
export async function startTamperProxy(target: string): Promise<TamperProxy> {
  const origin = new URL(target).origin;
  const proxy: TamperProxy = {
    url: '',
    rewrite: null,
    rewriteBytes: null,
    seen: [],
    hooked: 0,
    reset() {
      this.rewrite = null;
      this.rewriteBytes = null;
      this.seen.length = 0;
      this.hooked = 0;
    },
    close: () => Promise.resolve(),
  };

  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', origin);
      const body = await readBody(req);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) {
        if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      }
      const method = req.method ?? 'GET';
      const upstream = await fetch(origin + url.pathname + url.search, {
        method,
        headers,
        ...(['GET', 'HEAD'].includes(method) ? {} : { body: new Uint8Array(body) }),
        redirect: 'manual',
      });
      let out: Buffer = Buffer.from(await upstream.arrayBuffer());
      const info: ProxiedRequest = {
        method,
        path: url.pathname,
        search: url.search,
        headers: req.headers,
        body,
      };
      proxy.seen.push({ method, path: url.pathname, status: upstream.status });
      const type = upstream.headers.get('content-type') ?? '';
      if (type.startsWith('application/json') && proxy.rewrite && out.length > 0) {
        const hook = proxy.rewrite;
        const json = JSON.parse(out.toString('utf8'));
        const changed = hook(url.pathname, method, json, info);
        proxy.hooked++;
        out = Buffer.from(JSON.stringify(changed === undefined ? json : changed));
      } else if (!type.startsWith('application/json') && proxy.rewriteBytes && out.length > 0) {
        const hook = proxy.rewriteBytes;
        const changed = hook(url.pathname, method, out, info);
        proxy.hooked++;
        out = Buffer.from(changed);
      }
      const outHeaders: Record<string, string> = {};
      upstream.headers.forEach((v, k) => {
        if (!HOP_BY_HOP.has(k) && k !== 'content-encoding') outHeaders[k] = v;
      });
      outHeaders['content-length'] = String(out.length);
      res.writeHead(upstream.status, outHeaders);
      res.end(method === 'HEAD' ? undefined : out);
    } catch (e) {
      // The proxy itself failing must not look like a lie: a 502 the client will see as such.
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`tamper proxy: ${(e as Error).message}`);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return proxy;
}

type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * `op` fails with one of `types` and a message matching `what`, after the proxy told the
 * lie (a hook saw an answer); the hooks are cleared afterwards.
 */
export async function rejectsAfterLie(
  proxy: TamperProxy,
  op: Promise<unknown>,
  types: readonly ErrorClass[],
  what: RegExp,
): Promise<void> {
  await assert.rejects(op, (e: unknown) => {
    assert.ok(
      types.some((t) => e instanceof t),
      `${String(e)} is one of ${types.map((t) => t.name).join(', ')}`,
    );
    assert.match((e as Error).message, what);
    return true;
  });
  assert.ok(proxy.hooked > 0, 'the lie was told');
  proxy.reset();
}
