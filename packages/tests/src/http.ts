import http from 'node:http';

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
