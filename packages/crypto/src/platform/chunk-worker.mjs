// Entry of a worker thread of the Node chunk pool: runs sealChunkSync/openChunkSync off the
// main thread. Plain JavaScript with node:crypto only, so it needs no TypeScript loader.
import { parentPort } from 'node:worker_threads';
import { openChunkSync, sealChunkSync } from './node-chunk.mjs';

const port = parentPort;
if (!port) throw new Error('chunk-worker must run as a worker thread');

port.on('message', (msg) => {
  try {
    if (msg.op === 'seal') {
      const r = sealChunkSync(msg.job);
      port.postMessage({ id: msg.id, result: r }, [r.object.buffer]);
    } else {
      const r = openChunkSync(msg.job);
      port.postMessage({ id: msg.id, result: r }, r.ok ? [r.plaintext.buffer] : []);
    }
  } catch (e) {
    port.postMessage({ id: msg.id, error: e instanceof Error ? e.message : String(e) });
  }
});
