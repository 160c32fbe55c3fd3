import { ConnectionError, IntegrityError } from '@coffer/errors';
import { fromErrorBody, HOST, hostRoutes, type Replica } from '@coffer/protocol';
import { sendOrThrow } from './retry.ts';

export interface PutResult {
  receipts: string[];
  /** Hosts down the chain that did not store the chunk. */
  failed: string[];
}

function errorOf(res: { status: number; body: Uint8Array }, where: string) {
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(res.body));
  } catch {
    body = undefined;
  }
  return fromErrorBody(res.status, body, where);
}

const ok = (status: number) => status >= 200 && status <= 299;

/**
 * Sends a chunk once, to the first target; that host forwards it down the chain the hub
 * signed into its token, so the client's upload stays at one copy.
 */
export async function putChunk(
  targets: readonly Replica[],
  id: string,
  bytes: Uint8Array,
  signal?: AbortSignal,
): Promise<PutResult> {
  const [first, ...rest] = targets;
  if (!first) return { receipts: [], failed: [] };
  const headers: Record<string, string> = {
    authorization: `Bearer ${first.token}`,
    'content-type': 'application/octet-stream',
  };
  if (rest.length) headers[HOST.forwardHeader] = rest.map((t) => t.token).join(',');
  const res = await sendOrThrow(
    first.url + HOST.chunkPath(id),
    { method: 'PUT', headers, body: bytes, signal },
    `put chunk to ${first.url}`,
  );
  if (!ok(res.status)) throw errorOf(res, `put chunk to ${first.url}`);
  let json: unknown = null;
  try {
    json = JSON.parse(new TextDecoder().decode(res.body));
  } catch {}
  const parsed = hostRoutes.putResponse.safeParse(json);
  if (!parsed.success) throw new ConnectionError(`put chunk: malformed answer from ${first.url}`);
  return { receipts: parsed.data.receipts, failed: parsed.data.failed.map((f) => f.host) };
}

/**
 * Reads a chunk (or `range` of it) from the first replica that answers with the right bytes.
 * A host that is down, refuses, or returns bytes that `check` rejects is skipped; if every
 * replica fails, the error says why (IntegrityError when any host lied).
 */
export async function getChunk(
  replicas: readonly Replica[],
  id: string,
  options: {
    range?: { start: number; end: number };
    /**
     * Whether the bytes are the chunk's (see [Note: One hash per downloaded chunk]); false
     * moves on to the next replica. It may consume the bytes (decrypt them in place).
     */
    check: (bytes: Uint8Array) => Promise<boolean>;
    /** Where to receive a body of known length (a recycled buffer of exactly that length). */
    into?: (length: number) => Uint8Array;
    signal?: AbortSignal;
    /** Called for each host whose bytes failed the check (bit rot, or a lie). */
    onBadReplica?: (hostId: string) => void;
  },
): Promise<Uint8Array> {
  const problems: string[] = [];
  let lied = false;
  for (const r of replicas) {
    const headers: Record<string, string> = { authorization: `Bearer ${r.token}` };
    if (options.range) headers.range = `bytes=${options.range.start}-${options.range.end - 1}`;
    try {
      const res = await sendOrThrow(
        r.url + HOST.chunkPath(id),
        {
          method: 'GET',
          headers,
          signal: options.signal,
          ...(options.into ? { into: options.into } : {}),
        },
        `get chunk from ${r.url}`,
      );
      if (!ok(res.status)) throw errorOf(res, `get chunk from ${r.url}`);
      const bytes = res.body;
      const expected = options.range ? options.range.end - options.range.start : null;
      if (expected !== null && bytes.length !== expected) {
        lied = true;
        problems.push(`${r.hostId}: returned ${bytes.length} bytes, expected ${expected}`);
        options.onBadReplica?.(r.hostId);
        continue;
      }
      if (!(await options.check(bytes))) {
        lied = true;
        problems.push(`${r.hostId}: returned bytes that do not match the chunk id`);
        options.onBadReplica?.(r.hostId);
        continue;
      }
      return bytes;
    } catch (e) {
      if (options.signal?.aborted) throw e;
      problems.push(`${r.hostId}: ${(e as Error).message}`);
    }
  }
  const detail = problems.join('; ') || 'no replica is known';
  if (lied) throw new IntegrityError(`chunk ${id}: no replica returned valid bytes (${detail})`);
  throw new ConnectionError(`chunk ${id}: no replica could serve it (${detail})`);
}
