// Entry of a worker thread of the Node chunk pool: runs sealChunkSync/openChunkSync off the
// main thread. Plain JavaScript with node:crypto only, so it needs no TypeScript loader.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort } from 'node:worker_threads';
import { openChunkSync, sealChunkSync } from './node-chunk.mjs';

// [Note: A young-generation collection per chunk]
// Each chunk leaves its size in node:crypto output buffers behind (one per 64 KiB slice,
// node-chunk.mjs). V8 frees memory held outside its heap only once tens of MB of it have
// piled up, in each thread: on a 1 GiB transfer that was 40–50 MB of the CLI's peak RSS. A
// minor collection after each chunk frees them at once, for well under a millisecond. `gc` is
// not exposed to workers by a flag (Node refuses V8 flags in a worker's execArgv), hence the
// flag set here, which only adds a `gc` global to contexts created afterwards.
// After sealing too, now: it used to cost an upload 0.5–0.7 CPU-seconds per 256 MiB, because
// glibc handed the freed memory back to the kernel and the next chunk faulted it in again. The
// CLI now keeps freed memory in the process ([Note: Freed memory stays in the process] in
// packages/cli/bin/coffer.mjs), and the collection costs nothing measurable.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc');

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
  collect({ type: 'minor' });
});
