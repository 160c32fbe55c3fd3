// The page's side of /_stream/ URLs (see sw.ts): it registers what each URL stands for and,
// when the service worker asks, hands the question to the crypto worker with a port that leads
// back to the service worker.
import * as Comlink from 'comlink';
import type { StreamAsk, StreamSpec } from './stream-protocol.ts';
import type { WorkerApi } from './worker.ts';

const specs = new Map<string, StreamSpec>();

/** Registers the service worker and answers its questions; resolves once it controls the page. */
function startStreams(
  worker: Comlink.Remote<WorkerApi>,
  onError: (message: string) => void,
): Promise<boolean> {
  const sw = navigator.serviceWorker;
  // No service worker (an insecure origin, a private window in some browsers): downloads fall
  // back to a Blob and previews to in-memory media.
  if (!sw) return Promise.resolve(false);
  sw.addEventListener('message', (e: MessageEvent) => {
    const data = e.data as (StreamAsk & { type?: string }) | null;
    const port = e.ports[0];
    if (data?.type !== 'coffer-stream' || !port) return;
    const spec = specs.get(data.id);
    if (!spec) {
      port.postMessage({ ok: false, status: 404, message: 'not this tab' });
      return;
    }
    void worker
      .openStream(spec, { id: data.id, range: data.range }, Comlink.transfer(port, [port]))
      .then((failure) => failure && onError(failure));
  });
  sw.startMessages();
  return new Promise((resolve) => {
    if (sw.controller) return resolve(true);
    const timer = setTimeout(() => resolve(false), 10_000);
    sw.addEventListener('controllerchange', () => {
      clearTimeout(timer);
      resolve(true);
    });
    sw.register('/sw.js', { scope: '/' }).catch(() => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

const PAGE = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
let next = 0;
let ready: Promise<boolean> = Promise.resolve(false);
let reportError: (message: string) => void = () => {};
export function initStreams(worker: Comlink.Remote<WorkerApi>) {
  ready = startStreams(worker, (m) => reportError(m));
}

/** Where a download or preview that failed after it started is reported. */
export function onStreamError(report: (message: string) => void) {
  reportError = report;
}

/** A same-origin URL that streams `spec` decrypted; null when streaming is unavailable. */
export async function streamUrl(spec: StreamSpec, name: string): Promise<string | null> {
  if (!(await ready)) return null;
  // Only this origin's pages reach the service worker, so ids need to be unique, not secret.
  const id = `${PAGE}-${(next++).toString(36).padStart(6, '0')}`;
  specs.set(id, spec);
  return `/_stream/${id}/${encodeURIComponent(name)}`;
}

/**
 * Starts a download through the browser's download manager, streaming to disk. It navigates a
 * hidden frame: Chromium does not pass <a download> requests to a service worker, and an error
 * answer then lands in the frame instead of replacing the app (the worker reports it).
 */
export function startDownload(url: string) {
  const frame = document.createElement('iframe');
  frame.hidden = true;
  frame.title = 'download';
  frame.src = url;
  document.body.append(frame);
  setTimeout(() => frame.remove(), 60_000);
}
