import type { Send } from './types.ts';

export const send: Send = async (url, req) => {
  const res = await fetch(url, {
    method: req.method,
    headers: req.headers,
    ...(req.body ? { body: req.body as Uint8Array<ArrayBuffer> } : {}),
    ...(req.signal ? { signal: req.signal } : {}),
  });
  return {
    status: res.status,
    header: (name) => res.headers.get(name),
    bytes: async () => new Uint8Array(await res.arrayBuffer()),
  };
};
