import {
  createServer as createHttp,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttps } from 'node:https';
import { equalBytes, randomBytes, toBase64Url } from '@coffer/crypto';
import { CofferError } from '@coffer/errors';
import {
  type Call,
  type Drive,
  errorBody,
  type Gateway,
  HttpError,
  type Quota,
} from './context.ts';
import { DeadProps } from './dead-props.ts';
import { lock, unlock } from './lock-methods.ts';
import { Locks } from './locks.ts';
import { MacFiles } from './mac-files.ts';
import { namesOf } from './paths.ts';
import { proppatch } from './proppatch.ts';
import { get, options, propfind } from './read.ts';
import { copyOrMove, del, mkcol, put } from './write.ts';

export interface GatewayOptions {
  drive: Drive;
  quota: Quota | null;
  host: string;
  port: number;
  /** The password that lets a client in ([Note: Gateway authentication]). */
  password: string;
  readOnly: boolean;
  keepMacFiles: boolean;
  tls?: { cert: Buffer; key: Buffer };
  /** Where dead properties are kept (default: in the config folder). */
  propsFile?: string;
  log(line: string): void;
}

// [Note: Gateway authentication]
// Basic auth, checked by `authorized` alone, against one password made by `newGatewayPassword`
// and printed when the gateway starts. With the account's session it is made afresh at each
// start and held only in memory. A gateway that runs as an app (`--app`) keeps its password
// with its grant ([Note: A gateway that runs as an app]), so a mount survives a restart; the
// app's hub token is never taken as a password, so what a client keeps to mount the drive (a
// keyring, davfs2's secrets file, a command line) is no bearer token for the hub, and a new
// grant (after a revocation) comes with a new password. The user name is not checked (any name
// will do: clients insist on one), since the password alone proves the caller read the
// command's output. OPTIONS is answered without credentials, as Windows asks before it sends
// any, and it tells nothing about the files.

const encoder = new TextEncoder();

/** A gateway's password: 18 random bytes (144 bits), as 24 base64url characters. */
export const newGatewayPassword = (): string => toBase64Url(randomBytes(18));

/** Whether the request carries `password`, compared in constant time. */
export function authorized(req: IncomingMessage, password: string): boolean {
  const h = req.headers.authorization;
  const m = typeof h === 'string' ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(h) : null;
  if (!m?.[1]) return false;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  return equalBytes(encoder.encode(decoded.slice(colon + 1)), encoder.encode(password));
}

function refuse(res: ServerResponse) {
  res.writeHead(401, {
    'WWW-Authenticate': 'Basic realm="Coffer", charset="UTF-8"',
    'Content-Type': 'text/plain; charset=utf-8',
    Connection: 'close',
  });
  res.end('the password coffer webdav printed is needed\n');
}

const STATUS: Record<string, number> = {
  validation: 400,
  auth: 403,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  expired: 403,
  quota: 507,
  rate_limited: 503,
  connection: 503,
  integrity: 502,
  decryption: 502,
};

/** Each method's handler. */
const HANDLERS: Record<string, (call: Call) => Promise<void> | void> = {
  OPTIONS: options,
  PROPFIND: propfind,
  GET: (call) => get(call, false),
  HEAD: (call) => get(call, true),
  PUT: put,
  MKCOL: mkcol,
  DELETE: del,
  COPY: (call) => copyOrMove(call, false),
  MOVE: (call) => copyOrMove(call, true),
  PROPPATCH: proppatch,
  LOCK: lock,
  UNLOCK: unlock,
};

async function dispatch(gw: Gateway, req: IncomingMessage, res: ServerResponse) {
  const handler = Object.hasOwn(HANDLERS, req.method ?? '')
    ? HANDLERS[req.method ?? '']
    : undefined;
  if (!handler)
    throw new HttpError(405, `${req.method} is not a WebDAV method this gateway serves`);
  await handler({ gw, req, res, names: namesOf(req.url ?? '/') });
}

function answerError(gw: Gateway, req: IncomingMessage, res: ServerResponse, e: unknown) {
  let status = 500;
  let message = 'internal error';
  let type = 'text/plain; charset=utf-8';
  let body: string;
  if (e instanceof HttpError) {
    status = e.status;
    ({ type, body } = errorBody(e));
  } else if (e instanceof CofferError) {
    status = STATUS[e.code] ?? 500;
    message = e.message;
    body = `${message}\n`;
  } else {
    body = `${message}\n`;
  }
  if (e instanceof CofferError && e.code === 'auth')
    gw.log(`${req.method} ${req.url}: the hub refused this session (${e.message}); log in again`);
  if (status >= 500) gw.log(`${req.method} ${req.url}: ${(e as Error)?.stack ?? String(e)}`);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const bytes = Buffer.from(body, 'utf8');
  // The request's body may be unread (an error before it was needed): close after answering.
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': String(bytes.length),
    Connection: 'close',
  });
  res.end(bytes);
}

/** Starts the gateway; resolves once it listens, with the server and its URL. */
export async function startGateway(o: GatewayOptions): Promise<{ server: Server; url: string }> {
  const gw: Gateway = {
    drive: o.drive,
    quota: o.quota,
    readOnly: o.readOnly,
    keepMacFiles: o.keepMacFiles,
    locks: new Locks(),
    props: await DeadProps.open(o.propsFile),
    macFiles: new MacFiles(),
    log: o.log,
  };
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'OPTIONS' && !authorized(req, o.password)) {
      refuse(res);
      return;
    }
    dispatch(gw, req, res).catch((e: unknown) => answerError(gw, req, res, e));
  };
  const server = o.tls
    ? createHttps({ cert: o.tls.cert, key: o.tls.key }, handle)
    : createHttp(handle);
  // Large uploads take as long as they take (Node ends a request after 300 s by default).
  server.requestTimeout = 0;
  // Expect: 100-continue: refuse without credentials before the body is sent.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (!authorized(req, o.password)) {
      refuse(res);
      return;
    }
    res.writeContinue();
    handle(req, res);
  });
  server.on('clientError', (_e, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port;
  const shownHost = o.host.includes(':') ? `[${o.host}]` : o.host;
  return { server, url: `${o.tls ? 'https' : 'http'}://${shownHost}:${port}/` };
}
