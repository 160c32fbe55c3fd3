import { once } from 'node:events';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { pipeline } from 'node:stream/promises';
import type { SigningPublicKey } from '@coffer/crypto';
import {
  AuthError,
  CofferError,
  ConnectionError,
  NotFoundError,
  ValidationError,
} from '@coffer/errors';
import {
  type Capability,
  type CapabilityOp,
  fromErrorBody,
  HOST,
  hostRoutes,
  STATUS,
  signReceipt,
  toErrorBody,
  verifyCapability,
} from '@coffer/protocol';
import type { HostIdentity } from './identity.ts';
import { hostMetrics } from './metrics.ts';
import { type ChunkStore, MAX_CHUNK_BYTES } from './store/index.ts';
import { type Direction, Traffic } from './throttle.ts';

// [Note: Host HTTP API]
// node:http (node:https with a certificate), bodies streamed both ways, chunk data paced by
// the bandwidth limit ([Note: Bandwidth limit]). Every chunk route needs a capability token
// signed by the hub, checked offline against the pinned hub key; no token, no answer about
// whether a chunk exists. Client mistakes get a JSON error body and a 4xx status; a 5xx means
// a bug or a failing disk, never bad input.

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
}

/** ServerOptions once defaults are filled in. */
type Ctx = ServerOptions & { traffic: Traffic };

export type HostServer = http.Server | https.Server;

const CHUNK_ID = /^[0-9a-f]{64}$/;
const CHUNK_PATH = /^\/chunks\/([^/]*)$/;
const CHUNK_METHODS = 'GET, HEAD, PUT, POST, DELETE, OPTIONS';
const HEALTH_METHODS = 'GET, HEAD, OPTIONS';
const MAX_FORWARD_RESPONSE = 1024 * 1024;

const CORS: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': CHUNK_METHODS,
  'access-control-allow-headers': `authorization, content-type, range, ${HOST.forwardHeader}`,
  'access-control-expose-headers': 'content-range, content-length, accept-ranges',
  'access-control-max-age': '86400',
};

/** An error answered with a status other than the one its code maps to (405, 413, 416). */
class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly error: CofferError,
    readonly headers: Record<string, string> = {},
  ) {
    super(error.message);
  }
}

class ClientGone extends Error {}

