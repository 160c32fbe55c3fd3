import { ExpiredError, NotFoundError } from '@coffer/errors';
import type { ChangeInfo, CofferClient, OpenNode } from '@coffer/sdk';
import type { MirrorStore } from './mirror-store.ts';
import type { RemoteNode, Tree } from './trees.ts';

// [Note: Remote mirror]
// The remote tree of a pass: every live node under the sync root, opened and checked by the
// SDK (names and metadata decrypted, signatures verified, never older than a pin). A file's
// hash is the content hash in its signed metadata, so the two sides compare without
// downloading anything.
//
// Opening every node again on every pass costs a decryption per node and, at 100,000 files,
// hundreds of MB at once. So the tree is kept between passes in `.coffer/state.db` with the
// change-feed cursor it is true at, and a pass asks the feed what changed since: it lists
// again only the folders a change touches (the node's folder now and the one the mirror had
// it in, and a changed folder itself), lists whole any folder that is new to the mirror, and
// drops what is no longer connected to the root. A change is only "look at this node": what
// is kept comes from the listing, opened and checked as before. The whole tree is listed
// afresh on the first pass, when the hub no longer has the cursor (ExpiredError), when the
// mirror was made for another root, and once an hour, so that nothing the mirror could get
// wrong lasts.
//
// This client's own writes come back through the feed too: after a first pass that uploads
// 100,000 files, the next would list every folder again. So the executor writes the mirror
// row of each write as it lands, with the version the hub gave the node, and a change that is
// exactly that node at that version is skipped. Any other version of it (another device wrote
// it before or after) is a change like any other, and its folder is listed again.

/** How often the whole tree is listed again even when the feed says little changed. */
export const FULL_LISTING_MS = 3_600_000;
/** Folders listed at once. */
const PARALLEL = 8;

export interface RemoteTreeOptions {
  now: number;
  /** List the whole tree, whatever the mirror holds. */
  full?: boolean;
}

/** Brings the mirror up to date through the change feed and returns the remote tree. */
export async function remoteTree(
  client: CofferClient,
  root: OpenNode,
  mirror: MirrorStore,
  o: RemoteTreeOptions,
): Promise<Tree<RemoteNode>> {
  const rootId = root.info.id;
  const state = mirror.state();
  if (!o.full && state && state.root === rootId && o.now - state.listedAt < FULL_LISTING_MS) {
    const echo = (c: ChangeInfo) => mirror.wroteAt(c.nodeId, c.version);
    const changes = await changesSince(client, state.cursor, echo);
    if (changes) {
      const nodes = mirror.all();
      const { put, removed } = await applyChanges(client, root, nodes, changes.list);
      mirror.update(put, removed, { ...state, cursor: changes.cursor });
      return { root: rootId, nodes };
    }
  }
  const cursor = await client.changes.latest();
  const nodes = new Map<string, RemoteNode>();
  await listUnder(client, [root], nodes);
  mirror.replace(nodes.values(), { root: rootId, cursor, listedAt: o.now });
  return { root: rootId, nodes };
}

/**
 * Every change after `cursor` but the echoes of this client's writes, or null when the hub no
 * longer keeps that far back.
 */
async function changesSince(
  client: CofferClient,
  cursor: string,
  echo: (c: ChangeInfo) => boolean,
): Promise<{ list: ChangeInfo[]; cursor: string } | null> {
  const list: ChangeInfo[] = [];
  let at = cursor;
  try {
    for (;;) {
      const page = await client.changes.next(at, { waitSeconds: 0, limit: 1000 });
      for (const c of page.changes) if (!echo(c)) list.push(c);
      at = page.cursor;
      if (!page.more) return { list, cursor: at };
    }
  } catch (e) {
    if (e instanceof ExpiredError) return null;
    throw e;
  }
}

/**
 * Lists again the folders `changes` touch and updates `nodes` in place; returns the rows to
 * write and the ids to delete.
 */
