// The three trees the planner reads ([Note: Three trees] in planner.ts). Nodes are keyed by
// stable ids, never by path: the Coffer node id on the remote side, the device and inode
// (`dev:ino`) on the local side. A node's place is its parent's id and its name.

export type Kind = 'file' | 'folder';

/** What a file's content is, as far as sync compares it. Folders carry zeros and null. */
export interface Content {
  size: number;
  /** Milliseconds since the epoch. A changed mtime alone is not a change of content. */
  mtime: number;
  /** The executable bit, kept both ways. */
  exec: boolean;
  /**
   * The hash of the plaintext, computed as the manifest computes it (so the two sides
   * compare without moving bytes); null when not known (not computed yet on this side).
   */
  hash: string | null;
}

/** A node of the remote tree: the undeleted nodes under the sync root, from the hub. */
export interface RemoteNode extends Content {
  id: string;
  /** The parent's id; the sync root's own id for a node directly under it. */
  parent: string;
  name: string;
  kind: Kind;
  /** Files: the revision the hub holds now; it grows with each upload. Folders: 0. */
  revision: number;
}

/** A node of the local tree, from a scan of the local folder (ignored paths left out). */
export interface LocalNode extends Content {
  /** `dev:ino`. */
  id: string;
  parent: string;
  name: string;
  kind: Kind;
}

/**
 * The synced base: the state both sides last agreed on, one row per node that exists on
 * both, with both its ids. Its place is the same on both sides: `parent` is the parent's
 * remote id (the remote root's id directly under the root).
 */
export interface BaseNode extends Content {
  remote: string;
  local: string;
  parent: string;
  name: string;
  kind: Kind;
  /** Files: the revision both sides hold. */
  revision: number;
}

export interface Tree<N> {
  /** The root's id; the root itself is not among `nodes`. */
  root: string;
  nodes: ReadonlyMap<string, N>;
}

/** Children of each parent id, in a stable order (by name). */
export function childrenOf<N extends { parent: string; name: string }>(
  nodes: Iterable<N>,
): Map<string, N[]> {
  const out = new Map<string, N[]>();
  for (const n of nodes) {
    const list = out.get(n.parent);
    if (list) list.push(n);
    else out.set(n.parent, [n]);
  }
  for (const list of out.values())
    list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return out;
}

/** A folder's base row. */
export function folderRow(remote: string, local: string, parent: string, name: string): BaseNode {
  return {
    remote,
    local,
    parent,
    name,
    kind: 'folder',
    revision: 0,
    size: 0,
    mtime: 0,
    exec: false,
    hash: null,
  };
}

/** The remote node a base row describes. */
export const remoteOf = ({ remote, local: _, ...rest }: BaseNode): RemoteNode => ({
  ...rest,
  id: remote,
});

/**
 * Makes the base rows and the local nodes hold the remote tree's strings (ids, parents, names,
 * hashes) where they are equal, so that each is kept once, not once per tree: the three trees
 * of a pass over 100,000 files are most of its memory, and their strings most of that.
 */
export function shareStrings(
  base: ReadonlyMap<string, BaseNode>,
  local: Tree<LocalNode>,
  remote: Tree<RemoteNode>,
): void {
  for (const b of base.values()) {
    const r = remote.nodes.get(b.remote);
    if (!r) continue;
    b.remote = r.id;
    if (b.parent === r.parent) b.parent = r.parent;
    if (b.name === r.name) b.name = r.name;
    if (b.hash === r.hash) b.hash = r.hash;
    const l = local.nodes.get(b.local) as
      | { -readonly [K in keyof LocalNode]: LocalNode[K] }
      | undefined;
    if (!l) continue;
    if (l.hash === r.hash) l.hash = r.hash;
    if (l.name === r.name) l.name = r.name;
  }
}
