import { ConflictError, ValidationError } from '@coffer/errors';
import {
  type Call,
  checkMatch,
  checkWrite,
  etagOf,
  find,
  HttpError,
  hasBody,
  isCollection,
  isMacPath,
  sendEmpty,
} from './context.ts';
import { MAC_FILES_BUDGET } from './mac-files.ts';
import { destinationNames, pathOf, within } from './paths.ts';

/** X-OC-Mtime (rclone, ownCloud clients): seconds since the epoch, possibly with a fraction. */
export function ocMtime(header: string | string[] | undefined): number | undefined {
  if (typeof header !== 'string') return undefined;
  const s = Number(header.trim());
  if (!Number.isFinite(s) || s < 0 || s > 1e11)
    throw new ValidationError('X-OC-Mtime', 'expected seconds since 1970 (a number)');
  return Math.round(s * 1000);
}

/** The folder `names` goes into, which must exist (409 otherwise). */
async function needParent(call: Call, names: string[]) {
  const parent = await find(call.gw, names.slice(0, -1));
  if (!isCollection(parent))
    throw new HttpError(409, `${pathOf(names.slice(0, -1))} is not an existing folder`);
}

export async function put(call: Call) {
  const { gw, req, res, names } = call;
  if (names.length === 0) throw new HttpError(405, 'the root is a folder');
  const mtime = ocMtime(req.headers['x-oc-mtime']);
  await checkWrite(call, [{ names, deep: false }]);
  await needParent(call, names);
  const existing = await find(gw, names);
  if (isCollection(existing)) throw new HttpError(405, `${pathOf(names)} is a folder`);
  checkMatch(req, existing);
  const accepted: Record<string, string> = mtime === undefined ? {} : { 'X-OC-Mtime': 'accepted' };
  if (isMacPath(gw, names)) {
    const parts: Buffer[] = [];
    let size = 0;
    for await (const piece of req as AsyncIterable<Buffer>) {
      size += piece.length;
      if (size > MAC_FILES_BUDGET) throw new HttpError(507, 'too large for a Finder file');
      parts.push(piece);
    }
    if (!gw.macFiles.put(pathOf(names), Buffer.concat(parts), mtime ?? Date.now()))
      throw new HttpError(507, "the gateway's room for Finder's files is full");
    const r = await find(gw, names);
    sendEmpty(res, existing ? 204 : 201, { ...accepted, ...(r ? { ETag: etagOf(r) } : {}) });
    return;
  }
  const length = req.headers['content-length'];
  const size = length === undefined ? undefined : Number(length);
  // [Note: An aborted PUT] The new revision commits only once the whole body has arrived: a
  // request cut short makes the body's iteration fail, the upload stops before its commit,
  // and the file's previous revision stays current (the chunks sent are collected later).
  // The client hanging up mid-body, as against the upload failing and letting the body go.
  let cut = false;
  req.once('error', () => {
    cut = true;
  });
  let received = 0;
  const counted = async function* () {
    for await (const piece of req as AsyncIterable<Uint8Array>) {
      received += piece.length;
      yield piece;
    }
  };
  const entry = await gw.drive
    .upload(pathOf(names), size === 0 ? new Uint8Array(0) : counted(), {
      ...(mtime !== undefined ? { mtime } : {}),
      ...(size !== undefined ? { size } : {}),
    })
    .catch((e: unknown) => {
      if (cut) {
        gw.log(`PUT ${pathOf(names)}: cut short after ${received} bytes; nothing committed`);
        throw new HttpError(400, 'the request body was cut short');
      }
      throw e;
    });
  sendEmpty(res, existing ? 204 : 201, {
    ...accepted,
    ETag: etagOf({ kind: 'entry', entry }),
  });
}

export async function mkcol(call: Call) {
  const { gw, req, res, names } = call;
  if (hasBody(req)) throw new HttpError(415, 'MKCOL takes no body');
  if (names.length === 0 || (await find(gw, names)))
    throw new HttpError(405, `${pathOf(names)} exists already`);
  await needParent(call, names);
  await checkWrite(call, [{ names, deep: false }]);
  await gw.drive.mkdir(pathOf(names)).catch(async (e: unknown) => {
    // Made meanwhile by another request (rclone makes parents in parallel): it exists.
    if (e instanceof ConflictError && (await find(gw, names)))
      throw new HttpError(405, `${pathOf(names)} exists already`);
    throw e;
  });
  sendEmpty(res, 201);
}

export async function del(call: Call) {
  const { gw, res, names } = call;
  if (names.length === 0) throw new HttpError(403, 'the root cannot be deleted');
  const r = await find(gw, names);
  if (!r) throw new HttpError(404, `${pathOf(names)} does not exist`);
  await checkWrite(call, [{ names, deep: true }]);
  if (r.kind === 'mac') gw.macFiles.delete(pathOf(names));
  else await gw.drive.trash(pathOf(names)); // to the trash: restorable
  gw.locks.dropBelow(names);
  sendEmpty(res, 204);
}

export async function copyOrMove(call: Call, move: boolean) {
  const { gw, req, res, names } = call;
  const to = destinationNames(
    typeof req.headers.destination === 'string' ? req.headers.destination : undefined,
    req.headers.host,
  );
  const overwriteHeader = String(req.headers.overwrite ?? 'T').toUpperCase();
  if (overwriteHeader !== 'T' && overwriteHeader !== 'F')
    throw new ValidationError('Overwrite', 'expected T or F');
  const depth = String(req.headers.depth ?? 'infinity').toLowerCase();
  if (!['0', 'infinity'].includes(depth))
    throw new ValidationError('Depth', 'expected 0 or infinity');
  if (names.length === 0) throw new HttpError(403, 'the root cannot be copied or moved');
  if (to.length === 0) throw new HttpError(403, 'the root cannot be replaced');
  const source = await find(gw, names);
  if (!source) throw new HttpError(404, `${pathOf(names)} does not exist`);
  if (within(to, names) || within(names, to))
    throw new HttpError(403, 'the source and the destination overlap');
  if (move && depth === '0' && isCollection(source))
    throw new ValidationError('Depth', 'a folder moves with everything in it (Depth: infinity)');
  await needParent(call, to);
  const existing = await find(gw, to);
  if (existing && overwriteHeader === 'F')
    throw new HttpError(412, `${pathOf(to)} exists and Overwrite is F`);
  await checkWrite(call, [...(move ? [{ names, deep: true }] : []), { names: to, deep: true }]);
  const mac = isMacPath(gw, names);
  if (mac !== isMacPath(gw, to))
    throw new HttpError(403, "Finder's ._ and .DS_Store files stay in the gateway's memory");
  if (existing) {
    if (existing.kind === 'mac') gw.macFiles.delete(pathOf(to));
    else await gw.drive.trash(pathOf(to));
    gw.locks.dropBelow(to);
  }
  if (mac) {
    const f = gw.macFiles.get(pathOf(names));
    if (f) gw.macFiles.put(pathOf(to), f.bytes, f.mtime);
    if (move) gw.macFiles.delete(pathOf(names));
  } else if (move) {
    await gw.drive.move(pathOf(names), pathOf(to));
  } else if (depth === '0' && isCollection(source)) {
    await gw.drive.mkdir(pathOf(to));
  } else {
    const copy = await gw.drive.copy(pathOf(names), pathOf(to));
    if (source.kind === 'entry') await gw.props.copy(source.entry.id, copy.id);
  }
  if (move) gw.locks.dropBelow(names);
  sendEmpty(res, existing ? 204 : 201);
}
