import type { CofferClient, OpenNode } from '@coffer/sdk';
import type { RemoteNode, Tree } from './trees.ts';

// The remote tree: every live node under the sync root, opened and checked by the SDK (names
// and metadata decrypted, signatures verified). A file's hash is the content hash in its
// signed metadata, so the two sides compare without downloading anything.

export interface RemoteListing extends Tree<RemoteNode> {
  /** Each node as opened, by id: what downloads and moves start from. */
  open: Map<string, OpenNode>;
  /** Relative path of each node, by id ('' for the root). */
  paths: Map<string, string>;
}

/** Folders listed at once. */
const PARALLEL = 8;

export async function listRemote(client: CofferClient, root: OpenNode): Promise<RemoteListing> {
  const nodes = new Map<string, RemoteNode>();
  const open = new Map<string, OpenNode>([[root.info.id, root]]);
  const paths = new Map<string, string>([[root.info.id, '']]);
  const queue: OpenNode[] = [root];
  let busy = 0;
  const workers = Array.from({ length: PARALLEL }, async () => {
    for (;;) {
      const folder = queue.shift();
      if (!folder) {
        if (busy === 0) return;
        await new Promise((resolve) => setImmediate(resolve));
        continue;
      }
      busy++;
      try {
        for (const child of await client.listOpen(folder)) {
          const id = child.info.id;
          const rel = paths.get(folder.info.id);
          const path = rel ? `${rel}/${child.meta.name}` : child.meta.name;
          open.set(id, child);
          paths.set(id, path);
          nodes.set(id, {
            id,
            parent: folder.info.id,
            name: child.meta.name,
            kind: child.kind,
            revision: child.kind === 'file' ? (child.info.revision ?? 0) : 0,
            size: child.kind === 'file' ? (child.meta.size ?? 0) : 0,
            mtime: child.kind === 'file' ? (child.meta.mtime ?? 0) : 0,
            exec: child.kind === 'file' && child.meta.exec === true,
            hash: child.kind === 'file' ? (child.meta.contentHash ?? null) : null,
          });
          if (child.kind === 'folder') queue.push(child);
        }
      } finally {
        busy--;
      }
    }
  });
  await Promise.all(workers);
  return { root: root.info.id, nodes, open, paths };
}
