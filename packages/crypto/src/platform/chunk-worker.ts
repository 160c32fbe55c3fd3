// A worker thread of the Node chunk pool: runs sealChunkSync/openChunkSync off the main thread.
import { parentPort } from 'node:worker_threads';
import { openChunkSync, sealChunkSync } from './node-chunk.ts';
import type { OpenChunkJob, SealChunkJob } from './types.ts';

type Request = { id: number } & (
  | { op: 'seal'; job: SealChunkJob }
  | { op: 'open'; job: OpenChunkJob }
);

const port = parentPort;
if (!port) throw new Error('chunk-worker must run as a worker thread');

port.on('message', (msg: Request) => {
  try {
    if (msg.op === 'seal') {
      const r = sealChunkSync(msg.job);
      port.postMessage({ id: msg.id, result: r }, [r.object.buffer as ArrayBuffer]);
    } else {
      const r = openChunkSync(msg.job);
      port.postMessage({ id: msg.id, result: r }, r.ok ? [r.plaintext.buffer as ArrayBuffer] : []);
    }
  } catch (e) {
    port.postMessage({ id: msg.id, error: e instanceof Error ? e.message : String(e) });
  }
});
