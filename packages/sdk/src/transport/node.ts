import http from 'node:http';
import https from 'node:https';
import type { Send } from './types.ts';

// Keep-alive agents: a transfer is many requests to the same few hosts.
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 32 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 32 }),
};

export const send: Send = (url, req) =>
  new Promise((resolve, reject) => {
    const u = new URL(url);
    const mod = u.protocol === 'https:' ? https : http;
    const agent = agents[u.protocol as keyof typeof agents];
    const headers: Record<string, string | number> = { ...req.headers };
    if (req.body) headers['content-length'] = req.body.length;
    const r = mod.request(
      u,
      { method: req.method, headers, agent, ...(req.signal ? { signal: req.signal } : {}) },
      (res) => {
        let consumed = false;
        resolve({
          status: res.statusCode ?? 0,
          header: (name) => {
            const v = res.headers[name.toLowerCase()];
            return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
          },
          bytes: () => {
            if (consumed) return Promise.reject(new Error('body already read'));
            consumed = true;
            return new Promise<Uint8Array>((done, fail) => {
              const length = Number(res.headers['content-length']);
              // With a known length, fill one buffer instead of concatenating pieces.
              if (Number.isSafeInteger(length) && length >= 0) {
                const out = req.into?.(length) ?? new Uint8Array(length);
                let at = 0;
                res.on('data', (d: Buffer) => {
                  if (at + d.length > length)
                    return res.destroy(new Error('body longer than its content-length'));
                  out.set(d, at);
                  at += d.length;
                });
                res.on('end', () =>
                  at === length ? done(out) : fail(new Error('connection closed mid-body')),
                );
              } else {
                const parts: Buffer[] = [];
                res.on('data', (d: Buffer) => parts.push(d));
                res.on('end', () => done(new Uint8Array(Buffer.concat(parts))));
              }
              res.on('error', fail);
              res.on('aborted', () => fail(new Error('connection closed mid-body')));
            });
          },
        });
      },
    );
    r.on('error', reject);
    if (req.body) r.end(req.body);
    else r.end();
  });