export function createHostServer(options: ServerOptions): HostServer {
  const o: Ctx = { ...options, traffic: options.traffic ?? new Traffic(null) };
  const metrics = hostMetrics(o.store, o.traffic);
  const settings = {
    // Uploads of 64 MiB over slow links may take long; idle sockets are cut instead.
    requestTimeout: 0,
    headersTimeout: 30_000,
    keepAliveTimeout: 5_000,
  };
  const server: HostServer = o.tls
    ? https.createServer({ ...settings, cert: o.tls.cert, key: o.tls.key })
    : http.createServer(settings);
  server.setTimeout(120_000);
  // Errors of the listening socket itself (EMFILE on accept, ...) are logged, never fatal.
  server.on('error', (e) => o.log(`host: server error: ${String(e)}`));
  const route = (req: IncomingMessage, res: ServerResponse, expectContinue: boolean) => {
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    res.on('finish', () =>
      metrics.requests.inc({ method: req.method ?? '?', status: String(res.statusCode) }),
    );
    if (req.method === 'GET' && req.url === HOST.metricsPath) {
      void metrics.registry.metrics().then((text) => {
        res.writeHead(200, { 'content-type': metrics.registry.contentType });
        res.end(text);
      });
      return;
    }
    for (const [k, v] of Object.entries(CORS)) res.setHeader(k, v);
    handle(o, req, res, expectContinue).catch((e) => {
      if (e instanceof ClientGone) return;
      if (e instanceof HttpError) return sendError(res, e.error, e.status, e.headers);
      if (e instanceof CofferError) return sendError(res, e);
      o.log(
        `host: internal error on ${req.method} ${truncate(req.url)}: ${(e as Error)?.stack ?? String(e)}`,
      );
      sendJson(res, 500, { error: { code: 'internal', message: 'internal error' } });
    });
  };
  server.on('request', (req, res) => route(req, res, false));
  // Answer Expect: 100-continue only once the token, size and quota are fine.
  server.on('checkContinue', (req, res) => route(req, res, true));
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? 431
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? 408
          : 400;
    const body = JSON.stringify(
      toErrorBody(new ValidationError('request', 'malformed HTTP request')),
    );
    socket.end(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\n` +
        'content-type: application/json; charset=utf-8\r\n' +
        `content-length: ${Buffer.byteLength(body)}\r\n` +
        'access-control-allow-origin: *\r\n' +
        'connection: close\r\n\r\n' +
        body,
    );
  });
  return server;
}

const truncate = (s: string | undefined) =>
  !s ? '' : s.length > 200 ? `${s.slice(0, 200)}...` : s;

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

function sendError(
  res: ServerResponse,
  e: CofferError,
  status = STATUS[e.code],
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, toErrorBody(e), headers);
}

async function handle(
  o: Ctx,
  req: IncomingMessage,
  res: ServerResponse,
  expectContinue: boolean,
): Promise<void> {
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://host.invalid');
  } catch {
    throw new ValidationError('url', 'malformed request target');
  }
  const method = req.method ?? 'GET';

  if (url.pathname === HOST.healthPath) {
    if (method === 'OPTIONS') return noContent(res);
    if (method !== 'GET' && method !== 'HEAD') throw notAllowed(HEALTH_METHODS);
    sendJson(res, 200, { ok: true, hostId: o.identity.hostId, chunks: o.store.stats().chunks });
    return;
  }

  const m = CHUNK_PATH.exec(url.pathname);
  if (!m) throw new NotFoundError(`no such path: ${truncate(url.pathname)}`);
  if (method === 'OPTIONS') return noContent(res);
  if (!['GET', 'HEAD', 'PUT', 'POST', 'DELETE'].includes(method)) throw notAllowed(CHUNK_METHODS);
  const id = m[1] ?? '';
  if (!CHUNK_ID.test(id)) {
    throw new ValidationError('chunkId', 'expected 64 lowercase hex characters');
  }
  switch (method) {
    case 'GET':
    case 'HEAD':
      return getChunk(o, req, res, url, id, method === 'HEAD');
    case 'PUT':
      return putChunk(o, req, res, id, expectContinue);
    case 'POST':
      return copyChunk(o, req, res, id);
    default:
      return deleteChunk(o, req, res, id);
  }
}

function noContent(res: ServerResponse): void {
  res.writeHead(204);
  res.end();
}

const notAllowed = (allow: string) =>
  new HttpError(405, new ValidationError('method', `expected one of ${allow}`), { allow });

// ---- tokens -------------------------------------------------------------------------------

function authorize(
  o: Ctx,
  req: IncomingMessage,
  url: URL | null,
  op: CapabilityOp,
  chunk: string,
): Capability {
  let token: string | undefined;
  const header = req.headers.authorization;
  if (header !== undefined) {
    const m = /^Bearer +(\S+) *$/i.exec(header);
    if (!m?.[1]) throw new ValidationError('token', 'expected "Authorization: Bearer <token>"');
    token = m[1];
  } else if (url) {
    token = url.searchParams.get('token') ?? undefined;
  }
  if (!token) throw new AuthError('token: missing; send "Authorization: Bearer <token>"');
  const hubKey = o.hubKey();
  if (!hubKey) throw new ConnectionError('host: not registered with its hub yet; retry shortly');
  return verifyCapability(token, hubKey, { host: o.identity.hostId, op, chunk });
}

// ---- GET / HEAD ---------------------------------------------------------------------------

/** Parses one byte range; null when it cannot be satisfied for a chunk of `size` bytes. */
export function parseRange(header: string, size: number): { start: number; end: number } | null {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  const bad = () =>
    new ValidationError('range', 'expected one range: bytes=a-b, bytes=a- or bytes=-n');
  if (!m) throw bad();
  const [a = '', b = ''] = [m[1], m[2]];
  if (a === '' && b === '') throw bad();
  if (a === '') {
    const n = Number(b);
    if (n === 0 || size === 0) return null;
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(a);
  const end = b === '' ? Number.POSITIVE_INFINITY : Number(b);
  if (end < start) throw new ValidationError('range', 'the range ends before it starts');
  if (start >= size) return null;
  return { start, end: Math.min(end, size - 1) };
}

async function getChunk(
  o: Ctx,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  id: string,
  head: boolean,
): Promise<void> {
  const cap = authorize(o, req, url, 'get', id);
  const loc = o.store.locate(id);
  if (!loc) throw new NotFoundError('chunk: not stored on this host');
  let start = 0;
  let end = loc.length - 1;
  const range = req.headers.range;
  let partial = false;
  if (range !== undefined) {
    const r = parseRange(range, loc.length);
    if (!r) {
      throw new HttpError(
        416,
        new ValidationError('range', `not satisfiable: the chunk has ${loc.length} bytes`),
        { 'content-range': `bytes */${loc.length}` },
      );
    }
    ({ start, end } = r);
    partial = true;
  }
  const length = end - start + 1;
  if (length > cap.max) throw new AuthError(`token: allows reading at most ${cap.max} bytes`);
  const headers: Record<string, string> = {
    'content-type': 'application/octet-stream',
    'content-length': String(length),
    'accept-ranges': 'bytes',
    // The id is the hash of the bytes: they never change.
    etag: `"${id}"`,
  };
  if (partial) headers['content-range'] = `bytes ${start}-${end}/${loc.length}`;
  const status = partial ? 206 : 200;
  if (head) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  const stream = o.store.createReadStream(loc, start, end);
  try {
    await once(stream, 'ready');
  } catch (e) {
    o.log(`STORE ERROR: cannot read chunk ${id} from segment ${loc.segment}: ${String(e)}`);
    throw new ConnectionError('chunk: unreadable on this host; try another replica');
  }
  res.writeHead(status, headers);
  try {
    await pipeline(stream, (source: AsyncIterable<Buffer>) => o.traffic.out.pass(source), res);
  } catch (e) {
    // The client went away, or the segment failed mid-read: either way the response is cut
    // short, which the client sees as a length mismatch.
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ERR_STREAM_PREMATURE_CLOSE' && code !== 'ECONNRESET' && code !== 'EPIPE') {
      o.log(`host: reading chunk ${id} failed: ${String(e)}`);
    }
    res.destroy();
  }
}

// ---- POST: copy to another host (repair) --------------------------------------------------

/**
 * Sends a stored chunk to the one host named in a hub-signed copy token, with that host's put
 * token in the forward header, and answers with its receipt. The target checks the bytes
 * against the id, so a chunk rotten here is refused there, never spread.
 */
async function copyChunk(
  o: Ctx,
  req: IncomingMessage,
  res: ServerResponse,
  id: string,
): Promise<void> {
  const cap = authorize(o, req, null, 'copy', id);
  const chain = cap.fwd ?? [];
  if (chain.length !== 1) throw new ValidationError('token', 'a copy names exactly one target');
  const header = req.headers[HOST.forwardHeader];
  const token = typeof header === 'string' ? header.trim() : '';
  if (!/^[A-Za-z0-9_.-]{1,8192}$/.test(token)) {
    throw new ValidationError(HOST.forwardHeader, "expected the target host's put token");
  }
  const loc = o.store.locate(id);
  if (!loc) throw new NotFoundError('chunk: not stored on this host');
  if (loc.length !== cap.max) throw new ValidationError('token', 'names another size');
  req.resume();
  const down = new Downstream(
    chain,
    [token],
    id,
    loc.length,
    o.forwardTimeoutMs ?? 30_000,
    o.traffic.out,
  );
  const stream = o.store.createReadStream(loc, 0, loc.length - 1);
  try {
    for await (const piece of stream) await down.write(piece as Buffer);
    down.end();
  } catch (e) {
    down.abort('this host could not read the chunk');
    o.log(`STORE ERROR: cannot read chunk ${id} from segment ${loc.segment}: ${String(e)}`);
    throw new ConnectionError('chunk: unreadable on this host');
  }
  const result = await down.result;
  for (const f of result.failed) o.log(`host: copying ${id} to ${f.host} failed: ${f.message}`);
  sendJson(res, result.receipts.length ? 201 : 502, result);
}

// ---- DELETE -------------------------------------------------------------------------------

async function deleteChunk(
  o: Ctx,
  req: IncomingMessage,
  res: ServerResponse,
  id: string,
): Promise<void> {
  authorize(o, req, null, 'delete', id);
  await o.store.delete(id);
  noContent(res);
}

// ---- PUT ----------------------------------------------------------------------------------

class TooLarge extends Error {}

async function putChunk(
  o: Ctx,
  req: IncomingMessage,
  res: ServerResponse,
  id: string,
  expectContinue: boolean,
): Promise<void> {
  const cap = authorize(o, req, null, 'put', id);
  const length = cap.max;
  const tooLarge = (why: string) => new HttpError(413, new ValidationError('body', why));
  if (length > MAX_CHUNK_BYTES) throw tooLarge(`chunks are at most ${MAX_CHUNK_BYTES} bytes`);
  if (length < 1) throw new ValidationError('token', 'allows an empty chunk');
  const declared = req.headers['content-length'];
  if (declared !== undefined) {
    const n = Number(declared);
    if (n > length) throw tooLarge(`the token allows exactly ${length} bytes, not ${n}`);
    if (n !== length) {
      throw new ValidationError('body', `expected ${length} bytes (the token's size), not ${n}`);
    }
  }
  const chain = cap.fwd ?? [];
  let tokens: string[] = [];
  if (chain.length > 0) {
    const header = req.headers[HOST.forwardHeader];
    tokens = typeof header === 'string' ? header.split(',').map((t) => t.trim()) : [];
    if (tokens.length !== chain.length || tokens.some((t) => !/^[A-Za-z0-9_.-]{1,8192}$/.test(t))) {
      throw new ValidationError(
        HOST.forwardHeader,
        `expected ${chain.length} comma-separated tokens, one per host down the chain`,
      );
    }
  }

  const put = o.store.beginPut(id, length);
  // Each host down the chain waits for the ones after it, so it gets their time too.
  const timeout = (o.forwardTimeoutMs ?? 30_000) * chain.length;
  let down: Downstream | null = null;
  try {
    if (chain.length > 0) {
      down = new Downstream(chain, tokens, id, length, timeout, o.traffic.out);
    }
  } catch (e) {
    await put.abort();
    throw e;
  }
  if (expectContinue) res.writeContinue();

  let received = 0;
  try {
    await pumpBody(req, async (bytes) => {
      if (received + bytes.length > length) throw new TooLarge();
      received += bytes.length;
      // The socket stays paused while the bandwidth limit holds this piece back.
      await o.traffic.in.take(bytes.length);
      const forwarded = down?.write(bytes);
      await put.write(bytes);
      await forwarded;
    });
    if (received !== length) {
      throw new ValidationError('body', `expected ${length} bytes, received ${received}`);
    }
  } catch (e) {
    await put.abort();
    down?.abort('the upload to this host failed');
    if (e instanceof TooLarge) {
      // Stop storing, answer, then read and discard what is still coming (for a few seconds)
      // so the client sees the answer rather than a reset connection. No "connection: close":
      // that would end the socket as soon as the answer is out, and the client, still sending,
      // would see EPIPE before it reads the answer.
      sendError(
        res,
        new ValidationError('body', `more than the ${length} bytes the token allows`),
        413,
      );
      req.resume();
      setTimeout(() => req.socket.destroy(), 5_000).unref();
      return;
    }
    throw e;
  }

  down?.end();
  let result: { id: string; size: number; stored: boolean };
  try {
    result = await put.finish();
  } catch (e) {
    down?.abort('the chunk was refused by the host before it in the chain');
    throw e;
  }
  const own = signReceipt(
    { v: 1, host: o.identity.hostId, chunk: id, size: result.size, at: Date.now() },
    o.identity.secretKey,
  );
  const further = down ? await down.result : { receipts: [], failed: [] };
  for (const f of further.failed) o.log(`host: forwarding ${id} to ${f.host} failed: ${f.message}`);
  sendJson(res, 201, { receipts: [own, ...further.receipts], failed: further.failed });
}