async function applyChanges(
  client: CofferClient,
  root: OpenNode,
  nodes: Map<string, RemoteNode>,
  changes: readonly ChangeInfo[],
): Promise<{ put: RemoteNode[]; removed: string[] }> {
  const rootId = root.info.id;
  const isFolder = (id: string | null) =>
    id !== null && (id === rootId || nodes.get(id)?.kind === 'folder');
  const dirty = new Set<string>();
  for (const c of changes) {
    if (c.nodeId === rootId) continue; // the engine resolves the root by path each pass
    if (isFolder(c.parentId)) dirty.add(c.parentId as string);
    const known = nodes.get(c.nodeId);
    if (known) {
      dirty.add(known.parent);
      if (known.kind === 'folder') dirty.add(known.id);
    }
  }
  if (dirty.size === 0) return { put: [], removed: [] };

  const folders = await openFolders(client, root, [...dirty]);
  const listed = new Map<string, RemoteNode>();
  const fresh: OpenNode[] = []; // folders new to the mirror: their whole subtree is listed
  await inParallel(folders, async (folder) => {
    for (const child of await client.listOpen(folder)) {
      const node = toRemote(child, folder.info.id);
      listed.set(node.id, node);
      if (node.kind === 'folder' && nodes.get(node.id)?.kind !== 'folder') fresh.push(child);
    }
  });
  await listUnder(client, fresh, listed);

  const before = new Map(nodes);
  const relisted = new Set(folders.map((f) => f.info.id));
  for (const [id, node] of nodes) {
    if (relisted.has(node.parent) && !listed.has(id)) nodes.delete(id);
  }
  for (const [id, node] of listed) nodes.set(id, node);
  for (const id of unreachable(nodes, rootId)) nodes.delete(id);

  const put: RemoteNode[] = [];
  for (const [id, node] of nodes) {
    const was = before.get(id);
    if (!was || !sameNode(was, node)) put.push(node);
  }
  const removed = [...before.keys()].filter((id) => !nodes.has(id));
  return { put, removed };
}

/** The dirty folders as open nodes; one the hub no longer has is left out (its parent is dirty too). */
async function openFolders(
  client: CofferClient,
  root: OpenNode,
  ids: readonly string[],
): Promise<OpenNode[]> {
  const out: OpenNode[] = [];
  await inParallel(ids, async (id) => {
    if (id === root.info.id) {
      out.push(root);
      return;
    }
    const node = await client
      .openById(id as Parameters<CofferClient['openById']>[0])
      .catch((e) => (e instanceof NotFoundError ? null : Promise.reject(e)));
    if (node && node.kind === 'folder' && node.info.trashedAt === null) out.push(node);
  });
  return out;
}

/** Lists every folder under `tops` (each one's children, then theirs) into `into`. */
async function listUnder(
  client: CofferClient,
  tops: readonly OpenNode[],
  into: Map<string, RemoteNode>,
): Promise<void> {
  const queue = [...tops];
  await inParallel(queue, async (folder) => {
    for (const child of await client.listOpen(folder)) {
      into.set(child.info.id, toRemote(child, folder.info.id));
      if (child.kind === 'folder') queue.push(child);
    }
  });
}

/**
 * Runs `f` over `items`, PARALLEL at a time; items pushed onto the array while it runs are
 * taken too.
 */
async function inParallel<T>(items: T[] | readonly T[], f: (item: T) => Promise<void>) {
  let next = 0;
  let busy = 0;
  const workers = Array.from({ length: PARALLEL }, async () => {
    for (;;) {
      if (next >= items.length) {
        if (busy === 0) return;
        await new Promise((resolve) => setImmediate(resolve));
        continue;
      }
      const item = items[next++] as T;
      busy++;
      try {
        await f(item);
      } finally {
        busy--;
      }
    }
  });
  await Promise.all(workers);
}

function toRemote(child: OpenNode, parent: string): RemoteNode {
  const file = child.kind === 'file';
  return {
    id: child.info.id,
    parent,
    name: child.meta.name,
    kind: child.kind,
    revision: file ? (child.info.revision ?? 0) : 0,
    size: file ? (child.meta.size ?? 0) : 0,
    mtime: file ? (child.meta.mtime ?? 0) : 0,
    exec: file && child.meta.exec === true,
    hash: file ? (child.meta.contentHash ?? null) : null,
  };
}

const sameNode = (a: RemoteNode, b: RemoteNode) =>
  a.parent === b.parent &&
  a.name === b.name &&
  a.kind === b.kind &&
  a.revision === b.revision &&
  a.size === b.size &&
  a.mtime === b.mtime &&
  a.exec === b.exec &&
  a.hash === b.hash;

/** Ids of nodes whose chain of parents does not reach the root (or loops). */
function unreachable(nodes: ReadonlyMap<string, RemoteNode>, rootId: string): string[] {
  const reach = new Map<string, boolean>([[rootId, true]]);
  const resolve = (id: string): boolean => {
    const path: string[] = [];
    let at: string | undefined = id;
    let ok = false;
    for (;;) {
      if (at === undefined) break;
      const known = reach.get(at);
      if (known !== undefined) {
        ok = known;
        break;
      }
      if (path.includes(at)) break; // a loop
      path.push(at);
      at = nodes.get(at)?.parent;
    }
    for (const p of path) reach.set(p, ok);
    return ok;
  };
  return [...nodes.keys()].filter((id) => !resolve(id));
}
