import http from 'node:http';
import net from 'node:net';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export interface RawRequest {
  method: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Send the body with chunked transfer encoding (no content-length), 1 MiB at a time. */
  chunked?: boolean;
  /** Fails the request (and so the test) if no full answer arrives in time. Default 15 s. */
  timeoutMs?: number;
}

/**
 * One HTTP request with nothing in between: the exact bytes, headers and method given, on a
 * fresh connection. Unlike fetch it sends bodies with any method and does not normalise the
 * path, so it can say anything a hostile client could. A server that answers early (413) and
 * closes while the body is still going is fine: the answer is what counts.
 */
export function rawRequest(url: string, o: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const req = http.request({
      host: target.hostname,
      port: target.port,
      // Exactly as given, dot segments and bad escapes included.
      path: url.slice(target.origin.length) || '/',
      method: o.method,
      // Keep-alive, as fetch and browsers send it: a server that answers early may then drain
      // the rest of the body. (With "Connection: close" it hangs up mid-body, and the client
      // can see a reset before the answer; that says nothing about the server's answer.)
      headers: { connection: 'keep-alive', ...o.headers },
      agent: false,
    });
    let answered = false;
    // Errors after the answer (the server hanging up on the rest of a body) are not ours.
    req.on('socket', (socket) => socket.on('error', () => undefined));
    const timer = setTimeout(() => {
      req.destroy(new Error(`${o.method} ${url}: no answer in ${o.timeoutMs ?? 15_000} ms`));
    }, o.timeoutMs ?? 15_000);
    req.on('response', (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('error', (e) => {
        clearTimeout(timer);
        if (!answered) reject(e);
      });
      res.on('end', () => {
        clearTimeout(timer);
        answered = true;
        const text = Buffer.concat(parts).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        req.destroy();
      });
    });
    req.on('error', (e) => {
      // EPIPE / ECONNRESET after the server answered and hung up on the rest of the body.
      if (answered) return;
      setTimeout(() => {
        if (!answered) {
          clearTimeout(timer);
          reject(e);
        }
      }, 200);
    });
    const body =
      o.body === undefined
        ? undefined
        : typeof o.body === 'string'
          ? Buffer.from(o.body)
          : Buffer.from(o.body.buffer, o.body.byteOffset, o.body.byteLength);
    if (!body) {
      req.end();
      return;
    }
    if (!o.chunked) {
      if (!o.headers || !Object.keys(o.headers).some((k) => k.toLowerCase() === 'content-length'))
        req.setHeader('content-length', String(body.length));
      req.end(body);
      return;
    }
    // Said out loud: node only frames DELETE/GET/OPTIONS bodies as chunked when asked to.
    req.setHeader('transfer-encoding', 'chunked');
    let at = 0;
    const step = 1024 * 1024;
    const pump = () => {
      while (at < body.length) {
        if (req.destroyed) return;
        const ok = req.write(body.subarray(at, at + step));
        at += step;
        if (!ok) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
}

/**
 * Writes `text` to a raw TCP connection and returns everything the server sends back until
 * it closes: for requests too broken for any HTTP client to send.
 */
export function rawHttp(url: string, text: string, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const socket = net.connect(Number(u.port), u.hostname, () => socket.end(text));
    let out = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`${url}: no answer to a raw request in ${timeoutMs} ms`));
    }, timeoutMs);
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      out += d;
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
    socket.on('error', () => undefined);
  });
}

/** Splits the first answer of a raw HTTP/1.1 exchange into status, headers and body. */
export function parseRawAnswer(text: string): RawResponse {
  const end = text.indexOf('\r\n\r\n');
  const head = end < 0 ? text : text.slice(0, end);
  let body = end < 0 ? '' : text.slice(end + 4);
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers: http.IncomingHttpHeaders = {};
  for (const l of lines) {
    const i = l.indexOf(':');
    if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  // Only the first answer counts (a server may add a second one for the bytes after it).
  const length = headers['content-length'];
  if (length !== undefined) body = Buffer.from(body).subarray(0, Number(length)).toString('utf8');
  else if (/chunked/i.test(String(headers['transfer-encoding'] ?? ''))) {
    let out = '';
    let rest = body;
    for (;;) {
      const nl = rest.indexOf('\r\n');
      const size = Number.parseInt(rest.slice(0, nl), 16);
      if (!size) break;
      out += rest.slice(nl + 2, nl + 2 + size);
      rest = rest.slice(nl + 2 + size + 2);
    }
    body = out;
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  return { status: Number(statusLine.split(' ')[1] ?? 0), headers, text: body, json };
}

/** POSTs JSON (with a bearer token, if given); the answer's status, body and error message. */
export async function postJson(url: string, body: unknown, token?: string) {
  const r = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  const answer = (await r.json().catch(() => ({}))) as Record<string, unknown> & {
    error?: { message?: string };
  };
  return { status: r.status, body: answer, message: answer.error?.message ?? '' };
}