/**
 * Feeds each piece of the request body to `onPiece`, one at a time, pausing the socket while
 * it runs (backpressure). Rejects with ClientGone when the client disconnects mid-body.
 */
function pumpBody(req: IncomingMessage, onPiece: (b: Buffer) => Promise<void>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let chain = Promise.resolve();
    let settled = false;
    const settle = (e?: unknown) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      req.pause();
      if (e === undefined) resolve();
      else reject(e);
    };
    const onData = (b: Buffer) => {
      req.pause();
      chain = chain
        .then(() => (settled ? undefined : onPiece(b)))
        .then(
          () => {
            if (!settled) req.resume();
          },
          (e) => settle(e),
        );
    };
    const onEnd = () => void chain.then(() => settle());
    const onClose = () => {
      if (!req.complete) void chain.then(() => settle(new ClientGone()));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('close', onClose);
    req.on('error', onClose);
  });
}

// ---- chain replication --------------------------------------------------------------------

interface ForwardResult {
  receipts: string[];
  failed: { host: string; message: string }[];
}

/**
 * The next host in the chain: the bytes are streamed to it as they arrive, with the tokens of
 * the hosts after it. It never makes the upload fail: if it refuses, times out or cannot be
 * reached, it (and every host after it) is reported in `failed`.
 */
class Downstream {
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
   * Sends bytes on once the bandwidth limit allows; resolves when the next host can take
   * more (or has failed).
   */
  write(bytes: Buffer): Promise<void> | undefined {
    if (this.done || this.req.destroyed) return undefined;
    const wait = this.out.take(bytes.length);
    return wait ? wait.then(() => this.send(bytes)) : this.send(bytes);
  }

  private send(bytes: Buffer): Promise<void> | undefined {
    if (this.done || this.req.destroyed) return undefined;
    if (this.req.write(bytes)) return undefined;
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
