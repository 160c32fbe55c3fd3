import type { CofferClient, OpenNode } from '@coffer/sdk';

/**
 * The files and folders under `root`, by path relative to it ("a/b.txt"), opened with their
 * manifests. `descend` says which folders to look into (all by default).
 */
export async function walkRemote(
  client: CofferClient,
  root: OpenNode,
  descend: (rel: string) => boolean = () => true,
): Promise<Map<string, OpenNode>> {
  const found = new Map<string, OpenNode>();
  const visit = async (folder: OpenNode, prefix: string) => {
    for (const child of await client.listOpen(folder, 'manifest')) {
      const rel = prefix + child.meta.name.normalize('NFC');
      found.set(rel, child);
      if (child.kind === 'folder' && descend(rel)) await visit(child, `${rel}/`);
    }
  };
  if (root.kind === 'folder') await visit(root, '');
  return found;
}

/**
 * A remote node's size and modification time from its encrypted metadata, as sync-plan.ts
 * compares them; a file written without them (-1) is copied, or compared by hash.
 */
export const remoteStamp = (n: OpenNode) => ({
  kind: n.kind,
  size: n.meta.size ?? -1,
  mtime: n.meta.mtime ?? -1,
});
