import { fromBase64Url, linkNeedsPassword, serverTag } from '@coffer/crypto';
import {
  ConflictError,
  ForbiddenError,
  IntegrityError,
  NotFoundError,
  RateLimitedError,
  ValidationError,
} from '@coffer/errors';
import type { LinkInfo, RouteBody, RouteQuery, RouteResponse } from '@coffer/protocol';
import type { Caller, Hub } from '../context.ts';
import type { LinksTable, NodesTable } from '../db/schema.ts';
import { ownNode } from './access.ts';
import { ancestry, nodeInfo } from './nodes.ts';
import { rateLimit } from './rate-limit.ts';
import { locate } from './replicas.ts';

// [Note: Links on the hub]
// A link row holds what a visitor needs to open one node of its owner's: the node key wrapped
// for the link ([Note: Link envelope]) and the authors to trust ([Note: Link authors]); the
// secret that opens it never reaches the hub. The hub enforces revocation, the expiry and the
// download limit on every visitor route, and serves only the link's node and what is under it
// (not trashed). Each file download counts once; it comes with a ticket, so fetching fresh
// chunk tokens for the same file (a long download) does not count again.

// [Note: Link previews]
// The link page shows images and video (and the start of a text) on the page; that fetch is a
// preview and does not use up a download. The hub cannot tell an image from anything else (it
// sees ciphertext), so a preview is bounded by what it can see: only a file of at most
// PREVIEW_MAX_BYTES, and on a link with a download limit only FREE_PREVIEWS (or
// PREVIEWS_PER_DOWNLOAD × the limit, whichever is more) over the link's life, counted in
// rate_limits under the link's id. Past that a preview is refused and the visitor downloads
// (which counts). A preview's ticket is minted under another label than a download's, so it
// never stands in for one: a file previewed and then downloaded counts one download; and it
// lasts 15 minutes, not a download's day, so one preview is one look. A visitor can thus get
// a limited link's small files at most the limit plus that bounded number of times, and never
// a large file without a counted download. Links without a limit have nothing to protect, and
// preview freely (up to the size).

/** Visitor requests per minute per address. */
const VISITS_PER_MINUTE = 600;
const TICKET_MS = 24 * 3_600_000;
/** A preview's ticket is short: it renews chunk tokens for a look, not for a day of fetching. */
const PREVIEW_TICKET_MS = 15 * 60_000;
/** The largest file a link page previews without a download ([Note: Link previews]). */
export const PREVIEW_MAX_BYTES = 32 * 1024 * 1024;
/** Free previews of a link with a download limit, at least… */
export const FREE_PREVIEWS = 20;
/** …or this many per download it allows. */
const PREVIEWS_PER_DOWNLOAD = 5;
/** The free previews never come back: their window outlives any link. */
const FOREVER_MS = 100 * 365 * 86_400_000;

function linkInfo(r: LinksTable): LinkInfo {
  return {
    id: r.id,
    nodeId: r.node_id,
    kind: r.kind,
    createdAt: Number(r.created_at),
    expiresAt: r.expires_at === null ? null : Number(r.expires_at),
    maxDownloads: r.max_downloads === null ? null : Number(r.max_downloads),
    downloads: Number(r.downloads),
    revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
    password: linkNeedsPassword(fromBase64Url(r.envelope, 'envelope')),
  };
}

export async function createLink(
  hub: Hub,
  c: Caller,
  b: RouteBody<'createLink'>,
): Promise<LinkInfo> {
  const node = await ownNode(hub.db, c, b.nodeId, 'nodeId');
  if (node.parent_id === null)
    throw new ValidationError('nodeId', 'is your root folder; link a file or folder inside it');
  if (node.trashed_at !== null) throw new ConflictError('nodeId: that item is in the trash');
  const now = hub.now();
  if (b.expiresAt != null && b.expiresAt <= now)
    throw new ValidationError('expiresAt', 'must be in the future');
  try {
    linkNeedsPassword(fromBase64Url(b.envelope, 'envelope'));
  } catch (e) {
    if (!(e instanceof IntegrityError || e instanceof ValidationError)) throw e;
    throw new ValidationError('envelope', 'expected a link envelope');
  }
  const taken = await hub.db
    .selectFrom('links')
    .select('id')
    .where('id', '=', b.id)
    .executeTakeFirst();
  if (taken) throw new ConflictError('id: a link with this id already exists');
  const row: LinksTable = {
    id: b.id,
    account_id: c.accountId,
    node_id: node.id,
    kind: node.kind,
    envelope: b.envelope,
    authors: b.authors,
    created_at: now,
    expires_at: b.expiresAt ?? null,
    max_downloads: b.maxDownloads ?? null,
    downloads: 0,
    revoked_at: null,
  };
  await hub.db.insertInto('links').values(row).execute();
  return linkInfo(row);
}

