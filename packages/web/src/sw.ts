// The service worker turns decrypted streams into ordinary same-origin URLs under /_stream/.
// The browser's download manager saves them to disk as they arrive (so a file larger than
// memory downloads), and <video>, <audio> and the PDF viewer fetch byte ranges of them (so
// seeking decrypts only the chunks it needs). It holds no keys and does no cryptography: for
// each request it asks the page that made the URL, whose crypto worker answers with a stream.
/// <reference lib="webworker" />
import { type StreamAnswer, type StreamAsk, streamHeaders } from './stream-protocol.ts';

declare const self: ServiceWorkerGlobalScope;

self.addEventListener('install', () => void self.skipWaiting());
self.addEventListener('activate', (e) => e.waitUntil(self.clients.claim()));

/** Asks one page for the stream; it answers through its crypto worker, or says it has none. */
function ask(client: Client, question: StreamAsk): Promise<StreamAnswer> {
  const channel = new MessageChannel();
  return new Promise((resolve) => {
    const timer = setTimeout(
      () => resolve({ ok: false, status: 504, message: 'no answer' }),
      60_000,
    );
    channel.port1.onmessage = (e: MessageEvent<StreamAnswer>) => {
      clearTimeout(timer);
      channel.port1.close();
      resolve(e.data);
    };
    client.postMessage({ type: 'coffer-stream', ...question }, [channel.port2]);
  });
}

async function answer(request: Request, id: string): Promise<Response> {
  const pages = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  // The size comes with the first answer; a Range is resolved against it by the worker.
  const rangeHeader = request.headers.get('range');
  const answers = await Promise.all(pages.map((p) => ask(p, { id, range: rangeHeader })));
  const found = answers.find((a) => a.ok) ?? answers.find((a) => !a.ok && a.status !== 404);
  if (!found?.ok) {
    const status = found?.status ?? 404;
    const headers = new Headers({
      'content-type': 'text/plain; charset=utf-8',
      'cache-control': 'no-store',
    });
    if (status === 416 && found?.size !== undefined) {
      headers.set('content-range', `bytes */${found.size}`);
    }
    return new Response(found?.message ?? 'This link belongs to a closed Coffer tab.', {
      status,
      headers,
    });
  }
  return new Response(found.stream, {
    status: found.range ? 206 : 200,
    headers: streamHeaders(found),
  });
}

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (url.origin !== self.location.origin) return;
  const m = /^\/_stream\/([A-Za-z0-9_-]{16,64})(\/|$)/.exec(url.pathname);
  if (!m?.[1]) return;
  event.respondWith(answer(event.request, m[1]));
});
