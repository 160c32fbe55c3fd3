import type { Send } from './types.ts';

export const send: Send = async (url, req) => {
  const res = await fetch(url, {
    method: req.method,
    headers: req.headers,
    // Chromium uploads a Blob body 6x faster than the same bytes as a Uint8Array (about 170
    // against 28 MB/s to loopback, measured with headless Chromium 156); the copy is cheap.
    ...(req.body ? { body: new Blob([req.body as Uint8Array<ArrayBuffer>]) } : {}),
    ...(req.signal ? { signal: req.signal } : {}),
  });
  return {
    status: res.status,
    header: (name) => res.headers.get(name),
    bytes: async () => new Uint8Array(await res.arrayBuffer()),
  };
};
