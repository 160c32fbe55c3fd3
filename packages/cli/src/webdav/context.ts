import type { IncomingMessage, ServerResponse } from 'node:http';
import { CofferError, NotFoundError, ValidationError } from '@coffer/errors';
import type { CofferClient, Entry } from '@coffer/sdk';
import type { DeadProps } from './dead-props.ts';
import { evaluateIf, type IfList, parseIf, submittedTokens } from './if-header.ts';
import type { Locks } from './locks.ts';
import type { MacFiles } from './mac-files.ts';
import { isMacFile } from './mac-files.ts';
import { namesOf, pathOf } from './paths.ts';
import { XmlWriter } from './xml.ts';

/**
 * The files the gateway serves: an account's client (whose root is the served folder) or an
 * app's, confined to its folder by the hub (`coffer webdav --app`).
 */
export type Drive = Pick<
  CofferClient,
  'stat' | 'list' | 'mkdir' | 'move' | 'trash' | 'upload' | 'download' | 'copy'
>;

/** The RFC 4331 figures: the account's use and what is left (null: no quota). */
export type Quota = () => Promise<{ used: number; available: number | null }>;

/** What every method handler shares for the gateway's session. */
export interface Gateway {
  drive: Drive;
  /** Null when the gateway may not know the account's figures (an app's gateway). */
  quota: Quota | null;
  readOnly: boolean;
  keepMacFiles: boolean;
  locks: Locks;
  props: DeadProps;
  macFiles: MacFiles;
  log(line: string): void;
}

/** One request: the gateway, the request and answer, and the names of its path. */
export interface Call {
  gw: Gateway;
  req: IncomingMessage;
  res: ServerResponse;
  names: string[];
}

/** An answer with an HTTP status other than the one its error class maps to. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** A DAV: precondition element, for the error body (RFC 4918 section 16). */
    readonly condition?: string,
  ) {
    super(message);
  }
}

/** A resource of the served tree: a Coffer entry, or one of Finder's files kept in memory. */
export type Resource =
  | { kind: 'entry'; entry: Entry }
  | { kind: 'mac'; size: number; mtime: number; etag: string };

/** Whether a path is one of Finder's files that the gateway keeps in memory only. */
export const isMacPath = (gw: Gateway, names: readonly string[]) =>
  !gw.keepMacFiles && isMacFile(names.at(-1));

/** The resource at `names`, or null. */
export async function find(gw: Gateway, names: readonly string[]): Promise<Resource | null> {
  if (isMacPath(gw, names)) {
    const f = gw.macFiles.get(pathOf(names));
    return f ? { kind: 'mac', size: f.bytes.length, mtime: f.mtime, etag: f.etag } : null;
  }
  try {
    return { kind: 'entry', entry: await gw.drive.stat(pathOf(names)) };
  } catch (e) {
    if (e instanceof NotFoundError) return null;
    // A path through a file ("/a.txt/b"): there is nothing there.
    if (e instanceof CofferError && e.code === 'validation') return null;
    throw e;
  }
}

/** A strong ETag: the node and its revision and version change with every change. */
export function etagOf(r: Resource): string {
  if (r.kind === 'mac') return r.etag;
  const e = r.entry;
  return `"${e.id.slice(0, 16)}-${e.revision ?? 0}-${e.version}"`;
}

export const isCollection = (r: Resource | null) =>
  r?.kind === 'entry' && r.entry.kind === 'folder';

/** The If header's lists, or none. */
export function ifLists(req: IncomingMessage): IfList[] {
  const h = req.headers.if;
  return typeof h === 'string' ? parseIf(h) : [];
}

/**
 * The checks before a write to `names` (and, when `deep`, everything under it): the If header
 * must hold (412) and every lock on what it changes must be submitted (423). When the header
 * fails while a lock is in the way and the header names some other token (a wrong or corrupted
 * one, not DAV:no-lock), the answer is 423: the request was refused for the lock.
 */
export async function checkWrite(call: Call, targets: { names: string[]; deep: boolean }[]) {
  const { gw, req } = call;
  if (gw.readOnly) throw new HttpError(403, 'the gateway is read-only (--read-only)');
  const lists = ifLists(req);
  const tokens = submittedTokens(lists);
  const locked = targets.find((t) => gw.locks.blocking(t.names, t.deep, tokens).length > 0);
  const lockedError = (t: { names: string[] }) =>
    new HttpError(423, `${pathOf(t.names)} is locked`, 'lock-token-submitted');
  try {
    await checkIf(call, lists);
  } catch (e) {
    if (locked && tokens.some((t) => t !== 'DAV:no-lock')) throw lockedError(locked);
    throw e;
  }
  if (locked) throw lockedError(locked);
}

/** HTTP's own preconditions (RFC 9110 section 13): If-Match and If-None-Match on a write. */
export function checkMatch(req: IncomingMessage, r: Resource | null) {
  const match = req.headers['if-match'];
  const noneMatch = req.headers['if-none-match'];
  const listed = (h: string) => h.split(',').map((t) => t.trim());
  if (typeof match === 'string') {
    const ok = r !== null && (match.trim() === '*' || listed(match).includes(etagOf(r)));
    if (!ok) throw new HttpError(412, 'If-Match does not hold');
  }
  if (typeof noneMatch === 'string' && r !== null) {
    if (noneMatch.trim() === '*' || listed(noneMatch).includes(etagOf(r)))
      throw new HttpError(412, 'If-None-Match does not hold');
  }
}

/** 412 unless the If header holds. */
export async function checkIf(call: Call, lists = ifLists(call.req)) {
  if (lists.length === 0) return;
  const holds = await evaluateIf(lists, async (resource) => {
    const names = resource === null ? call.names : taggedNames(resource);
    const r = await find(call.gw, names);
    return {
      etag: r ? etagOf(r) : null,
      tokens: new Set(call.gw.locks.covering(names).map((l) => l.token)),
    };
  });
  if (!holds) throw new HttpError(412, 'the If header does not hold');
}

function taggedNames(resource: string): string[] {
  const path = resource.startsWith('/')
    ? resource
    : resource.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '') || '/';
  return namesOf(path);
}

/** Reads a small request body (XML) whole: at most 1 MiB. */
export async function smallBody(req: IncomingMessage, field: string): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const piece of req as AsyncIterable<Buffer>) {
    size += piece.length;
    if (size > 1024 * 1024) throw new ValidationError(field, 'expected at most 1 MiB of XML');
    parts.push(piece);
  }
  return Buffer.concat(parts).toString('utf8');
}

/** Whether the request has a body (a Content-Length above 0, or chunked). */
export const hasBody = (req: IncomingMessage) =>
  Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;

/** Sends an XML document. */
export function sendXml(
  res: ServerResponse,
  status: number,
  xml: string,
  headers: Record<string, string> = {},
) {
  const body = Buffer.from(xml, 'utf8');
  res.writeHead(status, {
    'Content-Type': 'application/xml; charset=utf-8',
    'Content-Length': String(body.length),
    ...headers,
  });
  res.end(body);
}

/** An answer with no body. */
export function sendEmpty(
  res: ServerResponse,
  status: number,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'Content-Length': '0', ...headers });
  res.end();
}

/** The error body of an HttpError with a precondition, or plain text. */
export function errorBody(e: HttpError): { type: string; body: string } {
  if (e.condition) {
    const w = new XmlWriter();
    return {
      type: 'application/xml; charset=utf-8',
      body: XmlWriter.document('error', w.el('DAV:', e.condition)),
    };
  }
  return { type: 'text/plain; charset=utf-8', body: `${e.message}\n` };
}