export async function links(hub: Hub, c: Caller): Promise<RouteResponse<'links'>> {
  const rows = await hub.db
    .selectFrom('links')
    .selectAll()
    .where('account_id', '=', c.accountId)
    .orderBy('created_at', 'desc')
    .execute();
  return { links: rows.map(linkInfo) };
}

export async function revokeLink(hub: Hub, c: Caller, id: string): Promise<void> {
  const r = await hub.db
    .updateTable('links')
    .set({ revoked_at: hub.now() })
    .where('id', '=', id)
    .where('account_id', '=', c.accountId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (r.numUpdatedRows > 0n) return;
  const mine = await hub.db
    .selectFrom('links')
    .select('id')
    .where('id', '=', id)
    .where('account_id', '=', c.accountId)
    .executeTakeFirst();
  if (!mine) throw new NotFoundError('id: no such link of yours');
}

/** The link, if a visitor may still use it; why not otherwise. */
async function liveLink(
  hub: Hub,
  id: string,
  address: string,
  o: { counting?: boolean } = {},
): Promise<LinksTable> {
  await rateLimit(hub, `link:${address}`, VISITS_PER_MINUTE, 60_000);
  const link = await hub.db.selectFrom('links').selectAll().where('id', '=', id).executeTakeFirst();
  if (!link) throw new NotFoundError('link: no such link');
  if (link.revoked_at !== null) throw new ForbiddenError('link: revoked by its owner');
  if (link.expires_at !== null && Number(link.expires_at) <= hub.now())
    throw new ForbiddenError(`link: expired on ${new Date(Number(link.expires_at)).toISOString()}`);
  if (
    o.counting !== false &&
    link.max_downloads !== null &&
    Number(link.downloads) >= Number(link.max_downloads)
  )
    throw new ForbiddenError('link: its download limit is reached');
  return link;
}

/** A node at or under the link's node, with nothing on the way up trashed. */
async function underLink(hub: Hub, link: LinksTable, nodeId: string): Promise<NodesTable> {
  const chain = await ancestry(hub.db, nodeId);
  const at = chain.indexOf(link.node_id);
  const missing = new NotFoundError('nodeId: no such file or folder under this link');
  if (at < 0) throw missing;
  const rows = await hub.db
    .selectFrom('nodes')
    .selectAll()
    .where('id', 'in', chain.slice(0, at + 1))
    .execute();
  if (rows.length !== at + 1 || rows.some((n) => n.trashed_at !== null)) throw missing;
  const node = rows.find((n) => n.id === nodeId);
  if (!node) throw missing;
  return node;
}

export async function linkOpen(
  hub: Hub,
  id: string,
  address: string,
): Promise<RouteResponse<'linkOpen'>> {
  const link = await liveLink(hub, id, address);
  const node = await underLink(hub, link, link.node_id).catch(() => {
    throw new NotFoundError('link: what it points to was deleted or trashed by its owner');
  });
  return {
    kind: link.kind,
    envelope: link.envelope,
    authors: link.authors,
    expiresAt: link.expires_at === null ? null : Number(link.expires_at),
    downloadsLeft:
      link.max_downloads === null ? null : Number(link.max_downloads) - Number(link.downloads),
    node: nodeInfo(node),
  };
}

export async function linkChildren(
  hub: Hub,
  id: string,
  nodeId: string,
  q: RouteQuery<'linkChildren'>,
  address: string,
): Promise<RouteResponse<'linkChildren'>> {
  const link = await liveLink(hub, id, address);
  const folder = await underLink(hub, link, nodeId);
  if (folder.kind !== 'folder') throw new ValidationError('nodeId', 'is a file, not a folder');
  const limit = q.limit ?? 1000;
  let query = hub.db
    .selectFrom('nodes')
    .selectAll()
    .where('parent_id', '=', nodeId)
    .where('trashed_at', 'is', null);
  if (q.after) query = query.where('id', '>', q.after);
  const rows = await query
    .orderBy('id')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  return {
    nodes: page.map((n) => nodeInfo(n)),
    next: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
  };
}

type TicketKind = 'download' | 'preview';
const ticketMac = (hub: Hub, kind: TicketKind, linkId: string, nodeId: string, exp: number) =>
  serverTag(hub.signingKey, `link-${kind}-ticket`, `${linkId}:${nodeId}:${exp}`);

function checkTicket(
  hub: Hub,
  kind: TicketKind,
  ticket: string,
  linkId: string,
  nodeId: string,
): boolean {
  const [exp, mac] = ticket.split('.');
  const expires = Number(exp);
  return (
    Number.isSafeInteger(expires) &&
    expires > hub.now() &&
    mac === ticketMac(hub, kind, linkId, nodeId, expires)
  );
}

/** Spends one of a limited link's free previews, or refuses ([Note: Link previews]). */
async function spendPreview(hub: Hub, link: LinksTable, node: NodesTable): Promise<void> {
  if (Number(node.size) > PREVIEW_MAX_BYTES)
    throw new ValidationError(
      'preview',
      `only files up to ${PREVIEW_MAX_BYTES / 1024 / 1024} MiB preview on a link page; download this one`,
    );
  if (link.max_downloads === null) return;
  const free = Math.max(FREE_PREVIEWS, PREVIEWS_PER_DOWNLOAD * Number(link.max_downloads));
  try {
    await rateLimit(hub, `link-previews:${link.id}`, free, FOREVER_MS);
  } catch (e) {
    if (!(e instanceof RateLimitedError)) throw e;
    throw new ForbiddenError('link: its free previews are used up; download the file to see it');
  }
}

export async function linkDownload(
  hub: Hub,
  id: string,
  b: RouteBody<'linkDownload'>,
  address: string,
): Promise<RouteResponse<'linkDownload'>> {
  const kind: TicketKind = b.preview ? 'preview' : 'download';
  // A download's ticket serves a later preview of the same file too; never the other way round.
  const downloaded = b.ticket !== undefined && checkTicket(hub, 'download', b.ticket, id, b.nodeId);
  const again =
    downloaded ||
    (b.ticket !== undefined &&
      kind === 'preview' &&
      checkTicket(hub, 'preview', b.ticket, id, b.nodeId));
  if (b.ticket !== undefined && !again)
    throw new ValidationError('ticket', 'expired or not for this file; download it again');
  const link = await liveLink(hub, id, address, { counting: !again });
  const node = await underLink(hub, link, b.nodeId);
  if (node.kind !== 'file' || node.revision === null)
    throw new ValidationError('nodeId', 'is a folder; download the files in it');
  if (kind === 'preview' && !again) await spendPreview(hub, link, node);
  const revision = await hub.db
    .selectFrom('revisions')
    .select('manifest')
    .where('node_id', '=', node.id)
    .where('revision', '=', node.revision)
    .executeTakeFirstOrThrow();
  const objects = await hub.db
    .selectFrom('revision_chunks')
    .select('chunk_id')
    .where('node_id', '=', node.id)
    .where('revision', '=', node.revision)
    .orderBy('position')
    .execute();
  let downloads = Number(link.downloads);
  if (kind === 'download' && !again) {
    // Counted in one statement, so two visitors racing for the last download get one.
    const r = await hub.db
      .updateTable('links')
      .set((eb) => ({ downloads: eb('downloads', '+', 1) }))
      .where('id', '=', id)
      .where((w) =>
        w.or([w('max_downloads', 'is', null), w('downloads', '<', w.ref('max_downloads'))]),
      )
      .returning('downloads')
      .executeTakeFirst();
    if (!r) throw new ForbiddenError('link: its download limit is reached');
    downloads = Number(r.downloads);
  }
  const held: TicketKind = downloaded ? 'download' : kind;
  const exp = hub.now() + (held === 'download' ? TICKET_MS : PREVIEW_TICKET_MS);
  return {
    node: nodeInfo(node, revision.manifest),
    chunks: await locate(hub, [...new Set(objects.map((o) => o.chunk_id))], null),
    ticket: `${exp}.${ticketMac(hub, held, id, node.id, exp)}`,
    downloadsLeft:
      link.max_downloads === null ? null : Math.max(0, Number(link.max_downloads) - downloads),
  };
}
