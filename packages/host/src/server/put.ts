import type { IncomingMessage, ServerResponse } from 'node:http';
import { ValidationError } from '@coffer/errors';
import { HOST, signReceipt } from '@coffer/protocol';
import { MAX_CHUNK_BYTES } from '../store/index.ts';
import { authorize } from './auth.ts';
import type { Ctx } from './context.ts';
import { Downstream } from './forward.ts';
import { ClientGone, HttpError, sendError, sendJson } from './responses.ts';

// PUT /chunks/{id}: stores a chunk and streams it on down the replication chain meanwhile.

class TooLarge extends Error {}

export async function putChunk(
  o: Ctx,
  req: IncomingMessage,
  res: ServerResponse,
  id: string,
  expectContinue: boolean,
): Promise<void> {
  const cap = authorize(o, req, null, 'put', id);
  const length = cap.max;
  const tooLarge = (why: string) => new HttpError(413, new ValidationError('body', why));
  if (length > MAX_CHUNK_BYTES) throw tooLarge(`chunks are at most ${MAX_CHUNK_BYTES} bytes`);
  if (length < 1) throw new ValidationError('token', 'allows an empty chunk');
  const declared = req.headers['content-length'];
  if (declared !== undefined) {
    const n = Number(declared);
    if (n > length) throw tooLarge(`the token allows exactly ${length} bytes, not ${n}`);
    if (n !== length) {
      throw new ValidationError('body', `expected ${length} bytes (the token's size), not ${n}`);
    }
  }
  const chain = cap.fwd ?? [];
  let tokens: string[] = [];
  if (chain.length > 0) {
    const header = req.headers[HOST.forwardHeader];
    tokens = typeof header === 'string' ? header.split(',').map((t) => t.trim()) : [];
    if (tokens.length !== chain.length || tokens.some((t) => !/^[A-Za-z0-9_.-]{1,8192}$/.test(t))) {
      throw new ValidationError(
        HOST.forwardHeader,
        `expected ${chain.length} comma-separated tokens, one per host down the chain`,
      );
    }
  }

  const put = o.store.beginPut(id, length);
  // Each host down the chain waits for the ones after it, so it gets their time too.
  const timeout = (o.forwardTimeoutMs ?? 30_000) * chain.length;
  let down: Downstream | null = null;
  try {
    if (chain.length > 0) {
      down = new Downstream(chain, tokens, id, length, timeout, o.traffic.out);
    }
  } catch (e) {
    await put.abort();
    throw e;
  }
  if (expectContinue) res.writeContinue();

  let received = 0;
  try {
    await pumpBody(req, async (pieces, n) => {
      if (received + n > length) throw new TooLarge();
      received += n;
      // The socket stays paused while the bandwidth limit holds this batch back.
      await o.traffic.in.take(n);
      const forwarded = down?.write(pieces, n);
      await put.write(pieces);
      await forwarded;
    });
    if (received !== length) {
      throw new ValidationError('body', `expected ${length} bytes, received ${received}`);
    }
  } catch (e) {
    await put.abort();
    down?.abort('the upload to this host failed');
    if (e instanceof TooLarge) {
      // Stop storing, answer, then read and discard what is still coming (for a few seconds)
      // so the client sees the answer rather than a reset connection. No "connection: close":
      // that would end the socket as soon as the answer is out, and the client, still sending,
      // would see EPIPE before it reads the answer.
      sendError(
        res,
        new ValidationError('body', `more than the ${length} bytes the token allows`),
        413,
      );
      req.resume();
      setTimeout(() => req.socket.destroy(), 5_000).unref();
      return;
    }
    throw e;
  }

  down?.end();
  let result: { id: string; size: number; stored: boolean };
  try {
    result = await put.finish();
  } catch (e) {
    down?.abort('the chunk was refused by the host before it in the chain');
    throw e;
  }
  const own = signReceipt(
    { v: 1, host: o.identity.hostId, chunk: id, size: result.size, at: Date.now() },
    o.identity.secretKey,
  );
  const further = down ? await down.result : { receipts: [], failed: [] };
  for (const f of further.failed) o.log(`host: forwarding ${id} to ${f.host} failed: ${f.message}`);
  sendJson(res, 201, { receipts: [own, ...further.receipts], failed: further.failed });
}

// [Note: Receiving a chunk in batches]
// The body arrives in pieces of up to 64 KiB. They are handed on (hashed, forwarded, written
// with one pwritev) in batches: whatever arrived while the previous batch was being written,
// up to RECEIVE_BATCH bytes, at which point the socket pauses. A batch per piece, with a pause,
// a promise chain and a thread-pool write each (16,384 per GiB), cost the host about as much
// CPU as hashing and writing the bytes (see docs/benchmarks.md, upload path).
const RECEIVE_BATCH = 1024 * 1024;

/**
 * Feeds the request body to `onBatch` in batches of the pieces received meanwhile, one batch
 * at a time; the socket pauses while RECEIVE_BATCH bytes wait (backpressure). Rejects with
 * ClientGone when the client disconnects mid-body.
 */
function pumpBody(
  req: IncomingMessage,
  onBatch: (pieces: Buffer[], n: number) => Promise<void>,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let waiting: Buffer[] = [];
    let bytes = 0;
    let busy = false;
    let paused = false;
    let ended = false;
    let gone = false;
    let settled = false;
    const settle = (e?: unknown) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      req.pause();
      if (e === undefined) resolve();
      else reject(e);
    };
    const next = () => {
      busy = false;
      if (settled) return;
      if (gone) return settle(new ClientGone());
      if (waiting.length === 0) {
        if (ended) settle();
        return;
      }
      const batch = waiting;
      const n = bytes;
      waiting = [];
      bytes = 0;
      busy = true;
      if (paused) {
        paused = false;
        req.resume();
      }
      onBatch(batch, n).then(next, settle);
    };
    const onData = (b: Buffer) => {
      waiting.push(b);
      bytes += b.length;
      if (bytes >= RECEIVE_BATCH && !paused) {
        paused = true;
        req.pause();
      }
      if (!busy) next();
    };
    const onEnd = () => {
      ended = true;
      if (!busy) next();
    };
    const onClose = () => {
      if (req.complete) return;
      gone = true;
      if (!busy) next();
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('close', onClose);
    req.on('error', onClose);
  });
}
