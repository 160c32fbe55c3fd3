import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { CofferError, NotFoundError, ValidationError } from '@coffer/errors';
import {
  clientErrorLog,
  forLog,
  HOST,
  isBrokenBody,
  malformedRequestAnswer,
} from '@coffer/protocol';
import { hostMetrics } from '../metrics.ts';
import { Traffic } from '../throttle.ts';
import { authorize } from './auth.ts';
import type { Ctx, ServerOptions } from './context.ts';
import { copyChunk } from './copy.ts';
import { acceptCopyOrder } from './copy-orders.ts';
import { getChunk } from './get.ts';
import { closePull, pullChunk } from './pull.ts';
import { PullGuard } from './pull-guard.ts';
import { putChunk } from './put.ts';
import {
  ClientGone,
  HttpError,
  noContent,
  notAllowed,
  sendError,
  sendJson,
  truncate,
} from './responses.ts';

// [Note: Host HTTP API]
// node:http (node:https with a certificate), bodies streamed both ways, chunk data paced by
// the bandwidth limit ([Note: Bandwidth limit]). Every chunk route needs a capability token
// signed by the hub, checked offline against the pinned hub key; no token, no answer about
// whether a chunk exists. Client mistakes get a JSON error body and a 4xx status; a 5xx means
// a bug or a failing disk, never bad input.

export type HostServer = http.Server | https.Server;

const CHUNK_ID = /^[0-9a-f]{64}$/;
const CHUNK_PATH = /^\/chunks\/([^/]*)$/;
const PULL_PATH = /^\/pull\/([^/]*)$/;
const CHUNK_METHODS = 'GET, HEAD, PUT, POST, DELETE, OPTIONS';
const HEALTH_METHODS = 'GET, HEAD, OPTIONS';
const POST_METHODS = 'POST, OPTIONS';

const CORS: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': CHUNK_METHODS,
  'access-control-allow-headers': `authorization, content-type, range, ${HOST.forwardHeader}`,
  'access-control-expose-headers': 'content-range, content-length, accept-ranges',
  'access-control-max-age': '86400',
};

export function createHostServer(options: ServerOptions): HostServer {
  const o: Ctx = {
    ...options,
    traffic: options.traffic ?? new Traffic(null),
    pulls: new PullGuard(),
  };
  const metrics = hostMetrics(o.store, o.traffic);
  // Malformed requests: a 4xx and a short, rate-limited line ([Note: Client-error log]).
  const clientLog = clientErrorLog(o.log);
  const refused = new WeakSet<Socket>();
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
      // A client that cancels an upload is no error (the SDK does that to slow hosts).
      if (e instanceof ClientGone) return;
      if (e instanceof HttpError) return sendError(res, e.error, e.status, e.headers);
      if (e instanceof CofferError) return sendError(res, e);
      if (isBrokenBody(e) || req.errored) {
        if (!refused.has(req.socket)) {
          clientLog(
            req.socket.remoteAddress ?? 'unknown',
            `host: ${req.method} ${forLog(req.url ?? '')}: body cut short or malformed`,
          );
        }
        const error = new ValidationError('body', 'the request body was cut short or malformed');
        return sendError(res, error);
      }
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
    refused.add(socket);
    clientLog(socket.remoteAddress ?? 'unknown', `host: malformed HTTP request (${err.code})`);
    socket.end(malformedRequestAnswer(err.code));
  });
  return server;
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

  // Host to host: copy orders from the hub, pulls from a copy's destination.
  const pull = PULL_PATH.exec(url.pathname);
  if (url.pathname === HOST.copyOrdersPath || pull) {
    if (method === 'OPTIONS') return noContent(res);
    if (method !== 'POST') throw notAllowed(POST_METHODS);
    if (!pull) return acceptCopyOrder(o, req, res);
    if (url.pathname === HOST.pullClosePath) return closePull(o, req, res);
    const id = pull[1] ?? '';
    if (!CHUNK_ID.test(id)) {
      throw new ValidationError('chunkId', 'expected 64 lowercase hex characters');
    }
    return pullChunk(o, req, res, id);
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
