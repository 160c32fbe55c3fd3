import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { AuthError, ConnectionError, NotFoundError, ValidationError } from '@coffer/errors';
import type { ChunkLocation } from '../store/index.ts';
import { authorize } from './auth.ts';
import type { Ctx } from './context.ts';
import { HttpError } from './responses.ts';

// GET and HEAD /chunks/{id}: a stored chunk, whole or one byte range.

/** Parses one byte range; null when it cannot be satisfied for a chunk of `size` bytes. */
export function parseRange(header: string, size: number): { start: number; end: number } | null {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  const bad = () =>
    new ValidationError('range', 'expected one range: bytes=a-b, bytes=a- or bytes=-n');
  if (!m) throw bad();
  const [a = '', b = ''] = [m[1], m[2]];
  if (a === '' && b === '') throw bad();
  if (a === '') {
    const n = Number(b);
    if (n === 0 || size === 0) return null;
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(a);
  const end = b === '' ? Number.POSITIVE_INFINITY : Number(b);
  if (end < start) throw new ValidationError('range', 'the range ends before it starts');
  if (start >= size) return null;
  return { start, end: Math.min(end, size - 1) };
}

export async function getChunk(
  o: Ctx,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  id: string,
  head: boolean,
): Promise<void> {
  const cap = authorize(o, req, url, 'get', id);
  const loc = o.store.locate(id);
  if (!loc) throw new NotFoundError('chunk: not stored on this host');
  let start = 0;
  let end = loc.length - 1;
  const range = req.headers.range;
  let partial = false;
  if (range !== undefined) {
    const r = parseRange(range, loc.length);
    if (!r) {
      throw new HttpError(
        416,
        new ValidationError('range', `not satisfiable: the chunk has ${loc.length} bytes`),
        { 'content-range': `bytes */${loc.length}` },
      );
    }
    ({ start, end } = r);
    partial = true;
  }
  const length = end - start + 1;
  if (length > cap.max) throw new AuthError(`token: allows reading at most ${cap.max} bytes`);
  const headers: Record<string, string> = {
    'content-type': 'application/octet-stream',
    'content-length': String(length),
    'accept-ranges': 'bytes',
    // The id is the hash of the bytes: they never change.
    etag: `"${id}"`,
  };
  if (partial) headers['content-range'] = `bytes ${start}-${end}/${loc.length}`;
  const status = partial ? 206 : 200;
  if (head) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  await sendChunkBytes(o, res, loc, start, end, status, headers);
}

/**
 * Streams bytes [start, end] of a stored chunk as the answer, paced by the bandwidth limit
 * for sent data. A segment that cannot be opened is a 503 (another replica may do); a failure
 * midway cuts the answer short, which the receiver sees as a length mismatch.
 */
export async function sendChunkBytes(
  o: Ctx,
  res: ServerResponse,
  loc: ChunkLocation,
  start: number,
  end: number,
  status: number,
  headers: Record<string, string>,
): Promise<void> {
  const stream = o.store.createReadStream(loc, start, end);
  try {
    await once(stream, 'ready');
  } catch (e) {
    o.log(`STORE ERROR: cannot read chunk ${loc.id} from segment ${loc.segment}: ${String(e)}`);
    throw new ConnectionError('chunk: unreadable on this host; try another replica');
  }
  res.writeHead(status, headers);
  try {
    await pipeline(stream, (source: AsyncIterable<Buffer>) => o.traffic.out.pass(source), res);
  } catch (e) {
    // The receiver went away, or the segment failed mid-read: either way the response is cut
    // short, which the receiver sees as a length mismatch.
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ERR_STREAM_PREMATURE_CLOSE' && code !== 'ECONNRESET' && code !== 'EPIPE') {
      o.log(`host: reading chunk ${loc.id} failed: ${String(e)}`);
    }
    res.destroy();
  }
}
